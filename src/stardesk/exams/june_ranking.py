"""The June comprehensive exam (J1–J4): ranks, second-half coefficients and the J3 adjustments.

The rules are policy.june_exam's; this module feeds them the released June
results of a hotline's year and stores what they decide:
- J1: everyone with a released 年中综合 result of year Y is ranked; where
  someone sat twice the later sitting counts; competition ranks (E7: 1, 2, 2, 4);
- J2: everyone in scope (active on the J3 publication date, or ranked) gets a
  second-half coefficient, or none with the reason when they did not sit;
- J3: the star treatment lowered (or cancelled) for July–December at a low
  score, and a holder whose rank no longer allows the level moved down on the
  publication date. These are proposals: the supervisor confirms or rejects
  each; confirming a move records it in the title history (reason 名次调整).
  A move the title history already shows is recorded as confirmed.

Compute first (``plan_ranking``: no writes, and the regrade's dry run uses
it with changed scores), then ``june_ranking_compute`` stores it. One query
per kind of row for the whole hotline.
"""
from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from stardesk.accounts import permissions
from stardesk.audit import services as audit
from stardesk.core.errors import DomainError
from stardesk.exams import result_actions  # noqa: F401  (audit labels)
from stardesk.exams.models import AdjustmentStatus, JuneRanking, JuneStanding, SittingKind, SittingResult
from stardesk.people.models import Hotline, Person, TitleEndReason, TitleSpell
from stardesk.policy import facts
from stardesk.policy.conventions import Month
from stardesk.policy.june_exam import (
    SECOND_HALF,
    CoefficientDecision,
    JuneAdjustment,
    JuneResult,
    june_adjustment,
    june_results,
    second_half_coefficient,
)
from stardesk.policy.people import change_applied, held_during
from stardesk.policy.reasons import basis
from stardesk.policy.yearly import LowerOrCancel

SYSTEM = None


def june_result_rows(hotline, year: int):
    """The released June results of the hotline whose sitting was in ``year`` (later sittings last)."""
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    return (
        SittingResult.objects.filter(sitting__hotline=hotline, sitting__kind=SittingKind.JUNE, released_at__isnull=False,
                                     sitting__opens_at__gte=start, sitting__opens_at__lt=end)
        .select_related("sitting", "person")
        .order_by("sitting__opens_at", "sitting_id", "pk")
    )


def june_results_for(hotline, year: int, *, overrides: dict[int, Decimal | None] | None = None
                     ) -> tuple[dict[str, JuneResult], dict[str, SittingResult]]:
    """J1: the counting June result of everyone with a released June score of ``year``, by 工号, and the
    stored result each one counts. ``overrides`` replaces some results' scores ({result id: score})."""
    overrides = overrides or {}
    by_person: dict[int, list[SittingResult]] = defaultdict(list)
    people: dict[int, Person] = {}
    for row in june_result_rows(hotline, year):
        if row.pk in overrides:
            row.score = overrides[row.pk]
        by_person[row.person_id].append(row)
        people[row.person_id] = row.person
    rows_facts = []
    for person_id, rows in by_person.items():
        person = people[person_id]
        rows_facts.append(facts.PersonFacts(
            staff_no=person.staff_no, hotline_start=person.hotline_start, job_type=person.job_type,
            job_type_start=person.job_type_start,
            exams=tuple(facts.ExamResult(facts.ExamKind.JUNE, r.sitting.exam_date, score=r.score, name=r.sitting.name) for r in rows),
        ))
    results = june_results(rows_facts, year)
    counting: dict[str, SittingResult] = {}
    for person_id, rows in by_person.items():
        found = results.get(people[person_id].staff_no)
        if found is not None:
            # J1: on the counting day, the one recorded last (the same choice june_sitting makes).
            counting[found.staff_no] = [r for r in rows if r.sitting.exam_date == found.sat_on and r.score is not None][-1]
    return results, counting


@dataclass
class PlannedStanding:
    person: Person
    result: JuneResult | None
    counted: SittingResult | None
    coefficient: CoefficientDecision
    adjustment: JuneAdjustment
    already_applied: bool

    @property
    def treatment(self) -> str:
        return str(self.adjustment.treatment) if self.adjustment.treatment is not None else ""

    @property
    def proposes(self) -> bool:
        return self.adjustment.treatment is not None or self.adjustment.title_change is not None

    def change_fields(self) -> dict:
        change = self.adjustment.title_change
        return {
            "treatment": self.treatment,
            "job_type": change.job_type if change else "",
            "level_before": change.level_before if change else None,
            "level_after": change.level_after if change else None,
            "change_on": change.effective_on if change else None,
        }


