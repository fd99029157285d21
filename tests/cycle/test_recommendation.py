"""Q1–Q4 and M7 on a cycle: the quota basis kept at R, the ordered list per level, overflow, and the quota cap."""
from decimal import Decimal

import pytest
from django.utils import timezone

from stardesk.assessment.models import MonthlyScore
from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError
from stardesk.cycle import services
from stardesk.cycle.eligibility import cycle_policy
from stardesk.cycle.models import Cycle, CycleHeadcount, Recommendation, ReviewStatus, Step
from stardesk.cycle.recommendation_list import cycle_list, preview_list, ratings_for
from tests.cycle.conftest import D, R, apply, everyone_confirmed, holder, honour, person, scores


@pytest.fixture
def hotline_of_twenty(no_june_gate, cycle, leader, team):
    """N = 20 at R (Q1 = 6, Q2 = 2, Q3 = 1 by the defaults), a leaver before R and a newcomer after R besides.

    Applications (all eligible, the June gate being off):
    - 4001, 4002 hold 2 stars and apply for 3 (ratings 98, 97);
    - 4003 has no title but a 2026 先进个人 honour and applies for 2 (unrated);
    - 4004, 4005 hold 1 star and apply for 2 (ratings 99, 95);
    - 4006 (96), 4009 (96, hired earlier), 4010 (90), 4007 and 4008 (unrated, hired the same day) apply for 1.
    """
    people = {}
    for n in range(1, 21):
        staff_no = f"40{n:02d}"
        start = D(2019, 5, 1) if staff_no in ("4007", "4008") else D(2018, 1, 1) if staff_no == "4009" else D(2020, 3, 1)
        level = {"4001": 2, "4002": 2, "4004": 1, "4005": 1}.get(staff_no)
        people[staff_no] = holder(team, staff_no, level, start=start) if level else person(team, staff_no, start=start)
    person(team, "4901", left_on=D(2026, 8, 1))
    person(team, "4902", start=D(2026, 10, 8))
    honour(people["4003"], on=D(2026, 4, 20))
    for staff_no, rating in {"4001": "98", "4002": "97", "4004": "99", "4005": "95", "4006": "96", "4009": "96", "4010": "90"}.items():
        scores(people[staff_no], {"2026-09": rating})
    for staff_no, level in {"4001": 3, "4002": 3, "4003": 2, "4004": 2, "4005": 2, "4006": 1, "4007": 1, "4008": 1, "4009": 1, "4010": 1}.items():
        apply(cycle, leader, people[staff_no], level)
    return people


def finalised(cycle, supervisor, leader):
    services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.LEADER_CHECK)
    everyone_confirmed(cycle, leader)
    return services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.ASSESSMENT)


def placed(cycle):
    return {r.person.staff_no: (r.level, r.position) for r in Recommendation.objects.filter(cycle=cycle).select_related("person")}


def reasons_of(cycle, staff_no):
    return [f"{r['rule']}: {r['text']}" for r in Recommendation.objects.get(cycle=cycle, person__staff_no=staff_no).reasons]


def test_q1_quota_basis_kept_with_cycle(hotline_of_twenty, cycle, supervisor, team):
    # when the recommendation step starts
    cycle = services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.LEADER_CHECK)
    # then: N at R and who was counted are kept, with the quotas they gave
    assert (cycle.headcount, cycle.quota_level1, cycle.quota_level2, cycle.quota_level3) == (20, 6, 2, 1)
    counted = set(CycleHeadcount.objects.filter(cycle=cycle).values_list("staff_no", flat=True))
    assert counted == set(hotline_of_twenty) and "4901" not in counted and "4902" not in counted
    assert cycle.quota_basis.startswith("Q1: 基准日在岗 20 人 × 30% = 6 人（1星）")
    assert cycle.quota_policy_version == "2026 第2版"
    # when the roster changes afterwards (hiring, a back-dated leaver)
    person(team, "4903", start=D(2026, 1, 1))
    found = hotline_of_twenty["4020"]
    found.left_on = D(2026, 9, 1)
    found.save()
    # then the kept basis still gives the same quotas (reproducible on appeal)
    cycle = Cycle.objects.get(pk=cycle.pk)
    quotas = preview_list(cycle, cycle_policy(cycle).policy).quotas
    assert (quotas.headcount, quotas.level1, quotas.level2, quotas.level3) == (20, 6, 2, 1)
    assert CycleHeadcount.objects.filter(cycle=cycle).count() == 20


