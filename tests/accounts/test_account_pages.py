"""Account pages: list with search and role filter, create, edit, reset a password."""
import re

from django.urls import reverse

from stardesk.accounts.models import Role, User
from stardesk.audit.models import AuditEntry
from tests.factories import UserFactory


def usernames(response) -> list[str]:
    return re.findall(r'data-username="([^"]+)"', response.content.decode())


def test_supervisor_lists_the_accounts_of_their_hotline_only(client, users, other_hotline):
    UserFactory(username="far", hotline=other_hotline)
    client.force_login(users["supervisor"])
    assert usernames(client.get(reverse("accounts:list"))) == ["agent", "committee", "leader", "supervisor"]


def test_filter_by_role_and_search(client, users):
    client.force_login(users["supervisor"])
    assert usernames(client.get(reverse("accounts:list"), {"role": "leader"})) == ["leader"]
    assert usernames(client.get(reverse("accounts:list"), {"q": "周委"})) == ["committee"]
    assert usernames(client.get(reverse("accounts:list"), {"q": "张三"})) == ["agent"]  # by the linked person


def test_account_list_query_count_is_bounded(client, users, hotline, django_assert_max_num_queries):
    for n in range(60):
        UserFactory(username=f"u{n:02d}", hotline=hotline)
    client.force_login(users["admin"])
    with django_assert_max_num_queries(7):
        response = client.get(reverse("accounts:list"))
    assert len(usernames(response)) == 50


def test_create_account_links_the_person_by_staff_no(client, users, colleague):
    client.force_login(users["supervisor"])
    response = client.post(
        reverse("accounts:create"),
        {"username": "lisi", "display_name": "李四", "role": "agent", "staff_no": "１００２", "password": "Long-enough-pw-1", "password_again": "Long-enough-pw-1"},
    )
    assert response.status_code == 302
    assert User.objects.get(username="lisi").person == colleague


def test_create_form_offers_only_grantable_roles_and_reports_errors_inline(client, users):
    client.force_login(users["supervisor"])
    html = client.get(reverse("accounts:create")).content.decode()
    assert 'value="supervisor"' not in html and 'value="admin"' not in html
    response = client.post(
        reverse("accounts:create"),
        {"username": "agent", "role": "agent", "staff_no": "8888", "password": "Long-enough-pw-1", "password_again": "different-pw-22"},
    )
    html = response.content.decode()
    assert "两次输入的密码不一致" in html
    assert "本热线没有工号为 8888 的人员" in html
    assert User.objects.count() == 5


def test_duplicate_username_shows_next_to_the_field(client, users):
    client.force_login(users["supervisor"])
    response = client.post(
        reverse("accounts:create"),
        {"username": "Agent", "role": "agent", "password": "Long-enough-pw-1", "password_again": "Long-enough-pw-1"},
    )
    assert "用户名已存在" in response.content.decode()


def test_edit_deactivates_and_the_trail_records_it(client, users):
    client.force_login(users["supervisor"])
    response = client.post(reverse("accounts:edit", args=[users["agent"].pk]), {"display_name": "张三", "role": "agent", "staff_no": "1001"})
    assert response.status_code == 302
    assert not User.objects.get(username="agent").is_active
    assert AuditEntry.objects.get(action="account.update").changes["is_active"] == [True, False]


def test_reset_password_is_shown_once_and_not_cached(client, users):
    client.force_login(users["supervisor"])
    confirm = client.get(reverse("accounts:reset_password", args=[users["agent"].pk]))
    assert "生成临时密码" in confirm.content.decode()
    response = client.post(reverse("accounts:reset_password", args=[users["agent"].pk]))
    password = re.search(r'data-testid="temporary-password">([^<]+)<', response.content.decode()).group(1)
    assert "no-store" in response["Cache-Control"]
    assert User.objects.get(username="agent").check_password(password)
    # Nothing keeps it: the list page does not show it again.
    assert password not in client.get(reverse("accounts:list")).content.decode()


def test_group_admin_creates_a_supervisor_for_a_chosen_hotline(client, users, other_hotline):
    client.force_login(users["admin"])
    response = client.post(
        reverse("accounts:create"),
        {"hotline": other_hotline.pk, "username": "boss2", "role": "supervisor", "password": "Long-enough-pw-1", "password_again": "Long-enough-pw-1"},
    )
    assert response.status_code == 302
    boss = User.objects.get(username="boss2")
    assert (boss.role, boss.hotline) == (Role.SUPERVISOR, other_hotline)


def test_group_admin_must_choose_a_hotline_for_a_hotline_role(client, users):
    client.force_login(users["admin"])
    response = client.post(
        reverse("accounts:create"),
        {"username": "lost", "role": "agent", "password": "Long-enough-pw-1", "password_again": "Long-enough-pw-1"},
    )
    assert "请选择热线" in response.content.decode()
    assert not User.objects.filter(username="lost").exists()


def test_s3_deactivating_a_team_leader_is_refused_next_to_the_switch(client, users, team):
    client.force_login(users["supervisor"])
    response = client.post(reverse("accounts:edit", args=[users["leader"].pk]), {"display_name": "王班长", "role": "leader"})
    html = response.content.decode()
    assert response.status_code == 200
    switch = html.split('id="id_is_active"')[1].split("</div>")[0]
    assert "该账号仍是班组的班长" in switch
    assert User.objects.get(username="leader").is_active