@dataclass
class RankingPlan:
    hotline: Hotline
    year: int
    policy_version: str
    ranked_count: int
    lines: list[PlannedStanding]

    def by_person(self) -> dict[int, PlannedStanding]:
        return {line.person.pk: line for line in self.lines}


def _policy(hotline, year: int):
    from stardesk.yearly_policy.queries import cycle_policy

    return cycle_policy(hotline, year)


def plan_ranking(hotline: Hotline, year: int, *, overrides: dict[int, Decimal | None] | None = None) -> RankingPlan:
    """J1–J3 for the hotline's year, computed and not stored."""
    from stardesk.yearly_policy.person_facts import facts_of_people

    found = _policy(hotline, year)
    policy = found.policy
    results, counting = june_results_for(hotline, year, overrides=overrides)
    published = policy.j3_results_published.in_year(year)
    people = (
        Person.objects.filter(hotline=hotline)
        .filter(Q(pk__in=Person.objects.filter(hotline=hotline).active_on(published).values("pk"))
                | Q(staff_no__in=list(results)))
        .select_related("team", "hotline")
        .order_by("staff_no", "pk")
    )
    by_pk = {person.pk: person for person in people}
    recorded = facts_of_people(people)
    lines = []
    for person_id, person_facts in recorded.by_person.items():
        result = results.get(person_facts.staff_no)
        coefficient = second_half_coefficient(person_facts.staff_no, year, result, policy)
        adjustment = june_adjustment(person_facts.staff_no, _before_rank_move(person_facts.titles, published), result, year, policy)
        if adjustment.treatment is not None and not any(held_during(person_facts.titles, Month(year, m)) for m in SECOND_HALF):
            # J3 lowers a star holder's treatment: someone holding no title in July–December has none to lower.
            adjustment = dataclasses.replace(adjustment, treatment=None, reasons=adjustment.reasons[1:])
        applied = adjustment.title_change is not None and change_applied(person_facts.titles, adjustment.title_change)
        lines.append(PlannedStanding(by_pk[person_id], result, counting.get(person_facts.staff_no), coefficient, adjustment, applied))
    lines.sort(key=lambda line: (line.result is None, line.result.rank if line.result else 0, line.person.staff_no))
    return RankingPlan(hotline, year, found.version, len(results), lines)


def _before_rank_move(titles: tuple[facts.TitleSpell, ...], day: datetime.date) -> tuple[facts.TitleSpell, ...]:
    """The history as it stood before a 名次调整 on ``day`` already recorded (imported or confirmed earlier),
    so the J3 proposal is computed once more and recognised as applied rather than vanishing."""
    ended = [t for t in titles if t.end == day and t.end_reason is facts.EndReason.RANK_ADJUSTMENT]
    if not ended:
        return titles
    kept = list(titles)
    for old in ended:
        follower = next((t for t in kept if t.job_type == old.job_type and t.start == day and t.level < old.level), None)
        kept.remove(old)
        if follower is not None:
            kept.remove(follower)
            kept.append(facts.TitleSpell(old.level, old.job_type, old.start, follower.end, follower.end_reason))
        else:
            kept.append(facts.TitleSpell(old.level, old.job_type, old.start, None, None))
    return tuple(sorted(kept, key=lambda t: (t.start, t.level)))


def _adjustment_text(line: PlannedStanding) -> str:
    return basis(line.adjustment)


def describe_treatment(treatment: str, level_before, level_after, change_on) -> str:
    """待遇调整 as a payroll clerk reads it."""
    parts = []
    if treatment == LowerOrCancel.LOWER:
        parts.append(_("7–12月星级待遇降一级"))
    elif treatment == LowerOrCancel.CANCEL:
        parts.append(_("7–12月星级待遇取消"))
    if level_after is not None:
        parts.append(_("%(d)s 起 %(a)s星 → %(b)s星（名次调整）") % {"d": change_on.isoformat() if change_on else "", "a": level_before, "b": level_after})
    return "；".join(str(p) for p in parts)


@transaction.atomic
def june_ranking_compute(*, actor, hotline: Hotline, year: int) -> JuneRanking:
    """Store the hotline's June ranking of ``year``: ranks, coefficients (J2) and J3 proposals, each with its 依据.

    Recomputing keeps every decision whose proposal did not change; a changed
    proposal goes back to the supervisor (a move already confirmed is not undone:
    its row says so).
    """
    if actor is not SYSTEM:
        permissions.require(actor, "exams.results")
        permissions.require_hotline(actor, hotline)
    hotline = Hotline.objects.select_for_update().get(pk=hotline.pk)  # one computation at a time per hotline
    plan = plan_ranking(hotline, year)
    if not plan.ranked_count:
        raise DomainError("june_no_results", _("%(y)s 年还没有已公布的年中综合考试成绩，无法排名（J1）。") % {"y": year})
    return store_ranking(actor, plan)


