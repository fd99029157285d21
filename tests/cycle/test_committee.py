"""K1–K4 and X5 on a cycle: the committee's lists, the proposal, votes, one-person decisions within quotas, the close."""
from decimal import Decimal

import pytest
from django.urls import reverse

from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError, Forbidden
from stardesk.cycle import committee as committee_step
from stardesk.cycle import services
from stardesk.cycle.models import CommitteeCandidate, CommitteeDecision, CommitteeVote, CycleSeat, DecisionAction, Step
from stardesk.events.models import Category, Event, Severity
from stardesk.yearly_policy.models import CyclePolicy
from tests.cycle.committee_scene import (  # noqa: F401  (fixtures)
    assessing,
    candidate,
    close_decision,
    decide_the_rest,
    deciding,
    examined,
    EXAMS,
    levels,
    monitoring,
    second_member,
    sit,
    twenty,
)
from tests.cycle.conftest import D

pytestmark = pytest.mark.django_db


def seats(cycle):
    return {s.level: (s.filled, s.quota) for s in CycleSeat.objects.filter(cycle=cycle)}


def close(cycle, committee_user):
    return close_decision(cycle, committee_user)


# --- X5 and K1 -----------------------------------------------------------------------------------------


def test_x5_composite_is_the_weighted_sum_of_its_three_parts(deciding):
    # 5001: 0.4 × 98 (monthly) + 0.2 × 92 (monitoring: 90 and 94) + 0.4 × 93 (3-star exam) = 94.80
    found = candidate(deciding, "5001")
    assert found.composite == Decimal("94.80") and found.exam_score == Decimal("93.0") and found.qualified_level == 3
    assert {p["key"]: p["value"] for p in found.composite_parts} == {"monthly": "98.00", "monitoring": "92.00", "exam": "93.00"}
    assert any(r["rule"] == "X5" and r["text"].endswith("= 94.8") for r in found.reasons)


def test_x5_missing_part_shown_as_missing(deciding, client, committee):
    # given 5007 has no call-monitoring score in the twelve months up to R
    found = candidate(deciding, "5007")
    # then the composite is missing, never counted as 0, and the reason names the missing part
    assert found.composite is None and found.composite_exact == ""
    assert {p["key"]: p["value"] for p in found.composite_parts}["monitoring"] is None
    x5 = next(r["text"] for r in found.reasons if r["rule"] == "X5")
    assert "缺监听均分" in x5 and "综合得分暂缺" in x5
    # and the page shows it as missing
    client.force_login(committee)
    page = client.get(reverse("cycle:candidate", args=[2026, found.pk])).content.decode()
    assert "暂缺" in page and 'data-part="monitoring"' in page


def test_k1_lists_by_level_in_composite_order_with_flags(examined, assessing, supervisor, client, committee):
    # given a veto of the year for 5004 (M5), recorded before the committee starts
    Event.objects.create(hotline=examined["5004"].hotline, person=examined["5004"], date=D(2026, 8, 12),
                         category=Category.VIOLATION, severity=Severity.GENERAL, sanction="month_lower", description="迟到")
    cycle = services.cycle_transition(actor=supervisor, cycle=assessing, to=Step.COMMITTEE)
    # then each level lists who passed that level's exam, best composite first (ties: hotline start, 工号)
    order = {L: [c.person.staff_no for c in CommitteeCandidate.objects.filter(cycle=cycle, start_level=L)
                 .select_related("person").order_by("list_position")] for L in (3, 2, 1)}
    assert order == {3: ["5001"], 2: ["5002", "5003"], 1: ["5004", "5005", "5007"]}
    # the missing composite comes last, and those without a valid pass are on no list (X3)
    assert set(CommitteeCandidate.objects.filter(cycle=cycle, start_level=0).values_list("person__staff_no", flat=True)) == {"5006", "5008"}
    assert candidate(cycle, "5004").flags == ["M5 2026-08-12 违章违纪（一般）"]
    client.force_login(committee)
    page = client.get(reverse("cycle:committee", args=[2026])).content.decode()
    assert "M5 2026-08-12 违章违纪（一般）" in page and 'data-testid="committee-2"' in page


