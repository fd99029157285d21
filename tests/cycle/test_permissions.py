"""Who may see and do what in the cycle, as a table (role × page × method → status); refusals change nothing."""
import pytest
from django.urls import reverse

from stardesk.accounts.models import Role
from stardesk.audit.models import AuditEntry
from stardesk.cycle.models import Application, Cycle, Step
from tests.cycle.conftest import apply
from tests.factories import HotlineFactory, UserFactory

YEAR = 2026


@pytest.fixture
def scene(cycle, agent, agent_person, leader, other_leader, stranger):
    mine = apply(cycle, agent, agent_person, 1)
    other = apply(cycle, other_leader, stranger, 1)
    return {"mine": mine.pk, "other": other.pk}


def url(name, scene, *extra):
    if name == "application_mine":
        return reverse("cycle:application", args=[YEAR, scene["mine"]])
    if name == "application_other":
        return reverse("cycle:application", args=[YEAR, scene["other"]])
    if name in ("index", "mine"):
        return reverse(f"cycle:{name}")
    if name == "export":
        return reverse("cycle:export", args=[YEAR, "eligibility", "csv"])
    return reverse(f"cycle:{name}", args=[YEAR])


PAGES = [
    # (page, {role: status})
    ("index", {"agent": 302, "leader": 200, "supervisor": 200, "committee": 200, "admin": 200}),
    ("mine", {"agent": 200, "leader": 403, "supervisor": 403, "committee": 403, "admin": 403}),
    ("detail", {"agent": 403, "leader": 200, "supervisor": 200, "committee": 200, "admin": 200}),
    ("applications", {"agent": 403, "leader": 200, "supervisor": 200, "committee": 200, "admin": 200}),
    ("application_mine", {"agent": 403, "leader": 200, "supervisor": 200, "committee": 200, "admin": 200}),
    ("application_other", {"agent": 403, "leader": 404, "supervisor": 200, "committee": 200, "admin": 200}),
    ("recommendation", {"agent": 403, "leader": 200, "supervisor": 200, "committee": 200, "admin": 200}),
    ("export", {"agent": 403, "leader": 403, "supervisor": 200, "committee": 200, "admin": 200}),
]


@pytest.mark.parametrize("page,expected", PAGES, ids=[p for p, _e in PAGES])
@pytest.mark.parametrize("role", ["agent", "leader", "supervisor", "committee", "admin"])
def test_page_permissions(client, users, scene, page, expected, role):
    client.force_login(users[role])
    assert client.get(url(page, scene)).status_code == expected[role]


@pytest.mark.parametrize("page", [p for p, _e in PAGES])
def test_anonymous_is_sent_to_log_in(client, scene, page):
    response = client.get(url(page, scene))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


ACTIONS = [
    ("transition", {"to": Step.LEADER_CHECK}),
    ("recheck", {}),
    ("adopt_policy", {"reason": "试图采用"}),
]


@pytest.mark.parametrize("action,data", ACTIONS, ids=[a for a, _d in ACTIONS])
@pytest.mark.parametrize("role", ["agent", "leader", "committee"])
def test_running_the_cycle_is_refused_and_changes_nothing(client, users, scene, cycle, action, data, role):
    client.force_login(users[role])
    audits, before = AuditEntry.objects.count(), Cycle.objects.values().get(pk=cycle.pk)
    assert client.post(url(action, scene), data).status_code == 403
    assert AuditEntry.objects.count() == audits and Cycle.objects.values().get(pk=cycle.pk) == before


def test_supervisor_moves_the_step_from_the_page(client, supervisor, scene, cycle):
    client.force_login(supervisor)
    response = client.post(url("transition", scene), {"to": Step.LEADER_CHECK, "note": "申报截止"})
    assert response.status_code == 302
    assert Cycle.objects.get(pk=cycle.pk).step == Step.LEADER_CHECK


def test_an_illegal_move_from_the_page_is_a_message_not_an_error(client, supervisor, scene, cycle):
    client.force_login(supervisor)
    response = client.post(url("transition", scene), {"to": Step.AWARD}, follow=True)
    assert response.status_code == 200
    assert "只能进入下一步「班长推荐」" in response.content.decode()
    assert Cycle.objects.get(pk=cycle.pk).step == Step.APPLICATION


def test_another_hotlines_supervisor_finds_nothing(client, scene):
    elsewhere = UserFactory(username="sup-b", role=Role.SUPERVISOR, hotline=HotlineFactory(code="b", name="乙热线"))
    client.force_login(elsewhere)
    for page in ("detail", "applications", "recommendation", "application_mine"):
        assert client.get(url(page, scene)).status_code == 404


def test_agent_cannot_review_or_flag_from_the_page(client, agent, scene):
    client.force_login(agent)
    before = Application.objects.values().get(pk=scene["mine"])
    for data in ({"action": "flag", "recommended": "on", "reason": "我很优秀"}, {"action": "review", "decision": "confirm"}):
        assert client.post(url("application_mine", scene), data).status_code == 403
    assert Application.objects.values().get(pk=scene["mine"]) == before


def test_leader_cannot_withdraw_another_teams_application(client, leader, scene):
    client.force_login(leader)
    assert client.post(url("application_other", scene), {"action": "withdraw"}).status_code == 404
    assert Application.objects.get(pk=scene["other"]).is_active