def store_ranking(actor, plan: RankingPlan, *, logged: bool = True) -> JuneRanking:
    """Write a computed plan (in the caller's transaction): the ranking row, every standing, and (``logged``) one
    audit entry; the demo generator writes its own single entry per hotline instead."""
    now = timezone.now()
    ranking, created = JuneRanking.objects.get_or_create(hotline=plan.hotline, year=plan.year)
    ranking.ranked_count, ranking.policy_version, ranking.computed_at = plan.ranked_count, plan.policy_version, now
    ranking.computed_by = actor if actor is not None and actor.pk else None
    ranking.computed_by_name = str(actor) if actor is not None else "系统"
    ranking.save()
    stored = {s.person_id: s for s in JuneStanding.objects.filter(ranking=ranking)}
    new, changed = [], []
    proposals = 0
    for line in plan.lines:
        standing = stored.pop(line.person.pk, None)
        fields = line.change_fields()
        if standing is None:
            standing = JuneStanding(ranking=ranking, person=line.person)
            new.append(standing)
            same_proposal = False
        else:
            changed.append(standing)
            same_proposal = all(getattr(standing, k) == v for k, v in fields.items())
        standing.result = line.counted
        standing.sittings = line.result.sittings if line.result else 0
        standing.score = line.result.score if line.result else None
        standing.rank = line.result.rank if line.result else None
        standing.coefficient = line.coefficient.coefficient
        standing.coefficient_basis = basis(line.coefficient)
        standing.policy_version = plan.policy_version
        for name, value in fields.items():
            setattr(standing, name, value)
        note = ""
        if not same_proposal and standing.adjustment_status in (AdjustmentStatus.CONFIRMED, AdjustmentStatus.REJECTED):
            if standing.started_title_id or standing.ended_title_id:
                note = str(_("重新计算后建议已变化；此前确认的星级调整已记入星级记录，如需撤回请在星级记录中更正。"))
            standing.decided_at, standing.decided_by, standing.decided_by_name, standing.decision_reason = None, None, "", ""
        standing.adjustment_basis = "；".join(part for part in (_adjustment_text(line), note) if part)
        if not same_proposal:
            if not line.proposes:
                standing.adjustment_status = AdjustmentStatus.NONE
            elif line.already_applied:
                standing.adjustment_status = AdjustmentStatus.CONFIRMED
                standing.decided_at, standing.decided_by_name = now, "系统"
                standing.decision_reason = str(_("星级记录中已有该名次调整"))
            else:
                standing.adjustment_status = AdjustmentStatus.PROPOSED
        if standing.adjustment_status == AdjustmentStatus.PROPOSED:
            proposals += 1
    JuneStanding.objects.bulk_create(new, batch_size=1000)
    JuneStanding.objects.bulk_update(changed, [
        "result", "sittings", "score", "rank", "coefficient", "coefficient_basis", "treatment", "job_type", "level_before",
        "level_after", "change_on", "adjustment_basis", "adjustment_status", "decided_at", "decided_by", "decided_by_name",
        "decision_reason", "policy_version",
    ], batch_size=1000)
    if stored:
        JuneStanding.objects.filter(pk__in=[s.pk for s in stored.values()]).delete()
    if not logged:
        return ranking
    audit.record(
        actor=actor, action="june.compute", target=ranking, hotline=plan.hotline,
        changes={"ranked_count": [None, plan.ranked_count], "people": [None, len(plan.lines)], "proposals": [None, proposals]},
        note=_("%(y)s 年：%(n)s 人参加排名，%(p)s 人有系数，%(a)s 条调整待确认（政策 %(v)s）") % {
            "y": plan.year, "n": plan.ranked_count, "p": sum(1 for line in plan.lines if line.coefficient.coefficient is not None),
            "a": proposals, "v": plan.policy_version},
    )
    return ranking


def recompute_if_stored(*, actor, hotline, year: int) -> JuneRanking | None:
    """After a regrade: a stored ranking is brought up to date (in the caller's transaction)."""
    if not JuneRanking.objects.filter(hotline=hotline, year=year).exists():
        return None
    plan = plan_ranking(hotline, year)
    return store_ranking(actor, plan)


# --- J3 decisions ------------------------------------------------------------------------------------


def _locked_standing(actor, standing: JuneStanding) -> JuneStanding:
    permissions.require(actor, "exams.june_decide")
    standing = JuneStanding.objects.select_for_update(of=("self",)).select_related("ranking", "ranking__hotline", "person").get(pk=standing.pk)
    permissions.require_hotline(actor, standing.ranking.hotline)
    if standing.adjustment_status != AdjustmentStatus.PROPOSED:
        raise DomainError("june_not_proposed")
    return standing


