"""P1–P3: the yearly policy, its file form and validation; decisions that explain themselves."""

import ast
import json
import re
from dataclasses import fields, replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from stardesk.policy.conventions import Month, QuotaRounding
from stardesk.policy.errors import PolicyFormatError
from stardesk.policy.facts import Sanction
from stardesk.policy.monthly_allowance import allowance_line
from stardesk.policy.quotas import quotas_for
from stardesk.policy.reasons import Reason, basis
from stardesk.policy.rulebook import RULES
from stardesk.policy.yearly import (POLICY_FIELDS, LowerOrCancel, MonthDay, RankLimitMode, YearlyPolicy,
                                    field_label, field_rule, next_cycle_policy, policy_field, policy_from_dict,
                                    policy_to_dict, validate_policy)

from .builders import D, spell

POLICY_DIR = Path(__file__).resolve().parents[2] / "src" / "stardesk" / "policy"


def test_p1_defaults_are_those_of_policy_md():
    p = YearlyPolicy.defaults()
    assert p == YearlyPolicy()
    assert (p.q1_ratio_level1, p.q1_ratio_level2, p.q1_ratio_level3) == (D("0.30"), D("0.30"), D("0.10"))
    assert p.c4_quota_rounding is QuotaRounding.HALF_UP
    assert (p.e7_limit_level3_count, p.e7_limit_level2_count, p.e7_gate_enabled) == (5, 10, True)
    assert p.e6_rank_adjustment_sets_ban is False
    assert (p.x2_weight_knowledge, p.x2_weight_skills) == (D("0.6"), D("0.4"))
    assert [p.pass_mark(L) for L in (1, 2, 3)] == [D("80"), D("85"), D("90")]
    assert (p.x5_weight_monthly, p.x5_weight_monitoring, p.x5_weight_exam) == (D("0.4"), D("0.2"), D("0.4"))
    assert [p.base(L) for L in (0, 1, 2, 3)] == [D("0"), D("100"), D("200"), D("300")]
    assert (p.m4_full_rate_from, p.m4_proportional_from, p.m4_low_score_choice) == (D("95"), D("85"),
                                                                                   LowerOrCancel.LOWER)
    assert (p.m5_sanction_general, p.m5_sanction_serious, p.m5_sanction_severe) == (
        Sanction.MONTH_LOWER, Sanction.MONTH_CANCEL, Sanction.REVOKE)
    assert (p.m6_consecutive_months, p.m6_total_months, p.m6_threshold, p.m6_choice) == (3, 6, D("95"),
                                                                                        LowerOrCancel.LOWER)
    assert (p.j2_band1_coefficient, p.j2_band2_coefficient, p.j2_band3_coefficient) == (D("1.3"), D("1.2"), D("1"))
    assert (p.j3_low_score_at_most, p.j3_results_published) == (D("65"), MonthDay(7, 1))
    assert [p.reward(L) for L in (1, 2, 3)] == [D("0"), D("500"), D("800")]
    assert (p.a2_first_time_only, p.r1_deadline_day) == (False, 5)
    assert (p.v1_sanction_short_of_level, p.v1_sanction_unqualified) == (Sanction.LOWER, Sanction.REVOKE)
    assert (p.m7_preliminary_months, p.m7_composite_months) == (6, 12)
    assert validate_policy(p) == []


def test_p1_dict_keys_name_the_rule_and_round_trip_exactly():
    d = policy_to_dict(YearlyPolicy())
    assert d["Q1_ratio_level1"] == "0.30" and d["E7_limit_mode"] == "名次" and d["J3_results_published"] == "07-01"
    assert all(re.match(r"^[A-Z]\d_", k) and k[:2] in RULES for k in d)
    # through JSON and back
    again = json.loads(json.dumps(d, ensure_ascii=False))
    assert policy_from_dict(again) == YearlyPolicy()
    assert policy_to_dict(policy_from_dict(again)) == d


decimals = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)


@settings(deadline=None)
@given(decimals, decimals, st.integers(0, 50), st.booleans(), st.sampled_from(list(LowerOrCancel)),
       st.sampled_from(list(RankLimitMode)), st.integers(1, 12), st.integers(1, 28), st.text(min_size=1, max_size=8))
def test_p1_any_policy_round_trips_through_its_dict(a, b, n, flag, choice, mode, month, day, version):
    p = replace(YearlyPolicy(), q1_ratio_level1=a, m4_base_level3=b, e7_limit_level2_count=n,
                a2_first_time_only=flag, m6_choice=choice, e7_limit_mode=mode,
                j3_results_published=MonthDay(month, day), p2_version=version)
    d = policy_to_dict(p)
    assert policy_from_dict(d) == p
    assert policy_to_dict(policy_from_dict(d)) == d


def test_p1_unknown_or_missing_keys_are_a_clear_error():
    d = policy_to_dict(YearlyPolicy())
    d["Q1_ratio_level4"] = "0.1"
    del d["M4_base_level1"]
    with pytest.raises(PolicyFormatError) as err:
        policy_from_dict(d)
    assert err.value.message_zh == "未知的键：Q1_ratio_level4；缺少的键：M4_base_level1"