def test_k2_proposal_fills_quota_from_top_and_overflow_moves_down(assessing, twenty, supervisor):
    # given 5001 fails the 3-star exam and passes the 2-star one (X3): three on the 2-star list for 2 places
    for staff_no, (level, score) in EXAMS.items():
        if staff_no != "5001":
            sit(supervisor, twenty[staff_no], level, score)
    sit(supervisor, twenty["5001"], 3, "85")
    sit(supervisor, twenty["5001"], 2, "95", day=D(2026, 10, 20))
    for n, staff_no in enumerate(["5001", "5002", "5003", "5004", "5005"]):
        monitoring(twenty[staff_no], D(2026, 6, 10), "92", f"K{n}")
    # when the committee step starts
    cycle = services.cycle_transition(actor=supervisor, cycle=assessing, to=Step.COMMITTEE)
    # then 2 stars are filled from the top (95.6, 93.2) and the third (93.2, later 工号) moves to 1 star (Q4)
    proposed = {c.person.staff_no: (c.proposed_level, c.proposed_position) for c in CommitteeCandidate.objects.filter(cycle=cycle).select_related("person")}
    assert proposed["5001"] == (2, 1) and proposed["5002"] == (2, 2)
    assert proposed["5003"] == (1, 1) and proposed["5004"] == (1, 2)
    texts = [f"{r['rule']}: {r['text']}" for r in candidate(cycle, "5003").reasons]
    assert "K2: 2星名额 2 人已满（排第 3 位）" in texts and "Q4: 转入1星" in texts
    assert seats(cycle) == {1: (4, 6), 2: (2, 2), 3: (0, 1)}


# --- K3: decisions ------------------------------------------------------------------------------------


def test_k3_decision_recorded_with_member_time_reason(deciding, committee):
    # when a member rejects 5004
    decision = committee_decide(deciding, committee, "5004", 0, "综合得分靠后，本年度有迟到记录")
    # then the decision is its own record: member, time, reason, the level before and after
    assert (decision.action, decision.from_level, decision.to_level) == (DecisionAction.REJECT, 1, 0)
    assert decision.member == committee and decision.member_name == str(committee) and decision.decided_at is not None
    assert levels(deciding)["5004"] == 0 and candidate(deciding, "5004").decided
    assert seats(deciding)[1] == (2, 6)
    entry = AuditEntry.objects.get(action="committee.decide")
    assert entry.changes["评定星级"] == [1, 0] and entry.note == "综合得分靠后，本年度有迟到记录"


def committee_decide(cycle, member, staff_no, level, reason):
    return committee_step.committee_decide(actor=member, candidate=candidate(cycle, staff_no), to_level=level, reason=reason)


def test_k3_final_count_never_exceeds_quota(deciding, committee):
    # given 2 stars are full (5002, 5003 of 2 places)
    assert seats(deciding)[2] == (2, 2)
    # when a member moves 5001 (passed 3 stars) down to 2 stars
    with pytest.raises(DomainError) as refused:
        committee_decide(deciding, committee, "5001", 2, "改评二星")
    # then the system refuses, it does not warn, and nothing changed
    assert refused.value.code == "committee_quota_full" and "2星已有 2 人，名额 2 人，不能再增加" in refused.value.message
    assert levels(deciding)["5001"] == 3 and seats(deciding) == {1: (3, 6), 2: (2, 2), 3: (1, 1)}
    assert not CommitteeDecision.objects.exists() and not AuditEntry.objects.filter(action="committee.decide").exists()
    # and once a place is freed, the same change goes through
    committee_decide(deciding, committee, "5003", 1, "二星考试成绩偏低，评一星")
    committee_decide(deciding, committee, "5001", 2, "改评二星")
    assert seats(deciding) == {1: (4, 6), 2: (2, 2), 3: (0, 1)}


def test_k3_the_database_refuses_a_seat_over_quota(deciding):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        CycleSeat.objects.filter(cycle=deciding, level=3).update(filled=2)


@pytest.mark.parametrize(("staff_no", "level", "code"), [
    ("5004", 2, "committee_not_qualified"),  # X3: passed only the 1-star exam
    ("5006", 1, "committee_not_qualified"),  # failed the 1-star exam
    ("5005", 2, "committee_not_qualified"),
])
def test_k3_level_above_the_exam_passed_is_refused(deciding, committee, staff_no, level, code):
    with pytest.raises(DomainError) as refused:
        committee_decide(deciding, committee, staff_no, level, "提一级")
    assert refused.value.code == code
    assert not CommitteeDecision.objects.exists()


