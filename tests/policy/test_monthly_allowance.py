"""M2–M5 (and J3 as it enters M4): monthly score and allowance."""

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from stardesk.policy.conventions import Month
from stardesk.policy.facts import EndReason, EventCategory, Sanction, Severity
from stardesk.policy.june_exam import JuneResult
from stardesk.policy.monthly_allowance import (AllowanceStatus, allowance_for, allowance_line, allowances_for_month,
                                               allowances_for_year,
                                               evaluation_score, month_sanctions, monthly_score)
from stardesk.policy.reasons import basis
from stardesk.policy.yearly import LowerOrCancel

from .builders import D, POLICY, d, monthly, person, spell, veto

MARCH = Month(2025, 3)
AUGUST = Month(2025, 8)


def line(level, s, month=MARCH, events=(), june_score=None, policy=POLICY, titles=None):
    titles = titles if titles is not None else (spell(level, "2024-10-15"),)
    return allowance_line("1001", titles, month, D(s) if s is not None else None, events,
                          D(june_score) if june_score else None, policy)


def test_m2_rubric_evaluation_deducts_from_100_and_stops_at_0():
    assert evaluation_score([D("2"), D("0.5")]) == D("97.5")
    assert evaluation_score([]) == D("100")
    assert evaluation_score([D("60"), D("50")]) == D("0")


def test_m3_monthly_score_is_mean_of_weekly_less_deductions():
    # given four weekly evaluations (mean 93.5) and a 2-point deduction
    result = monthly_score([D("95"), D("92"), D("94"), D("93")], [D("2")])
    assert result.score == D("91.5")
    assert basis(result) == "M3: 4 次周考评均分 93.5，扣 2 分，月度得分 91.5分"


def test_m3_monthly_score_rounded_to_one_decimal_and_clamped():
    assert monthly_score([D("90"), D("91"), D("91")]).score == D("90.7")  # 90.666…
    assert monthly_score([D("10")], [D("15")]).score == D("0")
    assert monthly_score([]).score is None


@pytest.mark.parametrize("s, expected", [
    ("95", "200.00"), ("100", "200.00"), ("94.9", "189.80"), ("90.5", "181.00"), ("85", "170.00"),
    ("84.9", "100.00"), ("0", "100.00"),
])
def test_m4_band_bounds_84_9_85_94_9_95(s, expected):
    # given a 2-star
    assert line(2, s).amount == D(expected)


def test_m4_basis_names_the_figures():
    assert basis(line(2, "90.5")) == "M4: 90.5分, 2星基数200元 × 90.5% = 181.00元"
    assert basis(line(2, "96")) == "M4: 96分 ≥ 95分, 2星基数200元 × 100% = 200.00元"
    assert basis(line(2, "80")) == "M4: 80分 < 85分，再降一级, 1星基数100元 × 100% = 100.00元"


def test_m4_example_two_star_j3_lowered_score_90_gives_90_00():
    # given a 2-star whose June score was 60 (J3 lowering), August score 90
    result = line(2, "90", month=AUGUST, june_score="60")
    # then B(1) × 90%
    assert result.amount == D("90.00")
    assert (result.level, result.treatment_level, result.paid_level, result.rate) == (2, 1, 1, D("0.9"))


def test_m4_example_three_star_m5_month_lowering_score_80_gives_100_00():
    # given a 3-star with a 一般 complaint in March (当月降级 by default), score 80
    result = line(3, "80", events=(veto("2025-03-12", Severity.GENERAL),))
    # then L' = 2 and s < 85 lowers once more: B(1) = 100
    assert result.amount == D("100.00")
    assert basis(result) == ("M5: 2025-03-12 有理投诉（一般），当月降级（默认）；M4: 持有3星，当月待遇按2星；"
                             "M4: 80分 < 85分，再降一级, 1星基数100元 × 100% = 100.00元")


def test_m4_no_score_and_no_cancel_is_pending():
    result = line(2, None)
    assert result.status is AllowanceStatus.PENDING and result.amount is None
    assert basis(result) == "M4: 2星，2025-03 月度得分未确认，待定"


def test_m4_cancel_decides_zero_even_without_a_score():
    result = line(2, None, events=(veto("2025-03-12", Severity.SERIOUS),))
    assert result.status is AllowanceStatus.DECIDED and result.amount == D("0.00")
    assert basis(result) == "M5: 2025-03-12 有理投诉（较重），当月取消（默认）；M4: 2星，当月待遇取消，金额 0.00元"


