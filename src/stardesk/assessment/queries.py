"""Reading the daily assessment for pages: a constant number of queries per page, whatever the team size."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, TextChoices
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stardesk.accounts import permissions
from stardesk.assessment import monthly_rules
from stardesk.assessment.models import (
    MonitoringEvaluation,
    MonthlyScore,
    Register,
    RegisterState,
    Rubric,
    RubricItem,
    RubricSection,
    ScoreCorrection,
    WeeklyEvaluation,
)
from stardesk.assessment.rubric_scoring import RubricLine
from stardesk.assessment.weeks import IsoWeek, weeks_of_month
from stardesk.audit import queries as audit_queries
from stardesk.people.models import Person, Team
from stardesk.people.queries import current_level
from stardesk.policy.conventions import Month


def can_read_assessment(user) -> bool:
    return permissions.has(user, "assessment.view_all") or permissions.has(user, "assessment.view_team")


def teams_readable(user) -> QuerySet:
    """Teams whose assessment the user reads: a leader their own, supervisor and committee the hotline's."""
    if not can_read_assessment(user):
        return Team.objects.none()
    return permissions.teams_visible_to(user).select_related("leader", "hotline").order_by("hotline__name", "name")


def team_for(user, pk) -> Team:
    """Team.DoesNotExist (a 404) when the user may not read it: another leader's team looks absent."""
    return teams_readable(user).get(pk=pk)


def person_for(user, pk) -> Person:
    """A person whose assessment the user reads: agents only themselves (T2)."""
    return permissions.people_visible_to(user).select_related("team", "team__leader", "hotline").get(pk=pk)


# --- rubric -------------------------------------------------------------------


def rubrics_of(hotline) -> QuerySet:
    return Rubric.objects.filter(hotline=hotline).select_related("created_by").order_by("-version")


def rubric_for(user, pk) -> Rubric:
    if not permissions.has(user, "assessment.rubric_view"):
        raise Rubric.DoesNotExist
    return Rubric.objects.filter(hotline__in=permissions.hotlines_visible_to(user)).select_related("hotline").get(pk=pk)


def rubric_sections(rubric: Rubric) -> list[RubricSection]:
    """Sections in order, each with `.item_list` in order: two queries."""
    items = RubricItem.objects.order_by("position", "id")
    return list(
        rubric.sections.order_by("position", "id").prefetch_related(Prefetch("items", queryset=items, to_attr="item_list"))
    )


def rubric_lines(sections: list[RubricSection]) -> list[RubricLine]:
    return [
        RubricLine(item_id=i.pk, name=i.name, points=i.points, allows_na=i.allows_na, is_veto=i.is_veto)
        for s in sections
        for i in s.item_list
    ]


def rubric_total(sections: list[RubricSection]) -> Decimal:
    return sum((i.points for s in sections for i in s.item_list if not i.is_veto), Decimal(0))


# --- weeks --------------------------------------------------------------------


def active_during(first: datetime.date, last: datetime.date, prefix: str = "") -> Q:
    """S2: active on at least one day from `first` to `last`."""
    return Q(**{f"{prefix}hotline_start__lte": last}) & (
        Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": first})
    )


def week_members(team: Team, week: IsoWeek) -> QuerySet:
    """The grid's rows: the team's agents active during the week (S2), with their star level on its Sunday."""
    return (
        Person.objects.filter(team=team)
        .filter(active_during(week.monday, week.sunday))
        .annotate(level=current_level(week.sunday))
        .order_by("staff_no", "pk")
    )


@dataclass
class WeekRow:
    person: Person
    evaluation: WeeklyEvaluation | None


@dataclass
class WeekSheet:
    team: Team
    week: IsoWeek
    rows: list[WeekRow]
    register: Register | None

    @property
    def entered(self) -> int:
        return sum(1 for r in self.rows if r.evaluation is not None)

    @property
    def editable(self) -> bool:
        return self.register is None or self.register.is_open

    @property
    def started(self) -> bool:
        return self.week.monday <= timezone.localdate()


def register_of(team: Team, month: Month) -> Register | None:
    return Register.objects.filter(team=team, month=month.first_day).first()


def week_sheet(team: Team, week: IsoWeek) -> WeekSheet:
    people = list(week_members(team, week))
    found = {
        e.person_id: e
        for e in WeeklyEvaluation.objects.filter(person__in=[p.pk for p in people], week_start=week.monday).select_related(
            "evaluator", "rubric"
        )
    }
    rows = [WeekRow(p, found.get(p.pk)) for p in people]
    return WeekSheet(team, week, rows, register_of(team, week.month))