@pytest.mark.parametrize("key, value, message", [
    ("Q1_ratio_level1", 0.3, "须为十进制数字符串"),
    ("Q1_ratio_level1", "三成", "不是数字"),
    ("E7_gate_enabled", "yes", "须为 true 或 false"),
    ("M6_total_months", "6", "须为整数"),
    ("M4_low_score_choice", "减半", "须为 降级 / 取消 之一"),
    ("J3_results_published", "July 1", "须为 \"MM-DD\" 形式"),
])
def test_p1_mistyped_values_are_refused_with_chinese_messages(key, value, message):
    d = policy_to_dict(YearlyPolicy())
    d[key] = value
    with pytest.raises(PolicyFormatError) as err:
        policy_from_dict(d)
    assert message in err.value.message_zh


@pytest.mark.parametrize("changes, field", [
    ({"q1_ratio_level1": D("1.2")}, "q1_ratio_level1"),
    ({"x2_weight_knowledge": D("0.7")}, "x2_weight_skills"),
    ({"x5_weight_exam": D("0.5")}, "x5_weight_exam"),
    ({"m4_proportional_from": D("96")}, "m4_proportional_from"),
    ({"j2_band2_from": D("97")}, "j2_band2_from"),
    ({"x2_pass_mark_level3": D("101")}, "x2_pass_mark_level3"),
    ({"x2_pass_mark_level3": D("90.25")}, "x2_pass_mark_level3"),
    ({"m4_base_level2": D("-1")}, "m4_base_level2"),
    ({"m4_base_level3": D("150")}, "m4_base_level2"),
    ({"e7_limit_level3_count": 11}, "e7_limit_level3_count"),
    ({"e7_limit_level3_share": D("0.2")}, "e7_limit_level3_share"),
    ({"m6_total_months": 13}, "m6_total_months"),
    ({"v1_sanction_unqualified": Sanction.MONTH_CANCEL}, "v1_sanction_unqualified"),
    ({"j3_results_published": MonthDay(2, 30)}, "j3_results_published"),
    ({"r1_deadline_day": 31}, "r1_deadline_day"),
    ({"p2_version": " "}, "p2_version"),
])
def test_p1_validation_names_the_field_in_chinese(changes, field):
    problems = validate_policy(replace(YearlyPolicy(), **changes))
    assert field in [p.field for p in problems]
    problem = next(p for p in problems if p.field == field)
    assert problem.message_zh.startswith(field_label(field))


def test_p1_every_field_has_a_chinese_label_and_a_rule_id_of_policy_md():
    assert len(POLICY_FIELDS) == len(fields(YearlyPolicy))
    for pf in POLICY_FIELDS:
        assert pf.rule in RULES and pf.name.upper().startswith(pf.rule)
        assert re.search(r"[\u4e00-\u9fff]", pf.label_zh)
    assert field_rule("Q1_ratio_level2") == "Q1" and policy_field("m4_base_level1").key == "M4_base_level1"


def test_p1_next_cycle_starts_from_a_copy_of_the_last():
    last = replace(YearlyPolicy(), m4_base_level1=D("120"), p2_version="2025")
    new = next_cycle_policy(last, "2026")
    assert new.m4_base_level1 == D("120") and new.p2_version == "2026"


def test_p1_rule_functions_hard_code_no_policy_number():
    # the numbers of the policy appear only in yearly.py (comments and docstrings aside)
    suspicious = {"0.30", "0.3", "0.10", "0.6", "0.4", "0.2", "0.05", "1.30", "1.3", "1.2", "500", "800", "300",
                  "200", "95", "85", "65", "80", "90"}
    for path in POLICY_DIR.glob("*.py"):
        if path.name in ("yearly.py", "rulebook.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value,
                                                                                                      bool):
                assert str(node.value) not in suspicious, f"{path.name}: {node.value}"
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Decimal" and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    assert arg.value not in suspicious, f"{path.name}: Decimal({arg.value!r})"


def test_p2_decisions_record_the_policy_version():
    policy = replace(YearlyPolicy(), p2_version="2025-第2版")
    assert quotas_for(100, policy).policy_version == "2025-第2版"
    line = allowance_line("1", (spell(2, "2024-10-15"),), Month(2025, 3), D("90"), (), None, policy)
    assert line.policy_version == "2025-第2版"


def test_p3_basis_renders_rule_ids_and_figures_joined_by_fullwidth_semicolon():
    assert basis([Reason("M5", "当月降级"), Reason("M4", "90.5分, 2星基数200元 × 90.5%")]) == \
        "M5: 当月降级；M4: 90.5分, 2星基数200元 × 90.5%"
    line = allowance_line("1", (spell(2, "2024-10-15"),), Month(2025, 3), D("90.5"), (), None, YearlyPolicy())
    assert basis(line) == "M4: 90.5分, 2星基数200元 × 90.5% = 181.00元"
    assert Decimal is type(line.amount)
