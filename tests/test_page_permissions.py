"""Who may open which page: (role, page, method) → status, for every page of people, teams,
hotlines, accounts and the audit trail. A refusal changes nothing."""
import pytest
from django.urls import reverse

from stardesk.accounts.models import User
from stardesk.audit.models import AuditEntry
from stardesk.people.models import Hotline, Person, Team, TitleSpell

ROLES = ("anonymous", "agent", "leader", "supervisor", "committee", "admin")

# Page → (url name, the fixture whose pk goes in the url or None, POST data builder or None).
PAGES = {
    "home": ("home", None),
    "roster": ("people:list", None),
    "own_file": ("people:detail", "agent_person"),
    "other_team_file": ("people:detail", "stranger"),
    "other_hotline_file": ("people:detail", "foreigner"),
    "person_create": ("people:create", None),
    "person_edit": ("people:edit", "agent_person"),
    "other_hotline_edit": ("people:edit", "foreigner"),
    "title_add": ("people:title_add", "agent_person"),
    "teams": ("people:teams", None),
    "own_team": ("people:team", "team"),
    "other_team": ("people:team", "other_team"),
    "team_create": ("people:team_create", None),
    "team_edit": ("people:team_edit", "team"),
    "hotlines": ("people:hotlines", None),
    "accounts": ("accounts:list", None),
    "account_create": ("accounts:create", None),
    "account_edit": ("accounts:edit", "agent"),
    "account_reset_password": ("accounts:reset_password", "agent"),
    "supervisor_account_edit": ("accounts:edit", "supervisor"),
    "audit": ("audit:search", None),
}


def _post_data(page, fx):
    hotline, team = fx["hotline"], fx["team"]
    person = {
        "hotline": hotline.pk,
        "staff_no": "3001",
        "name": "新同事",
        "employment_type": "permanent",
        "hotline_start": "2024-01-01",
        "job_type": "话务员",
        "job_type_start": "2024-01-01",
        "team": team.pk,
    }
    return {
        "person_create": person,
        "person_edit": {**person, "staff_no": "1001", "name": "张三丰"},
        "other_hotline_edit": {**person, "staff_no": "9001", "name": "改名", "team": fx["foreigner"].team_id},
        "title_add": {"level": "1", "job_type": "话务员", "start": "2024-10-20"},
        "team_create": {"hotline": hotline.pk, "name": "三班"},
        "team_edit": {"name": "一班甲", "leader": fx["leader"].pk},
        "hotlines": {"name": "新热线", "code": "new-line"},
        "account_create": {
            "hotline": hotline.pk,
            "username": "newbie",
            "display_name": "新人",
            "role": "agent",
            "staff_no": "1002",
            "password": "Long-enough-pw-1",
            "password_again": "Long-enough-pw-1",
        },
        "account_edit": {"display_name": "新名字", "role": "agent", "staff_no": "1001", "is_active": "on"},
        "account_reset_password": {},
        "supervisor_account_edit": {"display_name": "x", "role": "agent", "is_active": "on"},
    }[page]


