"""People's facts as the rules read them (policy.facts.PersonFacts), built from the database.

Only what the product records is used; every other kind of fact is listed in
`not_recorded` with the rules it feeds, so a page can say "尚未录入" instead
of reading an empty list as "did not sit the exam". Later features add their
facts here (monitoring, exams, the June ranking): fill the field in
`_facts_of` and drop the entry from NOT_YET_RECORDED.

Two ways in, one way of building: `person_facts(person)` for one person's
page, and `facts_of_people(people)` for a whole hotline (eligibility of every
application of a cycle, the recommendation order): one query per kind of fact
whatever the number of people (20,000 agents), then plain Python.
"""
import datetime
from collections import defaultdict, namedtuple
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from stardesk.assessment.models import MonitoringEvaluation, MonthlyScore
from stardesk.events.models import Event
from stardesk.events.queries import as_facts
from stardesk.people.models import EmploymentType, Person, TitleEndReason, TitleSpell
from stardesk.policy import facts
from stardesk.policy.conventions import Month
from stardesk.policy.june_exam import JuneResult


@dataclass(frozen=True)
class NotRecorded:
    """A kind of fact the product does not hold yet, and the rules that read it."""

    what: str
    rules: tuple[str, ...]


# Exam results (X2–X4) and the June ranking (J1, E7) are recorded: released SittingResult rows, online or
# entered from the 考试成绩 sheet. Nothing the rules read is missing any more.
NOT_YET_RECORDED: tuple[NotRecorded, ...] = ()


def june_results_recorded() -> bool:
    """Whether the product holds the June comprehensive exam results (J1) that the E7 gate reads."""
    return not any("E7" in kind.rules for kind in NOT_YET_RECORDED)


@dataclass(frozen=True)
class RecordedFacts:
    facts: facts.PersonFacts
    june: JuneResult | None
    not_recorded: tuple[NotRecorded, ...]

    @property
    def unknown_rules(self) -> frozenset[str]:
        return frozenset(rule for kind in self.not_recorded for rule in kind.rules)


@dataclass(frozen=True)
class PeopleFacts:
    """The facts of many people at once: by person id, with the June results (J1) by 工号."""

    by_person: dict[int, facts.PersonFacts]
    june: dict[str, JuneResult]
    not_recorded: tuple[NotRecorded, ...]

    @property
    def unknown_rules(self) -> frozenset[str]:
        return frozenset(rule for kind in self.not_recorded for rule in kind.rules)

    def june_recorded(self) -> bool:
        return "E7" not in self.unknown_rules

    def recorded(self, person_id: int) -> RecordedFacts:
        found = self.by_person[person_id]
        return RecordedFacts(found, self.june.get(found.staff_no), self.not_recorded)


_END_REASONS = {value: facts.EndReason[TitleEndReason(value).name] for value in TitleEndReason.values}
_EMPLOYMENT = {value: facts.Employment[EmploymentType(value).name] for value in EmploymentType.values}


def _spell(spell: TitleSpell) -> facts.TitleSpell:
    return facts.TitleSpell(
        level=spell.level,
        job_type=spell.job_type,
        start=spell.start,
        end=spell.end,
        end_reason=_END_REASONS[spell.end_reason] if spell.end_reason else None,
    )


def title_spells(person: Person) -> tuple[facts.TitleSpell, ...]:
    """S4: the person's whole title history (ended spells included, E6 reads them)."""
    return tuple(_spell(spell) for spell in person.titles.order_by("start", "pk"))


def counting_events(person: Person) -> tuple[facts.Event, ...]:
    """M5/V1/V2/E4: the person's events that count (not overturned; title sanctions once confirmed)."""
    return as_facts(Event.objects.filter(person=person).counting().order_by("date", "pk"))


def _monitoring(evaluation) -> facts.MonitoringScore:
    """M2: a call-monitoring evaluation (entered on the page or imported from 监听评分), as X5 reads it."""
    return facts.MonitoringScore(on=evaluation.call_date, score=evaluation.score, recording=evaluation.call_no)


def _exam_result(result) -> facts.ExamResult:
    """X2/J1: a released exam result (online or from the 考试成绩 sheet) as the rules read it."""
    sitting = result.sitting
    return facts.ExamResult(sitting.exam_kind, sitting.exam_date, score=result.score,
                            knowledge=result.knowledge_score, skills=result.skills_score, name=sitting.name)


def _exam_results(where: dict) -> dict[int, list[facts.ExamResult]]:
    """Released exam results by person id, oldest sitting first (one query). Unreleased results do not count (X6)."""
    from stardesk.exams.models import SittingResult

    found = defaultdict(list)
    rows = SittingResult.objects.filter(**where, released_at__isnull=False).select_related("sitting")
    for result in rows.order_by("sitting__opens_at", "sitting_id", "pk"):
        found[result.person_id].append(_exam_result(result))
    return found


# What _facts_of reads of a person, read as plain values for many people at once (no model rows: 20,000
# people load in a fraction of the time).
_PersonRow = namedtuple(
    "_PersonRow",
    "pk staff_no name hotline_code team_name employment_type hotline_start job_type job_type_start left_on",
)
_ROW_FIELDS = ("pk", "staff_no", "name", "hotline__code", "team__name", "employment_type", "hotline_start", "job_type",
               "job_type_start", "left_on")