def test_k3_level_the_person_is_not_eligible_for_is_refused(examined, assessing, supervisor, committee):
    # given 5004 (holding 1 star, eligible for 1 and 2) also passed a 3-star exam
    sit(supervisor, examined["5004"], 3, "95", day=D(2026, 10, 15))
    cycle = services.cycle_transition(actor=supervisor, cycle=assessing, to=Step.COMMITTEE)
    assert candidate(cycle, "5004").qualified_level == 3
    # when a member would make it 3 stars: E5 (no skipping a level) still holds
    with pytest.raises(DomainError) as refused:
        committee_decide(cycle, committee, "5004", 3, "破格")
    assert refused.value.code == "committee_not_eligible"
    assert levels(cycle)["5004"] == 1 and not CommitteeDecision.objects.exists()


def test_k3_every_decision_needs_a_reason(deciding, committee):
    with pytest.raises(DomainError) as refused:
        committee_decide(deciding, committee, "5004", 0, "   ")
    assert refused.value.code == "committee_reason_required"
    assert levels(deciding)["5004"] == 1


@pytest.mark.parametrize("role", ["supervisor", "leader", "agent", "admin"])
def test_k3_only_committee_members_decide(deciding, users, role):
    # the supervisor runs the cycle, but the committee decides
    with pytest.raises(Forbidden):
        committee_decide(deciding, users[role], "5004", 0, "不予评定")
    with pytest.raises(Forbidden):
        committee_step.committee_vote(actor=users[role], candidate=candidate(deciding, "5004"), level=0)
    assert levels(deciding)["5004"] == 1 and not CommitteeDecision.objects.exists() and not CommitteeVote.objects.exists()


# --- votes ---------------------------------------------------------------------------------------------


def test_votes_are_each_members_own_record(deciding, committee, second_member):
    committee_step.committee_vote(actor=committee, candidate=candidate(deciding, "5002"), level=2, comment="同意")
    committee_step.committee_vote(actor=second_member, candidate=candidate(deciding, "5002"), level=0, comment="考试刚过线")
    committee_step.committee_vote(actor=committee, candidate=candidate(deciding, "5002"), level=1, comment="改投一星")
    votes = {v.member_name: (v.level, v.comment) for v in CommitteeVote.objects.filter(candidate__person__staff_no="5002")}
    assert votes == {str(committee): (1, "改投一星"), str(second_member): (0, "考试刚过线")}
    # a vote is not a decision
    assert levels(deciding)["5002"] == 2 and not CommitteeDecision.objects.exists()


@pytest.mark.parametrize(("role", "sees"), [("committee", True), ("supervisor", False)])
def test_votes_hidden_from_all_but_the_committee(deciding, client, users, role, sees):
    committee_step.committee_vote(actor=users["committee"], candidate=candidate(deciding, "5002"), level=2, comment="一致同意二星")
    client.force_login(users[role])
    workspace = client.get(reverse("cycle:committee", args=[2026])).content.decode()
    page = client.get(reverse("cycle:candidate", args=[2026, candidate(deciding, "5002").pk])).content.decode()
    assert ("一致同意二星" in page) is sees and ("委员投票" in workspace) is sees


@pytest.mark.parametrize("role", ["agent", "leader"])
def test_applicants_and_leaders_do_not_reach_the_committee_pages(deciding, client, users, role):
    committee_step.committee_vote(actor=users["committee"], candidate=candidate(deciding, "5002"), level=2, comment="一致同意二星")
    client.force_login(users[role])
    assert client.get(reverse("cycle:committee", args=[2026])).status_code == 403
    response = client.get(reverse("cycle:candidate", args=[2026, candidate(deciding, "5002").pk]))
    assert response.status_code == 403 and "一致同意二星" not in response.content.decode()


# --- K4: closing --------------------------------------------------------------------------------------


def test_k4_closed_decision_is_final_and_freezes_policy(deciding, committee):
    committee_decide(deciding, committee, "5004", 0, "不予评定")
    # when the committee closes its decision
    cycle = close(deciding, committee)
    # then the cycle moves on, its policy is frozen (P1), and the result can no longer change
    assert cycle.step == Step.AWARD and CyclePolicy.objects.get(pk=cycle.policy_id).is_frozen
    entry = AuditEntry.objects.filter(action="cycle.step").latest("pk")
    assert entry.changes["评定结果（一星/二星/三星）"] == [None, "2/2/1"] and entry.changes["逐人评定"] == [None, 8]
    with pytest.raises(DomainError) as refused:
        committee_decide(cycle, committee, "5004", 1, "再议")
    assert refused.value.code == "cycle_step_closed"
    with pytest.raises(DomainError):
        committee_step.committee_vote(actor=committee, candidate=candidate(cycle, "5004"), level=1)
    assert levels(cycle) == {"5001": 3, "5002": 2, "5003": 2, "5004": 0, "5005": 1, "5006": 0, "5007": 1, "5008": 0}