# Expected status per role, in the order of ROLES. 302 for anonymous is the login redirect.
GET = {
    "home": (302, 200, 200, 200, 200, 200),
    "roster": (302, 403, 200, 200, 200, 200),
    "own_file": (302, 200, 200, 200, 200, 200),
    "other_team_file": (302, 404, 404, 200, 200, 200),
    "other_hotline_file": (302, 404, 404, 404, 404, 200),
    "person_create": (302, 403, 403, 200, 403, 200),
    "person_edit": (302, 403, 403, 200, 403, 200),
    "other_hotline_edit": (302, 404, 404, 404, 404, 200),
    "title_add": (302, 403, 403, 200, 403, 200),
    "teams": (302, 403, 200, 200, 200, 200),
    "own_team": (302, 403, 200, 200, 200, 200),
    "other_team": (302, 403, 404, 200, 200, 200),
    "team_create": (302, 403, 403, 200, 403, 200),
    "team_edit": (302, 403, 403, 200, 403, 200),
    "hotlines": (302, 403, 403, 403, 403, 200),
    "accounts": (302, 403, 403, 200, 403, 200),
    "account_create": (302, 403, 403, 200, 403, 200),
    "account_edit": (302, 403, 403, 200, 403, 200),
    "account_reset_password": (302, 403, 403, 200, 403, 200),
    "supervisor_account_edit": (302, 403, 403, 403, 403, 200),
    "audit": (302, 403, 403, 200, 403, 200),
}
# A successful POST redirects (302), except a password reset, which shows the password once (200).
POST = {
    "person_create": (302, 403, 403, 302, 403, 302),
    "person_edit": (302, 403, 403, 302, 403, 302),
    "other_hotline_edit": (302, 404, 404, 404, 404, 302),
    "title_add": (302, 403, 403, 302, 403, 302),
    "team_create": (302, 403, 403, 302, 403, 302),
    "team_edit": (302, 403, 403, 302, 403, 302),
    "hotlines": (302, 403, 403, 403, 403, 302),
    "account_create": (302, 403, 403, 302, 403, 302),
    "account_edit": (302, 403, 403, 302, 403, 302),
    "account_reset_password": (302, 403, 403, 200, 403, 200),
    "supervisor_account_edit": (302, 403, 403, 403, 403, 302),
}

CASES = [
    pytest.param(role, page, "get", statuses[i], id=f"{role}-GET-{page}")
    for page, statuses in GET.items()
    for i, role in enumerate(ROLES)
] + [
    pytest.param(role, page, "post", statuses[i], id=f"{role}-POST-{page}")
    for page, statuses in POST.items()
    for i, role in enumerate(ROLES)
]


def _state(fx) -> dict:
    """Everything a refused request could have touched."""
    agent = User.objects.get(pk=fx["agent"].pk)
    supervisor = User.objects.get(pk=fx["supervisor"].pk)
    return {
        "people": list(Person.objects.order_by("pk").values()),
        "teams": list(Team.objects.order_by("pk").values()),
        "hotlines": list(Hotline.objects.order_by("pk").values_list("pk", "name", "code")),
        "titles": TitleSpell.objects.count(),
        "users": list(User.objects.order_by("pk").values_list("pk", "username", "role", "display_name", "is_active", "person_id")),
        "agent_password": agent.password,
        "supervisor": (supervisor.role, supervisor.display_name),
        "audit": AuditEntry.objects.count(),
    }


@pytest.fixture
def world(users, team, other_team, agent_person, colleague, stranger, foreigner, hotline, leader):
    return {
        **users,
        "team": team,
        "other_team": other_team,
        "agent_person": agent_person,
        "colleague": colleague,
        "stranger": stranger,
        "foreigner": foreigner,
        "hotline": hotline,
        "leader": leader,
    }


@pytest.mark.parametrize(("role", "page", "method", "expected"), CASES)
def test_page_permission_matrix(client, world, role, page, method, expected):
    url_name, target = PAGES[page]
    url = reverse(url_name, args=[world[target].pk] if target else [])
    if role != "anonymous":
        client.force_login(world[role])
    before = _state(world)

    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, _post_data(page, world))

    assert response.status_code == expected, response.content.decode()[:2000]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    if expected >= 400 or role == "anonymous" or method == "get":
        assert _state(world) == before
    elif method == "post":
        assert _state(world) != before, "an allowed POST must change something"


def test_a_record_of_another_hotline_is_not_found_with_a_heading_and_a_way_home(client, world):
    client.force_login(world["leader"])
    response = client.get(reverse("people:detail", args=[world["foreigner"].pk]))
    assert response.status_code == 404
    page = response.content.decode()
    assert '<h1 class="h4">' in page and "返回首页" in page


def test_an_agent_opening_the_audit_trail_is_refused_with_a_heading(client, world):
    client.force_login(world["agent"])
    response = client.get(reverse("audit:search"))
    assert response.status_code == 403
    page = response.content.decode()
    assert '<h1 class="h4 mt-2">无权访问</h1>' in page and "您没有权限进行此操作。" in page
    assert "返回首页" in page and "返回上一页" in page