def _row_of(person: Person) -> _PersonRow:
    return _PersonRow(
        person.pk, person.staff_no, person.name, person.hotline.code, person.team.name if person.team_id else "",
        person.employment_type, person.hotline_start, person.job_type, person.job_type_start, person.left_on,
    )


def _facts_of(person: Person | _PersonRow, titles, events, scores, monitoring=(), exams=()) -> facts.PersonFacts:
    if not isinstance(person, _PersonRow):
        person = _row_of(person)
    return facts.PersonFacts(
        staff_no=person.staff_no,
        name=person.name,
        hotline=person.hotline_code,
        team=person.team_name or "",
        employment=_EMPLOYMENT[person.employment_type],
        hotline_start=person.hotline_start,
        job_type=person.job_type,
        job_type_start=person.job_type_start,
        left_on=person.left_on,
        titles=tuple(titles),
        events=tuple(events),
        monthly_scores=tuple(scores),
        monitoring=tuple(monitoring),
        exams=tuple(exams),
    )


def _confirmed_scores(scores: QuerySet) -> QuerySet:
    """M3: the monthly scores the later rules read: confirmed by the team leader (M7 reads these)."""
    return scores.filter(confirmed_at__isnull=False, score__isnull=False)


def person_facts(person: Person, *, june_year: int | None = None) -> RecordedFacts:
    """Everything recorded about `person` that the rules read (S2, S4, E4, E6, M2, M3, X2–X4), with their
    June result (J1) of `june_year` (default: this year, Asia/Shanghai)."""
    scores = _confirmed_scores(MonthlyScore.objects.filter(person=person)).order_by("month")
    monitoring = MonitoringEvaluation.objects.filter(person=person).order_by("call_date", "pk")
    found = _facts_of(
        person,
        title_spells(person),
        counting_events(person),
        (facts.MonthlyScore(Month.of(s.month), s.score) for s in scores),
        (_monitoring(m) for m in monitoring),
        _exam_results({"person": person}).get(person.pk, ()),
    )
    year = june_year if june_year is not None else timezone.localdate().year
    june = june_results_of(person.hotline_id, year).get(person.staff_no)
    return RecordedFacts(found, june, NOT_YET_RECORDED)


def _people_filter(people: QuerySet | Iterable[Person]) -> dict:
    if isinstance(people, QuerySet):
        return {"person__in": people.order_by().values("pk")}
    return {"person_id__in": [p.pk for p in people]}


def june_results_of(hotline, year: int) -> dict[str, JuneResult]:
    """J1: the counting June results of the hotline's people for `year`, by 工号: ranks among everyone with a
    released June score of that year (the later sitting counts). Nobody else is ranked (E7: not ranked)."""
    from stardesk.exams.june_ranking import june_results_for

    return june_results_for(hotline, year)[0]


def facts_of_people(
    people: QuerySet | Iterable[Person],
    *,
    year: int | None = None,
    hotline=None,
    scores_between: tuple[datetime.date, datetime.date] | None = None,
    monitoring_between: tuple[datetime.date, datetime.date] | None = None,
) -> PeopleFacts:
    """The facts of every person in `people` (one hotline's): one query per kind of fact.

    `scores_between` (first and last day) loads the confirmed monthly scores
    of those months (M7); without it no scores are read. `monitoring_between`
    (first and last day) loads the call-monitoring scores of those days (M2,
    X5); without it none are read. `year` with
    `hotline` reads the June results of that year (J1, E7).
    """
    if isinstance(people, QuerySet):
        rows = [_PersonRow._make(values) for values in people.values_list(*_ROW_FIELDS)]
    else:
        rows = list(people)
    where = _people_filter(people if isinstance(people, QuerySet) else rows)
    titles = defaultdict(list)
    spells = TitleSpell.objects.filter(**where).order_by("person_id", "start", "pk")
    for person_id, level, job_type, start, end, end_reason in spells.values_list(
        "person_id", "level", "job_type", "start", "end", "end_reason"
    ):
        titles[person_id].append(facts.TitleSpell(level, job_type, start, end, _END_REASONS[end_reason] if end_reason else None))
    events = defaultdict(list)
    for event in Event.objects.filter(**where).counting().order_by("date", "pk"):
        events[event.person_id].append(event)
    scores = defaultdict(list)
    if scores_between is not None:
        first, last = scores_between
        found = _confirmed_scores(MonthlyScore.objects.filter(**where, month__gte=first, month__lte=last))
        for person_id, month, score in found.order_by("month").values_list("person_id", "month", "score"):
            scores[person_id].append(facts.MonthlyScore(Month.of(month), score))
    exams = _exam_results(where)
    monitoring = defaultdict(list)
    if monitoring_between is not None:
        first, last = monitoring_between
        found = MonitoringEvaluation.objects.filter(**where, call_date__gte=first, call_date__lte=last)
        for evaluation in found.order_by("call_date", "pk").only("person_id", "call_date", "score", "call_no"):
            monitoring[evaluation.person_id].append(_monitoring(evaluation))
    by_person = {
        person.pk: _facts_of(
            person,
            titles.get(person.pk, ()),
            as_facts(events.get(person.pk, ())),
            scores.get(person.pk, ()),
            monitoring.get(person.pk, ()),
            exams.get(person.pk, ()),
        )
        for person in rows
    }
    june = june_results_of(hotline, year) if (hotline is not None and year is not None) else {}
    return PeopleFacts(by_person, june, NOT_YET_RECORDED)
