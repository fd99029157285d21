"""R3: the month's 奖金计划 (bonus plan) for payroll: every payment of the month with its 依据.

The lines are policy.reporting.bonus_plan's, fed with what the other steps
decided and stored:
- M4 allowances: the month's allowance lines in force (stardesk.payouts),
  decided ones only (a pending line has no amount yet);
- J2 second-half coefficients: the June ranking of the month's year
  (stardesk.exams), in July–December;
- A2 one-off rewards: the awards whose award date falls in the month.
Each stored decision is read back as the rule's own decision object, its 依据
split back into the reasons it was written from, so the plan repeats exactly
the figures payroll saw on the pages. One query per kind of record.
"""
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from stardesk.accounts import permissions
from stardesk.cycle.models import Award
from stardesk.people.models import Person
from stardesk.policy.conventions import Month
from stardesk.policy.june_exam import CoefficientDecision
from stardesk.policy.monthly_allowance import AllowanceDecision, AllowanceStatus
from stardesk.policy.reasons import SEPARATOR, Reason
from stardesk.policy.reporting import BonusLineKind, BonusPlanLine, bonus_plan
from stardesk.policy.rewards import RewardDecision

TITLE = "奖金计划"
HEADERS = ("工号", "姓名", "班组", "月份", "项目", "金额", "系数", "依据")
KINDS = ("staff_no", "text", "text", "text", "text", "number", "number", "text")
KIND_ORDER = {BonusLineKind.ALLOWANCE: 0, BonusLineKind.COEFFICIENT: 1, BonusLineKind.REWARD: 2}
KIND_LABELS = {
    BonusLineKind.ALLOWANCE: _("月度星级待遇"),
    BonusLineKind.COEFFICIENT: _("下半年奖金系数"),
    BonusLineKind.REWARD: _("一次性奖励"),
}


def reasons_of(text: str) -> tuple[Reason, ...]:
    """The reasons a stored 依据 was rendered from (policy.reasons.basis): "M4: …；M5: …" → (M4, M5).

    A part that does not start with a rule id belongs to the reason before it
    (a text may itself hold "；"), so basis(reasons_of(t)) == t.
    """
    found: list[Reason] = []
    for part in text.split(SEPARATOR) if text else ():
        rule, sep, rest = part.partition(": ")
        if sep and rule and rule[0].isalpha() and rule[1:].isdigit():
            found.append(Reason(rule, rest))
        elif found:
            found[-1] = Reason(found[-1].rule, f"{found[-1].text}{SEPARATOR}{part}")
        else:
            found.append(Reason("", part))
    return tuple(found)


def _allowances(hotline, month: Month) -> list[AllowanceDecision]:
    from stardesk.payouts.models import AllowanceLine, LineStatus

    lines = (
        AllowanceLine.objects.filter(hotline=hotline, month=month.first_day, is_current=True, status=LineStatus.DECIDED)
        .select_related("person")
        .order_by("pk")
    )
    return [
        AllowanceDecision(
            staff_no=line.person.staff_no, month=month, level=line.level, treatment_level=line.treatment_level,
            score=line.score, paid_level=line.paid_level, base=line.base, rate=line.rate, amount=line.amount,
            status=AllowanceStatus.DECIDED, reasons=reasons_of(line.basis), policy_version=line.policy_version,
        )
        for line in lines
    ]


def _coefficients(hotline, month: Month) -> list[CoefficientDecision]:
    from stardesk.exams.models import JuneStanding

    standings = (
        JuneStanding.objects.filter(ranking__hotline=hotline, ranking__year=month.year, coefficient__isnull=False)
        .select_related("person")
        .order_by("pk")
    )
    return [
        CoefficientDecision(
            staff_no=s.person.staff_no, year=month.year, score=s.score, rank=s.rank, coefficient=s.coefficient,
            reasons=reasons_of(s.coefficient_basis), policy_version=s.policy_version,
        )
        for s in standings
    ]


def _rewards(hotline, month: Month) -> list[RewardDecision]:
    awards = (
        Award.objects.filter(cycle__hotline=hotline, award_date__gte=month.first_day, award_date__lte=month.last_day)
        .select_related("person")
        .order_by("pk")
    )
    return [
        RewardDecision(
            staff_no=a.person.staff_no, level=a.level, award_date=a.award_date, amount=a.reward_amount,
            first_time=a.reward_first_time, reasons=reasons_of(a.reward_basis), policy_version=a.policy_version,
        )
        for a in awards
    ]


@dataclass(frozen=True)
class PlanRow:
    person: Person
    line: BonusPlanLine

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.line.kind])

    def as_row(self) -> list:
        coefficient = self.line.coefficient.normalize() if self.line.coefficient is not None else None
        return [self.person.staff_no, self.person.name, self.person.team.name if self.person.team_id else "",
                str(self.line.month), self.kind_label, self.line.amount, coefficient, self.line.basis]


@dataclass(frozen=True)
class BonusPlan:
    month: Month
    rows: tuple[PlanRow, ...]

    def total(self, kind: BonusLineKind) -> Decimal:
        return sum((r.line.amount for r in self.rows if r.line.kind == kind and r.line.amount is not None), Decimal("0.00"))

    def count(self, kind: BonusLineKind) -> int:
        return sum(1 for r in self.rows if r.line.kind == kind)

    @property
    def amount(self) -> Decimal:
        return sum((r.line.amount for r in self.rows if r.line.amount is not None), Decimal("0.00"))

    def summary(self) -> list[tuple[str, int, Decimal | None]]:
        """(item, lines, amount) per kind; coefficients have no amount."""
        return [(str(KIND_LABELS[k]), self.count(k), None if k == BonusLineKind.COEFFICIENT else self.total(k))
                for k in (BonusLineKind.ALLOWANCE, BonusLineKind.COEFFICIENT, BonusLineKind.REWARD)]


def plan_for(hotline, month: Month) -> BonusPlan:
    """R3: the month's bonus plan of the hotline, by kind, team and 工号."""
    lines = bonus_plan(month, _allowances(hotline, month), _coefficients(hotline, month), _rewards(hotline, month))
    people = {p.staff_no: p for p in Person.objects.filter(hotline=hotline, staff_no__in={line.staff_no for line in lines})
              .select_related("team")}
    rows = [PlanRow(people[line.staff_no], line) for line in lines]
    rows.sort(key=lambda r: (KIND_ORDER[r.line.kind], r.person.team.name if r.person.team_id else "", r.person.staff_no))
    return BonusPlan(month, tuple(rows))


def export_rows(*, actor, hotline, month: Month, as_system: bool = False) -> Iterator[list]:
    if not as_system:
        permissions.require(actor, "bonus.view")
        permissions.require_hotline(actor, hotline)
    return (row.as_row() for row in plan_for(hotline, month).rows)


def file_name(hotline, month: Month, fmt: str) -> str:
    return f"{TITLE}_{hotline.name}_{month}.{fmt}"