def evaluation_of(person: Person, week: IsoWeek) -> WeeklyEvaluation | None:
    return WeeklyEvaluation.objects.filter(person=person, week_start=week.monday).select_related("rubric", "evaluator").first()


@dataclass
class WeekStatus:
    week: IsoWeek
    entered: int
    expected: int

    @property
    def label(self) -> str:
        if self.entered == 0:
            return gettext("未录入")
        return gettext("已录入 %(n)s/%(m)s") % {"n": self.entered, "m": self.expected}

    @property
    def complete(self) -> bool:
        return self.expected > 0 and self.entered >= self.expected


def team_weeks(team: Team, month: Month) -> list[WeekStatus]:
    """未录入 / 已录入 n/m for each week of the month (two queries)."""
    weeks = weeks_of_month(month)
    members = list(
        Person.objects.filter(team=team)
        .filter(active_during(weeks[0].monday, weeks[-1].sunday))
        .values_list("pk", "hotline_start", "left_on")
    )
    entered = set(
        WeeklyEvaluation.objects.filter(
            person__in=[pk for pk, _, _ in members], week_start__in=[w.monday for w in weeks]
        ).values_list("person_id", "week_start")
    )
    statuses = []
    for w in weeks:
        active = [pk for pk, start, left in members if start <= w.sunday and (left is None or left > w.monday)]
        statuses.append(WeekStatus(w, sum(1 for pk in active if (pk, w.monday) in entered), len(active)))
    return statuses


# --- the month ----------------------------------------------------------------


@dataclass
class MonthRow:
    person: Person
    weekly: list[WeeklyEvaluation | None]
    monthly: MonthlyScore | None
    decision: monthly_rules.MonthDecision | None
    settled_elsewhere: Team | None = None  # confirmed in another team's handed-in register
    team_id: int | None = None  # the team whose month this row is on
    corrections: list[ScoreCorrection] = field(default_factory=list)  # R2, oldest first

    @property
    def weekly_scores(self) -> list[Decimal]:
        return [e.score for e in self.weekly if e is not None]

    @property
    def has_weeks(self) -> bool:
        return any(e is not None for e in self.weekly)

    @property
    def confirmed(self) -> bool:
        """Confirmed for this team's register (or settled in another team's handed-in one)."""
        if self.settled_elsewhere is not None:
            return True
        return self.monthly is not None and self.monthly.team_id == self.team_id and self.monthly.is_confirmed

    @property
    def stale(self) -> bool:
        """Scored once, but a weekly evaluation changed since: the leader must confirm again."""
        return self.monthly is not None and self.monthly.score is not None and not self.monthly.is_confirmed


@dataclass
class MonthSheet:
    team: Team
    month: Month
    weeks: list[IsoWeek]
    rows: list[MonthRow]
    register: Register | None
    deadline: datetime.date | None  # None while the year's policy is not set up

    @property
    def open(self) -> bool:
        return self.register is None or self.register.is_open

    @property
    def locked(self) -> bool:
        return self.register is not None and self.register.is_locked

    @property
    def confirmed_count(self) -> int:
        return sum(1 for r in self.rows if r.confirmed)

    @property
    def complete(self) -> bool:
        return all(r.confirmed for r in self.rows)

    @property
    def status(self) -> "DueStatus":
        return due_status(self.register, self.deadline)


def month_members(team: Team, month: Month) -> QuerySet:
    """The register's rows: the team's agents active during the month (S2), and anyone whose
    score for the month was confirmed in this team before they moved; star level on the month's last day (R1)."""
    mine = Q(team=team) & active_during(month.first_day, month.last_day)
    confirmed_here = Q(monthly_scores__team=team, monthly_scores__month=month.first_day)
    ids = Person.objects.filter(mine | confirmed_here).values("pk")
    return (
        Person.objects.filter(pk__in=ids)
        .select_related("team")
        .annotate(level=current_level(month.last_day))
        .order_by("staff_no", "pk")
    )