def test_m4_level_is_the_one_held_on_the_last_day_of_the_month():
    # given a 3-star lowered by V1 (不够级) on 10 March: the whole of March at 2 stars, the basis names V1
    short = (veto("2025-03-10", None, Sanction.LOWER, EventCategory.SHORT_OF_LEVEL),)
    titles = (spell(3, "2024-10-15", "2025-03-10", EndReason.LOWERED), spell(2, "2025-03-10"))
    result = line(0, "96", titles=titles, events=short)
    assert result.amount == D("200.00") and result.level == 2
    assert basis(result) == ("V1: 2025-03-10 起降级：3星 → 2星；本月待遇按月末（2025-03-31）所持星级计（M4）；"
                             "M4: 96分 ≥ 95分, 2星基数200元 × 100% = 200.00元")
    # given a 1-star revoked by V1 (不合格) on 10 March: a line, amount 0
    unqualified = (veto("2025-03-10", None, Sanction.REVOKE, EventCategory.UNQUALIFIED),)
    revoked = (spell(1, "2024-10-15", "2025-03-10", EndReason.REVOKED),)
    result = line(0, "96", titles=revoked, events=unqualified)
    assert result.amount == D("0.00") and result.level == 0
    assert basis(result) == ("V1: 2025-03-10 起取消星级：1星 → 无星级；本月待遇按月末（2025-03-31）所持星级计（M4）；"
                             "M4: 月末（2025-03-31）未持有星级，金额 0.00元")


def test_m4_a_title_sanction_is_named_by_its_rule():
    titles = (spell(2, "2024-10-15", "2025-03-01", EndReason.LOWERED), spell(1, "2025-03-01"))
    # no event behind the change (an M6 lowering, imported history): M4 alone, nothing guessed
    assert basis(line(0, "96", titles=titles)) == "M4: 96分 ≥ 95分, 1星基数100元 × 100% = 100.00元"
    # M5: a veto whose sanction (by severity: 严重 → 取消星级) is a title sanction confirmed for that day
    revoked = (spell(2, "2024-10-15", "2025-03-20", EndReason.REVOKED),)
    severe = (veto("2025-03-20", Severity.SEVERE),)
    assert basis(line(0, "96", titles=revoked, events=severe)).startswith("M5: 2025-03-20 起取消星级：2星 → 无星级")
    # the month after is untouched by the change: no reason of it
    assert basis(line(0, "96", month=Month(2025, 4), titles=titles)) == "M4: 96分 ≥ 95分, 1星基数100元 × 100% = 100.00元"


def test_m4_no_title_in_the_month_means_no_line():
    assert line(0, "96", titles=(spell(1, "2025-04-01"),)) is None


def test_m4_low_score_cancel_choice_pays_nothing():
    policy = replace(POLICY, m4_low_score_choice=LowerOrCancel.CANCEL)
    result = line(2, "84.9", policy=policy)
    assert result.amount == D("0.00")
    assert basis(result) == "M4: 84.9分 < 85分，取消当月待遇，金额 0.00元"


def test_m4_one_star_below_85_is_lowered_to_nothing():
    result = line(1, "80")
    assert result.amount == D("0.00") and result.paid_level is None


def test_m4_bases_and_bands_come_from_the_policy():
    policy = replace(POLICY, m4_base_level2=D("250"), m4_full_rate_from=D("96"), m4_proportional_from=D("80"))
    assert line(2, "95.5", policy=policy).amount == D("238.75")
    assert line(2, "80", policy=policy).amount == D("200.00")


def test_c3_allowance_is_rounded_once_at_the_end():
    # given a base of 33.33 at 85.5%: 28.49715 → 28.50
    policy = replace(POLICY, m4_base_level1=D("33.33"))
    assert line(1, "85.5", policy=policy).amount == D("28.50")


def test_m5_default_sanction_by_severity():
    lowerings, cancels = month_sanctions([veto("2025-03-01", Severity.GENERAL), veto("2025-03-02", Severity.SERIOUS),
                                          veto("2025-03-03", Severity.SEVERE), veto("2025-04-01")], MARCH, POLICY)
    assert [e.on.day for e in lowerings] == [1]
    assert [e.on.day for e in cancels] == [2]  # 严重 → 取消星级 is a title sanction (V1), not a month one


