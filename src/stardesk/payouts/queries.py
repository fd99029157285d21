"""Reading the monthly allowance and the M6 proposals for pages, exports and the API.

Every read starts from what the user may see: the supervisor and the
committee their hotline, a team leader the lines of their teams' registers
(and their own), an agent their own lines. A constant number of queries per
page, whatever the number of agents.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from stardesk.accounts import permissions
from stardesk.assessment import monthly_rules
from stardesk.assessment.models import Register, RegisterState
from stardesk.payouts.models import AllowanceLine, LineStatus, LowScoreProposal, ProposalStatus
from stardesk.payouts.month_close import holders_during
from stardesk.people.models import Person, Team
from stardesk.policy.conventions import Month

PAGE_SIZE = 50
LINE_SORTS = {
    "staff_no": "person__staff_no",
    "name": "person__name",
    "team": "team__name",
    "level": "level",
    "score": "score",
    "amount": "amount",
    "status": "status",
}
DEFAULT_LINE_SORT = "team"
ZERO_MONEY = Decimal("0.00")


def can_read(user) -> bool:
    """Everyone signed in reads some lines: their hotline's, their team's, or their own."""
    return bool(user and user.is_authenticated)


def reads_all(user) -> bool:
    return permissions.has(user, "payouts.view_all")


def reads_team(user) -> bool:
    return permissions.has(user, "payouts.view_team")


def lines_visible_to(user) -> QuerySet:
    """Every line (current and superseded) the user may read."""
    lines = AllowanceLine.objects.all()
    if not can_read(user):
        return lines.none()
    if reads_all(user):
        return lines.filter(hotline__in=permissions.hotlines_visible_to(user))
    mine = Q(person_id=user.person_id) if user.person_id else Q(pk__in=[])
    if reads_team(user):
        return lines.filter(Q(team__in=permissions.teams_visible_to(user)) | mine)
    return lines.filter(mine)


def latest_month(user, hotline) -> Month | None:
    """The latest month with lines the user may read (the page opens on it), or None."""
    found = lines_visible_to(user).filter(hotline=hotline, is_current=True).order_by("-month").values_list("month", flat=True).first()
    return Month.of(found) if found else None


def teams_for(user, hotline) -> list[Team]:
    """The teams whose month the user follows: all of the hotline, or a leader's own."""
    if not (reads_all(user) or reads_team(user)):
        return []
    return list(permissions.teams_visible_to(user).filter(hotline=hotline).select_related("leader").order_by("name"))


@dataclass
class LineFilter:
    team: Team | None = None
    status: str = ""  # "", "pending", "decided"
    level: str = ""  # "", "0".."3"
    q: str = ""
    sort: str = DEFAULT_LINE_SORT


def sort_key(sort: str) -> str:
    return sort if sort.lstrip("-") in LINE_SORTS else DEFAULT_LINE_SORT


def month_lines(user, hotline, month: Month, wanted: LineFilter | None = None) -> QuerySet:
    """The current lines of the month the user may read, filtered and sorted (one query per page)."""
    wanted = wanted or LineFilter()
    lines = lines_visible_to(user).filter(hotline=hotline, month=month.first_day, is_current=True)
    if wanted.team is not None:
        lines = lines.filter(team=wanted.team)
    if wanted.status in LineStatus.values:
        lines = lines.filter(status=wanted.status)
    if wanted.level in ("0", "1", "2", "3"):
        lines = lines.filter(level=int(wanted.level))
    if wanted.q:
        text = wanted.q.strip()
        lines = lines.filter(Q(person__staff_no__icontains=text) | Q(person__name__icontains=text))
    sort = sort_key(wanted.sort)
    column = F(LINE_SORTS[sort.lstrip("-")])
    ordered = column.desc(nulls_last=True) if sort.startswith("-") else column.asc(nulls_last=True)
    return lines.select_related("person", "team").order_by(ordered, "person__staff_no", "pk")


@dataclass
class LevelTotal:
    level: int
    lines: int = 0
    pending: int = 0
    amount: Decimal = ZERO_MONEY


@dataclass
class MonthTotals:
    levels: list[LevelTotal]

    @property
    def lines(self) -> int:
        return sum(t.lines for t in self.levels)

    @property
    def pending(self) -> int:
        return sum(t.pending for t in self.levels)

    @property
    def amount(self) -> Decimal:
        return sum((t.amount for t in self.levels), ZERO_MONEY)


def month_totals(lines: QuerySet) -> MonthTotals:
    """Totals per star level held on the month's last day (M4 step 1): lines, pending lines, amount (one query).

    Amounts are added up here as Decimals (C3): SQLite's SUM would add them as floats.
    """
    found = {level: LevelTotal(level) for level in (3, 2, 1)}
    for level, status, amount in lines.order_by().values_list("level", "status", "amount").iterator(chunk_size=5000):
        total = found.setdefault(max(level, 0), LevelTotal(max(level, 0)))
        total.lines += 1
        if status == LineStatus.PENDING:
            total.pending += 1
        elif amount is not None:
            total.amount += amount
    return MonthTotals([found[level] for level in sorted(found, reverse=True)])


