"""Who may open and change which assessment page: (role, page, method) → status; a refusal changes nothing.

Leaders work on their own team only (another team's pages look absent: 404); the
supervisor reads every team and reviews; the committee reads; agents see only their own scores.
"""
import pytest
from django.urls import reverse

from stardesk.assessment import services
from stardesk.assessment.models import MonthlyScore, Register, RegisterState, Rubric, WeeklyEvaluation
from stardesk.audit.models import AuditEntry
from tests.assessment.conftest import enter_week, march_weeks, shanghai

ROLES = ("anonymous", "agent", "leader", "other_leader", "supervisor", "committee", "admin")
WEEK = str(march_weeks()[0])


def _url(name, fx):
    team, person = fx["team"], fx["agent_person"]
    return {
        "weeks": reverse("assessment:weeks"),
        "week_grid": reverse("assessment:week_grid", args=[team.pk, WEEK]),
        "week_items": reverse("assessment:week_items", args=[team.pk, WEEK, person.pk]),
        "months": reverse("assessment:months"),
        "month": reverse("assessment:month", args=[team.pk, "2025-03"]),
        "register_print": reverse("assessment:register_print", args=[team.pk, "2025-03"]),
        "registers": reverse("assessment:registers"),
        "rubrics": reverse("assessment:rubrics"),
        "rubric_edit": reverse("assessment:rubric_edit", args=[fx["rubric"].pk]),
        "monitoring": reverse("assessment:monitoring"),
        "monitoring_new": reverse("assessment:monitoring_new"),
        "own_scores": reverse("assessment:person", args=[person.pk]),
        "other_team_scores": reverse("assessment:person", args=[fx["stranger"].pk]),
        "other_hotline_scores": reverse("assessment:person", args=[fx["foreigner"].pk]),
    }[name]


# Expected GET status per role, in the order of ROLES; 302 for anonymous is the login page.
GET = {
    "weeks": (302, 404, 200, 200, 200, 200, 200),
    "week_grid": (302, 404, 200, 404, 200, 200, 200),
    "week_items": (302, 404, 200, 404, 403, 403, 403),
    "months": (302, 404, 200, 200, 200, 200, 200),
    "month": (302, 404, 200, 404, 200, 200, 200),
    "register_print": (302, 404, 200, 404, 200, 200, 200),
    "registers": (302, 404, 200, 200, 200, 200, 200),
    "rubrics": (302, 403, 200, 200, 200, 200, 200),
    "rubric_edit": (302, 403, 403, 403, 200, 403, 200),
    "monitoring": (302, 404, 200, 200, 200, 200, 200),
    "monitoring_new": (302, 403, 200, 200, 403, 403, 403),
    "own_scores": (302, 200, 200, 404, 200, 200, 200),
    "other_team_scores": (302, 404, 404, 200, 200, 200, 200),
    "other_hotline_scores": (302, 404, 404, 404, 404, 404, 200),
}


@pytest.fixture
def fx(hotline, team, other_team, agent_person, colleague, stranger, foreigner, users, other_leader, policies):
    return {
        "team": team,
        "agent_person": agent_person,
        "colleague": colleague,
        "stranger": stranger,
        "foreigner": foreigner,
        "users": {**users, "other_leader": other_leader},
        "rubric": services.rubric_current(hotline=hotline),
    }


def _client_as(client, fx, role):
    if role != "anonymous":
        client.force_login(fx["users"][role])
    return client


@pytest.mark.parametrize("page", GET)
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_page_access_by_role(client, fx, page, role_index):
    response = _client_as(client, fx, ROLES[role_index]).get(_url(page, fx))
    assert response.status_code == GET[page][role_index]


def _state():
    return (
        list(WeeklyEvaluation.objects.order_by("pk").values_list("person_id", "score")),
        list(MonthlyScore.objects.order_by("pk").values_list("person_id", "score", "confirmed_at")),
        list(Register.objects.order_by("pk").values_list("state", "submitted_at")),
        list(Rubric.objects.order_by("pk").values_list("version", "name", "frozen_at")),
        AuditEntry.objects.count(),
    )


