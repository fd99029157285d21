"""M1/M7: rating periods and ratings."""

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings, strategies as st

from stardesk.policy.conventions import Month
from stardesk.policy.ratings import (exact_sort_keys, half_year_months, half_year_rating, order_by_rating,
                                     preliminary_rating, quarter_months, quarter_rating, rating_key, year_rating)
from stardesk.policy.reasons import basis

from .builders import POLICY, by_month, d


def test_m1_quarters_and_half_years_are_calendar_periods():
    assert quarter_months(2025, 2) == (Month(2025, 4), Month(2025, 5), Month(2025, 6))
    assert half_year_months(2025, 2)[0] == Month(2025, 7) and len(half_year_months(2025, 2)) == 6


def test_m7_rating_is_the_mean_over_scored_months_only():
    # given Q1 with February unscored
    r = quarter_rating(by_month(2025, {1: "90", 3: "95"}), 2025, 1)
    assert r.value == Fraction("92.5") and r.scored == (Month(2025, 1), Month(2025, 3))
    assert basis(r) == "M7: 2025年第1季度考核（2025-01至2025-03）2 个月有分，均分 92.5"


def test_m7_no_scored_month_means_no_rating_ordered_after_everyone_rated():
    none = half_year_rating({}, 2025, 1)
    low = half_year_rating(by_month(2025, {1: "10"}), 2025, 1)
    assert none.value is None and none.shown is None
    assert basis(none) == "M7: 2025年上半年（2025-01至2025-06）无月度得分，暂无评定"
    assert order_by_rating([none, low], lambda r: r) == [low, none]


def test_m7_shown_to_two_decimals_half_up():
    # (90 + 90 + 90.1 + 90.1 + 90.1 + 90.2) / 6 = 90.0833… → 90.08; (90 + 90.25…) cases
    r = year_rating(by_month(2025, {1: "90", 2: "90", 3: "90.1", 4: "90.1", 5: "90.1", 6: "90.2"}), 2025)
    assert r.shown == Decimal("90.08")
    # 4 months summing 360.5 → 90.125 → 90.13 (half up, not half even)
    assert year_rating(by_month(2025, {1: "90", 2: "90", 3: "90", 4: "90.5"}), 2025).shown == Decimal("90.13")


def test_m7_preliminary_rating_uses_last_six_whole_months_ending_on_or_before_r():
    scores = by_month(2025, {3: "50", 4: "90", 5: "90", 6: "90", 7: "90", 8: "90", 9: "96"})
    # R at month end: April–September
    at_end = preliminary_rating(scores, d("2025-09-30"), POLICY.m7_preliminary_months)
    assert at_end.months[0] == Month(2025, 4) and at_end.value == Fraction(546, 6)
    # R mid-month: March–August
    mid = preliminary_rating(scores, d("2025-09-20"), POLICY.m7_preliminary_months)
    assert mid.months == tuple(Month(2025, m) for m in range(3, 9))
    assert mid.value == Fraction(500, 6)


def test_m7_ordering_uses_the_exact_value():
    # both shown 90.02
    a = Fraction("540.1") / 6
    b = Fraction("450.1") / 5
    assert rating_key(b) < rating_key(a)
    assert order_by_rating(["a", "b"], {"a": a, "b": b}.get) == ["b", "a"]


@settings(deadline=None)
@given(st.lists(st.one_of(st.none(), st.tuples(st.integers(0, 12000), st.integers(1, 12))), max_size=40))
def test_m7_fast_integer_keys_order_exactly_like_the_fractions(raw):
    # given exact means (sum of tenths over n months) and unrated ones
    values = [None if r is None else Fraction(r[0], 10 * r[1]) for r in raw]
    # then the integer keys sort exactly as the fraction keys
    fast = exact_sort_keys(values)
    for i in range(len(values)):
        for j in range(len(values)):
            assert (fast[i] < fast[j]) == (rating_key(values[i]) < rating_key(values[j]))


def test_m7_preliminary_window_is_a_policy_field():
    # given a policy using the last three whole months
    scores = by_month(2025, {6: "50", 7: "90", 8: "91", 9: "92"})
    policy = replace(POLICY, m7_preliminary_months=3)
    rating = preliminary_rating(scores, d("2025-09-30"), policy.m7_preliminary_months)
    assert rating.value == Fraction(91) and rating.months[0] == Month(2025, 7)
