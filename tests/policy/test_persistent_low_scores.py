"""M6: persistent low scores."""

from dataclasses import replace

from hypothesis import given, settings, strategies as st

from stardesk.policy.bans import active_ban
from stardesk.policy.conventions import Month
from stardesk.policy.facts import EndReason
from stardesk.policy.persistent_low_scores import persistent_low_scores
from stardesk.policy.reasons import basis
from stardesk.policy.yearly import LowerOrCancel

from .builders import D, POLICY, by_month, d, spell

HOLDER = (spell(2, "2024-10-15"),)


def run(scores, titles=HOLDER, year=2025, policy=POLICY):
    return persistent_low_scores("1001", by_month(year, scores), titles, year, policy)


def test_m6_three_consecutive_low_months_lower_from_the_next_month():
    # given Jan–Mar below 95
    result = run({1: "94", 2: "90", 3: "94.9", 4: "96"})
    # then one trigger in March, lowered 2 → 1 from 1 April
    (t,) = result.triggers
    assert t.trigger_month == Month(2025, 3) and t.effective_on == d("2025-04-01")
    assert t.months == (Month(2025, 1), Month(2025, 2), Month(2025, 3))
    assert (t.change.level_before, t.change.level_after, t.change.end_reason) == (2, 1, EndReason.LOWERED)
    assert result.titles == (spell(2, "2024-10-15", "2025-04-01", EndReason.LOWERED), spell(1, "2025-04-01"))
    assert basis(t) == ("M6: 2025年连续3个月月度得分低于 95分（2025-01、2025-02、2025-03），"
                        "2025-04-01 起话务员2星→1星（降级），至下次授牌；E6: 属处分，一年内不得申报")


def test_m6_exactly_95_is_not_low_and_breaks_the_run():
    assert run({1: "94", 2: "95", 3: "94", 4: "94"}).triggers == ()


def test_m6_month_without_score_neither_counts_nor_breaks_the_run():
    # given Jan low, Feb unscored, Mar low, Apr low
    (t,) = run({1: "90", 3: "90", 4: "90"}).triggers
    assert t.trigger_month == Month(2025, 4)
    assert t.months == (Month(2025, 1), Month(2025, 3), Month(2025, 4))


def test_m6_six_low_months_in_total():
    # given low months never three in a row
    scores = {1: "90", 2: "90", 3: "99", 4: "90", 5: "90", 6: "99", 7: "90", 8: "96", 9: "90", 10: "90"}
    (t,) = run(scores).triggers
    # then the sixth low month (September) triggers, effective 1 October
    assert t.kind == "累计6个月" and t.trigger_month == Month(2025, 9)
    assert t.months == tuple(Month(2025, m) for m in (1, 2, 4, 5, 7, 9))
    assert t.effective_on == d("2025-10-01")


def test_m6_counts_restart_after_a_lowering():
    # given six low months in a row: triggers in March and June, not in between
    result = run({m: "90" for m in range(1, 7)}, titles=(spell(3, "2024-10-15"),))
    assert [t.trigger_month.month for t in result.triggers] == [3, 6]
    assert [t.change.level_after for t in result.triggers] == [2, 1]


def test_m6_one_star_is_revoked_and_later_months_no_longer_count():
    result = run({m: "90" for m in range(1, 10)}, titles=(spell(1, "2024-10-15"),))
    (t,) = result.triggers
    assert (t.change.level_after, t.change.end_reason) == (0, EndReason.REVOKED)


def test_m6_policy_can_choose_revoke():
    result = run({1: "90", 2: "90", 3: "90"}, titles=(spell(3, "2024-10-15"),),
                 policy=replace(POLICY, m6_choice=LowerOrCancel.CANCEL))
    assert result.triggers[0].change.level_after == 0


def test_m6_december_trigger_takes_effect_on_1_january():
    (t,) = run({10: "90", 11: "90", 12: "90"}).triggers
    assert t.effective_on == d("2026-01-01")


def test_m6_months_without_a_title_do_not_count():
    # given a title only from 15 October: Aug/Sep are scored but not held
    result = run({8: "90", 9: "90", 10: "90", 11: "90"}, titles=(spell(1, "2025-10-15"),))
    assert result.triggers == ()


def test_m6_runs_over_the_award_date():
    # given holders re-awarded on 15 October: Sep, Oct, Nov form a run
    titles = (spell(2, "2024-10-15", "2025-10-15", EndReason.RENEWAL), spell(2, "2025-10-15"))
    (t,) = run({9: "90", 10: "90", 11: "90"}, titles=titles).triggers
    assert t.effective_on == d("2025-12-01") and t.change.level_before == 2


def test_m6_counting_stays_within_the_calendar_year():
    assert run({11: "90", 12: "90"}).triggers == ()
    both = persistent_low_scores("1", {**by_month(2024, {11: "90", 12: "90"}), **by_month(2025, {1: "90"})},
                                 HOLDER, 2025, POLICY)
    assert both.triggers == ()


def test_m6_lowering_is_a_sanction_that_sets_the_e6_ban():
    result = run({1: "94", 2: "90", 3: "94"})
    assert active_ban(result.titles, d("2025-09-30"), POLICY).until == d("2026-04-01")


def test_m6_recomputation_on_history_that_records_it_does_not_lower_twice():
    first = run({1: "94", 2: "90", 3: "94"})
    again = run({1: "94", 2: "90", 3: "94"}, titles=first.titles)
    assert again.titles == first.titles
    assert again.triggers[0].already_applied


def test_m6_no_title_on_the_effective_date_means_no_change():
    # given the title ends on 1 April (left)
    titles = (spell(2, "2024-10-15", "2025-04-01", EndReason.LEFT),)
    (t,) = run({1: "90", 2: "90", 3: "90"}, titles=titles).triggers
    assert t.change is None
    assert "无星级可降" in basis(t)


def test_m6_thresholds_come_from_the_policy():
    policy = replace(POLICY, m6_threshold=D("90"), m6_consecutive_months=2)
    assert run({1: "90", 2: "89.9", 3: "89.9"}, policy=policy).triggers[0].trigger_month == Month(2025, 3)


@settings(deadline=None)
@given(st.dictionaries(st.integers(1, 12), st.integers(800, 1000), max_size=12))
def test_m6_trigger_months_are_all_low_and_same_input_same_result(raw):
    scores = {m: str(D(v) / 10) for m, v in raw.items()}
    result = run(scores)
    for t in result.triggers:
        assert all(by_month(2025, scores)[m] < D("95") for m in t.months)
        assert len(t.months) >= 3
    assert result == run(scores)
