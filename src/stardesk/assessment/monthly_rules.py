"""Where the assessment asks the rules (stardesk.policy): M3's monthly score and R1's deadline.

The rules live in the policy package; this module turns the models' figures
into their inputs and picks the hotline's policy for the month's calendar year (P1).
"""
from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from stardesk.core.errors import DomainError
from stardesk.policy import reporting
from stardesk.policy.conventions import Month
from stardesk.policy.monthly_allowance import MonthlyScoreDecision, monthly_score
from stardesk.policy.reasons import basis
from stardesk.yearly_policy import queries as yearly_policy

MonthDecision = MonthlyScoreDecision


def policy_for(hotline, month: Month) -> yearly_policy.PolicyVersion | None:
    """P1/P2: the hotline's policy for the month's year with its version name; None while not set up."""
    try:
        return yearly_policy.cycle_policy(hotline, month.year)
    except DomainError as exc:
        if exc.code == "policy_missing":
            return None
        raise


def month_score(weekly: Sequence[Decimal], deduction: Decimal) -> MonthDecision:
    """M3: mean of the month's weekly evaluations less the month-level deduction, clamped to 0–100."""
    return monthly_score(list(weekly), [deduction] if deduction else [])


def explain(decision: MonthDecision) -> str:
    """P3: the 依据 text of the decision."""
    return basis(decision)


def register_deadline(month: Month, version: yearly_policy.PolicyVersion | None) -> datetime.date | None:
    """R1: the last day (a Shanghai date) the register of the month is on time; None without a policy."""
    return reporting.register_deadline(month, version.policy) if version is not None else None


def timeliness(month: Month, submitted_on: datetime.date, version: yearly_policy.PolicyVersion) -> reporting.RegisterTimeliness:
    """R1: on time or late, for a register handed in on `submitted_on`."""
    return reporting.register_timeliness(month, submitted_on, submitted_on, version.policy)
