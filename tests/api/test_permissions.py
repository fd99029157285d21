"""The API's permission matrix: role × endpoint × method → status, the same scope as the pages.

A refusal changes nothing: no person, team or audit entry is added or altered.
"""
import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from stardesk.audit.models import AuditEntry
from stardesk.people.models import Person, Team
from stardesk.policy.conventions import Month
from tests.api.conftest import token_client
from tests.factories import TitleSpellFactory
from tests.cycle import api_records as cycle_records
from tests.exams import exam_api_records as exam_records
from tests.payouts import api_records

ROLES = ("anonymous", "agent", "leader", "supervisor", "committee", "admin")


def _new_person(w):
    return {
        "hotline": w.hotline.pk,
        "staff_no": "3001",
        "name": "孙七",
        "employment_type": "permanent",
        "hotline_start": "2024-01-02",
        "job_type_start": "2024-01-02",
        "team": w.team.pk,
    }


# endpoint: (method, url, body)
ENDPOINTS = {
    "hotlines.list": ("get", lambda w: "/api/v1/hotlines/", None),
    "hotline.own": ("get", lambda w: f"/api/v1/hotlines/{w.hotline.pk}/", None),
    "hotline.other": ("get", lambda w: f"/api/v1/hotlines/{w.other_hotline.pk}/", None),
    "teams.list": ("get", lambda w: "/api/v1/teams/", None),
    "team.own": ("get", lambda w: f"/api/v1/teams/{w.team.pk}/", None),
    "team.other": ("get", lambda w: f"/api/v1/teams/{w.other_team.pk}/", None),
    "team.foreign": ("get", lambda w: f"/api/v1/teams/{w.foreign_team.pk}/", None),
    "teams.create": ("post", lambda w: "/api/v1/teams/", lambda w: {"hotline": w.hotline.pk, "name": "三班"}),
    "team.update": ("patch", lambda w: f"/api/v1/teams/{w.team.pk}/", lambda w: {"name": "一班（新）"}),
    "team.update_foreign": ("patch", lambda w: f"/api/v1/teams/{w.foreign_team.pk}/", lambda w: {"name": "甲班"}),
    "people.list": ("get", lambda w: "/api/v1/people/", None),
    "person.self": ("get", lambda w: f"/api/v1/people/{w.agent_person.pk}/", None),
    "person.colleague": ("get", lambda w: f"/api/v1/people/{w.colleague.pk}/", None),
    "person.other_team": ("get", lambda w: f"/api/v1/people/{w.stranger.pk}/", None),
    "person.foreign": ("get", lambda w: f"/api/v1/people/{w.foreigner.pk}/", None),
    "titles.self": ("get", lambda w: f"/api/v1/people/{w.agent_person.pk}/titles/", None),
    "titles.other_team": ("get", lambda w: f"/api/v1/people/{w.stranger.pk}/titles/", None),
    "titles.foreign": ("get", lambda w: f"/api/v1/people/{w.foreigner.pk}/titles/", None),
    "people.create": ("post", lambda w: "/api/v1/people/", _new_person),
    "person.update": ("patch", lambda w: f"/api/v1/people/{w.agent_person.pk}/", lambda w: {"name": "张三丰"}),
    "person.replace": ("put", lambda w: f"/api/v1/people/{w.agent_person.pk}/", _new_person),
    "person.update_foreign": ("patch", lambda w: f"/api/v1/people/{w.foreigner.pk}/", lambda w: {"name": "赵七"}),
    "person.delete": ("delete", lambda w: f"/api/v1/people/{w.agent_person.pk}/", None),
    # The daily assessment's records, read only (stardesk.payouts.api).
    "monthly_scores.list": ("get", lambda w: "/api/v1/monthly-scores/", None),
    "monthly_score.self": ("get", lambda w: f"/api/v1/monthly-scores/{api_records.monthly_score(w.agent_person).pk}/", None),
    "monthly_score.other_team": ("get", lambda w: f"/api/v1/monthly-scores/{api_records.monthly_score(w.stranger).pk}/", None),
    "monitoring_scores.list": ("get", lambda w: "/api/v1/monitoring-scores/", None),
    "monitoring_score.self": ("get", lambda w: f"/api/v1/monitoring-scores/{api_records.monitoring_score(w.agent_person).pk}/", None),
    "monitoring_score.foreign": ("get", lambda w: f"/api/v1/monitoring-scores/{api_records.monitoring_score(w.foreigner).pk}/", None),
    "events.list": ("get", lambda w: "/api/v1/events/", None),
    "event.self": ("get", lambda w: f"/api/v1/events/{api_records.event(w.agent_person).pk}/", None),
    "event.other_team": ("get", lambda w: f"/api/v1/events/{api_records.event(w.stranger).pk}/", None),
    "allowance_lines.list": ("get", lambda w: "/api/v1/allowance-lines/", None),
    "allowance_line.self": ("get", lambda w: f"/api/v1/allowance-lines/{api_records.allowance_line(w.agent_person).pk}/", None),
    "allowance_line.foreign": ("get", lambda w: f"/api/v1/allowance-lines/{api_records.allowance_line(w.foreigner).pk}/", None),
    "allowance_lines.create": ("post", lambda w: "/api/v1/allowance-lines/", lambda w: {}),
    # Writes through the pages' services (M3 month confirmation, M2 monitored call, events).
    "monthly_scores.create": ("post", lambda w: "/api/v1/monthly-scores/", lambda w: {
        "team": w.team.pk, "month": str(Month.of(timezone.localdate()).prev()),
        "lines": [{"person": w.agent_person.pk, "entered_score": "95"}, {"person": w.colleague.pk, "entered_score": "96"}],
    }),
    "monitoring_scores.create": ("post", lambda w: "/api/v1/monitoring-scores/", lambda w: {
        "person": w.agent_person.pk, "call_no": "REC-API-1", "call_date": str(timezone.localdate()), "score": "92",
    }),
    "events.create": ("post", lambda w: "/api/v1/events/", lambda w: {
        "person": w.agent_person.pk, "date": str(timezone.localdate()), "category": "praise", "description": "用户来电表扬",
    }),
    # The yearly cycle (stardesk.cycle.api).
    "cycles.list": ("get", lambda w: "/api/v1/cycles/", None),
    "cycle.own": ("get", lambda w: f"/api/v1/cycles/{cycle_records.cycle(w.hotline).pk}/", None),
    "cycle.foreign": ("get", lambda w: f"/api/v1/cycles/{cycle_records.cycle(w.other_hotline).pk}/", None),
    "applications.list": ("get", lambda w: "/api/v1/applications/", None),
    "application.self": ("get", lambda w: f"/api/v1/applications/{cycle_records.application(w.agent_person).pk}/", None),
    "application.other_team": ("get", lambda w: f"/api/v1/applications/{cycle_records.application(w.stranger).pk}/", None),
    "applications.create": ("post", lambda w: "/api/v1/applications/",
                            lambda w: {"cycle": cycle_records.cycle(w.hotline).pk, "person": w.agent_person.pk, "level": 1}),
    "recommendations.list": ("get", lambda w: "/api/v1/recommendations/", None),
    "recommendation.other_team": ("get", lambda w: f"/api/v1/recommendations/{cycle_records.recommendation(w.stranger).pk}/", None),
    "recommendation_corrections.list": ("get", lambda w: "/api/v1/recommendation-corrections/", None),
    "recommendation_corrections.create": (
        "post", lambda w: "/api/v1/recommendation-corrections/",
        lambda w: {"cycle": cycle_records.recommendation(w.agent_person).cycle_id, "staff_no": w.agent_person.staff_no,
                   "level": 0, "reason": "数据错误"}),
    "candidates.list": ("get", lambda w: "/api/v1/candidates/", None),
    "candidate.self": ("get", lambda w: f"/api/v1/candidates/{cycle_records.candidate(w.agent_person).pk}/", None),
    "decisions.list": ("get", lambda w: "/api/v1/decisions/", None),
    "decision.self": ("get", lambda w: f"/api/v1/decisions/{cycle_records.decision(w.agent_person).pk}/", None),
    "decisions.create": ("post", lambda w: "/api/v1/decisions/",
                         lambda w: {"candidate": cycle_records.candidate(w.agent_person).pk, "to_level": 0, "reason": "不予评定"}),
    "votes.list": ("get", lambda w: "/api/v1/votes/", None),
    "votes.create": ("post", lambda w: "/api/v1/votes/",
                     lambda w: {"candidate": cycle_records.candidate(w.agent_person).pk, "level": 1}),
    "awards.list": ("get", lambda w: "/api/v1/awards/", None),
    "award.other_team": ("get", lambda w: f"/api/v1/awards/{cycle_records.award(w.stranger).pk}/", None),
    "titles.list": ("get", lambda w: "/api/v1/titles/", None),
    "title.self": ("get", lambda w: f"/api/v1/titles/{cycle_records.title(w.agent_person).pk}/", None),
    "title.foreign": ("get", lambda w: f"/api/v1/titles/{cycle_records.title(w.foreigner).pk}/", None),
    # Exams (stardesk.exams.exam_api): the bank for examiners, one's own attempts and released results for agents.
    "exam_questions.list": ("get", lambda w: "/api/v1/exam-questions/", None),
    "exam_question.own": ("get", lambda w: f"/api/v1/exam-questions/{exam_records.question(w.hotline).pk}/", None),
    "exam_question.foreign": ("get", lambda w: f"/api/v1/exam-questions/{exam_records.question(w.other_hotline).pk}/", None),
    "exam_sittings.list": ("get", lambda w: "/api/v1/exam-sittings/", None),
    "exam_sitting.invited": ("get", lambda w: f"/api/v1/exam-sittings/{exam_records.attempt(w.agent_person).sitting_id}/", None),
    "exam_sitting.release": ("post", lambda w: f"/api/v1/exam-sittings/{exam_records.sitting(w.hotline).pk}/release/", None),
    "exam_attempts.list": ("get", lambda w: "/api/v1/exam-attempts/", None),
    "exam_attempt.self": ("get", lambda w: f"/api/v1/exam-attempts/{exam_records.attempt(w.agent_person).pk}/", None),
    "exam_attempt.colleague": ("get", lambda w: f"/api/v1/exam-attempts/{exam_records.attempt(w.colleague).pk}/", None),
    "exam_results.list": ("get", lambda w: "/api/v1/exam-results/", None),
    "exam_result.self": ("get", lambda w: f"/api/v1/exam-results/{exam_records.result(w.agent_person).pk}/", None),
    "exam_result.foreign": ("get", lambda w: f"/api/v1/exam-results/{exam_records.result(w.foreigner).pk}/", None),
    "exam_grades.list": ("get", lambda w: "/api/v1/exam-grades/", None),
    "exam_grades.create": ("post", lambda w: "/api/v1/exam-grades/", lambda w: {"score": "1"}),
}

