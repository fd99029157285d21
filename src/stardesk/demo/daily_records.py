"""The demo's daily assessment since the story's end: weekly evaluations, monitored calls and events (M1–M5, V2, E4).

What a visitor meets on the day the demo is built (timezone.localdate()):
- the last month of the story (payouts.LAST_MONTH) is told again by its
  weekly evaluations: rubric evaluations whose mean is the monthly score
  already confirmed, which now reads as computed from them (M3);
- every month after it up to today has its weeks entered by the team
  leaders, on the hotline's rubric (M2), up to last week;
- last month is being handed in (R1): every team but the first has
  confirmed its scores and handed in its register (the last team not yet),
  and the first team (login leader1) has its weeks entered but its scores
  still to confirm, so the leader can confirm and hand it in;
- the current week is left open for the first team, so leader1 enters it;
- a month between the story's end and last month (when the demo is built
  later than the story) is accepted and closed like any other (M4–M6);
- a few monitored calls a month for every team (M2);
- events: every title sanction of the story that no M6 proposal explains
  is backed by its veto, confirmed by the supervisor on the day it took
  effect (M5, V1), and the allowance line of that month names it (M4);
  last month a justified complaint lowers one of leader1's
  holders for the month (M5) and a major error cancels another team's
  month; this month a serious violation waits for the supervisor's
  confirmation and a complaint is under appeal; customer praise (V2) for
  about one agent in seventy a month; honours of this year (E4).

Computed in plain Python and saved in bulk, one query per kind of row for a
hotline; events go through events.services.events_record_many, the path of
the 奖惩事件 sheet. The demo's own audit entry per hotline stands for the rest.
"""
from __future__ import annotations

import dataclasses
import datetime
import random
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from stardesk.accounts.models import Role
from stardesk.assessment import monthly_rules
from stardesk.assessment import services as assessment
from stardesk.assessment.models import (
    EvaluationMode,
    MonitoringEvaluation,
    MonthlyScore,
    Register,
    RegisterState,
    ScoreSource,
    WeeklyEvaluation,
)
from stardesk.assessment.queries import rubric_lines, rubric_sections
from stardesk.assessment.weeks import IsoWeek, weeks_of_month
from stardesk.demo.payouts import LAST_MONTH
from stardesk.events import services as events
from stardesk.events.models import Category, Event, Sanction, SanctionDecision, SanctionStatus, Severity
from stardesk.payouts import bulk_writes, month_close
from stardesk.payouts.models import AllowanceLine, LineCause, LineStatus, LowScoreProposal, ProposalStatus
from stardesk.people.models import Person, TitleEndReason, TitleSpell
from stardesk.policy.conventions import Month, months_between
from stardesk.policy.monthly_allowance import allowance_line
from stardesk.policy.reasons import basis
from stardesk.yearly_policy.models import CyclePolicy
from stardesk.yearly_policy.person_facts import facts_of_people

BATCH = 2000
CALLS_PER_TEAM_MONTH = 2
PRAISE_SHARE = 1 / 70  # of the agents in post, each month (V2)

PRAISE = (
    "用户来电表扬：耐心解答数字电视机顶盒故障，一次解决",
    "用户送来感谢信：宽带报修后主动回访，问题当天解决",
    "用户回访时点名表扬服务态度热情、讲解清楚",
    "用户来电致谢：协助办理套餐变更，业务解释准确",
)
VETOES = {
    Category.VIOLATION: ("当班期间擅离座席超过30分钟，未按规定报备", "未经核实向用户承诺上门时间，违反服务规范"),
    Category.MAJOR_ERROR: ("工单派发地址录入错误，维修人员两次上门未果", "错误办理用户停机，造成用户断网一天"),
    Category.JUSTIFIED_COMPLAINT: ("用户投诉坐席态度生硬、推诿，经录音核实属实", "用户投诉报修后三天无人联系，经核实未及时派单"),
}
CALL_COMMENTS = ("开头语规范，业务解答准确", "语速偏快，个别术语未解释", "处理流程完整，回访记录及时", "态度热情，建议加强宽带业务知识")