def test_k3_k4_closing_is_refused_while_a_candidate_has_no_recorded_decision(deciding, committee):
    # given one decision recorded (5004 not awarded) and seven candidates nobody decided on
    committee_decide(deciding, committee, "5004", 0, "不予评定")
    # when the committee tries to close its decision
    with pytest.raises(DomainError) as refused:
        services.cycle_transition(actor=committee, cycle=deciding, to=Step.AWARD)
    # then it is refused, naming who is left (best placed first, with the proposal), and nothing moves
    error = refused.value
    assert error.code == "committee_undecided"
    assert error.message.startswith("还有 7 名候选人没有逐人评定（K3）：5001 客服5001（建议3星）、5002 客服5002（建议2星）")
    assert "5008 客服5008（未列入建议名单）" in error.message and "5004" not in error.message
    assert [d["staff_no"] for d in error.details] == ["5001", "5002", "5003", "5005", "5007", "5006", "5008"]
    deciding.refresh_from_db()
    assert deciding.step == Step.COMMITTEE and not CyclePolicy.objects.get(pk=deciding.policy_id).is_frozen
    # when every remaining candidate gets an explicit decision (those not proposed: 不予评定)
    for staff_no, level in {"5001": 3, "5002": 2, "5003": 2, "5005": 1, "5007": 1, "5006": 0, "5008": 0}.items():
        committee_decide(deciding, committee, staff_no, level, "逐人评定")
    # then the decision closes
    cycle = services.cycle_transition(actor=committee, cycle=deciding, to=Step.AWARD)
    assert cycle.step == Step.AWARD
    assert CommitteeDecision.objects.filter(cycle=cycle).count() == 8


def test_k3_the_workspace_says_how_many_are_left_to_decide(deciding, committee, client):
    committee_decide(deciding, committee, "5004", 0, "不予评定")
    client.force_login(committee)
    page = client.get(reverse("cycle:committee", args=[2026])).content.decode()
    assert "还有 7 人待逐人评定" in page


def test_k4_the_supervisor_cannot_close_the_decision(deciding, supervisor):
    with pytest.raises(Forbidden):
        close(deciding, supervisor)
    assert not CyclePolicy.objects.get(pk=deciding.policy_id).is_frozen


def test_k4_close_replays_every_decision_through_the_rules(deciding, committee):
    # given every candidate decided, then a stored level that no recorded decision explains
    decide_the_rest(deciding, committee)
    CommitteeCandidate.objects.filter(cycle=deciding, person__staff_no="5005").update(level=0)
    # then closing is refused and nothing moves
    with pytest.raises(DomainError) as refused:
        services.cycle_transition(actor=committee, cycle=deciding, to=Step.AWARD)
    assert refused.value.code == "committee_result_mismatch"
    deciding.refresh_from_db()
    assert deciding.step == Step.COMMITTEE and not CyclePolicy.objects.get(pk=deciding.policy_id).is_frozen


# --- what-if before the close (item 9) ------------------------------------------------------------------


def test_what_if_shows_who_moves_at_each_level_and_saves_nothing(deciding, committee):
    before_entries = AuditEntry.objects.count()
    before = levels(deciding)
    # 2-star places as 50% of the 1-star quota: 3 places instead of 2; the 3-star quota unchanged
    trial = committee_step.committee_what_if(deciding, {"q1_ratio_level2": Decimal("0.50")})
    assert trial.valid
    by_level = {c.level: c for c in trial.levels}
    assert (by_level[2].quota_before, by_level[2].quota_after) == (2, 3)
    assert [c.person.staff_no for c in by_level[2].moved_in] == [] and by_level[2].moved_out == ()
    # 5% of 20 is one 1-star place and none above it (Q1): the best composite (5001) moves down to it
    trial = committee_step.committee_what_if(deciding, {"q1_ratio_level1": Decimal("0.05")})
    moved = {c.level: ([x.person.staff_no for x in c.moved_in], [x.person.staff_no for x in c.moved_out], c.quota_after)
             for c in trial.levels}
    assert moved == {3: ([], ["5001"], 0), 2: ([], ["5002", "5003"], 0), 1: (["5001"], ["5004", "5005", "5007"], 1)}
    # nothing is saved
    assert levels(deciding) == before and AuditEntry.objects.count() == before_entries