MATRIX = [
    # endpoint               anonymous agent leader supervisor committee admin
    ("hotlines.list",          401,  200,  200,   200,      200,   200),
    ("hotline.own",            401,  200,  200,   200,      200,   200),
    ("hotline.other",          401,  404,  404,   404,      404,   200),
    ("teams.list",             401,  200,  200,   200,      200,   200),
    ("team.own",               401,  200,  200,   200,      200,   200),
    ("team.other",             401,  404,  404,   200,      200,   200),
    ("team.foreign",           401,  404,  404,   404,      404,   200),
    ("teams.create",           401,  403,  403,   201,      403,   201),
    ("team.update",            401,  403,  403,   200,      403,   200),
    ("team.update_foreign",    401,  403,  403,   404,      403,   200),
    ("people.list",            401,  200,  200,   200,      200,   200),
    ("person.self",            401,  200,  200,   200,      200,   200),
    ("person.colleague",       401,  404,  200,   200,      200,   200),
    ("person.other_team",      401,  404,  404,   200,      200,   200),
    ("person.foreign",         401,  404,  404,   404,      404,   200),
    ("titles.self",            401,  200,  200,   200,      200,   200),
    ("titles.other_team",      401,  404,  404,   200,      200,   200),
    ("titles.foreign",         401,  404,  404,   404,      404,   200),
    ("people.create",          401,  403,  403,   201,      403,   201),
    ("person.update",          401,  403,  403,   200,      403,   200),
    ("person.replace",         401,  403,  403,   200,      403,   200),
    ("person.update_foreign",  401,  403,  403,   404,      403,   200),
    # People are never deleted (S2): leaving is a date.
    ("person.delete",          401,  405,  405,   405,      405,   405),
    ("monthly_scores.list",     401,  200,  200,   200,      200,   200),
    ("monthly_score.self",      401,  200,  200,   200,      200,   200),
    ("monthly_score.other_team", 401, 404,  404,   200,      200,   200),
    ("monitoring_scores.list",  401,  200,  200,   200,      200,   200),
    ("monitoring_score.self",   401,  200,  200,   200,      200,   200),
    ("monitoring_score.foreign", 401, 404,  404,   404,      404,   200),
    ("events.list",             401,  200,  200,   200,      200,   200),
    ("event.self",              401,  200,  200,   200,      200,   200),
    ("event.other_team",        401,  404,  404,   200,      200,   200),
    ("allowance_lines.list",    401,  200,  200,   200,      200,   200),
    ("allowance_line.self",     401,  200,  200,   200,      200,   200),
    ("allowance_line.foreign",  401,  404,  404,   404,      404,   200),
    # Allowance lines are computed, never posted.
    ("allowance_lines.create",  401,  405,  405,   405,      405,   405),
    # The leader confirms the team's month and scores calls (M2, M3); leaders and the supervisor record events.
    ("monthly_scores.create",   401,  403,  201,   403,      403,   403),
    ("monitoring_scores.create", 401, 403,  201,   403,      403,   403),
    ("events.create",           401,  403,  201,   201,      403,   201),
    ("cycles.list",             401,  200,  200,   200,      200,   200),
    ("cycle.own",               401,  200,  200,   200,      200,   200),
    ("cycle.foreign",           401,  404,  404,   404,      404,   200),
    ("applications.list",       401,  200,  200,   200,      200,   200),
    ("application.self",        401,  200,  200,   200,      200,   200),
    ("application.other_team",  401,  404,  404,   200,      200,   200),
    # An agent applies for themselves, a leader for the team, the supervisor for the hotline (E); not the committee.
    ("applications.create",     401,  201,  201,   201,      403,   201),
    ("recommendations.list",    401,  200,  200,   200,      200,   200),
    ("recommendation.other_team", 401, 404, 404,   200,      200,   200),
    # Only the supervisor corrects the finalised list (Y2), and only during 业务考核: this cycle is past it (400).
    ("recommendation_corrections.list", 401, 200, 200, 200,   200,   200),
    ("recommendation_corrections.create", 401, 403, 403, 400, 403,   400),
    # The committee's records (K) are read by the supervisor and the committee; votes by the committee only.
    ("candidates.list",         401,  403,  403,   200,      200,   200),
    ("candidate.self",          401,  403,  403,   200,      200,   200),
    ("decisions.list",          401,  403,  403,   200,      200,   200),
    ("decision.self",           401,  403,  403,   200,      200,   200),
    ("decisions.create",        401,  403,  403,   403,      201,   403),
    ("votes.list",              401,  403,  403,   403,      200,   200),
    ("votes.create",            401,  403,  403,   403,      201,   403),
    ("awards.list",             401,  200,  200,   200,      200,   200),
    ("award.other_team",        401,  404,  404,   200,      200,   200),
    ("titles.list",             401,  200,  200,   200,      200,   200),
    ("title.self",              401,  200,  200,   200,      200,   200),
    ("title.foreign",           401,  404,  404,   404,      404,   200),
    # Exams: examiners (supervisor, committee) read the bank and grade; the supervisor releases (X6).
    ("exam_questions.list",     401,  403,  403,   200,      200,   200),
    ("exam_question.own",       401,  403,  403,   200,      200,   200),
    ("exam_question.foreign",   401,  403,  403,   404,      404,   200),
    ("exam_sittings.list",      401,  200,  200,   200,      200,   200),
    ("exam_sitting.invited",    401,  200,  404,   200,      200,   200),
    ("exam_sitting.release",    401,  403,  403,   200,      403,   200),
    ("exam_attempts.list",      401,  200,  200,   200,      200,   200),
    ("exam_attempt.self",       401,  200,  404,   200,      200,   200),
    ("exam_attempt.colleague",  401,  404,  404,   200,      200,   200),
    ("exam_results.list",       401,  200,  200,   200,      200,   200),
    ("exam_result.self",        401,  200,  404,   200,      200,   200),
    ("exam_result.foreign",     401,  404,  404,   404,      404,   200),
    ("exam_grades.list",        401,  403,  403,   200,      200,   200),
    ("exam_grades.create",      401,  403,  403,   400,      400,   400),
]