@dataclass
class TeamMonth:
    """One team's month on the allowance page: accepted (lines computed) or still waiting for its register."""

    team: Team
    register: Register | None
    holders: int = 0
    lines: int = 0
    pending: int = 0
    amount: Decimal = ZERO_MONEY

    @property
    def accepted(self) -> bool:
        return self.register is not None and self.register.state == RegisterState.ACCEPTED

    @property
    def state_label(self) -> str:
        if self.register is None:
            return str(_("未提交"))
        return self.register.get_state_display()


@dataclass
class MonthOverview:
    month: Month
    teams: list[TeamMonth]
    policy_missing: bool
    unassigned_lines: int = 0  # holders in no team

    @property
    def accepted(self) -> list[TeamMonth]:
        return [t for t in self.teams if t.accepted]

    @property
    def waiting(self) -> list[TeamMonth]:
        return [t for t in self.teams if not t.accepted and t.holders]

    @property
    def complete(self) -> bool:
        """The hotline's sheet is complete when every team with holders is accepted."""
        return not self.waiting and bool(self.accepted)


def month_overview(user, hotline, month: Month) -> MonthOverview:
    """Each team the user follows: its register's state, its holders (by current team) and its lines (four queries)."""
    teams = teams_for(user, hotline)
    ids = [t.pk for t in teams]
    registers = {
        r.team_id: r
        for r in Register.objects.filter(team__in=ids, month=month.first_day).select_related("accepted_by")
    }
    holders = Counter(holders_during(hotline, month).filter(team__in=ids).values_list("team_id", flat=True))
    rows = {t.pk: TeamMonth(t, registers.get(t.pk), holders.get(t.pk, 0)) for t in teams}
    found = AllowanceLine.objects.filter(hotline=hotline, month=month.first_day, is_current=True, team__in=ids)
    for team_id, status, amount in found.order_by().values_list("team_id", "status", "amount").iterator(chunk_size=5000):
        row = rows[team_id]
        row.lines += 1
        if status == LineStatus.PENDING:
            row.pending += 1
        elif amount is not None:
            row.amount += amount  # Decimals added here (C3), not by the database
    unassigned = 0
    if reads_all(user):
        unassigned = AllowanceLine.objects.filter(hotline=hotline, month=month.first_day, is_current=True, team__isnull=True).count()
    return MonthOverview(month, list(rows.values()), monthly_rules.policy_for(hotline, month) is None, unassigned)


def line_for(user, pk) -> AllowanceLine:
    """One line the user may read, or AllowanceLine.DoesNotExist (a 404)."""
    return lines_visible_to(user).select_related("person", "person__team", "team", "hotline", "computed_by").get(pk=pk)


def line_history(line: AllowanceLine) -> list[AllowanceLine]:
    """Every line computed for the same person and month, oldest first: what was paid before a recomputation."""
    return list(
        AllowanceLine.objects.filter(person_id=line.person_id, month=line.month)
        .select_related("team", "computed_by")
        .order_by("computed_at", "pk")
    )


def person_lines(person: Person, months: int = 24) -> list[AllowanceLine]:
    """The person's lines in force, newest month first (their 依据 is the why)."""
    return list(
        AllowanceLine.objects.filter(person=person, is_current=True).select_related("team").order_by("-month")[:months]
    )


def person_superseded(person: Person) -> dict:
    """month → how many earlier lines a recomputation replaced (one query)."""
    return dict(
        AllowanceLine.objects.filter(person=person, is_current=False)
        .order_by()
        .values_list("month")
        .annotate(n=Count("pk"))
    )


# --- M6 proposals -------------------------------------------------------------------


def proposals_visible_to(user) -> QuerySet:
    """M6 proposals of the people the user may read (T2): hotline, own team, or own."""
    return LowScoreProposal.objects.filter(person__in=permissions.people_visible_to(user))


@dataclass
class ProposalFilter:
    status: str = ProposalStatus.PENDING
    year: int | None = None
    team: Team | None = None
    q: str = ""


def proposal_list(user, wanted: ProposalFilter) -> QuerySet:
    found = proposals_visible_to(user).select_related("person", "team", "decided_by")
    if wanted.status in ProposalStatus.values:
        found = found.filter(status=wanted.status)
    if wanted.year:
        found = found.filter(year=wanted.year)
    if wanted.team is not None:
        found = found.filter(team=wanted.team)
    if wanted.q:
        text = wanted.q.strip()
        found = found.filter(Q(person__staff_no__icontains=text) | Q(person__name__icontains=text))
    return found.order_by("-trigger_month", "person__staff_no", "pk")


def proposal_for(user, pk) -> LowScoreProposal:
    return proposals_visible_to(user).select_related(
        "person", "person__team", "team", "hotline", "decided_by", "ended_title", "started_title"
    ).get(pk=pk)


def pending_proposals(user, hotline) -> int:
    return proposals_visible_to(user).filter(hotline=hotline, status=ProposalStatus.PENDING).count()

