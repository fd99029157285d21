"""E1–E8: who may apply for which level."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from stardesk.policy.cycle import Cycle
from stardesk.policy.eligibility import check_applications, check_eligibility, eligible_levels
from stardesk.policy.errors import InvalidInput
from stardesk.policy.facts import Application, EndReason, EventCategory
from stardesk.policy.june_exam import JuneResult, june_results
from stardesk.policy.reasons import basis
from stardesk.policy.yearly import RankLimitMode

from .builders import D, POLICY, d, honour, june, person, spell

R = d("2025-09-30")
CYCLE = Cycle(2025, R)


def ranked(rank: int, of: int = 45, staff_no: str = "1001") -> JuneResult:
    return JuneResult(staff_no, 2025, D("90"), rank, of, d("2025-06-20"))


def apply(p, level, june=None, policy=POLICY, **kw):
    return check_eligibility(p, Application(p.staff_no, 2025, level, **kw), CYCLE, policy, june)


def test_e1_one_year_of_hotline_tenure_qualifies_for_one_star():
    # given a start on 2024-10-01 (one year on 2025-09-30)
    result = apply(person(hotline_start="2024-10-01"), 1)
    # then
    assert result.eligible
    assert "E1: 入职服务热线 1 年，满一年" in basis(result)


def test_e1_under_one_year_fails_with_months_in_words():
    # given a start on 2024-12-01
    result = apply(person(hotline_start="2024-12-01"), 1)
    # then the team leader can read the reason out
    assert not result.eligible
    assert [str(r) for r in result.failures] == ["E1: 入职服务热线 10 个月，不足一年"]


def test_e1_leader_recommendation_with_written_reason_is_the_exception_and_flagged():
    # given under one year, recommended as 表现突出 with a reason
    result = apply(person(hotline_start="2024-12-01"), 1, leader_recommended=True,
                   recommendation_reason="连续三个月满分，多次获表扬")
    # then eligible, flagged for the committee
    assert result.eligible and result.leader_exception
    assert "班长推荐表现突出：连续三个月满分，多次获表扬" in basis(result)


def test_e1_leader_recommendation_without_reason_fails():
    result = apply(person(hotline_start="2024-12-01"), 1, leader_recommended=True, recommendation_reason="  ")
    assert not result.eligible and not result.leader_exception
    assert "班长推荐缺少书面理由" in result.failures[0].text


def test_e2_needs_a_one_star_title_in_this_job_type():
    # given a 1-star held as 班长 but now working as 话务员
    p = person(titles=(spell(1, "2024-10-15", job_type="班长"),))
    result = apply(p, 2, ranked(1))
    # then E2 fails (and, without the title, E5 too)
    assert not result.eligible
    assert {r.rule for r in result.failures} == {"E2", "E5"}
    assert "未持有本工种（话务员）1星及以上星级" in basis(result.failures)


def test_e2_job_type_tenure_under_one_year_fails():
    # given 1-star holder who changed job type on 2025-01-01
    p = person(job_type_start="2025-01-01", titles=(spell(1, "2025-01-01"),))
    result = apply(p, 2, ranked(1))
    assert [str(r) for r in result.failures] == ["E2: 本工种（话务员）工作 9 个月，不足一年"]


def test_e2_one_star_holder_with_rank_and_tenure_qualifies():
    p = person(titles=(spell(1, "2024-10-15"),))
    assert apply(p, 2, ranked(10)).eligible


def test_e3_needs_a_two_star_title():
    p = person(titles=(spell(1, "2024-10-15"),))
    result = apply(p, 3, ranked(1))
    assert {r.rule for r in result.failures} == {"E3", "E5"}


def test_e3_three_star_holder_applies_again_for_three_star():
    p = person(titles=(spell(3, "2024-10-15"),))
    assert apply(p, 3, ranked(5)).eligible


def test_e4_honour_of_the_year_allows_two_star_without_one_star():
    # given no title but 先进个人 in 2025
    p = person(events=(honour("2025-05-01"),))
    result = apply(p, 2, ranked(3))
    # then eligible via E4, flagged as honour (Q3 priority)
    assert result.eligible and result.honour
    assert "E4: 2025-05-01 获先进个人，可不持一星申报二星（须参加二星考核）" in basis(result)


def test_e4_company_award_counts_too_but_not_last_year():
    assert apply(person(events=(honour("2025-01-05", EventCategory.COMPANY_AWARD),)), 2, ranked(3)).eligible
    assert not apply(person(events=(honour("2024-12-20"),)), 2, ranked(3)).eligible


def test_e4_honour_after_reference_date_does_not_count_yet():
    assert not apply(person(events=(honour("2025-11-01"),)), 2, ranked(3)).eligible


def test_e4_honour_route_still_needs_job_tenure_and_rank():
    p = person(job_type_start="2025-03-01", events=(honour("2025-05-01"),))
    result = apply(p, 2, ranked(12))
    assert {r.rule for r in result.failures} == {"E2", "E7"}


def test_e4_honour_route_is_only_for_two_star():
    # honour does not open 3-star
    p = person(events=(honour("2025-05-01"),))
    assert {r.rule for r in apply(p, 3, ranked(1)).failures} == {"E3", "E5"}


def test_e5_no_skipping_from_nothing_to_three_star():
    result = apply(person(), 3, ranked(1))
    assert "E5: 未持有星级，申报3星属越级（最多申报1星）" in basis(result.failures)


def test_e7_rank_6_cannot_apply_for_three_star_but_can_for_two_star():
    p = person(titles=(spell(2, "2024-10-15"),))
    three = apply(p, 3, ranked(6))
    assert [str(r) for r in three.failures] == [
        "E7: 2025年年中综合考试 90分，第 6 名（共 45 人），3星须前 5 名，不符合，只能申报2星"]
    assert apply(p, 2, ranked(6)).eligible


def test_e7_everyone_tied_at_the_limit_qualifies():
    # given June scores giving competition ranks 1,2,3,4,5,5,5,8
    scores = ["99", "98", "97", "96", "95", "95", "95", "94"]
    people = [person(str(i), titles=(spell(2, "2024-10-15"),), exams=(june("2025-06-20", s),))
              for i, s in enumerate(scores)]
    results = june_results(people, 2025)
    assert [results[p.staff_no].rank for p in people] == [1, 2, 3, 4, 5, 5, 5, 8]
    # then all three tied on rank 5 are within "前五名（含第五名）", the eighth is not
    eligible = [check_eligibility(p, Application(p.staff_no, 2025, 3), CYCLE, POLICY, results[p.staff_no]).eligible
                for p in people]
    assert eligible == [True] * 7 + [False]


def test_e7_not_ranked_may_apply_for_one_star_only():
    p = person(titles=(spell(1, "2024-10-15"),))
    assert [r.rule for r in apply(p, 2, None).failures] == ["E7"]
    assert apply(p, 1, None).eligible


def test_e7_limits_as_a_share_of_ranked_staff():
    # given share limits 10% / 20% of 45 ranked: 4.5 → 5 and 9 (C4 half up)
    policy = replace(POLICY, e7_limit_mode=RankLimitMode.SHARE,
                     e7_limit_level3_share=D("0.10"), e7_limit_level2_share=D("0.20"))
    p = person(titles=(spell(2, "2024-10-15"),))
    assert apply(p, 3, ranked(5, of=45), policy).eligible
    failed = apply(p, 3, ranked(6, of=45), policy)
    assert "3星须前 10% 即前 5 名" in failed.failures[0].text


def test_e7_gate_off_skips_the_ranking():
    policy = replace(POLICY, e7_gate_enabled=False)
    p = person(titles=(spell(2, "2024-10-15"),))
    assert apply(p, 3, None, policy).eligible


def test_e8_leaver_on_reference_date_cannot_apply():
    result = apply(person(left_on=R), 1)
    assert [str(r) for r in result.failures] == ["E8: 已于 2025-09-30 离职，不能申报"]


def test_e8_leaving_after_reference_date_does_not_block():
    assert apply(person(left_on=R + timedelta(days=1)), 1).eligible


def test_e8_every_failing_reason_is_reported_not_just_the_first():
    # given a leaver, banned, without title, short tenure, unranked, applying for 3-star
    p = person(job_type_start="2025-03-01", left_on=d("2025-08-01"),
               titles=(spell(1, "2024-10-15", "2025-04-01", EndReason.REVOKED),))
    result = apply(p, 3, None)
    assert [r.rule for r in result.failures] == ["E8", "E6", "E3", "E3", "E5", "E7"]


def test_e5_eligible_levels_for_overflow():
    # given a 2-star holder ranked 3rd
    p = person(titles=(spell(2, "2024-10-15"),))
    app = Application(p.staff_no, 2025, 3)
    assert eligible_levels(p, app, CYCLE, POLICY, ranked(3)) == frozenset({1, 2, 3})
    assert eligible_levels(p, app, CYCLE, POLICY, ranked(8)) == frozenset({1, 2})


def test_e1_level_outside_one_to_three_is_refused():
    with pytest.raises(InvalidInput):
        apply(person(), 4)


def test_e8_applications_of_unknown_staff_are_refused():
    with pytest.raises(InvalidInput):
        check_applications({}, [Application("9", 2025, 1)], CYCLE, POLICY, {})


starts = st.dates(min_value=date(2015, 1, 1), max_value=date(2025, 9, 30))


@settings(deadline=None)
@given(starts, st.integers(min_value=1, max_value=2000), st.sampled_from([1, 2, 3]), st.integers(1, 20))
def test_e1_eligibility_is_monotone_in_tenure(start, earlier_by, level, rank):
    # given the same person with an earlier start (more tenure), everything else equal
    titles = (spell(level - 1, "2015-01-01"),) if level > 1 else ()
    later = person(hotline_start=start.isoformat(), titles=titles)
    earlier_start = (start - timedelta(days=earlier_by)).isoformat()
    earlier = person(hotline_start=earlier_start, titles=titles)
    # then more tenure never turns eligible into not eligible
    if apply(later, level, ranked(rank)).eligible:
        assert apply(earlier, level, ranked(rank)).eligible


@settings(deadline=None)
@given(starts, st.sampled_from([1, 2, 3]), st.one_of(st.none(), st.integers(1, 20)))
def test_e1_same_input_gives_the_same_decision(start, level, rank):
    p = person(hotline_start=start.isoformat(), titles=(spell(2, "2020-01-01"),))
    june = ranked(rank) if rank else None
    assert apply(p, level, june) == apply(p, level, june)