def test_q3_order_honour_first_then_rating_then_hotline_start_then_staff_no(hotline_of_twenty, cycle, supervisor, leader):
    finalised(cycle, supervisor, leader)
    got = placed(cycle)
    # 3-star: quota 1, the higher rating
    assert got["4001"] == (3, 1)
    # 2-star: quota 2, the E4 honour first although unrated, then the best rating
    assert got["4003"] == (2, 1) and got["4004"] == (2, 2)
    # 1-star: quota 6; 4009 before 4006 (same 96, hired earlier); unrated 4007 before 4008 (same day, 工号)
    level1 = sorted((pos, no) for no, (level, pos) in got.items() if level == 1)
    assert [no for _pos, no in level1] == ["4002", "4009", "4006", "4005", "4010", "4007"]
    assert "Q3: 2星推荐第 1 位（名额 2 人），荣誉优先（E4），无初审评定" in reasons_of(cycle, "4003")


def test_q4_overflow_reason_recorded(hotline_of_twenty, cycle, supervisor, leader):
    finalised(cycle, supervisor, leader)
    # 4002: beyond the 3-star quota, then beyond the 2-star quota, recommended at 1 star
    overflow = Recommendation.objects.get(cycle=cycle, person__staff_no="4002")
    assert overflow.overflow and (overflow.applied_level, overflow.level) == (3, 1)
    assert reasons_of(cycle, "4002")[1:] == [
        "Q4: 3星名额 1 人已满（排第 2 位）", "Q4: 转入2星推荐名单",
        "Q4: 2星名额 2 人已满（排第 3 位）", "Q4: 转入1星推荐名单",
        "Q3: 1星推荐第 1 位（名额 6 人），初审评定 97",
    ]
    # 4008: beyond level 1, not recommended, and the record says why
    left_off = Recommendation.objects.get(cycle=cycle, person__staff_no="4008")
    assert left_off.level is None and left_off.position is None
    assert reasons_of(cycle, "4008")[-2:] == ["Q4: 1星名额 6 人已满（排第 7 位）", "Q4: 无更低可推荐星级，不予推荐"]


def test_m7_rating_from_confirmed_scores_of_the_six_months_up_to_r(cycle, team, policy_2026):
    found = person(team, "4101")
    scores(found, {"2026-04": "90", "2026-09": "95.5", "2026-03": "10"})  # March is outside the window
    MonthlyScore.objects.create(person=found, hotline=found.hotline, team=team, month=D(2026, 8, 1), score=Decimal("20"))  # unconfirmed
    rating = ratings_for(cycle, [found.pk], cycle_policy(cycle).policy)[found.pk]
    assert rating.shown == Decimal("92.75") and len(rating.scored) == 2


def test_q2_the_list_never_passes_the_quota(cycle, supervisor, leader, team):
    # given: 40 people at R (quota 12 at 1 star), 30 of them apply for 1 star
    people = [person(team, f"42{n:02d}") for n in range(40)]
    for found in people[:30]:
        apply(cycle, leader, found, 1)
    # when
    finalised(cycle, supervisor, leader)
    # then
    assert Recommendation.objects.filter(cycle=cycle, level=1).count() == 12
    assert Recommendation.objects.filter(cycle=cycle, level__isnull=True).count() == 18
    assert sorted(Recommendation.objects.filter(cycle=cycle, level=1).values_list("position", flat=True)) == list(range(1, 13))


def test_q2_finalising_refuses_a_list_over_the_kept_quota(cycle, supervisor, leader, team):
    # given: the kept quota says 2 while the list would hold 3 (the basis and the list disagree)
    for n in range(10):
        found = person(team, f"43{n:02d}")
        if n < 3:
            apply(cycle, leader, found, 1)
    services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.LEADER_CHECK)
    everyone_confirmed(cycle, leader)
    Cycle.objects.filter(pk=cycle.pk).update(quota_level1=2)
    # when / then: refused, not warned, and nothing is kept
    with pytest.raises(DomainError) as refused:
        services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.ASSESSMENT)
    assert refused.value.code == "quota_exceeded" and refused.value.details == [{"level": 1, "count": 3, "quota": 2}]
    cycle.refresh_from_db()
    assert cycle.step == Step.LEADER_CHECK and not Recommendation.objects.exists()


def test_y2_the_list_is_final_only_once_every_eligible_application_is_reviewed(hotline_of_twenty, cycle, supervisor, leader):
    services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.LEADER_CHECK)
    audits = AuditEntry.objects.count()
    with pytest.raises(DomainError) as refused:
        services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.ASSESSMENT)
    assert refused.value.code == "reviews_pending" and "10 份" in refused.value.message
    assert {d["staff_no"] for d in refused.value.details} == {"4001", "4002", "4003", "4004", "4005", "4006", "4007", "4008", "4009", "4010"}
    cycle.refresh_from_db()
    assert cycle.step == Step.LEADER_CHECK and not Recommendation.objects.exists()
    assert AuditEntry.objects.count() == audits


