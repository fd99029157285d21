"""Results: the exam score (X2), the release (X6), the cascade (X3), validity (X4), what agents may see,
the pages by role and their query counts."""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError
from stardesk.exams import result_queries, results
from stardesk.exams.models import (
    Invitation,
    InvitedHow,
    QuestionType,
    ResultSource,
    SittingKind,
    SittingResult,
    SittingStatus,
)
from stardesk.policy.exams import qualification
from stardesk.yearly_policy.person_facts import person_facts
from tests.exams.graded_sittings import *  # noqa: F401,F403  (fixtures)
from tests.exams.graded_sittings import close, grade_all, release, sit

ALL_RIGHT = {QuestionType.SHORT_ANSWER: "10", QuestionType.TYPING: "40", QuestionType.SPEAKING: "45"}


@pytest.fixture
def graded(skills_sitting, agent, colleague_user, supervisor):
    """张三 (all singles right) and 李四 (two of five right) have handed in; the sitting is closed and graded."""
    mine, theirs = sit(skills_sitting, agent), sit(skills_sitting, colleague_user, singles_right=2)
    close(skills_sitting, supervisor)
    grade_all(skills_sitting, supervisor, ALL_RIGHT)
    return mine, theirs


def test_x2_exam_score_is_the_weighted_sum_and_the_pass_mark_decides(graded, skills_sitting, supervisor):
    release(skills_sitting, supervisor)
    mine = SittingResult.objects.get(attempt=graded[0])
    theirs = SittingResult.objects.get(attempt=graded[1])
    # 张三: knowledge (20 + 10) / 30 = 100, skills (40 + 45) / 100 = 85 → 0.6 × 100 + 0.4 × 85 = 94.0 ≥ 85
    assert (mine.knowledge_score, mine.skills_score, mine.score, mine.passed) == (Decimal("100.0"), Decimal("85.0"), Decimal("94.0"), True)
    # 李四: knowledge (8 + 10) / 30 = 60 → 0.6 × 60 + 0.4 × 85 = 70.0 < 85
    assert (theirs.knowledge_score, theirs.score, theirs.passed) == (Decimal("60.0"), Decimal("70.0"), False)
    assert "X2" in theirs.basis and "合格线 85分" in theirs.basis and "不合格" in theirs.basis
    assert mine.policy_version and mine.source == ResultSource.ONLINE


def test_x2_the_pass_mark_is_the_years_policy(graded, skills_sitting, supervisor, policy_this_year):
    from stardesk.yearly_policy import services as policy_services

    # given the supervisor raises this year's 2-star pass mark to 95
    policy_services.policy_update(actor=supervisor, policy=policy_this_year, values={"x2_pass_mark_level2": Decimal("95")},
                                  reason="提高二星标准")
    release(skills_sitting, supervisor)
    mine = SittingResult.objects.get(attempt=graded[0])
    assert (mine.score, mine.passed) == (Decimal("94.0"), False)  # 94.0 < 95
    assert "合格线 95分" in mine.basis and mine.policy_version.endswith("第2版")


def test_x6_results_hidden_until_release(client, graded, skills_sitting, agent, supervisor):
    client.force_login(agent)
    assert result_queries.my_results(agent) == []
    page = client.get("/exams/results/mine/").content.decode()
    assert 'data-testid="my-score"' not in page
    # the attempt page shows no key before the release
    review = client.get(f"/exams/attempts/{graded[0].pk}/").content.decode()
    assert "awaiting-release" in review and "答案：" not in review
    release(skills_sitting, supervisor)
    mine = result_queries.my_results(agent)
    assert [(m.result.score, m.rank, m.sitters) for m in mine] == [(Decimal("94.0"), 1, 2)]
    detail = client.get(f"/exams/results/{mine[0].result.pk}/")
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "答案：A" in text and '<div class="fs-3 fw-semibold" data-testid="result-score">94</div>' in text
    assert '<td class="text-end fw-semibold" data-testid="my-score">94</td>' in client.get("/exams/results/mine/").content.decode()


def test_an_agent_never_sees_another_agents_result(client, graded, skills_sitting, agent, supervisor):
    release(skills_sitting, supervisor)
    theirs = SittingResult.objects.get(attempt=graded[1])
    client.force_login(agent)
    assert client.get(f"/exams/results/{theirs.pk}/").status_code == 404
    assert client.get(f"/exams/attempts/{graded[1].pk}/").status_code == 404


def test_an_agent_does_not_see_their_own_result_before_release(client, graded, skills_sitting, agent, supervisor):
    results_before = result_queries.sitting_results(skills_sitting)
    assert {r.state for r in results_before.rows} == {result_queries.PROVISIONAL}
    results.store_results(results.compute_sitting(skills_sitting), released_at=None)  # stored but not released
    mine = SittingResult.objects.get(attempt=graded[0])
    client.force_login(agent)
    assert client.get(f"/exams/results/{mine.pk}/").status_code == 404


