"""R1–R3: the monthly register's deadline and review, and the bonus plan.

R1: the register of month M is due by day ``r1_deadline_day`` (*default* 5)
of the next month, that day included; later is late. R2: a register moves
draft → submitted → returned / accepted; an accepted month is locked and
changes only by a correction with reason, author and time. R3: the bonus
plan of a month lists allowances (M4), coefficients (J2) and rewards (A2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Iterable

from .conventions import Month
from .errors import IllegalTransition
from .june_exam import SECOND_HALF, CoefficientDecision
from .monthly_allowance import AllowanceDecision
from .reasons import Reason, basis, day
from .rewards import RewardDecision
from .yearly import YearlyPolicy


# --- R1 deadline -------------------------------------------------------------------

def register_deadline(month: Month, policy: YearlyPolicy) -> date:
    """R1: the last day the register of ``month`` is on time."""
    m = month.next()
    return date(m.year, m.month, policy.r1_deadline_day)


@dataclass(frozen=True, slots=True)
class RegisterTimeliness:
    """R1: whether a register is late (submitted after the deadline, or still missing after it)."""

    month: Month
    deadline: date
    submitted_on: date | None
    late: bool
    days_late: int
    reasons: tuple[Reason, ...]


def register_timeliness(month: Month, submitted_on: date | None, as_of: date,
                        policy: YearlyPolicy) -> RegisterTimeliness:
    """R1 for one team's register; ``as_of`` is the date the question is asked (no clock)."""
    deadline = register_deadline(month, policy)
    if submitted_on is not None:
        days = max(0, (submitted_on - deadline).days)
        text = (f"{month} 登记表 {day(submitted_on)} 报送，截止 {day(deadline)}，"
                + (f"逾期 {days} 天" if days else "按时"))
        return RegisterTimeliness(month, deadline, submitted_on, days > 0, days, (Reason("R1", text),))
    days = max(0, (as_of - deadline).days)
    text = f"{month} 登记表未报送，截止 {day(deadline)}，" + (f"已逾期 {days} 天" if days else "尚未到期")
    return RegisterTimeliness(month, deadline, None, days > 0, days, (Reason("R1", text),))


# --- R2 review ------------------------------------------------------------------------

class RegisterState(StrEnum):
    DRAFT = "草稿"
    SUBMITTED = "已报送"
    RETURNED = "已退回"
    ACCEPTED = "已接收"


REGISTER_TRANSITIONS: dict[RegisterState, frozenset[RegisterState]] = {
    RegisterState.DRAFT: frozenset({RegisterState.SUBMITTED}),
    RegisterState.SUBMITTED: frozenset({RegisterState.RETURNED, RegisterState.ACCEPTED}),
    RegisterState.RETURNED: frozenset({RegisterState.SUBMITTED}),
    RegisterState.ACCEPTED: frozenset(),
}


def check_register_transition(current: RegisterState, to: RegisterState) -> None:
    """R2: refuse a move the table does not allow."""
    if to not in REGISTER_TRANSITIONS[current]:
        raise IllegalTransition(f"登记表不能从「{current}」变为「{to}」")


def is_locked(state: RegisterState) -> bool:
    """R2: an accepted month is locked; a change is then a correction with reason, author and time."""
    return state is RegisterState.ACCEPTED


def may_edit(state: RegisterState) -> bool:
    """R2: the team leader edits a register only while it is a draft or returned."""
    return state in (RegisterState.DRAFT, RegisterState.RETURNED)


# --- R3 bonus plan ----------------------------------------------------------------------

class BonusLineKind(StrEnum):
    ALLOWANCE = "月度星级待遇"  # M4
    COEFFICIENT = "下半年奖金系数"  # J2
    REWARD = "一次性奖励"  # A2


@dataclass(frozen=True, slots=True)
class BonusPlanLine:
    """R3: one payment line of a month's bonus plan; ``amount`` or ``coefficient`` is set."""

    staff_no: str
    kind: BonusLineKind
    month: Month
    amount: Decimal | None
    coefficient: Decimal | None
    basis: str


def bonus_plan(month: Month, allowances: Iterable[AllowanceDecision],
               coefficients: Iterable[CoefficientDecision] = (),
               rewards: Iterable[RewardDecision] = ()) -> tuple[BonusPlanLine, ...]:
    """R3: every payment of ``month``: decided allowances of the month, J2 coefficients in
    July–December of their year, rewards of awards in the month. Pending allowances are left out."""
    lines = []
    for a in allowances:
        if a.month == month and a.amount is not None:
            lines.append(BonusPlanLine(a.staff_no, BonusLineKind.ALLOWANCE, month, a.amount, None, basis(a)))
    if month.month in SECOND_HALF:
        for c in coefficients:
            if c.year == month.year and c.coefficient is not None:
                lines.append(BonusPlanLine(c.staff_no, BonusLineKind.COEFFICIENT, month, None, c.coefficient, basis(c)))
    for r in rewards:
        if Month.of(r.award_date) == month and r.amount > 0:
            lines.append(BonusPlanLine(r.staff_no, BonusLineKind.REWARD, month, r.amount, None, basis(r)))
    return tuple(lines)
