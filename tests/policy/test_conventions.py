"""C1–C5: bounds, scores, money, quotas, dates."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from stardesk.policy.conventions import (Month, QuotaRounding, add_months, at_least, at_most, describe_tenure,
                                         one_year_after, over, parse_score, round_half_up, round_money,
                                         round_quota, short_of, tenure_months, tenure_reached, window_months)
from stardesk.policy.errors import InvalidScore

from .builders import D, d

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


def test_c1_yishang_and_yixia_include_the_number_named():
    # given "95分以上" and "84分(含)以下"
    # then the named number itself is inside
    assert at_least(D("95"), D("95"))
    assert at_most(D("84"), D("84"))
    assert not at_least(D("94.9"), D("95"))


def test_c1_buzu_and_chaoguo_exclude_the_number_named():
    # given "不足一年" and "超过十名"
    # then the named number itself is outside
    assert not short_of(12, 12)
    assert short_of(11, 12)
    assert not over(10, 10)
    assert over(11, 10)


@pytest.mark.parametrize("text, expected", [("95.5", D("95.5")), ("0", D("0")), ("100", D("100")),
                                            ("95.50", D("95.5")), (" 88 ", D("88")), ("90.0", D("90"))])
def test_c2_scores_with_at_most_one_decimal_are_read_exactly(text, expected):
    # when
    value = parse_score(text)
    # then
    assert value == expected
    assert isinstance(value, Decimal)


@pytest.mark.parametrize("bad", ["95.55", "84.99", "100.1", "-0.1", "abc", "NaN", "Infinity"])
def test_c2_two_decimals_and_out_of_range_rejected(bad):
    with pytest.raises(InvalidScore):
        parse_score(bad)


def test_c2_float_scores_are_refused():
    # given a float (never allowed for scores)
    with pytest.raises(InvalidScore) as err:
        parse_score(95.5)
    # then the message is Chinese
    assert "浮点数" in err.value.message_zh


def test_c3_money_rounds_half_up_to_cents():
    # given values on the half cent (ROUND_HALF_EVEN or float would give 2.67 / 0.12)
    assert round_money(D("2.675")) == D("2.68")
    assert round_money(D("0.125")) == D("0.13")
    assert round_money(D("181")) == D("181.00")


def test_c4_quota_rounds_half_up_by_default():
    assert round_quota(D("13.5")) == 14
    assert round_quota(D("4.2")) == 4
    assert round_quota(D("0.5")) == 1


def test_c4_quota_policy_switch_rounds_down():
    assert round_quota(D("13.5"), QuotaRounding.DOWN) == 13
    assert round_quota(D("13.99"), QuotaRounding.DOWN) == 13


def test_c5_one_year_after_29_february_is_28_february():
    assert one_year_after(d("2024-02-29")) == d("2025-02-28")
    assert one_year_after(d("2024-10-01")) == d("2025-10-01")


def test_c5_tenure_from_1_october_reaches_one_year_on_30_september():
    # given a start on 2024-10-01
    start = d("2024-10-01")
    # then one year is reached on 2025-09-30, not the day before
    assert tenure_reached(start, d("2025-09-30"))
    assert not tenure_reached(start, d("2025-09-29"))
    assert tenure_months(start, d("2025-09-30")) == 12
    assert tenure_months(start, d("2025-09-29")) == 11


def test_c5_tenure_from_29_february_reaches_one_year_on_27_february():
    # given a leap-day start: start + 1 year = 2025-02-28, minus one day
    assert tenure_reached(d("2024-02-29"), d("2025-02-27"))
    assert not tenure_reached(d("2024-02-29"), d("2025-02-26"))


def test_c5_tenure_is_described_in_months_for_team_leaders():
    assert describe_tenure(d("2024-12-01"), d("2025-09-30")) == "10 个月"
    assert describe_tenure(d("2023-07-01"), d("2025-09-30")) == "2 年 3 个月"
    assert describe_tenure(d("2025-09-20"), d("2025-09-30")) == "不足 1 个月"
    assert describe_tenure(d("2025-10-20"), d("2025-09-30")) == "尚未开始"


@settings(deadline=None)
@given(dates, dates)
def test_c5_months_and_year_tenure_agree(start, at):
    # then twelve whole months of tenure is exactly one year (C5)
    months = tenure_months(start, at)
    assert (months is not None and months >= 12) == tenure_reached(start, at)


@settings(deadline=None)
@given(dates, dates, st.integers(min_value=1, max_value=400))
def test_c5_tenure_is_monotone_in_the_reference_date(start, at, extra_days):
    if tenure_reached(start, at):
        assert tenure_reached(start, at + timedelta(days=extra_days))


def test_c5_adding_months_clamps_to_month_end():
    assert add_months(d("2025-01-31"), 1) == d("2025-02-28")
    assert add_months(d("2024-01-31"), 1) == d("2024-02-29")
    assert add_months(d("2025-11-15"), 3) == d("2026-02-15")


def test_c5_month_window_takes_whole_months_ending_on_or_before_date():
    # given R on a month's last day the month counts; mid-month it does not
    assert window_months(d("2025-09-30"), 3) == (Month(2025, 7), Month(2025, 8), Month(2025, 9))
    assert window_months(d("2025-09-15"), 3) == (Month(2025, 6), Month(2025, 7), Month(2025, 8))
    assert window_months(d("2025-02-28"), 2) == (Month(2025, 1), Month(2025, 2))


def test_c2_exact_half_up_of_a_fraction():
    from fractions import Fraction

    assert round_half_up(Fraction(721, 8), 2) == D("90.13")  # 90.125
    assert round_half_up(Fraction(2701, 30), 2) == D("90.03")  # 90.0333…
    assert round_half_up(Fraction(-1, 8), 2) == D("-0.13")