def test_release_is_refused_while_answers_wait_for_grading(skills_sitting, agent, supervisor):
    sit(skills_sitting, agent)
    close(skills_sitting, supervisor)
    grade_all(skills_sitting, supervisor, {QuestionType.SHORT_ANSWER: "10"})
    with pytest.raises(DomainError) as refused:
        results.results_release(actor=supervisor, sitting=skills_sitting)
    assert refused.value.code == "results_grading_pending" and "2 道题" in refused.value.message
    skills_sitting.refresh_from_db()
    assert skills_sitting.status == SittingStatus.CLOSED and not SittingResult.objects.exists()


def test_release_is_refused_while_the_sitting_is_open(skills_sitting, supervisor):
    with pytest.raises(DomainError) as refused:
        results.results_release(actor=supervisor, sitting=skills_sitting)
    assert refused.value.code == "results_not_closed"


def test_release_is_logged_per_result(graded, skills_sitting, supervisor):
    release(skills_sitting, supervisor)
    assert AuditEntry.objects.filter(action="result.release").count() == 2
    assert AuditEntry.objects.get(action="sitting.release").actor == supervisor


def test_only_the_supervisor_releases(graded, skills_sitting, committee):
    from stardesk.core.errors import Forbidden

    with pytest.raises(Forbidden):
        results.results_release(actor=committee, sitting=skills_sitting)


def test_x3_cascade_offers_lower_sitting_linked_to_failed_attempt(client, graded, skills_sitting, one_star_sitting, supervisor, colleague_user):
    release(skills_sitting, supervisor)
    failed = SittingResult.objects.get(attempt=graded[1])
    page = result_queries.sitting_results(skills_sitting)
    assert [r.person.staff_no for r in page.rows if r.offerable] == ["1002"]
    # when the supervisor offers 李四 (failed 2-star) the 1-star sitting
    fresh = results.cascade_offer(actor=supervisor, results=[failed], target=one_star_sitting)
    # then the invitation is a cascade, linked to the failed attempt
    invitation = Invitation.objects.get(sitting=one_star_sitting, person=failed.person)
    assert [i.pk for i in fresh] == [invitation.pk]
    assert (invitation.how, invitation.offered_after_id) == (InvitedHow.CASCADE, graded[1].pk)
    assert "X3" in AuditEntry.objects.get(action="invitation.cascade").note
    # and 李四 sees the offer with their results
    client.force_login(colleague_user)
    text = client.get("/exams/results/mine/").content.decode()
    assert "因「二星资格考试（第一场）」未合格，邀请您参加「一星资格考试（补考）」" in text


def test_x3_a_passed_candidate_is_not_offered_the_level_below(graded, skills_sitting, one_star_sitting, supervisor):
    release(skills_sitting, supervisor)
    passed = SittingResult.objects.get(attempt=graded[0])
    with pytest.raises(DomainError) as refused:
        results.cascade_offer(actor=supervisor, results=[passed], target=one_star_sitting)
    assert refused.value.code == "cascade_invalid" and "1001 张三" in refused.value.details[0]
    assert not one_star_sitting.invitations.exists()


def test_x3_the_offer_must_be_the_level_below(graded, skills_sitting, supervisor, skills_paper, make_sitting):
    release(skills_sitting, supervisor)
    failed = SittingResult.objects.get(attempt=graded[1])
    another_two_star = make_sitting(paper=skills_paper, name="二星资格考试（第二场）", open_it=False)
    with pytest.raises(DomainError) as refused:
        results.cascade_offer(actor=supervisor, results=[failed], target=another_two_star)
    assert "可参加1星资格考试" in refused.value.details[0]


def test_x3_cascade_on_the_results_page(client, graded, skills_sitting, one_star_sitting, supervisor):
    release(skills_sitting, supervisor)
    failed = SittingResult.objects.get(attempt=graded[1])
    client.force_login(supervisor)
    page = client.get(f"/exams/results/sittings/{skills_sitting.pk}/").content.decode()
    assert 'data-testid="cascade-pick"' in page and "一星资格考试（补考）" in page
    response = client.post(f"/exams/results/sittings/{skills_sitting.pk}/cascade/", {"target": one_star_sitting.pk, "result": [failed.pk]})
    assert response.status_code == 302
    assert one_star_sitting.invitations.get().offered_after_id == graded[1].pk


def test_x4_a_result_counts_for_one_year_from_the_exam_date(graded, skills_sitting, supervisor, agent_person, policy_this_year):
    release(skills_sitting, supervisor)
    exam_day = skills_sitting.exam_date
    recorded = person_facts(agent_person)
    assert [(e.score, e.on) for e in recorded.facts.exams] == [(Decimal("94.0"), exam_day)]
    from stardesk.yearly_policy.queries import cycle_policy

    policy = cycle_policy(skills_sitting.hotline, skills_sitting.year).policy
    a_year_later = exam_day.replace(year=exam_day.year + 1)
    assert qualification(recorded.facts.exams, a_year_later - datetime.timedelta(days=1), policy).level == 2
    assert qualification(recorded.facts.exams, a_year_later, policy).level == 0


