"""R1–R3: register deadline, review, bonus plan."""

from dataclasses import replace

import pytest

from stardesk.policy.conventions import Month
from stardesk.policy.errors import IllegalTransition
from stardesk.policy.june_exam import JuneResult, second_half_coefficient
from stardesk.policy.monthly_allowance import allowance_line
from stardesk.policy.reporting import (BonusLineKind, RegisterState, bonus_plan, check_register_transition,
                                       is_locked, may_edit, register_deadline, register_timeliness)
from stardesk.policy.rewards import award_reward

from .builders import D, POLICY, d, spell


def test_r1_register_due_by_the_fifth_of_the_next_month():
    assert register_deadline(Month(2025, 3), POLICY) == d("2025-04-05")
    assert register_deadline(Month(2025, 12), POLICY) == d("2026-01-05")
    assert register_deadline(Month(2025, 3), replace(POLICY, r1_deadline_day=10)) == d("2025-04-10")


def test_r1_submitted_on_the_deadline_is_on_time_the_day_after_is_late():
    on_time = register_timeliness(Month(2025, 3), d("2025-04-05"), d("2025-04-20"), POLICY)
    late = register_timeliness(Month(2025, 3), d("2025-04-06"), d("2025-04-20"), POLICY)
    assert not on_time.late
    assert late.late and late.days_late == 1
    assert late.reasons[0].text == "2025-03 登记表 2025-04-06 报送，截止 2025-04-05，逾期 1 天"


def test_r1_missing_register_is_late_after_the_deadline():
    assert not register_timeliness(Month(2025, 3), None, d("2025-04-05"), POLICY).late
    missing = register_timeliness(Month(2025, 3), None, d("2025-04-08"), POLICY)
    assert missing.late and missing.days_late == 3


def test_r2_register_review_transitions():
    check_register_transition(RegisterState.DRAFT, RegisterState.SUBMITTED)
    check_register_transition(RegisterState.SUBMITTED, RegisterState.RETURNED)
    check_register_transition(RegisterState.RETURNED, RegisterState.SUBMITTED)
    check_register_transition(RegisterState.SUBMITTED, RegisterState.ACCEPTED)
    with pytest.raises(IllegalTransition):
        check_register_transition(RegisterState.ACCEPTED, RegisterState.RETURNED)
    with pytest.raises(IllegalTransition):
        check_register_transition(RegisterState.DRAFT, RegisterState.ACCEPTED)


def test_r2_accepted_month_is_locked():
    assert is_locked(RegisterState.ACCEPTED) and not may_edit(RegisterState.ACCEPTED)
    assert may_edit(RegisterState.RETURNED) and not may_edit(RegisterState.SUBMITTED)


def test_r3_bonus_plan_lists_allowances_coefficients_and_rewards_of_the_month():
    # given an October allowance, a pending one, a J2 coefficient and an award in October
    october = Month(2025, 10)
    paid = allowance_line("1", (spell(2, "2024-10-15"),), october, D("96"), (), None, POLICY)
    pending = allowance_line("2", (spell(2, "2024-10-15"),), october, None, (), None, POLICY)
    coefficient = second_half_coefficient("1", 2025, JuneResult("1", 2025, D("96"), 1, 45, d("2025-06-20")), POLICY)
    reward = award_reward("3", 3, d("2025-10-15"), (), POLICY)
    # when
    lines = bonus_plan(october, [paid, pending], [coefficient], [reward])
    # then three kinds of lines, the pending allowance left out
    assert [(x.staff_no, x.kind, x.amount, x.coefficient) for x in lines] == [
        ("1", BonusLineKind.ALLOWANCE, D("200.00"), None),
        ("1", BonusLineKind.COEFFICIENT, None, D("1.30")),
        ("3", BonusLineKind.REWARD, D("800.00"), None),
    ]
    assert lines[0].basis.startswith("M4: ")
    # and no coefficient line in the first half of the year
    assert bonus_plan(Month(2025, 5), [], [coefficient], []) == ()
