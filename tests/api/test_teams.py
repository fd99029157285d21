"""/api/v1/teams/: read by scope, created and changed through the people services (S3)."""
import pytest

from stardesk.accounts.models import Role
from stardesk.audit.models import AuditEntry
from stardesk.people.models import Team
from tests.factories import UserFactory

TEAMS = "/api/v1/teams/"


@pytest.fixture
def supervisor_api(world, api_as):
    return api_as(world.users["supervisor"])


def test_team_is_read_with_its_leader(world, supervisor_api):
    body = supervisor_api.get(f"{TEAMS}{world.team.pk}/").json()

    assert body == {"id": world.team.pk, "hotline": world.hotline.pk, "name": "一班", "leader": world.users["leader"].pk, "leader_name": "王班长"}


def test_leader_lists_only_the_team_they_lead(world, api_as):
    body = api_as(world.users["leader"]).get(TEAMS).json()

    assert [t["name"] for t in body["results"]] == ["一班"]


def test_filter_teams_by_name(world, supervisor_api):
    assert [t["name"] for t in supervisor_api.get(TEAMS, {"name": "二"}).json()["results"]] == ["二班"]


def test_s3_supervisor_creates_a_team_with_a_leader(world, supervisor_api):
    new_leader = UserFactory(username="leader3", role=Role.LEADER, hotline=world.hotline, display_name="赵班长")

    response = supervisor_api.post(TEAMS, {"name": " 三班 ", "leader": new_leader.pk}, format="json")

    assert response.status_code == 201, response.content
    team = Team.objects.get(name="三班")
    assert (team.hotline, team.leader) == (world.hotline, new_leader)
    assert response.json()["leader_name"] == "赵班长"
    assert AuditEntry.objects.filter(action="team.create", target_id=str(team.pk)).exists()


def test_duplicate_team_name_is_refused_with_its_code(world, supervisor_api):
    response = supervisor_api.post(TEAMS, {"name": "一班"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"code": "duplicate_team", "detail": "本热线已有同名班组。"}
    assert Team.objects.filter(hotline=world.hotline, name="一班").count() == 1


def test_s3_leader_must_be_a_team_leader_account(world, supervisor_api):
    response = supervisor_api.post(TEAMS, {"name": "三班", "leader": world.users["committee"].pk}, format="json")

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["leader"]
    assert not Team.objects.filter(name="三班").exists()


def test_s1_leader_of_another_hotline_reads_as_unknown(world, supervisor_api):
    foreign_leader = UserFactory(username="leader9", role=Role.LEADER, hotline=world.other_hotline)

    response = supervisor_api.patch(f"{TEAMS}{world.team.pk}/", {"leader": foreign_leader.pk}, format="json")

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["leader"]
    world.team.refresh_from_db()
    assert world.team.leader == world.users["leader"]


def test_s1_admin_cannot_give_a_team_a_leader_of_another_hotline(world, api_as):
    foreign_leader = UserFactory(username="leader9", role=Role.LEADER, hotline=world.other_hotline)

    response = api_as(world.users["admin"]).patch(f"{TEAMS}{world.team.pk}/", {"leader": foreign_leader.pk}, format="json")

    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "detail": "班长必须是本热线的账号。"}


def test_rename_keeps_the_leader_and_removing_the_leader_keeps_the_name(world, supervisor_api):
    assert supervisor_api.patch(f"{TEAMS}{world.team.pk}/", {"name": "甲班"}, format="json").status_code == 200
    world.team.refresh_from_db()
    assert (world.team.name, world.team.leader) == ("甲班", world.users["leader"])

    assert supervisor_api.patch(f"{TEAMS}{world.team.pk}/", {"leader": None}, format="json").status_code == 200
    world.team.refresh_from_db()
    assert (world.team.name, world.team.leader) == ("甲班", None)
    assert AuditEntry.objects.filter(action="team.update", target_id=str(world.team.pk)).count() == 2


def test_team_cannot_be_moved_to_another_hotline(world, api_as):
    response = api_as(world.users["admin"]).patch(f"{TEAMS}{world.team.pk}/", {"hotline": world.other_hotline.pk}, format="json")

    assert response.status_code == 200
    world.team.refresh_from_db()
    assert world.team.hotline == world.hotline


def test_hotlines_are_read_by_scope(world, api_as):
    assert [h["code"] for h in api_as(world.users["committee"]).get("/api/v1/hotlines/").json()["results"]] == ["main"]
    assert [h["code"] for h in api_as(world.users["admin"]).get("/api/v1/hotlines/").json()["results"]] == ["branch", "main"]