@dataclasses.dataclass
class Plan:
    """What the builder decided for one hotline, before anything is saved."""

    weekly: list[dict] = dataclasses.field(default_factory=list)
    monthly: list[dict] = dataclasses.field(default_factory=list)
    registers: list[Register] = dataclasses.field(default_factory=list)
    calls: list[MonitoringEvaluation] = dataclasses.field(default_factory=list)
    converted: list[tuple] = dataclasses.field(default_factory=list)  # (weeks_count, basis, monthly score id)


def _aware(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)), timezone.get_default_timezone())


def _tenth(value: float, low: float = 0.0) -> Decimal:
    return Decimal(str(round(min(100.0, max(low, value)), 1)))


def _active_during(person, first: datetime.date, last: datetime.date) -> bool:
    """S2: in post on at least one day from `first` to `last`."""
    return person.hotline_start <= last and (person.left_on is None or person.left_on > first)


def _level_on(spells, day: datetime.date) -> int:
    return max((level for level, start, end in spells if start <= day and (end is None or end > day)), default=0)


def _marks(rng: random.Random, items: list[tuple[int, int]], score: Decimal) -> list[dict]:
    """M2: per-item deductions that add up to 100 − score (no item marked not applicable, so nothing is rescaled).

    `items` are the rubric's scored items as (id, points in tenths); one pass takes a small bite of the
    items from a random one on, a second pass takes what is left where there is room.
    """
    left = 1000 - int(score * 10)  # in tenths of a point
    if left <= 0:
        return []
    taken: dict[int, int] = {}
    start = rng.randrange(len(items))
    order = items[start:] + items[:start]  # each evaluation starts its deductions at another item
    for item_id, room in order:
        bite = min(left, room, 5 * rng.randrange(1, 5))
        taken[item_id] = bite
        left -= bite
        if left == 0:
            break
    for item_id, room in order:
        if left == 0:
            break
        more = min(left, room - taken.get(item_id, 0))
        taken[item_id] = taken.get(item_id, 0) + more
        left -= more
    return [{"item": item_id, "deduction": f"{tenths / 10:g}", "na": False, "veto": False} for item_id, tenths in sorted(taken.items()) if tenths]