def test_x4_my_results_show_the_validity(graded, skills_sitting, supervisor, agent):
    release(skills_sitting, supervisor)
    [mine] = result_queries.my_results(agent)
    exam_day = skills_sitting.exam_date
    assert mine.valid_until == exam_day.replace(year=exam_day.year + 1) and mine.valid_today


def test_offline_results_are_entered_by_hand(client, supervisor, agent_person, policy_this_year):
    from stardesk.exams.result_sheets import exam_result_enter

    today = timezone.localdate()
    result = exam_result_enter(actor=supervisor, hotline=agent_person.hotline, staff_no="1001", exam_name="三星资格考试（线下）",
                               kind=SittingKind.LEVEL3, exam_date=today, score=Decimal("91.2"), knowledge=Decimal("92"), skills=Decimal("90"))
    assert (result.score, result.passed, result.source) == (Decimal("91.2"), True, ResultSource.OFFLINE)
    assert result.sitting.status == SittingStatus.RELEASED and result.released_at is not None
    with pytest.raises(DomainError) as refused:
        exam_result_enter(actor=supervisor, hotline=agent_person.hotline, staff_no="1001", exam_name="三星资格考试（线下）",
                          kind=SittingKind.LEVEL3, exam_date=today, score=Decimal("95"), knowledge=Decimal("92"), skills=Decimal("90"))
    assert "91.2" in refused.value.details[0]["message"]  # X2: 92 × 60% + 90 × 40% = 91.2, not 95
    client.force_login(supervisor)
    response = client.post("/exams/results/offline/new/", {"staff_no": "1001", "exam_name": "服务素质考试", "kind": "service",
                                                           "exam_date": today.isoformat(), "score": "88"})
    assert response.status_code == 302
    assert SittingResult.objects.filter(person=agent_person, sitting__kind=SittingKind.SERVICE).get().passed is None


RESULT_PAGES = [
    "/exams/results/",
    "/exams/results/sittings/{sitting}/",
    "/exams/results/sittings/{sitting}/statistics/",
    "/exams/results/sittings/{sitting}/regrades/",
    "/exams/june/",
]


# A team leader reads only their team's released results (X6): the list is open to them (empty before the
# release), the unreleased sitting is not found, the examiners' pages are refused.
@pytest.mark.parametrize("role, expected", [
    ("agent", (403, 403, 403, 403, 403)), ("leader", (200, 404, 403, 403, 403)), ("committee", (200,) * 5),
    ("supervisor", (200,) * 5), ("admin", (200,) * 5),
])
def test_result_pages_by_role(client, graded, skills_sitting, users, role, expected):
    client.force_login(users[role])
    for page, status in zip(RESULT_PAGES, expected):
        assert client.get(page.format(sitting=skills_sitting.pk)).status_code == status, page


@pytest.mark.parametrize("role, expected", [("agent", 200), ("leader", 200), ("committee", 403), ("supervisor", 403)])
def test_my_results_page_by_role(client, users, role, expected):
    client.force_login(users[role])
    assert client.get("/exams/results/mine/").status_code == expected


@pytest.mark.parametrize("role, status, released", [("committee", 403, False), ("agent", 403, False), ("supervisor", 302, True)])
def test_who_may_release(client, graded, skills_sitting, users, role, status, released):
    client.force_login(users[role])
    assert client.post(f"/exams/results/sittings/{skills_sitting.pk}/release/").status_code == status
    skills_sitting.refresh_from_db()
    assert (skills_sitting.status == SittingStatus.RELEASED) is released


def test_the_results_page_takes_the_same_queries_for_many_candidates(client, make_sitting, skills_paper, candidates, supervisor,
                                                                    django_assert_max_num_queries):
    people = candidates(15)
    sitting = make_sitting(paper=skills_paper, invite=[p for p, _u in people])
    for _person, user in people:
        sit(sitting, user)
    close(sitting, supervisor)
    grade_all(sitting, supervisor, ALL_RIGHT)
    client.force_login(supervisor)
    with django_assert_max_num_queries(20):
        assert client.get(f"/exams/results/sittings/{sitting.pk}/").status_code == 200  # provisional, computed
    release(sitting, supervisor)
    with django_assert_max_num_queries(16):
        assert client.get(f"/exams/results/sittings/{sitting.pk}/").status_code == 200
    with django_assert_max_num_queries(24):
        assert client.get(f"/exams/results/sittings/{sitting.pk}/statistics/").status_code == 200
    [(_p, user)] = people[:1]
    client.force_login(user)
    with django_assert_max_num_queries(14):
        assert client.get("/exams/results/mine/").status_code == 200
