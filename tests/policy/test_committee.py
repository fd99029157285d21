"""K1–K4: committee lists, proposal, quota guard, final result."""

from datetime import date, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from stardesk.policy.committee import (Candidate, CommitteeAction, apply_action, can_set_level, close_result,
                                       committee_lists, ensure_can_set_level, flags_for, propose, start_result)
from stardesk.policy.cycle import Cycle
from stardesk.policy.eligibility import check_eligibility
from stardesk.policy.errors import IllegalTransition, InvalidInput, QuotaExceeded
from stardesk.policy.facts import Application, Severity
from stardesk.policy.quotas import Quotas, quotas_for
from stardesk.policy.reasons import basis

from .builders import POLICY, d, honour, person, veto

ALL = frozenset({1, 2, 3})
AT = datetime(2025, 10, 12, 10, 0)


def cand(staff_no, recommended, qualified, composite=None, start="2020-01-01", eligible=ALL):
    return Candidate(staff_no, recommended, qualified, frozenset(eligible), d(start),
                     Fraction(composite) if composite is not None else None)


def quotas(l1, l2, l3):
    return Quotas(0, l1, l2, l3, (), POLICY.p2_version)


def test_k1_candidates_listed_at_the_level_passed_ordered_by_composite():
    # given a 3-star candidate who only passed the 2-star exam (X3 cascade)
    lists = committee_lists([cand("1", 3, 2, "92"), cand("2", 2, 2, "95"), cand("3", 3, 3, "90"),
                             cand("4", 2, 0, "99")])
    # then 1 is on the 2-star list, 4 (no pass) on none
    assert [c.staff_no for c in lists[3]] == ["3"]
    assert [c.staff_no for c in lists[2]] == ["2", "1"]
    assert lists[1] == ()


def test_k1_missing_composite_is_listed_after_the_scored():
    lists = committee_lists([cand("1", 1, 1, None, start="2000-01-01"), cand("2", 1, 1, "70")])
    assert [c.staff_no for c in lists[1]] == ["2", "1"]


def test_k1_flags_show_e1_exception_e4_honour_and_vetoes_of_the_year():
    # given a 2-star applicant with an honour and a complaint in 2025
    p = person(events=(honour("2025-05-01"), veto("2025-03-12", Severity.GENERAL),
                       veto("2024-12-01", Severity.SEVERE)))
    eligibility = check_eligibility(p, Application(p.staff_no, 2025, 2), Cycle(2025, d("2025-09-30")), POLICY)
    # then
    assert flags_for(eligibility, p.events, 2025) == ("E4 荣誉优先", "M5 2025-03-12 有理投诉（一般）")


def test_k1_flags_show_the_e1_exception_with_its_reason():
    p = person(hotline_start="2025-01-01")
    app = Application(p.staff_no, 2025, 1, True, "表现突出")
    eligibility = check_eligibility(p, app, Cycle(2025, d("2025-09-30")), POLICY)
    assert flags_for(eligibility, (), 2025)[0].startswith("E1 例外：入职服务热线 9 个月，不足一年；班长推荐表现突出")


def test_k2_fills_each_level_from_the_top_and_overflows_down():
    # given one 3-star place and two 3-star candidates
    proposal = propose([cand("1", 3, 3, "95"), cand("2", 3, 3, "93"), cand("3", 2, 2, "90")],
                       quotas(5, 2, 1), POLICY)
    # then 2 overflows to 2-star, ahead of 3 on composite
    assert [(e.staff_no, e.level, e.position) for e in proposal.entries] == [("1", 3, 1), ("2", 2, 1), ("3", 2, 2)]
    assert basis(proposal.at_level(2)[0]) == ("K2: 3星名额 1 人已满（排第 2 位）；Q4: 转入2星；"
                                              "K2: 2星第 1 位（名额 2 人），综合得分 93")


def test_k2_overflow_beyond_one_star_is_left_out_with_reason():
    proposal = propose([cand("1", 1, 1, "95"), cand("2", 1, 1, "93")], quotas(1, 0, 0), POLICY)
    assert [e.staff_no for e in proposal.entries] == ["1"]
    assert basis(proposal.not_proposed[0]) == "K2: 1星名额 1 人已满（排第 2 位）；Q4: 无更低可评星级，不予评定"