def test_m5_recorded_sanction_overrides_the_default():
    lowerings, cancels = month_sanctions([veto("2025-03-01", Severity.GENERAL, Sanction.MONTH_CANCEL)], MARCH, POLICY)
    assert lowerings == () and len(cancels) == 1


def test_m5_two_month_lowerings_stack():
    # given a 3-star with two 一般 vetoes in March, score 96
    result = line(3, "96", events=(veto("2025-03-01"), veto("2025-03-20", category=EventCategory.VIOLATION)))
    assert result.treatment_level == 1 and result.amount == D("100.00")


def test_m5_default_policy_per_severity_is_a_policy_field():
    policy = replace(POLICY, m5_sanction_general=Sanction.MONTH_CANCEL)
    assert line(2, "96", events=(veto("2025-03-01"),), policy=policy).amount == D("0.00")


def test_j3_lowering_applies_july_to_december_only():
    assert line(2, "96", month=Month(2025, 6), june_score="60").amount == D("200.00")
    assert line(2, "96", month=Month(2025, 7), june_score="60").amount == D("100.00")
    assert line(2, "96", month=Month(2025, 12), june_score="60").amount == D("100.00")


def test_j3_cancel_choice_zeroes_the_second_half():
    policy = replace(POLICY, j3_low_score_choice=LowerOrCancel.CANCEL)
    result = line(2, "96", month=AUGUST, june_score="65", policy=policy)
    assert result.amount == D("0.00")
    assert basis(result).startswith("J3: 年中综合考试 65分 ≤ 65分，7–12月星级待遇取消")


def test_m4_allowances_for_a_month_from_person_facts():
    # given two holders and one agent without title
    people = [
        person("1", titles=(spell(2, "2024-10-15"),), monthly_scores=monthly(2025, {8: "90"})),
        person("2", titles=(spell(3, "2024-10-15"),)),
        person("3", monthly_scores=monthly(2025, {8: "99"})),
    ]
    june = {"1": JuneResult("1", 2025, D("60"), 40, 45, d("2025-06-20"))}
    lines = allowances_for_month(people, AUGUST, POLICY, june)
    assert [(x.staff_no, x.amount) for x in lines] == [("1", D("90.00")), ("2", None)]
    assert allowance_for(people[2], AUGUST, POLICY) is None


@settings(deadline=None)
@given(st.sampled_from([1, 2, 3]), st.integers(0, 1000), st.integers(0, 3), st.one_of(st.none(), st.integers(0, 1000)),
       st.sampled_from(list(LowerOrCancel)))
def test_m4_allowance_never_above_the_base_of_the_level_held(level, tenths, lowerings, june_tenths, choice):
    # given any score, any number of month lowerings, any June score
    events = tuple(veto(f"2025-08-{i + 1:02d}") for i in range(lowerings))
    policy = replace(POLICY, m4_low_score_choice=choice)
    june_score = str(Decimal(june_tenths) / 10) if june_tenths is not None else None
    result = line(level, str(Decimal(tenths) / 10), month=AUGUST, events=events, june_score=june_score,
                  policy=policy)
    # then 0 <= amount <= B(L), and the same input gives the same decision
    assert D("0") <= result.amount <= POLICY.base(level)
    assert result == line(level, str(Decimal(tenths) / 10), month=AUGUST, events=events, june_score=june_score,
                          policy=policy)


def test_m4_year_of_lines_equals_month_by_month():
    # given holders with scores, a veto and a low June score
    people = [
        person("1", titles=(spell(2, "2024-10-15", "2025-10-15", EndReason.RENEWAL), spell(3, "2025-10-15")),
               monthly_scores=monthly(2025, {m: "9" + str(m % 10) for m in range(1, 13)}),
               events=(veto("2025-04-02"),)),
        person("2", titles=(spell(1, "2025-05-20"),), monthly_scores=monthly(2025, {6: "84"})),
        person("3"),
    ]
    june = {"1": JuneResult("1", 2025, D("60"), 30, 45, d("2025-06-20"))}
    # when
    by_year = allowances_for_year(people, 2025, POLICY, june)
    # then
    for m in range(1, 13):
        assert by_year[Month(2025, m)] == allowances_for_month(people, Month(2025, m), POLICY, june)
    assert [x.staff_no for x in by_year[Month(2025, 4)]] == ["1"]