def test_what_if_refuses_an_impossible_policy(deciding):
    trial = committee_step.committee_what_if(deciding, {"q1_ratio_level1": Decimal("1.5")})
    assert not trial.valid and trial.problems


# --- pages ---------------------------------------------------------------------------------------------


def test_member_decides_on_the_page(deciding, client, committee):
    client.force_login(committee)
    url = reverse("cycle:candidate", args=[2026, candidate(deciding, "5004").pk])
    response = client.post(url, {"action": "decide", "level": "0", "reason": "综合得分第 3 位，不予评定"}, follow=True)
    assert response.status_code == 200 and "已记录评定" in response.content.decode()
    assert levels(deciding)["5004"] == 0


def test_refused_decision_on_the_page_says_why_and_changes_nothing(deciding, client, committee):
    client.force_login(committee)
    url = reverse("cycle:candidate", args=[2026, candidate(deciding, "5001").pk])
    response = client.post(url, {"action": "decide", "level": "2", "reason": "改评二星"})
    assert response.status_code == 200 and "名额 2 人，不能再增加" in response.content.decode()
    assert levels(deciding)["5001"] == 3


def test_supervisor_post_to_decide_is_forbidden(deciding, client, supervisor):
    client.force_login(supervisor)
    url = reverse("cycle:candidate", args=[2026, candidate(deciding, "5004").pk])
    assert client.post(url, {"action": "decide", "level": "0", "reason": "x"}).status_code == 403
    assert levels(deciding)["5004"] == 1


def test_workspace_runs_a_constant_number_of_queries(deciding, client, committee, django_assert_max_num_queries, team):
    client.force_login(committee)
    url = reverse("cycle:committee", args=[2026])
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200
    # ten more candidates cost no more queries
    from tests.factories import PersonFactory

    recommendation = candidate(deciding, "5004").recommendation
    for n in range(10):
        extra = PersonFactory(team=team, staff_no=f"59{n:02d}")
        rec = type(recommendation).objects.create(cycle=deciding, application=type(recommendation.application).objects.create(
            cycle=deciding, person=extra, level=1, source="supervisor", eligible=True, eligible_levels="1"),
            person=extra, applied_level=1, level=1, position=10 + n, policy_version="x")
        CommitteeCandidate.objects.create(cycle=deciding, recommendation=rec, person=extra, recommended_level=1,
                                          eligible_levels="1", qualified_level=1, start_level=1, list_position=10 + n,
                                          policy_version="x", assessed_on=D(2026, 11, 1))
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200


# --- 评定结果 (workbook.md) -------------------------------------------------------------------------------


def test_k4_result_export_has_the_workbook_headers_and_every_basis(deciding, committee, tmp_path):
    import csv
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    target = tmp_path / "评定结果.csv"
    # not before the committee closes: the result is not final yet
    with pytest.raises(CommandError):
        call_command("cycle_export", "result", "--hotline", "main", "--year", "2026", "-o", str(target), stdout=io.StringIO())
    committee_decide(deciding, committee, "5004", 0, "综合得分靠后")
    close(deciding, committee)
    call_command("cycle_export", "result", "--hotline", "main", "--year", "2026", "-o", str(target), stdout=io.StringIO())
    rows = list(csv.reader(io.StringIO(target.read_bytes().decode("utf-8-sig"))))
    assert rows[0] == ["工号", "姓名", "评定星级", "综合得分", "依据"]
    by_staff_no = {row[0]: row for row in rows[1:]}
    assert by_staff_no["5001"][2:4] == ["3", "94.80"] and "X5: " in by_staff_no["5001"][4] and "K2: 3星第 1 位" in by_staff_no["5001"][4]
    assert by_staff_no["5004"][2] == "无" and "K3: " in by_staff_no["5004"][4] and "理由：综合得分靠后" in by_staff_no["5004"][4]
    assert by_staff_no["5007"][3] == "" and "综合得分暂缺" in by_staff_no["5007"][4]
    assert [row[0] for row in rows[1:4]] == ["5001", "5002", "5003"]


def test_k4_result_download_before_the_close_is_a_readable_refusal(deciding, client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("cycle:export", args=[2026, "result", "xlsx"]))
    assert response.status_code == 400 and "评定结果尚未生效" in response.content.decode()