def month_sheet(team: Team, month: Month) -> MonthSheet:
    policy = monthly_rules.policy_for(team.hotline, month)
    weeks = weeks_of_month(month)
    people = list(month_members(team, month))
    ids = [p.pk for p in people]
    weekly: dict[tuple[int, datetime.date], WeeklyEvaluation] = {
        (e.person_id, e.week_start): e
        for e in WeeklyEvaluation.objects.filter(person__in=ids, month=month.first_day)
    }
    monthly = {
        m.person_id: m
        for m in MonthlyScore.objects.filter(person__in=ids, month=month.first_day).select_related("team", "confirmed_by")
    }
    other_teams = {m.team_id for m in monthly.values() if m.team_id and m.team_id != team.pk}
    handed_in = {
        r.team_id: r.team
        for r in Register.objects.filter(team__in=other_teams, month=month.first_day)
        .exclude(state__in=[RegisterState.DRAFT, RegisterState.RETURNED])
        .select_related("team")
    } if other_teams else {}
    rows = []
    for p in people:
        evaluations = [weekly.get((p.pk, w.monday)) for w in weeks]
        scores = [e.score for e in evaluations if e is not None]
        score = monthly.get(p.pk)
        deduction = score.deduction if score is not None else Decimal(0)
        decision = monthly_rules.month_score(scores, deduction) if scores else None
        elsewhere = handed_in.get(score.team_id) if score is not None and score.team_id != team.pk else None
        rows.append(MonthRow(p, evaluations, score, decision, elsewhere, team_id=team.pk))
    if monthly:
        corrections: dict[int, list[ScoreCorrection]] = {}
        for c in ScoreCorrection.objects.filter(monthly_score__in=[m.pk for m in monthly.values()]).order_by("at", "id"):
            corrections.setdefault(c.monthly_score_id, []).append(c)
        for row in rows:
            if row.monthly is not None:
                row.corrections = corrections.get(row.monthly.pk, [])
    return MonthSheet(team, month, weeks, rows, register_of(team, month), monthly_rules.register_deadline(month, policy))


# --- registers: what is due -----------------------------------------------------


class DueStatus(TextChoices):
    NOT_SUBMITTED = "not_submitted", _("未提交")
    SUBMITTED = "submitted", _("已提交")
    OVERDUE = "overdue", _("逾期")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已接收")


def due_status(register: Register | None, deadline: datetime.date | None, today: datetime.date | None = None) -> DueStatus:
    """R1: 逾期 is a register still not handed in after its deadline day (Shanghai dates)."""
    today = today or timezone.localdate()
    state = register.state if register is not None else RegisterState.DRAFT
    if state == RegisterState.DRAFT:
        return DueStatus.OVERDUE if deadline is not None and today > deadline else DueStatus.NOT_SUBMITTED
    return {
        RegisterState.SUBMITTED: DueStatus.SUBMITTED,
        RegisterState.RETURNED: DueStatus.RETURNED,
        RegisterState.ACCEPTED: DueStatus.ACCEPTED,
    }[state]


@dataclass
class DueLine:
    team: Team
    register: Register | None
    deadline: datetime.date | None
    status: DueStatus
    members: int
    confirmed: int


def registers_due(user, month: Month) -> list[DueLine]:
    """Each readable team's register for the month with its status (a handful of queries, whatever the team count)."""
    teams = list(teams_readable(user))
    registers = {
        r.team_id: r
        for r in Register.objects.filter(team__in=teams, month=month.first_day).select_related("submitted_by", "accepted_by")
    }
    team_ids = [t.pk for t in teams]
    members = dict(
        Person.objects.filter(team__in=team_ids)
        .filter(active_during(month.first_day, month.last_day))
        .order_by()
        .values("team_id")
        .annotate(n=Count("pk"))
        .values_list("team_id", "n")
    )
    confirmed = dict(
        MonthlyScore.objects.filter(team__in=team_ids, month=month.first_day, confirmed_at__isnull=False)
        .order_by()
        .values("team_id")
        .annotate(n=Count("pk"))
        .values_list("team_id", "n")
    )
    deadlines: dict[int, datetime.date | None] = {}
    lines = []
    for t in teams:
        if t.hotline_id not in deadlines:
            deadlines[t.hotline_id] = monthly_rules.register_deadline(month, monthly_rules.policy_for(t.hotline, month))
        deadline = deadlines[t.hotline_id]
        reg = registers.get(t.pk)
        lines.append(DueLine(t, reg, deadline, due_status(reg, deadline), members.get(t.pk, 0), confirmed.get(t.pk, 0)))
    return lines


@dataclass
class DueCell:
    month: Month
    status: DueStatus
    register: Register | None


def registers_matrix(user, months: list[Month]) -> list[tuple[Team, list[DueCell]]]:
    """R1: each readable team's register status for each of the months, oldest month first (two queries
    and one policy lookup per hotline and year)."""
    return _due_cells(list(teams_readable(user)), months)


def team_due(team: Team, months: list[Month]) -> list[DueCell]:
    """R1: one team's register status for each of the months (two queries and one policy lookup per year)."""
    return _due_cells([team], months)[0][1]


