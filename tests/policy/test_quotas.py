"""Q1–Q2: quotas."""

from dataclasses import replace

import pytest
from hypothesis import given, settings, strategies as st

from stardesk.policy.conventions import QuotaRounding
from stardesk.policy.errors import InvalidInput
from stardesk.policy.people import headcount
from stardesk.policy.quotas import quotas_for
from stardesk.policy.reasons import basis

from .builders import D, POLICY, d, person


@pytest.mark.parametrize("n, expected", [(100, (30, 9, 3)), (45, (14, 4, 1)), (5, (2, 1, 0)), (0, (0, 0, 0))])
def test_q1_examples_of_the_rulebook(n, expected):
    # when
    q = quotas_for(n, POLICY)
    # then
    assert (q.level1, q.level2, q.level3) == expected


def test_q1_two_and_three_star_come_from_the_rounded_one_star_quota():
    # given N = 5: Q1 = 1.5 → 2; from the rounded 2: 0.6 → 1 (from 1.5 it would be 0.45 → 0)
    q = quotas_for(5, POLICY)
    assert q.level2 == 1


def test_q1_reasons_show_the_rounding():
    q = quotas_for(45, POLICY)
    assert basis(q) == ("Q1: 基准日在岗 45 人 × 30% = 13.5，四舍五入为 14 人（1星）；"
                        "Q1: 1星名额 14 × 30% = 4.2，四舍五入为 4 人（2星）；"
                        "Q1: 1星名额 14 × 10% = 1.4，四舍五入为 1 人（3星）")


def test_q1_policy_switch_rounds_quotas_down():
    q = quotas_for(45, replace(POLICY, c4_quota_rounding=QuotaRounding.DOWN))
    assert (q.level1, q.level2, q.level3) == (13, 3, 1)


def test_q1_ratios_come_from_the_policy():
    q = quotas_for(100, replace(POLICY, q1_ratio_level1=D("0.20"), q1_ratio_level2=D("0.50")))
    assert (q.level1, q.level2, q.level3) == (20, 10, 2)


def test_q1_n_counts_people_active_at_reference_date():
    # given one leaver before R, one starter after R, two active
    people = [person("1"), person("2"), person("3", left_on=d("2025-09-01")),
              person("4", hotline_start="2025-10-08")]
    assert headcount(people, d("2025-09-30")) == 2


def test_q1_negative_headcount_is_refused():
    with pytest.raises(InvalidInput):
        quotas_for(-1, POLICY)


def test_q2_each_level_caps_exactly_that_level():
    q = quotas_for(100, POLICY)
    assert q.for_level(1) == 30 and q.for_level(2) == 9 and q.for_level(3) == 3
    assert q.as_dict() == {1: 30, 2: 9, 3: 3}


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=100_000))
def test_q1_upper_levels_never_exceed_the_one_star_quota(n):
    q = quotas_for(n, POLICY)
    assert 0 <= q.level3 <= q.level2 <= q.level1 <= n