def _post(name, fx):
    team, person, colleague = fx["team"], fx["agent_person"], fx["colleague"]
    return {
        "week_grid": (_url("week_grid", fx), {"person": [person.pk, colleague.pk], f"score-{person.pk}": "91", f"score-{colleague.pk}": "92"}),
        "month_confirm": (_url("month", fx), {"action": "confirm", "person": [person.pk, colleague.pk]}),
        "register_submit": (_url("month", fx), {"action": "submit"}),
        "register_accept": (reverse("assessment:register_review", args=[team.pk, "2025-03"]), {"action": "accept"}),
        "register_return": (reverse("assessment:register_review", args=[team.pk, "2025-03"]), {"action": "return", "reason": "重填"}),
        "rubric_new_version": (reverse("assessment:rubric_new_version"), {}),
    }[name]


# Expected POST status per role; 302 is a save (or, for a refused business move, a message page after a redirect).
POST = {
    "week_grid": (302, 404, 302, 404, 403, 403, 403),
    "month_confirm": (302, 404, 302, 404, 403, 403, 403),
    "register_accept": (302, 404, 403, 404, 302, 403, 302),
    "register_return": (302, 404, 403, 404, 302, 403, 302),
    "rubric_new_version": (302, 403, 403, 403, 302, 403, 302),
}
CHANGES = {  # which roles' POST changes something
    "week_grid": {"leader"},
    "month_confirm": {"leader"},
    "register_accept": {"supervisor", "admin"},
    "register_return": {"supervisor", "admin"},
    "rubric_new_version": {"supervisor", "admin"},
}


@pytest.mark.parametrize("action", POST)
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_writes_by_role_and_refusals_change_nothing(client, fx, action, role_index):
    leader = fx["users"]["leader"]
    team = fx["team"]
    # given March entered and confirmed, handed in for the review actions, the rubric in use
    for week in march_weeks():
        enter_week(leader, team, week, {fx["agent_person"]: "90", fx["colleague"]: "90"})
    if action.startswith("register_"):
        from stardesk.policy.conventions import Month

        services.month_confirm(actor=leader, team=team, month=Month(2025, 3), lines=[])
        services.register_submit(actor=leader, team=team, month=Month(2025, 3), at=shanghai(2025, 4, 2, 9, 0))
    before = _state()
    role = ROLES[role_index]
    url, data = _post(action, fx)
    response = _client_as(client, fx, role).post(url, data)
    assert response.status_code == POST[action][role_index]
    if role in CHANGES[action]:
        assert _state() != before
    else:
        assert _state() == before


def test_agent_sees_own_weekly_scores_and_nothing_of_colleagues(client, fx):
    leader = fx["users"]["leader"]
    enter_week(leader, fx["team"], march_weeks()[0], {fx["agent_person"]: "93.5", fx["colleague"]: "77.5"}, comment="")
    client.force_login(fx["users"]["agent"])
    assert client.get(reverse("assessment:me")).url == reverse("assessment:person", args=[fx["agent_person"].pk])
    own = client.get(reverse("assessment:person", args=[fx["agent_person"].pk]) + "?year=2025")
    assert own.status_code == 200
    html = own.content.decode()
    assert "93.5" in html and "77.5" not in html
    assert client.get(reverse("assessment:person", args=[fx["colleague"].pk])).status_code == 404


def test_supervisor_cannot_review_another_hotlines_register(client, fx, other_hotline):
    from tests.factories import TeamFactory

    far_team = TeamFactory(hotline=other_hotline, name="远方班")
    register = Register.objects.create(hotline=other_hotline, team=far_team, month="2025-03-01", state=RegisterState.SUBMITTED)
    client.force_login(fx["users"]["supervisor"])
    response = client.post(reverse("assessment:register_review", args=[far_team.pk, "2025-03"]), {"action": "accept"})
    assert response.status_code == 404
    register.refresh_from_db()
    assert register.state == RegisterState.SUBMITTED