def test_k2_candidate_without_a_pass_is_not_proposed():
    proposal = propose([cand("1", 2, 0, "95")], quotas(5, 5, 5), POLICY)
    assert proposal.entries == ()
    assert basis(proposal.not_proposed[0]) == "X3: 未通过任何有效的资格考试"


candidates = st.lists(st.tuples(st.sampled_from([1, 2, 3]), st.integers(0, 3),
                                st.one_of(st.none(), st.integers(0, 1000)), st.integers(0, 3000),
                                st.sets(st.sampled_from([1, 2, 3]))), max_size=60)


@settings(deadline=None)
@given(candidates, st.integers(0, 200))
def test_k2_proposal_never_exceeds_the_quotas(rows, n):
    q = quotas_for(n, POLICY)
    cands = [Candidate(str(i), rec, qual, frozenset(el), date(2010, 1, 1) + timedelta(days=days),
                       Fraction(c, 10) if c is not None else None)
             for i, (rec, qual, c, days, el) in enumerate(rows)]
    proposal = propose(cands, q, POLICY)
    for L, count in proposal.counts().items():
        assert count <= q.for_level(L)
    # nobody is proposed above what they passed, and everyone is accounted for once
    by_no = {c.staff_no: c for c in cands}
    assert all(e.level <= by_no[e.staff_no].qualified_level for e in proposal.entries)
    assert sorted([e.staff_no for e in proposal.entries] + [n.staff_no for n in proposal.not_proposed]) == \
        sorted(by_no)


def test_k3_raising_a_level_over_its_quota_is_refused():
    # given 2-star is full (9 of 9)
    check = can_set_level({1: 30, 2: 9, 3: 2}, quotas_for(100, POLICY), to_level=2, from_level=1)
    # then refused, not warned
    assert not check.allowed
    assert basis(check) == "K3: 2星已有 9 人，名额 9 人，不能再增加"
    with pytest.raises(QuotaExceeded):
        ensure_can_set_level({1: 30, 2: 9, 3: 2}, quotas_for(100, POLICY), to_level=2, from_level=1)


def test_k3_rejecting_or_keeping_is_always_within_quota():
    full = {1: 30, 2: 9, 3: 3}
    assert can_set_level(full, quotas_for(100, POLICY), to_level=0, from_level=2).allowed
    assert can_set_level(full, quotas_for(100, POLICY), to_level=3, from_level=3).allowed
    assert can_set_level(full, quotas_for(100, POLICY), to_level=2, from_level=3).allowed is False


def test_k3_actions_one_person_at_a_time_with_member_and_reason():
    # given the proposal of one 3-star
    proposal = propose([cand("1", 3, 3, "95"), cand("2", 1, 1, "80")], quotas(2, 1, 1), POLICY)
    result = start_result(proposal)
    # when the committee lowers 1 to 2-star and then approves 2 as is
    result = apply_action(result, CommitteeAction("1", 2, "张主任", AT, "服务规范待加强"), quotas(2, 1, 1))
    result = apply_action(result, CommitteeAction("2", 1, "张主任", AT, "同意"), quotas(2, 1, 1))
    # then
    assert result.level_of("1") == 2 and result.counts() == {1: 1, 2: 1, 3: 0}
    assert len(result.actions) == 2
    with pytest.raises(InvalidInput):
        apply_action(result, CommitteeAction("2", 0, "", AT, "无"), quotas(2, 1, 1))
    with pytest.raises(QuotaExceeded):
        apply_action(result, CommitteeAction("2", 2, "李委员", AT, "提升"), quotas(2, 1, 1))


def test_k4_closed_result_is_final_and_is_the_complete_holder_list():
    proposal = propose([cand("1", 3, 3, "95"), cand("2", 1, 1, "80")], quotas(2, 1, 1), POLICY)
    result = apply_action(start_result(proposal), CommitteeAction("2", 0, "张主任", AT, "不同意"), quotas(2, 1, 1))
    closed = close_result(result)
    assert closed.holders == (("1", 3),)
    with pytest.raises(IllegalTransition):
        apply_action(closed, CommitteeAction("2", 1, "张主任", AT, "复议"), quotas(2, 1, 1))