def _due_cells(teams: list[Team], months: list[Month]) -> list[tuple[Team, list[DueCell]]]:
    found = {
        (r.team_id, Month.of(r.month)): r
        for r in Register.objects.filter(team__in=teams, month__in=[m.first_day for m in months])
    }
    deadlines: dict[tuple[int, Month], datetime.date | None] = {}
    policies: dict[tuple[int, int], object] = {}
    rows = []
    for t in teams:
        cells = []
        for m in months:
            if (t.hotline_id, m) not in deadlines:
                if (t.hotline_id, m.year) not in policies:
                    policies[(t.hotline_id, m.year)] = monthly_rules.policy_for(t.hotline, m)
                deadlines[(t.hotline_id, m)] = monthly_rules.register_deadline(m, policies[(t.hotline_id, m.year)])
            reg = found.get((t.pk, m))
            cells.append(DueCell(m, due_status(reg, deadlines[(t.hotline_id, m)]), reg))
        rows.append((t, cells))
    return rows


def register_for(user, pk) -> Register:
    return Register.objects.filter(team__in=teams_readable(user)).select_related(
        "team", "team__leader", "hotline", "submitted_by", "returned_by", "accepted_by"
    ).get(pk=pk)


def register_trail(register: Register) -> list:
    """The register's moves (submitted, returned with reason, accepted), newest first."""
    return audit_queries.trail_for(register)


# --- confirmed scores, for the rules that read them (M4, M6, M7, X5) ----------------


def confirmed_scores(people, first: Month, last: Month) -> dict[int, dict[Month, Decimal]]:
    """Each person's confirmed monthly scores from `first` to `last` (one query): person id → {month: score}.

    A month whose score is not confirmed (or was un-confirmed by a later weekly change) is absent.
    """
    found: dict[int, dict[Month, Decimal]] = {}
    rows = MonthlyScore.objects.filter(
        person__in=people, month__range=(first.first_day, last.first_day), confirmed_at__isnull=False, score__isnull=False
    ).values_list("person_id", "month", "score")
    for person_id, month, score in rows:
        found.setdefault(person_id, {})[Month.of(month)] = score
    return found


# --- one person ---------------------------------------------------------------


@dataclass
class PersonYear:
    person: Person
    year: int
    weekly: list[WeeklyEvaluation]
    monthly: list[MonthlyScore]
    monitoring: list[MonitoringEvaluation]


def person_year(person: Person, year: int) -> PersonYear:
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    weekly = list(
        WeeklyEvaluation.objects.filter(person=person, month__range=(first, last))
        .select_related("evaluator", "rubric")
        .order_by("-week_start")
    )
    monthly = list(
        MonthlyScore.objects.filter(person=person, month__range=(first, last))
        .select_related("team", "confirmed_by")
        .prefetch_related("corrections")
        .order_by("-month")
    )
    monitoring = list(
        MonitoringEvaluation.objects.filter(person=person, call_date__range=(first, last))
        .select_related("evaluator", "rubric")
        .order_by("-call_date", "-id")
    )
    return PersonYear(person, year, weekly, monthly, monitoring)


# --- call monitoring ------------------------------------------------------------


def monitoring_visible_to(user) -> QuerySet:
    people = permissions.people_visible_to(user)
    return MonitoringEvaluation.objects.filter(person__in=people.values("pk"))


def monitoring_list(user, *, team: Team | None = None, person: Person | None = None, q: str = "") -> QuerySet:
    found = monitoring_visible_to(user).select_related("person", "team", "evaluator")
    if team is not None:
        found = found.filter(team=team)
    if person is not None:
        found = found.filter(person=person)
    if q:
        text = q.strip()
        found = found.filter(Q(person__name__icontains=text) | Q(person__staff_no__icontains=text) | Q(call_no__icontains=text))
    return found.order_by("-call_date", "-id")


def monitoring_for(user, pk) -> MonitoringEvaluation:
    return monitoring_visible_to(user).select_related("person", "person__team", "team", "evaluator", "rubric").get(pk=pk)


def people_to_evaluate(user, day: datetime.date | None = None) -> QuerySet:
    """The agents a leader evaluates: members of the teams they lead, active today (S2)."""
    day = day or timezone.localdate()
    if not permissions.has(user, "assessment.evaluate"):
        return Person.objects.none()
    return (
        Person.objects.filter(team__in=permissions.teams_visible_to(user))
        .filter(active_during(day, day))
        .select_related("team")
        .order_by("team__name", "staff_no")
    )