def test_withheld_applications_are_left_off_the_list(hotline_of_twenty, cycle, supervisor, leader):
    services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.LEADER_CHECK)
    withheld = cycle.applications.get(person__staff_no="4004")
    services.application_review(actor=leader, application=withheld, confirm=False, reason="本季度两次有理投诉")
    everyone_confirmed(cycle, leader)
    services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.ASSESSMENT)
    got = placed(cycle)
    assert "4004" not in got
    assert got["4002"] == (2, 2)  # the place 4004 would have taken


def test_y2_the_finalised_list_is_frozen(hotline_of_twenty, cycle, supervisor, leader):
    cycle = finalised(cycle, supervisor, leader)
    application = cycle.applications.get(person__staff_no="4006")
    with pytest.raises(DomainError) as refused:
        services.application_review(actor=leader, application=application, confirm=False, reason="改变主意")
    assert refused.value.code == "cycle_step_closed"
    with pytest.raises(DomainError):
        services.application_correct(actor=supervisor, application=application, level=2, reason="更正")
    stored = cycle_list(cycle, cycle_policy(cycle).policy)
    assert stored.final and stored.counts() == {1: 6, 2: 2, 3: 1}
    assert application.review_status == ReviewStatus.CONFIRMED


def test_p2_the_cycle_keeps_its_policy_revision_until_it_adopts_a_newer_one(hotline_of_twenty, cycle, supervisor, no_june_gate):
    from stardesk.yearly_policy import services as policy_services

    # given: the list in the making, then the policy's 1-star ratio raised to 50%
    services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.LEADER_CHECK)
    policy_services.policy_update(actor=supervisor, policy=no_june_gate, values={"q1_ratio_level1": Decimal("0.5")},
                                  reason="评定委员会决定提高一星比例")
    cycle.refresh_from_db()
    assert cycle.quota_level1 == 6 and cycle.policy_version == "2026 第2版"
    # when the supervisor adopts the new revision, with a reason
    with pytest.raises(DomainError):
        services.cycle_adopt_policy(actor=supervisor, cycle=cycle, reason="")
    cycle = services.cycle_adopt_policy(actor=supervisor, cycle=cycle, reason="按新比例推荐")
    # then: the kept head count, new quotas, and the applications checked under the new version
    assert (cycle.headcount, cycle.quota_level1, cycle.quota_level2, cycle.quota_level3) == (20, 10, 3, 1)
    assert cycle.policy_version == "2026 第3版"
    assert set(cycle.applications.values_list("policy_version", flat=True)) == {"2026 第3版"}
    entry = AuditEntry.objects.get(action="cycle.adopt_policy")
    assert entry.changes["名额（一星/二星/三星）"] == ["6/2/1", "10/3/1"] and entry.note == "按新比例推荐"
    assert timezone.now() >= cycle.quotas_fixed_at


def _hotline_applying(team, cycle, leader, prefix: str, n: int):
    for i in range(n):
        found = person(team, f"{prefix}{i:03d}")
        scores(found, {"2026-09": str(90 + i % 10)})
        apply(cycle, leader, found, 1)


def test_q3_finalising_audits_every_row_of_the_list(hotline_of_twenty, cycle, supervisor, leader):
    # when the supervisor finalises the list
    finalised(cycle, supervisor, leader)
    # then each row has its own audit entry naming where the list put the person and why (P3)
    entries = {e.target_id: e for e in AuditEntry.objects.filter(action="recommendation.finalise")}
    rows = Recommendation.objects.filter(cycle=cycle).select_related("person")
    assert len(entries) == rows.count() == 10
    first = rows.get(person__staff_no="4004")
    entry = entries[str(first.pk)]
    assert entry.actor_id == supervisor.pk and entry.hotline_id == cycle.hotline_id
    assert entry.changes == {"推荐名单": [None, f"{first.level}星第 {first.position} 位"]}
    assert "Q3: " in entry.note


@pytest.mark.parametrize("n", [4, 30])
def test_q3_finalising_queries_do_not_grow_with_the_list(no_june_gate, cycle, supervisor, leader, team, n,
                                                         django_assert_max_num_queries):
    # given n applications, all confirmed by the team leader
    _hotline_applying(team, cycle, leader, "7", n)
    services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.LEADER_CHECK)
    everyone_confirmed(cycle, leader)
    # when the list is finalised: the same handful of queries for 4 as for 30 (a hotline of 20,000)
    with django_assert_max_num_queries(24):
        services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.ASSESSMENT)
    assert Recommendation.objects.filter(cycle=cycle).count() == n