def _weeks_around(rng: random.Random, score: Decimal, count: int) -> list[Decimal]:
    """`count` weekly scores whose mean is exactly `score` (M3 then confirms the same figure): pairs of ±d."""
    spread = int(min(Decimal(3), Decimal(100) - score, score) * 10)
    tenths = []
    for _ in range(count // 2):
        d = rng.randint(0, spread)
        tenths += [d, -d]
    if count % 2:
        tenths.append(0)
    rng.shuffle(tenths)
    return [score + Decimal(t) / 10 for t in tenths]


class _Hotline:
    """One hotline's people, titles and accounts, as the builder reads them."""

    def __init__(self, group, demo, today: datetime.date):
        self.demo, self.today = demo, today
        self.hotline = demo.hotline
        self.rng = group.rng("daily_records", demo)
        self.people = list(demo.people)
        self.by_team: dict[int, list] = defaultdict(list)
        for person in self.people:
            self.by_team[person.team_id].append(person)
        self.merit = {p.pk: a.merit for p, a in zip(demo.people, demo.agents)}
        self.teams = demo.teams
        self.first_team = demo.teams[0]
        self.leaders = dict(zip((t.pk for t in demo.teams), demo.accounts.get(Role.LEADER, [])))
        self.supervisor = (demo.accounts.get(Role.SUPERVISOR) or [None])[0]
        self.user_of = {u.person_id: u for u in demo.accounts.get(Role.AGENT, [])}
        self.spells: dict[int, list[tuple]] = defaultdict(list)
        for person_id, level, start, end in TitleSpell.objects.filter(person__hotline=self.hotline).values_list(
            "person_id", "level", "start", "end"
        ):
            self.spells[person_id].append((level, start, end))
        self.rubric = assessment.rubric_current(hotline=self.hotline)
        self.lines = rubric_lines(rubric_sections(self.rubric))
        self.veto_items = {line.name: line.item_id for line in self.lines if line.is_veto}
        self.items = [(line.item_id, int(line.points * 10)) for line in self.lines if not line.is_veto]
        self._entered_at: dict[IsoWeek, datetime.datetime] = {}
        self.current_week = IsoWeek.of(today)
        self.current, self.previous = Month.of(today), Month.of(today).prev()

    def entered_at(self, week: IsoWeek) -> datetime.datetime:
        """When the leaders entered a week: its Sunday evening (today's, for this week)."""
        if week not in self._entered_at:
            self._entered_at[week] = _aware(min(week.sunday, self.today), 18)
        return self._entered_at[week]

    def level(self, person, day: datetime.date) -> int:
        return _level_on(self.spells.get(person.pk, ()), day)

    def members(self, team, week: IsoWeek):
        return [p for p in self.by_team[team.pk] if _active_during(p, week.monday, week.sunday)]

    def entered(self, team, week: IsoWeek) -> bool:
        """Which weeks the leaders have entered: every week before this one; this week nobody in the first team
        (leader1 enters it), the others from Thursday on, or at once when it closes last month."""
        if week.monday > self.today:
            return False
        if week != self.current_week:
            return True
        if team.pk == self.first_team.pk:
            return False
        return week.month <= self.previous or self.today.weekday() >= 3


def _evaluation(h: _Hotline, person, team, week: IsoWeek, score: Decimal, evaluator) -> dict:
    at = h.entered_at(week)
    return {
        "person_id": person.pk, "hotline_id": h.hotline.pk, "team_id": team.pk, "rubric_id": h.rubric.pk,
        "mode": EvaluationMode.ITEMS, "marks": _marks(h.rng, h.items, score), "score": score, "veto_flagged": False,
        "comment": "", "evaluator_id": evaluator.pk if evaluator else None, "created_at": at, "updated_at": at,
        "week_start": week.monday, "iso_year": week.year, "iso_week": week.week, "month": week.month.first_day,
    }


def _convert_last_story_month(h: _Hotline, plan: Plan) -> None:
    """The story's last month, accepted with entered scores: its weeks now give the same scores (M3)."""
    month = LAST_MONTH
    weeks = weeks_of_month(month)
    by_person = {p.pk: p for p in h.people}
    rows = MonthlyScore.objects.filter(hotline=h.hotline, month=month.first_day).values_list("pk", "person_id", "team_id", "score")
    for pk, person_id, team_id, score in rows.order_by("person_id"):
        person = by_person.get(person_id)
        if person is None or score is None:
            continue
        mine = [w for w in weeks if _active_during(person, w.monday, w.sunday)]
        if not mine:
            continue  # in post on a day no week of the month holds: the entered score stays
        team = next((t for t in h.teams if t.pk == team_id), None)
        scores = _weeks_around(h.rng, score, len(mine))
        for week, value in zip(mine, scores):
            plan.weekly.append(_evaluation(h, person, team, week, value, h.leaders.get(team_id)))
        decision = monthly_rules.month_score(scores, Decimal(0))
        plan.converted.append((len(mine), monthly_rules.explain(decision), pk))


def _month_level(h: _Hotline, person, month: Month) -> float:
    """Where a person's weeks of the month centre: holders mostly at 95 or more, the others lower (as payouts)."""
    merit = h.merit.get(person.pk, 0.0)
    if h.level(person, month.last_day):
        draw = h.rng.random()
        if draw < 0.03:
            return h.rng.uniform(80, 85)
        if draw < 0.15:
            return h.rng.uniform(87, 94)
        return min(h.rng.gauss(97.4 + 0.5 * merit, 1.0), 98.8)
    return min(h.rng.gauss(90.5 + 2.2 * merit, 2.6), 98.8)


def _open_months(h: _Hotline, plan: Plan, months: list[Month]) -> dict[tuple[int, Month], list[Decimal]]:
    """Weeks entered in the months after the story, up to today; returns each person's weekly scores per month."""
    scores: dict[tuple[int, Month], list[Decimal]] = defaultdict(list)
    for month in months:
        for team in h.teams:
            leader = h.leaders.get(team.pk)
            centre: dict[int, float] = {}
            for week in weeks_of_month(month):
                if not h.entered(team, week):
                    continue
                for person in h.members(team, week):
                    if person.pk not in centre:
                        centre[person.pk] = _month_level(h, person, month)
                    value = _tenth(h.rng.gauss(centre[person.pk], 1.2), low=60)
                    plan.weekly.append(_evaluation(h, person, team, week, value, leader))
                    scores[(person.pk, month)].append(value)
    return scores


def _confirmed(h: _Hotline, plan: Plan, team, month: Month, scores, at: datetime.datetime, version) -> None:
    """M3: the leader's confirmation of the team's month, from its weeks."""
    leader = h.leaders.get(team.pk)
    for person in h.by_team[team.pk]:
        if not _active_during(person, month.first_day, month.last_day):
            continue
        weekly = scores.get((person.pk, month))
        if weekly:
            decision = monthly_rules.month_score(weekly, Decimal(0))
            values = {"weeks_count": len(weekly), "computed_score": decision.score, "score": decision.score,
                      "source": ScoreSource.COMPUTED, "basis": monthly_rules.explain(decision)}
        else:
            score = _tenth(_month_level(h, person, month))
            values = {"weeks_count": 0, "computed_score": None, "score": score, "source": ScoreSource.ENTERED,
                      "basis": f"M3: 本月无周考评，班长录入月度得分 {format(score.normalize(), 'f')}分"}
        plan.monthly.append({
            "person_id": person.pk, "hotline_id": h.hotline.pk, "team_id": team.pk, "month": month.first_day,
            "deduction": Decimal("0.0"), "policy_version": version.version if version else "",
            "confirmed_by_id": leader.pk if leader else None, "confirmed_at": at, **values,
        })


def _handed_in_at(h: _Hotline, month: Month) -> datetime.datetime | None:
    """R1: teams hand in on the 3rd of the next month at five, or earlier today if that is still to come."""
    at = min(_aware(month.next().first_day + datetime.timedelta(days=2), 17), timezone.now() - datetime.timedelta(hours=1))
    return at if timezone.localtime(at).date() > month.last_day else None


def _months(h: _Hotline, plan: Plan, policies) -> list[Month]:
    """The weeks and registers after the story; returns the months to close (accepted, M4–M6)."""
    after = months_between(LAST_MONTH.next(), h.current) if LAST_MONTH < h.current else ()
    scores = _open_months(h, plan, list(after))
    closing = []
    for month in after:
        if month >= h.previous:
            continue
        # A month between the story's end and last month: handed in and accepted like the story's.
        version = policies.get(month.year)
        at = _handed_in_at(h, month)
        for team in h.teams:
            _confirmed(h, plan, team, month, scores, at - datetime.timedelta(hours=2), version)
            plan.registers.append(Register(
                hotline=h.hotline, team=team, month=month.first_day, state=RegisterState.ACCEPTED,
                deadline=monthly_rules.register_deadline(month, version), first_submitted_at=at, submitted_at=at,
                submitted_by=h.leaders.get(team.pk), accepted_at=at + datetime.timedelta(days=3), accepted_by=h.supervisor,
            ))
        closing.append(month)
    month = h.previous
    if month > LAST_MONTH:
        version = policies.get(month.year)
        at = _handed_in_at(h, month)
        for position, team in enumerate(h.teams):
            if team.pk == h.first_team.pk:
                continue  # leader1 confirms and hands in
            _confirmed(h, plan, team, month, scores, (at or timezone.now()) - datetime.timedelta(hours=2), version)
            if at is None or (position == len(h.teams) - 1 and len(h.teams) > 2):
                continue  # confirmed, not handed in yet
            timeliness = monthly_rules.timeliness(month, timezone.localtime(at).date(), version) if version else None
            plan.registers.append(Register(
                hotline=h.hotline, team=team, month=month.first_day, state=RegisterState.SUBMITTED,
                deadline=timeliness.deadline if timeliness else None, first_submitted_at=at, submitted_at=at,
                submitted_by=h.leaders.get(team.pk), late=bool(timeliness and timeliness.late),
            ))
    return closing


def _calls(h: _Hotline, plan: Plan) -> None:
    """M2: a few recorded calls of each team a month, scored on the rubric by the leader."""
    months = months_between(LAST_MONTH, h.current)
    for month in months:
        last = min(month.last_day, h.today)
        for team in h.teams:
            members = [p for p in h.by_team[team.pk] if _active_during(p, month.first_day, last)]
            for person in h.rng.sample(members, k=min(CALLS_PER_TEAM_MONTH, len(members))):
                first = max(month.first_day, person.hotline_start)
                end = min(last, person.left_on - datetime.timedelta(days=1)) if person.left_on else last
                if end < first:
                    continue
                day = first + datetime.timedelta(days=h.rng.randrange((end - first).days + 1))
                score = _tenth(_month_level(h, person, month) + h.rng.gauss(0, 1.5), low=60)
                plan.calls.append(MonitoringEvaluation(
                    person=person, hotline=h.hotline, team=team, rubric=h.rubric, mode=EvaluationMode.ITEMS,
                    marks=_marks(h.rng, h.items, score), score=score, comment=h.rng.choice(CALL_COMMENTS),
                    evaluator=h.leaders.get(team.pk), call_no=f"LY{day:%Y%m%d}-{person.staff_no}-{h.rng.randrange(1000, 9999)}",
                    call_date=day,
                ))


# --- events (M5, V1, V2, E4) ---------------------------------------------------------------


def _story_sanctions(h: _Hotline) -> list[TitleSpell]:
    """Title spells the story ended as a sanction that no confirmed M6 proposal explains: a veto did (M5)."""
    explained = LowScoreProposal.objects.filter(hotline=h.hotline, status=ProposalStatus.CONFIRMED).values("ended_title_id")
    return list(
        TitleSpell.objects.filter(person__hotline=h.hotline, end_reason__in=(TitleEndReason.LOWERED, TitleEndReason.REVOKED))
        .exclude(pk__in=explained).select_related("person").order_by("end", "pk")
    )


def _holder(h: _Hotline, team, day: datetime.date, taken: set[int]):
    """A holder of the team in post on `day`, not already used for another event."""
    found = [p for p in h.by_team[team.pk] if p.pk not in taken and p.active_on(day) and h.level(p, day)]
    if not found:
        return None
    person = h.rng.choice(found)
    taken.add(person.pk)
    return person


def _events(h: _Hotline, plan: Plan) -> dict[str, int]:
    if h.supervisor is None:
        return {}
    rows: list[events.EventRow] = []
    title_sanctions: list[tuple[int, TitleSpell]] = []  # (row number, the spell it ended)
    special: dict[str, int] = {}

    def add(person, day, category, severity="", sanction="", description="") -> int:
        rows.append(events.EventRow(len(rows) + 1, person, day, category, severity, sanction, description))
        return len(rows)

    for spell in _story_sanctions(h):
        person = spell.person
        latest = spell.end - datetime.timedelta(days=3)
        earliest = max(spell.start + datetime.timedelta(days=1), latest - datetime.timedelta(days=10))
        if latest < earliest:
            continue
        day = earliest + datetime.timedelta(days=h.rng.randrange((latest - earliest).days + 1))
        category = h.rng.choice(tuple(VETOES))
        if spell.end_reason == TitleEndReason.REVOKED:
            severity, sanction = Severity.SEVERE, ""  # M5 default: 严重 → 取消星级
        else:
            severity, sanction = Severity.SERIOUS, Sanction.LOWER  # chosen over the default 当月取消
        number = add(person, day, category, severity, sanction, h.rng.choice(VETOES[category]) + "，情节严重")
        title_sanctions.append((number, spell))

    taken: set[int] = set()
    teams = h.teams
    # Last month: a justified complaint lowers one of leader1's holders for the month (M5 step 3).
    if h.previous > LAST_MONTH:
        week = weeks_of_month(h.previous)[1]
        day = week.monday + datetime.timedelta(days=1)
        person = _holder(h, teams[0], day, taken)
        if person is not None:
            special["month_lower"] = add(person, day, Category.JUSTIFIED_COMPLAINT, Severity.GENERAL, "", VETOES[Category.JUSTIFIED_COMPLAINT][0])
            for row in plan.weekly:
                if row["person_id"] == person.pk and row["week_start"] == week.monday:
                    row["marks"] = [*row["marks"], {"item": h.veto_items["用户有理投诉"], "deduction": "0", "na": False, "veto": True}]
                    row["veto_flagged"], row["comment"] = True, "用户有理投诉，已登记奖惩事件"
        if len(teams) > 1:
            day = h.previous.first_day + datetime.timedelta(days=14)
            person = _holder(h, teams[1], day, taken)
            if person is not None:
                special["month_cancel"] = add(person, day, Category.MAJOR_ERROR, Severity.SERIOUS, "", VETOES[Category.MAJOR_ERROR][0])
    # This month: a serious violation waits for the supervisor (M5 title sanction), a complaint is under appeal.
    day = max(h.current.first_day, h.today - datetime.timedelta(days=2))
    person = _holder(h, teams[1 % len(teams)], day, taken)
    if person is not None:
        special["pending"] = add(person, day, Category.VIOLATION, Severity.SEVERE, "", VETOES[Category.VIOLATION][0])
    person = _holder(h, teams[2 % len(teams)], day, taken)
    if person is not None:
        special["appealed"] = add(person, day, Category.JUSTIFIED_COMPLAINT, Severity.GENERAL, "", VETOES[Category.JUSTIFIED_COMPLAINT][1])

    # V2: praise, mostly of star holders, in the months after the story.
    keys = {(row.person.pk, row.date, row.category) for row in rows}
    for month in months_between(LAST_MONTH, h.current):
        last = min(month.last_day, h.today)
        in_post = [p for p in h.people if p.active_on(month.first_day) and p.active_on(last)]
        for person in h.rng.sample(in_post, k=round(len(in_post) * PRAISE_SHARE)):
            day = month.first_day + datetime.timedelta(days=h.rng.randrange((last - month.first_day).days + 1))
            if (person.pk, day, Category.PRAISE) not in keys:
                keys.add((person.pk, day, Category.PRAISE))
                add(person, day, Category.PRAISE, description=h.rng.choice(PRAISE))
    # E4: this year's honours, given in January (or today, early in January).
    honour_day = min(datetime.date(h.today.year, 1, 20), h.today)
    best = sorted((p for p in h.people if p.active_on(honour_day) and p.pk not in taken), key=lambda p: (-h.merit[p.pk], p.staff_no))
    for person, (category, text) in zip(best[:3], (
        (Category.ADVANCED_INDIVIDUAL, f"{h.today.year - 1}年度先进个人"),
        (Category.ADVANCED_INDIVIDUAL, f"{h.today.year - 1}年度先进个人"),
        (Category.COMPANY_AWARD, f"公司{h.today.year - 1}年度“服务之星”奖"),
    )):
        add(person, honour_day, category, description=text)

    outcome = events.events_record_many(actor=h.supervisor, hotline=h.hotline, rows=rows)
    by_number = {row.number: event for row, event in zip(rows, outcome.created)}

    # The story's sanctions were confirmed on the day they took effect (the title history already holds them).
    started = {(s.person_id, s.start): s for s in TitleSpell.objects.filter(
        person__hotline=h.hotline, start__in={spell.end for _n, spell in title_sanctions})}
    confirmed, decisions = [], []
    for number, spell in title_sanctions:
        event = by_number[number]
        event.sanction_status, event.effective_on = SanctionStatus.CONFIRMED, spell.end
        confirmed.append(event)
        lower = started.get((spell.person_id, spell.end)) if spell.end_reason == TitleEndReason.LOWERED else None
        outcome_text = (f"{spell.level}星降为{lower.level}星" if lower else f"取消{spell.level}星") + f"，自 {spell.end} 起至下次授牌"
        decisions.append(SanctionDecision(
            event=event, outcome=SanctionStatus.CONFIRMED, decided_by=h.supervisor, decided_by_name=str(h.supervisor),
            reason="经核实，按一票否决处理", effective_on=spell.end, ended_title=spell, started_title=lower,
            title_outcome=f"M5: {outcome_text}",
        ))
    Event.objects.bulk_update(confirmed, ["sanction_status", "effective_on"], batch_size=BATCH)
    _restate_sanction_months(h, confirmed)
    SanctionDecision.objects.bulk_create(decisions, batch_size=BATCH)
    for decision in decisions:
        decision.decided_at = _aware(decision.effective_on, 10)
    SanctionDecision.objects.bulk_update(decisions, ["decided_at"], batch_size=BATCH)

    appealed = by_number.get(special.get("appealed"))
    if appealed is not None and appealed.person_id in h.user_of:
        events.appeal_file(actor=h.user_of[appealed.person_id], event=appealed,
                           reason="通话中用户情绪激动，本人已按流程解释，投诉内容与录音不符，申请复核")
    counts = {"events": len(outcome.created), "confirmed_title_sanctions": len(confirmed)}
    for name, number in special.items():
        counts[f"event_{name}"] = 1 if number in by_number else 0
    return counts


def _policies(h: _Hotline) -> dict:
    """P1: the hotline's policy of each year (yearly_policies writes one up to this year)."""
    years = CyclePolicy.objects.filter(hotline=h.hotline).values_list("year", flat=True)
    return {year: monthly_rules.policy_for(h.hotline, Month(year, 1)) for year in years}


def _restate_sanction_months(h: _Hotline, confirmed: list[Event]) -> None:
    """M4: the story's line of the month a sanction took effect was written before its veto was on file; it now
    names the confirmed M5 sanction, as a close of that month computes (the level on the last day is unchanged)."""
    people_of: dict[Month, set[int]] = defaultdict(set)
    for event in confirmed:
        people_of[Month.of(event.effective_on)].add(event.person_id)
    for month, ids in sorted(people_of.items()):
        version = monthly_rules.policy_for(h.hotline, month)
        if version is None:
            continue
        found = facts_of_people(Person.objects.filter(pk__in=ids), year=month.year, hotline=h.hotline,
                                scores_between=(month.first_day, month.first_day))
        for person_id in sorted(ids):
            person = found.by_person[person_id]
            june = found.june.get(person.staff_no)
            decision = allowance_line(
                person.staff_no, person.titles, month, person.scores_by_month().get(month), person.events,
                june.score if june is not None and june.year == month.year else None, version.policy,
            )
            if decision is None:
                continue
            AllowanceLine.objects.filter(person_id=person_id, month=month.first_day, is_current=True).update(
                level=decision.level, treatment_level=decision.treatment_level, paid_level=decision.paid_level,
                score=decision.score, base=decision.base, rate=decision.rate, amount=decision.amount,
                status=LineStatus.PENDING if decision.pending else LineStatus.DECIDED, basis=basis(decision),
            )


# --- the builder ---------------------------------------------------------------------


def build_hotline(group, demo, today: datetime.date) -> dict[str, int]:
    h = _Hotline(group, demo, today)
    policies = _policies(h)
    plan = Plan()
    _convert_last_story_month(h, plan)
    closing = _months(h, plan, policies)
    _calls(h, plan)
    counts = _events(h, plan)

    if plan.weekly:
        h.rubric.frozen_at = min(row["created_at"] for row in plan.weekly)  # M2: used, so frozen
        h.rubric.save(update_fields=["frozen_at"])
    bulk_writes.insert_rows(WeeklyEvaluation, plan.weekly, batch_size=BATCH)
    bulk_writes.insert_rows(MonthlyScore, plan.monthly, batch_size=BATCH)
    Register.objects.bulk_create(plan.registers, batch_size=BATCH)
    MonitoringEvaluation.objects.bulk_create(plan.calls, batch_size=BATCH)
    if plan.converted:
        table = connection.ops.quote_name(MonthlyScore._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET computed_score = score, weeks_count = %s, source = '{ScoreSource.COMPUTED.value}', basis = %s WHERE id = %s",
                plan.converted,
            )
    for month in closing:
        month_close.close_month(actor=h.supervisor, hotline=h.hotline, month=month, cause=LineCause.DEMO)
    counts.update({
        "weekly_evaluations": len(plan.weekly),
        "monitoring_evaluations": len(plan.calls),
        "open_monthly_scores": len(plan.monthly),
        "open_registers": len(plan.registers),
    })
    return counts


def build_daily_records(group) -> None:
    """The demo generator's builder (hotline_builder.BUILDERS): every hotline's recent weeks, calls and events."""
    today = timezone.localdate()
    for demo in group.hotlines:
        group.counts.update(build_hotline(group, demo, today))
