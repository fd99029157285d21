"""X5: composite score."""

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from stardesk.policy.composite import composite_score
from stardesk.policy.facts import MonitoringScore
from stardesk.policy.reasons import basis

from .builders import D, POLICY, by_month, d

R = d("2025-09-30")
TWELVE = {**by_month(2024, {10: "90", 11: "91", 12: "92"}), **by_month(2025, {m: "91" for m in range(1, 10)})}


def calls(*pairs):
    return [MonitoringScore(d(on), D(s)) for on, s in pairs]


def test_x5_default_weights_04_monthly_02_monitoring_04_exam():
    # given monthly mean (90+91+92+9×91)/12 = 91, monitoring mean 88, exam 90
    result = composite_score("1", TWELVE, calls(("2025-03-01", "86"), ("2025-06-01", "90")), D("90"), R, POLICY)
    # then 0.4×91 + 0.2×88 + 0.4×90 = 36.4 + 17.6 + 36 = 90
    assert result.value == Fraction(90)
    assert result.shown == Decimal("90.00")
    assert basis(result) == ("X5: 2024-10至2025-09：40% × 月度均分 91（12个月） + 20% × 监听均分 88（2次） + "
                             "40% × 资格考试成绩 90 = 90")


def test_x5_missing_part_is_shown_missing_never_zero():
    # given no call monitoring in the window
    result = composite_score("1", TWELVE, calls(("2024-09-30", "99")), D("90"), R, POLICY)
    # then the composite is missing, not 0.4×91 + 0 + 0.4×90
    assert result.value is None and result.shown is None
    assert result.missing == ("监听均分",)
    assert "缺监听均分，综合得分暂缺" in basis(result)


def test_x5_no_exam_passed_is_missing():
    result = composite_score("1", TWELVE, calls(("2025-03-01", "86")), None, R, POLICY)
    assert result.missing == ("资格考试成绩",)


def test_x5_window_is_the_last_twelve_whole_months_up_to_r():
    # given R mid-month: September is not yet whole, September 2024 is in
    scores = {**TWELVE, **by_month(2024, {9: "60"})}
    result = composite_score("1", scores, calls(("2025-09-10", "70"), ("2025-08-31", "90")), D("90"),
                             d("2025-09-15"), POLICY)
    monthly, monitoring, _ = result.parts
    assert str(result.window[0]) == "2024-09" and str(result.window[-1]) == "2025-08"
    assert monthly.count == 12 and monthly.value == Fraction(60 + 90 + 91 + 92 + 8 * 91, 12)
    assert monitoring.value == Fraction(90)


def test_x5_weights_come_from_the_policy_and_value_is_exact():
    policy = replace(POLICY, x5_weight_monthly=D("0.5"), x5_weight_monitoring=D("0"), x5_weight_exam=D("0.5"))
    scores = by_month(2025, {7: "90", 8: "90", 9: "90.1"})
    result = composite_score("1", scores, calls(("2025-08-01", "50")), D("90"), R, policy)
    # 0.5 × 270.1/3 + 0.5 × 90 = 90.01666…
    assert result.value == Fraction("0.5") * Fraction("270.1") / 3 + 45
    assert result.shown == Decimal("90.02")