CASES = [(endpoint, role, status) for endpoint, *statuses in MATRIX for role, status in zip(ROLES, statuses)]


def _state():
    """Everything a refused request must leave as it was."""
    return (
        list(Person.objects.order_by("pk").values()),
        list(Team.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize(("endpoint", "role", "expected"), CASES, ids=[f"{e}-{r}" for e, r, _s in CASES])
def test_api_permission_matrix(world, endpoint, role, expected):
    TitleSpellFactory(person=world.agent_person)
    TitleSpellFactory(person=world.stranger)
    TitleSpellFactory(person=world.foreigner)
    client = APIClient() if role == "anonymous" else token_client(world.users[role])
    method, url, body = ENDPOINTS[endpoint]
    before = _state()

    response = getattr(client, method)(url(world), body(world) if body else None, format="json")

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert _state() == before
        assert "code" in response.json()
    elif method != "get":
        assert AuditEntry.objects.count() > before[2]  # the service recorded the change (an entry per record written)


def test_matrix_covers_every_route(world):
    """A route added to the API without a row in the matrix fails here."""
    from django.urls import resolve

    from stardesk.api.v1.urls import router

    routed = {pattern.name for pattern in router.urls if pattern.name != "api-root"}
    covered = {resolve(url(world)).url_name for _method, url, _body in ENDPOINTS.values()}
    assert covered == routed
    assert {name for name, *_statuses in MATRIX} == set(ENDPOINTS)


def test_anonymous_refusal_names_the_token_scheme(world):
    response = APIClient().get("/api/v1/people/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_leader_lists_only_their_own_team(world, api_as):
    response = api_as(world.users["leader"]).get("/api/v1/people/")

    assert [p["staff_no"] for p in response.json()["results"]] == ["1001", "1002"]


def test_agent_lists_only_themselves(world, api_as):
    response = api_as(world.users["agent"]).get("/api/v1/people/")

    assert [p["staff_no"] for p in response.json()["results"]] == ["1001"]


def test_s1_supervisor_lists_only_their_own_hotline(world, api_as):
    response = api_as(world.users["supervisor"]).get("/api/v1/people/")

    assert [p["staff_no"] for p in response.json()["results"]] == ["1001", "1002", "2001"]


def test_s1_group_admin_lists_every_hotline(world, api_as):
    response = api_as(world.users["admin"]).get("/api/v1/people/?ordering=staff_no")

    assert [p["staff_no"] for p in response.json()["results"]] == ["1001", "1002", "2001", "9001"]


def test_s1_supervisor_cannot_create_in_another_hotline(world, api_as):
    client = api_as(world.users["supervisor"])
    body = _new_person(world) | {"hotline": world.other_hotline.pk, "team": None}
    before = _state()

    response = client.post("/api/v1/people/", body, format="json")

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["hotline"]
    assert _state() == before


def test_s1_supervisor_cannot_put_someone_into_another_hotlines_team(world, api_as):
    client = api_as(world.users["supervisor"])
    before = _state()

    response = client.patch(f"/api/v1/people/{world.agent_person.pk}/", {"team": world.foreign_team.pk}, format="json")

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["team"]
    assert _state() == before


def test_s1_admin_cannot_mix_hotline_and_team(world, api_as):
    client = api_as(world.users["admin"])
    body = _new_person(world) | {"hotline": world.other_hotline.pk}  # 一班 belongs to the first hotline
    before = _state()

    response = client.post("/api/v1/people/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "detail": "班组不属于该热线。"}
    assert _state() == before


def test_deactivated_account_token_stops_working(world, api_as):
    client = api_as(world.users["supervisor"])
    world.users["supervisor"].is_active = False
    world.users["supervisor"].save()

    response = client.get("/api/v1/people/")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


@pytest.mark.parametrize("role", ["agent", "leader", "supervisor", "admin"])
def test_browsable_api_renders_for_every_role(world, role):
    client = APIClient()
    client.force_login(world.users[role])

    list_page = client.get("/api/v1/people/", HTTP_ACCEPT="text/html")
    detail_page = client.get(f"/api/v1/people/{world.agent_person.pk}/", HTTP_ACCEPT="text/html")

    assert (list_page.status_code, detail_page.status_code) == (200, 200)
    # a form to create people is offered only to roles that may create them
    assert ('id="post-object-form"' in list_page.content.decode()) == (role in ("supervisor", "admin"))
