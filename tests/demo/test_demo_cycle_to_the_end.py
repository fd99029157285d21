"""Issue #6, done when "in the demo, a whole cycle runs start to finish": the demo's open 2026 cycle, taken
from 个人申报 through every step of Y2 to the bonus plan, by the demo's own users through the cycle's services.

The demo (60 agents, 4 teams: quotas that bind) leaves the cycle at 个人申报 with 30 applications. Then:
- the supervisor closes the applications (E checked again at R, quota basis kept, Q1);
- each team leader (leader1..4) confirms the eligible applications of their own team (Y2 班长推荐);
- the supervisor finalises the list (Q3/Q4) within the quotas (Q2a);
- the October qualification exams are imported as offline results (考试成绩 sheet, X2), every candidate
  at the level recommended, one 1-star candidate failing;
- 集中评定: committee1 and committee2 record a decision for every candidate (K3), within the quotas (Q2b),
  and committee1 closes it (K4; the policy frozen, P1);
- the supervisor records the award (A1) on the planned day: titles start that day, certificates print (A3);
- the month's bonus plan holds one A2 reward line per rewarded holder (R3); summary report, completed.
"""
import datetime
from decimal import Decimal

import pytest

from stardesk.accounts.models import Role, User
from stardesk.cycle import award as award_step
from stardesk.cycle import bonus_plan, certificates, committee, services
from stardesk.cycle.eligibility import cycle_policy
from stardesk.cycle.models import (
    Application,
    ApplicationStatus,
    Award,
    CommitteeCandidate,
    CommitteeDecision,
    Cycle,
    CycleSeat,
    CycleStage,
    Recommendation,
    ReviewStatus,
    Step,
)
from stardesk.demo import hotline_builder
from stardesk.exams.result_sheets import exam_results_import
from stardesk.people.models import TitleEndReason, TitleSpell
from stardesk.policy.conventions import Month
from stardesk.policy.quotas import quotas_for
from stardesk.policy.reporting import BonusLineKind

AGENTS = 60  # the smallest demo whose quotas bind: 30 applications for about 17 places
HEADER = "工号,考试名称,考试类别,考试日期,成绩,知识得分,技能得分\n"
KIND_WORDS = {1: "一星资格", 2: "二星资格", 3: "三星资格"}


@pytest.fixture
def small_demo(db):
    return hotline_builder.build_group(hotlines=1, agents_per_hotline=AGENTS)


def quotas_of(cycle: Cycle) -> dict[int, int]:
    return {1: cycle.quota_level1, 2: cycle.quota_level2, 3: cycle.quota_level3}


