"""The exams API: questions for examiners only, sittings and attempts in the caller's scope (agents: their own),
results released before an agent reads them (X6), grading and release through the same services as the pages."""
from decimal import Decimal

import pytest

from stardesk.exams.models import Grade, QuestionType, SittingResult, SittingStatus
from tests.api.conftest import token_client
from tests.exams.graded_sittings import *  # noqa: F401,F403  (fixtures)
from tests.exams.graded_sittings import answers_of, close, grade_all, sit

ALL_RIGHT = {QuestionType.SHORT_ANSWER: "10", QuestionType.TYPING: "40", QuestionType.SPEAKING: "45"}


@pytest.fixture
def closed(skills_sitting, agent, colleague_user, supervisor):
    mine, theirs = sit(skills_sitting, agent), sit(skills_sitting, colleague_user, singles_right=2)
    close(skills_sitting, supervisor)
    return mine, theirs


@pytest.mark.parametrize("role, status", [("agent", 403), ("leader", 403), ("committee", 200), ("supervisor", 200), ("admin", 200)])
def test_questions_are_read_by_examiners_only(skills_paper, users, role, status):
    response = token_client(users[role]).get("/api/v1/exam-questions/")
    assert response.status_code == status
    if status == 200:
        single = next(q for q in response.json()["results"] if q["qtype"] == "single")
        assert single["current"]["answer"] == "A"


def test_questions_are_read_only(skills_paper, supervisor):
    client = token_client(supervisor)
    assert client.post("/api/v1/exam-questions/", {"number": "9999"}, format="json").status_code == 405


def test_an_agent_lists_only_their_own_attempts_and_sees_no_key_before_release(closed, agent):
    client = token_client(agent)
    listed = client.get("/api/v1/exam-attempts/").json()
    assert [a["id"] for a in listed["results"]] == [closed[0].pk]
    assert listed["results"][0]["auto_score"] is None
    detail = client.get(f"/api/v1/exam-attempts/{closed[0].pk}/").json()
    assert all(a["key"] is None and a["auto_score"] is None for a in detail["answers"])
    assert client.get(f"/api/v1/exam-attempts/{closed[1].pk}/").status_code == 404


def test_results_appear_for_the_agent_once_released(closed, skills_sitting, agent, supervisor):
    grade_all(skills_sitting, supervisor, ALL_RIGHT)
    client = token_client(agent)
    assert client.get("/api/v1/exam-results/").json()["count"] == 0
    released = token_client(supervisor).post(f"/api/v1/exam-sittings/{skills_sitting.pk}/release/")
    assert released.status_code == 200 and released.json()["status"] == SittingStatus.RELEASED
    mine = client.get("/api/v1/exam-results/").json()["results"]
    assert [(r["staff_no"], r["score"], r["passed"]) for r in mine] == [("1001", "94.0", True)]
    assert mine[0]["valid_until"] == skills_sitting.exam_date.replace(year=skills_sitting.exam_date.year + 1).isoformat()
    detail = client.get(f"/api/v1/exam-attempts/{closed[0].pk}/").json()
    assert {a["key"] for a in detail["answers"] if a["qtype"] == "single"} == {"A"}
    theirs = SittingResult.objects.get(attempt=closed[1])
    assert client.get(f"/api/v1/exam-results/{theirs.pk}/").status_code == 404


def test_staff_read_every_result_of_their_hotline(closed, skills_sitting, supervisor, committee):
    grade_all(skills_sitting, supervisor, ALL_RIGHT)
    token_client(supervisor).post(f"/api/v1/exam-sittings/{skills_sitting.pk}/release/")
    rows = token_client(committee).get(f"/api/v1/exam-results/?sitting={skills_sitting.pk}").json()["results"]
    assert sorted((r["staff_no"], r["score"]) for r in rows) == [("1001", "94.0"), ("1002", "70.0")]


def test_release_by_api_needs_the_supervisor(closed, skills_sitting, committee):
    response = token_client(committee).post(f"/api/v1/exam-sittings/{skills_sitting.pk}/release/")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    skills_sitting.refresh_from_db()
    assert skills_sitting.status == SittingStatus.CLOSED


def test_release_by_api_refused_while_grading_pending(closed, skills_sitting, supervisor):
    response = token_client(supervisor).post(f"/api/v1/exam-sittings/{skills_sitting.pk}/release/")
    assert response.status_code == 400 and response.json()["code"] == "results_grading_pending"


def test_grading_by_api_is_the_pages_service(closed, committee, agent):
    answer = answers_of(closed[0])[QuestionType.SHORT_ANSWER][0]
    created = token_client(committee).post("/api/v1/exam-grades/", {"answer": answer.pk, "score": "8.5", "comment": "要点齐全"}, format="json")
    assert created.status_code == 201 and created.json()["grader_name"] == str(committee)
    assert Grade.objects.get().score == Decimal("8.50")
    refused = token_client(committee).post("/api/v1/exam-grades/", {"answer": answer.pk, "score": "11"}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "grade_invalid"
    assert token_client(agent).post("/api/v1/exam-grades/", {"answer": answer.pk, "score": "1"}, format="json").status_code == 403
    assert Grade.objects.count() == 1


def test_agents_see_only_sittings_they_are_invited_to(closed, skills_sitting, stranger, hotline):
    from tests.factories import UserFactory

    outsider = UserFactory(username="stranger", hotline=hotline, person=stranger)
    assert token_client(outsider).get("/api/v1/exam-sittings/").json()["count"] == 0
    assert token_client(outsider).get(f"/api/v1/exam-sittings/{skills_sitting.pk}/").status_code == 404


def test_another_hotline_sees_nothing(closed, skills_sitting, other_hotline):
    from stardesk.accounts.models import Role
    from tests.factories import UserFactory

    outsider = UserFactory(username="supervisor-b", role=Role.SUPERVISOR, hotline=other_hotline)
    client = token_client(outsider)
    assert client.get(f"/api/v1/exam-sittings/{skills_sitting.pk}/").status_code == 404
    assert client.get("/api/v1/exam-attempts/").json()["count"] == 0


def test_the_results_list_takes_the_same_queries_for_many_results(make_sitting, skills_paper, candidates, supervisor,
                                                                 django_assert_max_num_queries):
    people = candidates(12)
    sitting = make_sitting(paper=skills_paper, invite=[p for p, _u in people])
    for _person, user in people:
        sit(sitting, user)
    close(sitting, supervisor)
    grade_all(sitting, supervisor, ALL_RIGHT)
    client = token_client(supervisor)
    client.post(f"/api/v1/exam-sittings/{sitting.pk}/release/")
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/exam-results/").json()["count"] == 12
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/exam-attempts/").json()["count"] == 12
