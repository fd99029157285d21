"""Y1–Y4: the yearly cycle."""

import pytest

from stardesk.policy.cycle import (STEP_ORDER, Cycle, CycleStep, check_step_move, completion_deadline,
                                   cycle_problems, is_frozen, next_step)
from stardesk.policy.eligibility import check_eligibility
from stardesk.policy.errors import IllegalTransition
from stardesk.policy.facts import Application
from stardesk.policy.rewards import Award, award_titles

from .builders import POLICY, d, person, spell


def test_y1_award_and_summary_are_completed_in_october():
    # given a cycle whose award falls in November
    late = Cycle(2025, d("2025-09-30"), d("2025-11-03"))
    # then it is reported; an October award is fine
    assert completion_deadline(2025) == d("2025-10-31")
    assert cycle_problems(late) == ["授牌日 2025-11-03 须在 2025 年 10 月底前"]
    assert cycle_problems(Cycle(2025, d("2025-09-30"), d("2025-10-15"))) == []


def test_y1_award_before_reference_date_is_a_problem():
    assert cycle_problems(Cycle(2025, d("2025-09-30"), d("2025-09-01"))) == [
        "授牌日 2025-09-01 须晚于基准日 2025-09-30"]


def test_y2_steps_run_in_the_order_of_the_rulebook():
    assert [s.value for s in STEP_ORDER] == ["个人申报", "班长自审、初评推荐", "业务考核", "集中评定", "授牌", "总结上报"]
    assert next_step(CycleStep.ASSESSMENT) is CycleStep.COMMITTEE
    assert next_step(CycleStep.SUMMARY) is None


def test_y2_a_step_is_frozen_once_the_next_starts():
    assert is_frozen(CycleStep.APPLICATION, current=CycleStep.LEADER_CHECK)
    assert not is_frozen(CycleStep.LEADER_CHECK, current=CycleStep.LEADER_CHECK)


def test_y2_skipping_a_step_is_refused():
    check_step_move(CycleStep.APPLICATION, CycleStep.LEADER_CHECK)
    with pytest.raises(IllegalTransition):
        check_step_move(CycleStep.APPLICATION, CycleStep.ASSESSMENT)
    with pytest.raises(IllegalTransition):
        check_step_move(CycleStep.COMMITTEE, CycleStep.LEADER_CHECK)


def test_y3_tenure_is_checked_at_the_reference_date_not_later():
    # given a start on 2024-10-01: one year is reached on 2025-09-30
    p = person(hotline_start="2024-10-01")
    app = Application(p.staff_no, 2025, 1)
    # when R is the day before / the day itself
    before = check_eligibility(p, app, Cycle(2025, d("2025-09-29")), POLICY)
    on_r = check_eligibility(p, app, Cycle(2025, d("2025-09-30")), POLICY)
    # then
    assert not before.eligible
    assert on_r.eligible


def test_y4_titles_last_one_cycle_and_a_holder_not_reawarded_loses_the_title():
    # given two holders; only one is on the committee's final list
    titles = {"1": (spell(3, "2024-10-15"),), "2": (spell(1, "2024-10-15"),)}
    # when the award ceremony takes place
    after = award_titles(titles, [Award("1", 3, "话务员")], d("2025-10-15"))
    # then both old titles end and only 1 holds a (new) title
    assert [t.level for t in after["1"] if t.held_on(d("2025-10-15"))] == [3]
    assert [t for t in after["2"] if t.held_on(d("2025-10-15"))] == []