def test_y2_the_demo_cycle_runs_from_applications_to_the_bonus_plan(small_demo):
    cycle = Cycle.objects.select_related("hotline").get(year=2026)
    hotline = cycle.hotline
    supervisor = User.objects.get(username="supervisor", role=Role.SUPERVISOR)
    leaders = {u.username: u for u in User.objects.filter(role=Role.LEADER, hotline=hotline)}
    members = [User.objects.get(username=f"committee{n}", role=Role.COMMITTEE) for n in (1, 2)]
    assert cycle.step == Step.APPLICATION and set(leaders) == {f"leader{n}" for n in range(1, 5)}
    assert Application.objects.filter(cycle=cycle, status=ApplicationStatus.ACTIVE).count() == 30

    # 个人申报 → 班长推荐: E checked again at R; the quota basis kept (Q1)
    cycle = services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.LEADER_CHECK)
    assert cycle.quotas_fixed
    quotas = quotas_of(cycle)
    expected = quotas_for(cycle.headcount, cycle_policy(cycle).policy)
    assert quotas == {1: expected.level1, 2: expected.level2, 3: expected.level3}
    applications = list(Application.objects.filter(cycle=cycle, status=ApplicationStatus.ACTIVE)
                        .select_related("person__team__leader"))
    refused = [a for a in applications if not a.eligible]
    assert refused, "the demo brings ineligible applications"
    for application in refused:  # E: every refusal says why, by rule, in words a team leader can read out
        assert application.failures()
        assert all(r["rule"].startswith("E") and r["text"].strip() for r in application.failures())

    # 班长自审、初评推荐: each leader confirms the eligible applications of their own team
    eligible = [a for a in applications if a.eligible]
    assert len(eligible) > quotas[1], "more eligible applicants than 1-star places: Q4 has work to do"
    for application in eligible:
        leader = application.person.team.leader
        assert leader.username in leaders
        services.application_review(actor=leader, application=application, confirm=True)
    assert not Application.objects.filter(cycle=cycle, eligible=True, review_status=ReviewStatus.PENDING).exists()

    # 班长推荐 → 业务考核: the list finalised within the quotas (Q2a); overflow beyond 1 star has its reason (Q4)
    cycle = services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.ASSESSMENT)
    listed = list(Recommendation.objects.filter(cycle=cycle).select_related("person"))
    assert len(listed) == len(eligible)
    for level, quota in quotas.items():
        assert sum(1 for r in listed if r.level == level) <= quota
    assert sum(1 for r in listed if r.level == 1) == quotas[1]
    left_out = [r for r in listed if r.level is None]
    assert left_out and all(r.reasons for r in left_out)
    recommended = sorted((r for r in listed if r.level), key=lambda r: r.person.staff_no)

    # 业务考核: the October qualification exams, imported as offline results (考试成绩, X2)
    exam_day = cycle.reference_date + datetime.timedelta(days=12)
    failing = next(r for r in reversed(recommended) if r.level == 1)
    pass_marks = {1: 80, 2: 85, 3: 90}
    rows = "".join(
        f"{r.person.staff_no},{exam_day.year}年{KIND_WORDS[r.level]}考试,{KIND_WORDS[r.level]},{exam_day.isoformat()},"
        f"{pass_marks[r.level] - 6 if r is failing else pass_marks[r.level] + 3 + n % 5},,\n"
        for n, r in enumerate(recommended)
    )
    imported = exam_results_import(actor=supervisor, source=(HEADER + rows).encode("utf-8-sig"), file_name="考试成绩.csv")
    assert imported.created == len(recommended)

    # 业务考核 → 集中评定: the candidates and the proposal, filled from the top within the quotas (K1, K2)
    cycle = services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.COMMITTEE)
    candidates = list(CommitteeCandidate.objects.filter(cycle=cycle).select_related("person").order_by("pk"))
    assert len(candidates) == len(recommended)
    seats = {s.level: s for s in CycleSeat.objects.filter(cycle=cycle)}
    assert {L: s.quota for L, s in seats.items()} == quotas
    assert next(c for c in candidates if c.person_id == failing.person_id).qualified_level == 0

    # K3: one recorded decision per candidate, the members taking turns; the proposal as decided
    for n, candidate in enumerate(candidates):
        reason = "同意建议名单" if candidate.level else "资格考试不合格，不予评定"
        committee.committee_decide(actor=members[n % 2], candidate=candidate, to_level=candidate.level, reason=reason)
    decisions = CommitteeDecision.objects.filter(cycle=cycle)
    assert decisions.count() == len(candidates)
    assert {d.member_id for d in decisions} == {m.pk for m in members} and all(d.reason for d in decisions)

    # 集中评定 → 授牌: the decision is final (K4) and the year's policy frozen (P1)
    cycle = services.cycle_transition(actor=members[0], cycle=cycle, to=Step.AWARD)
    cycle.policy.refresh_from_db()
    assert cycle.policy.is_frozen
    holders = list(award_step.holders_decided(cycle))
    assert holders
    for level, quota in quotas.items():  # Q2b: the final holders within the quota of their level
        assert sum(1 for c in holders if c.level == level) <= quota
        assert CycleSeat.objects.get(cycle=cycle, level=level).filled == sum(1 for c in holders if c.level == level)
    assert all(c.level <= c.qualified_level for c in holders)

    # 授牌 (A1): on the planned day every earlier title ends and the new titles start
    award_day = CycleStage.objects.get(cycle=cycle, step=Step.AWARD).planned_on
    held_before = set(TitleSpell.objects.filter(person__hotline=hotline, start__lt=award_day, end__isnull=True)
                      .values_list("pk", flat=True))
    outcome = award_step.award_perform(actor=supervisor, cycle=cycle, award_date=award_day)
    awards = list(Award.objects.filter(cycle=cycle).select_related("person", "title", "cycle__hotline").order_by("pk"))
    assert {(a.person_id, a.level) for a in awards} == {(c.person_id, c.level) for c in holders if c not in outcome.skipped}
    assert all(a.title.start == award_day and a.title.level == a.level and a.title.end is None for a in awards)
    ended = TitleSpell.objects.filter(pk__in=held_before)
    assert ended.exists() and all(s.end == award_day and s.end_reason == TitleEndReason.RENEWAL for s in ended)
    in_force = TitleSpell.objects.filter(person__hotline=hotline, start__lte=award_day, end__isnull=True)
    assert set(in_force.values_list("pk", flat=True)) == {a.title_id for a in awards}
    # A2: 500 yuan for 2 stars, 800 for 3, none for 1 star
    for a in awards:
        assert a.reward_amount == {1: Decimal("0"), 2: Decimal("500"), 3: Decimal("800")}[a.level]
    # A3: the certificates print, one page per new holder
    pdf = certificates.certificates_pdf(awards)
    assert pdf.startswith(b"%PDF")
    assert len({a.certificate_no for a in awards}) == len(awards)

    # 授牌 → 总结上报 → 已完成
    cycle = services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.SUMMARY)
    cycle = services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.COMPLETED)
    assert cycle.step == Step.COMPLETED

    # R3: the award month's bonus plan has one A2 reward line per rewarded holder
    plan = bonus_plan.plan_for(hotline, Month.of(award_day))
    rewards = {r.person.staff_no: r.line.amount for r in plan.rows if r.line.kind == BonusLineKind.REWARD}
    rewarded = {a.person.staff_no: a.reward_amount for a in awards if a.reward_amount > 0}
    assert rewarded, "the demo cycle awards 2 or 3 stars to someone"
    assert rewards == rewarded
    assert plan.total(BonusLineKind.REWARD) == sum(rewarded.values())
