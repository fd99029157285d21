"""J1–J4 and the E7 rank gate."""

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from stardesk.policy.bans import bans_from_history
from stardesk.policy.conventions import Month
from stardesk.policy.facts import EndReason
from stardesk.policy.june_exam import (JuneResult, allowed_level, competition_ranks, june_adjustment, june_results,
                                       june_treatment, rank_gate, rank_limits, second_half_coefficient)
from stardesk.policy.people import apply_title_change
from stardesk.policy.reasons import basis
from stardesk.policy.yearly import LowerOrCancel, MonthDay, RankLimitMode

from .builders import D, POLICY, d, june, person, spell


def result(score="90", rank=1, of=45):
    return JuneResult("1", 2025, D(score), rank, of, d("2025-06-20"))


def test_j1_later_sitting_counts():
    people = [person("1", exams=(june("2025-06-20", "95"), june("2025-07-05", "80"))),
              person("2", exams=(june("2025-06-20", "85"),))]
    results = june_results(people, 2025)
    assert results["1"].score == D("80") and results["1"].sittings == 2
    assert (results["1"].rank, results["2"].rank) == (2, 1)


def test_j1_competition_ranks_1_2_2_4():
    ranks = competition_ranks({"a": D("98"), "b": D("95"), "c": D("95"), "d": D("90")})
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_j1_ranks_are_among_june_scores_of_year_y_only():
    people = [person("1", exams=(june("2024-06-20", "99"),)), person("2", exams=(june("2025-06-20", "70"),))]
    results = june_results(people, 2025)
    assert list(results) == ["2"] and results["2"].ranked_count == 1


@settings(deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=4), st.integers(0, 1000), max_size=40))
def test_j1_ranks_are_competition_ranks(raw):
    scores = {k: Decimal(v) / 10 for k, v in raw.items()}
    ranks = competition_ranks(scores)
    for k, s in scores.items():
        # rank = 1 + number of strictly better scores
        assert ranks[k] == 1 + sum(1 for other in scores.values() if other > s)


@pytest.mark.parametrize("score, coefficient", [("100", "1.30"), ("95", "1.30"), ("94.9", "1.20"), ("90", "1.20"),
                                                ("89.9", "1.00"), ("85", "1.00"), ("84.9", "0.849"), ("60", "0.6")])
def test_j2_second_half_coefficient_bands(score, coefficient):
    decision = second_half_coefficient("1", 2025, result(score), POLICY)
    assert decision.coefficient == D(coefficient)


def test_j2_reason_and_absent_person():
    assert basis(second_half_coefficient("1", 2025, result("92", 3), POLICY)) == \
        "J2: 2025年年中综合考试 92分，第 3 名（共 45 人），90 ≤ 92 < 95，系数 120%"
    absent = second_half_coefficient("1", 2025, None, POLICY)
    assert absent.coefficient is None and basis(absent) == "J2: 未参加2025年年中综合考试，无下半年奖金系数"


def test_j3_score_65_lowers_treatment_65_1_does_not():
    assert june_treatment(D("65"), Month(2025, 7), POLICY) is LowerOrCancel.LOWER
    assert june_treatment(D("65.1"), Month(2025, 7), POLICY) is None
    assert june_treatment(D("50"), Month(2025, 6), POLICY) is None


def test_j3_cancel_choice():
    policy = replace(POLICY, j3_low_score_choice=LowerOrCancel.CANCEL)
    assert june_treatment(D("60"), Month(2025, 12), policy) is LowerOrCancel.CANCEL


def test_j3_three_star_ranked_6_to_10_is_moved_to_two_star_on_publication():
    adj = june_adjustment("1", (spell(3, "2024-10-15"),), result("92", 6), 2025, POLICY)
    change = adj.title_change
    assert (change.effective_on, change.level_before, change.level_after) == (d("2025-07-01"), 3, 2)
    assert change.end_reason is EndReason.RANK_ADJUSTMENT
    assert basis(adj) == ("J3: 2025年年中综合考试 92分，第 6 名（共 45 人），名次不足以保持3星，"
                          "2025-07-01 起调整为2星")


def test_j3_three_star_ranked_over_10_moves_to_one_star_and_sets_no_ban():
    titles = (spell(3, "2024-10-15"),)
    adj = june_adjustment("1", titles, result("80", 11), 2025, POLICY)
    assert adj.title_change.level_after == 1
    assert bans_from_history(apply_title_change(titles, adj.title_change), POLICY) == ()


def test_j3_one_star_holder_is_not_moved_and_top_ranks_keep_their_level():
    assert june_adjustment("1", (spell(1, "2024-10-15"),), result("70", 40), 2025, POLICY).title_change is None
    assert june_adjustment("1", (spell(3, "2024-10-15"),), result("99", 5), 2025, POLICY).title_change is None


def test_j3_publication_date_is_a_policy_field():
    policy = replace(POLICY, j3_results_published=MonthDay(7, 15))
    adj = june_adjustment("1", (spell(2, "2024-10-15"),), result("80", 20), 2025, policy)
    assert adj.title_change.effective_on == d("2025-07-15")


def test_j3_low_score_and_rank_move_together():
    adj = june_adjustment("1", (spell(2, "2024-10-15"),), result("60", 30), 2025, POLICY)
    assert adj.treatment is LowerOrCancel.LOWER and adj.title_change.level_after == 1
    assert [r.rule for r in adj.reasons] == ["J3", "J3"]


def test_j4_june_rank_is_the_gate_of_the_october_cycle():
    assert allowed_level(result(rank=5), POLICY) == 3
    assert allowed_level(result(rank=10), POLICY) == 2
    assert allowed_level(result(rank=11), POLICY) == 1
    assert allowed_level(None, POLICY) == 1
    assert allowed_level(None, replace(POLICY, e7_gate_enabled=False)) == 3


def test_e7_share_limits_round_by_c4():
    policy = replace(POLICY, e7_limit_mode=RankLimitMode.SHARE)
    # 5% and 10% of 45: 2.25 → 2, 4.5 → 5
    assert rank_limits(45, policy) == (2, 5)
    assert rank_gate(result(rank=5, of=45), 2, policy).passed
    assert not rank_gate(result(rank=3, of=45), 3, policy).passed