def _move_title(actor, standing: JuneStanding) -> tuple[TitleSpell, TitleSpell]:
    """J3: the title held on the publication date ends there (名次调整); the allowed level starts that day
    and keeps the old end (it holds until the next award)."""
    day = standing.change_on
    held = (
        TitleSpell.objects.select_for_update()
        .filter(person=standing.person, job_type=standing.job_type, level=standing.level_before, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gt=day))
        .first()
    )
    if held is None:
        raise DomainError("june_not_proposed", _("%(d)s 该人员已不再持有%(l)s星（星级记录已变化），请重新计算排名。") % {
            "d": day.isoformat(), "l": standing.level_before})
    if held.start == day:
        raise DomainError("title_change_same_day")
    note = _("年中综合考试名次调整（J3）：%(y)s 年第 %(r)s 名") % {"y": standing.ranking.year, "r": standing.rank or "—"}
    before = audit.snapshot(held)
    old_end, old_reason = held.end, held.end_reason
    held.end, held.end_reason = day, TitleEndReason.RANK_ADJUSTMENT
    held.save(update_fields=["end", "end_reason"])
    audit.record(actor=actor, action="title.end", target=held, hotline=standing.ranking.hotline,
                 changes=audit.changes_between(before, audit.snapshot(held)), note=note)
    started = TitleSpell.objects.create(person=standing.person, level=standing.level_after, job_type=held.job_type, start=day,
                                        end=old_end, end_reason=old_reason)
    audit.record(actor=actor, action="title.add", target=started, hotline=standing.ranking.hotline,
                 changes=audit.changes_between({}, audit.snapshot(started)), note=note)
    return held, started


@transaction.atomic
def june_adjustment_confirm(*, actor, standing: JuneStanding, reason: str = "") -> JuneStanding:
    """The supervisor confirms a J3 proposal: a rank move is recorded in the title history from the publication date."""
    standing = _locked_standing(actor, standing)
    if standing.level_after is not None:
        standing.ended_title, standing.started_title = _move_title(actor, standing)
    standing.adjustment_status = AdjustmentStatus.CONFIRMED
    standing.decided_at, standing.decided_by, standing.decided_by_name = timezone.now(), actor, str(actor)
    standing.decision_reason = (reason or "").strip()[:1000]
    standing.save()
    audit.record(actor=actor, action="june.confirm", target=standing, hotline=standing.ranking.hotline,
                 changes={"adjustment_status": [str(AdjustmentStatus.PROPOSED.label), str(AdjustmentStatus.CONFIRMED.label)]},
                 note="；".join(p for p in (describe_treatment(standing.treatment, standing.level_before, standing.level_after, standing.change_on),
                                           standing.decision_reason) if p))
    return standing


@transaction.atomic
def june_adjustment_reject(*, actor, standing: JuneStanding, reason: str) -> JuneStanding:
    """The supervisor rejects a J3 proposal, with a reason; nothing else changes."""
    standing = _locked_standing(actor, standing)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("june_reason_required", details=[{"field": "reason", "message": str(_("请填写驳回理由"))}])
    standing.adjustment_status = AdjustmentStatus.REJECTED
    standing.decided_at, standing.decided_by, standing.decided_by_name = timezone.now(), actor, str(actor)
    standing.decision_reason = reason[:1000]
    standing.save()
    audit.record(actor=actor, action="june.reject", target=standing, hotline=standing.ranking.hotline,
                 changes={"adjustment_status": [str(AdjustmentStatus.PROPOSED.label), str(AdjustmentStatus.REJECTED.label)]},
                 note=reason)
    return standing


# --- the 下半年奖金系数 export (workbook.md) ----------------------------------------------------------

COEFFICIENT_HEADERS = ("工号", "姓名", "年中综合成绩", "名次", "系数", "待遇调整", "依据")
COEFFICIENT_KINDS = ("staff_no", "text", "number", "number", "number", "text", "text")


def coefficient_rows(ranking: JuneRanking):
    """One row per person: the coefficient as a number (1.3 = 130%), the adjustment with its state, the 依据."""
    standings = ranking.standings.select_related("person").order_by("rank", "person__staff_no")
    for s in standings.iterator(chunk_size=2000):
        adjustment = describe_treatment(s.treatment, s.level_before, s.level_after, s.change_on)
        if adjustment:
            adjustment = f"{adjustment}（{s.get_adjustment_status_display()}）"
        yield [
            s.person.staff_no, s.person.name, s.score, s.rank,
            s.coefficient.normalize() if s.coefficient is not None else None,
            adjustment, "；".join(p for p in (s.coefficient_basis, s.adjustment_basis) if p),
        ]
