"""班组 and 热线 pages."""
import datetime
import re

from django.urls import reverse

from stardesk.accounts.models import Role
from stardesk.audit.models import AuditEntry
from stardesk.people.models import Hotline, Team
from tests.factories import PersonFactory, TitleSpellFactory, UserFactory


def test_s3_team_list_shows_leader_and_head_counts(as_user, supervisor, team, other_team, agent_person, colleague, stranger):
    PersonFactory(team=team, staff_no="1003", left_on=datetime.date(2024, 1, 31))
    TitleSpellFactory(person=agent_person, level=1, start=datetime.date(2024, 10, 20))
    html = as_user(supervisor).get(reverse("people:teams")).content.decode()
    row = re.search(r"一班</a></td>(.*?)</tr>", html, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert cells[0] == "王班长"
    assert [c.strip() for c in cells[1:4]] == ["2", "1", "3"]  # active, star holders, ever


def test_team_list_query_count_is_bounded(as_user, admin_user, hotline, django_assert_max_num_queries):
    for n in range(30):
        team = Team.objects.create(hotline=hotline, name=f"班{n}")
        PersonFactory(team=team)
    client = as_user(admin_user)
    with django_assert_max_num_queries(7):
        assert client.get(reverse("people:teams")).status_code == 200


def test_team_page_lists_its_members_only(as_user, committee, team, agent_person, colleague, stranger):
    html = as_user(committee).get(reverse("people:team", args=[team.pk])).content.decode()
    assert re.findall(r'data-staff-no="([^"]+)"', html) == ["1001", "1002"]


def test_s3_team_create_with_a_leader_of_the_hotline(as_user, supervisor, hotline, other_leader):
    response = as_user(supervisor).post(reverse("people:team_create"), {"name": " 三班 ", "leader": other_leader.pk})
    team = Team.objects.get(name="三班")
    assert response.status_code == 302 and team.leader == other_leader and team.hotline == hotline
    assert AuditEntry.objects.filter(action="team.create", target_id=str(team.pk)).exists()


def test_s3_leader_choices_are_the_hotlines_leader_accounts_only(as_user, supervisor, team, other_hotline, committee):
    outsider = UserFactory(username="far-leader", role=Role.LEADER, hotline=other_hotline)
    client = as_user(supervisor)
    html = client.get(reverse("people:team_edit", args=[team.pk])).content.decode()
    assert "王班长" in html and "far-leader" not in html and "周委员" not in html
    response = client.post(reverse("people:team_edit", args=[team.pk]), {"name": "一班", "leader": outsider.pk})
    assert response.status_code == 200
    assert Team.objects.get(pk=team.pk).leader.username == "leader"


def test_duplicate_team_name_is_refused_inline(as_user, supervisor, team):
    response = as_user(supervisor).post(reverse("people:team_create"), {"name": "一班"})
    assert "本热线已有同名班组" in response.content.decode()
    assert Team.objects.filter(name="一班").count() == 1


def test_team_edit_is_audited_and_shown_on_the_team_page(as_user, supervisor, team, other_leader):
    client = as_user(supervisor)
    client.post(reverse("people:team_edit", args=[team.pk]), {"name": "一班", "leader": other_leader.pk})
    html = client.get(reverse("people:team", args=[team.pk])).content.decode()
    assert "<del>王班长</del>" in html and "<ins>李班长</ins>" in html


def test_s1_group_admin_creates_a_hotline(as_user, admin_user):
    response = as_user(admin_user).post(reverse("people:hotlines"), {"name": "三分公司热线", "code": "third", "company": "三分公司"})
    assert response.status_code == 302
    assert Hotline.objects.filter(code="third", company="三分公司").exists()
    assert AuditEntry.objects.filter(action="hotline.create").count() == 1


def test_hotline_code_must_be_a_slug_and_unique(as_user, admin_user, hotline):
    client = as_user(admin_user)
    bad = client.post(reverse("people:hotlines"), {"name": "某热线", "code": "有 空格"})
    assert "代码只能包含英文字母" in bad.content.decode()
    duplicate = client.post(reverse("people:hotlines"), {"name": "另一个", "code": "main"})
    assert "热线名称或代码已存在" in duplicate.content.decode()
    assert Hotline.objects.count() == 1
