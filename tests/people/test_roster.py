"""人员名册: search, filters, sorting, pagination and a constant number of queries."""
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

URL = reverse("people:list")


def staff_numbers(response) -> list[str]:
    return re.findall(r'data-staff-no="([^"]+)"', response.content.decode())


def test_roster_query_count_is_the_same_for_5_and_60_people(as_user, supervisor, crowd):
    client = as_user(supervisor)
    crowd(5, prefix="5")
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, {"sort": "-level"}).status_code == 200
    crowd(55, prefix="6")
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"sort": "-level"})
    assert len(staff_numbers(response)) == 50
    assert len(many) == len(few)
    assert len(many) <= 8


def test_group_admin_roster_query_count_is_bounded(as_user, admin_user, crowd, foreigner, django_assert_max_num_queries):
    crowd(60)
    client = as_user(admin_user)
    with django_assert_max_num_queries(8):
        assert client.get(URL).status_code == 200


def test_roster_pages_by_fifty_and_shows_the_count(as_user, supervisor, crowd):
    crowd(60)
    client = as_user(supervisor)
    first = client.get(URL)
    second = client.get(URL, {"page": 2})
    assert len(staff_numbers(first)) == 50
    assert len(staff_numbers(second)) == 10
    assert "共 60 条" in first.content.decode()
    assert set(staff_numbers(first)).isdisjoint(staff_numbers(second))


def test_search_finds_by_staff_no_and_by_name(as_user, supervisor, agent_person, colleague, stranger):
    client = as_user(supervisor)
    assert staff_numbers(client.get(URL, {"q": "1001"})) == ["1001"]
    assert staff_numbers(client.get(URL, {"q": "李四"})) == ["1002"]
    # Full-width digits as typed on a Chinese keyboard.
    assert staff_numbers(client.get(URL, {"q": "２００１"})) == ["2001"]


def test_filter_by_team(as_user, supervisor, team, agent_person, colleague, stranger):
    client = as_user(supervisor)
    assert staff_numbers(client.get(URL, {"team": team.pk})) == ["1001", "1002"]


def test_filter_by_employment_type(as_user, supervisor, agent_person, mixed_people):
    client = as_user(supervisor)
    assert staff_numbers(client.get(URL, {"employment_type": "temporary"})) == ["7001"]


def test_s2_active_filter_hides_leavers_by_default_and_left_filter_shows_them(as_user, supervisor, agent_person, mixed_people):
    client = as_user(supervisor)
    assert "7002" not in staff_numbers(client.get(URL))
    assert staff_numbers(client.get(URL, {"status": "left"})) == ["7002"]
    assert "7002" in staff_numbers(client.get(URL, {"status": "all"}))


def test_s4_level_filter_uses_titles_held_today(as_user, supervisor, agent_person, mixed_people):
    client = as_user(supervisor)
    assert staff_numbers(client.get(URL, {"level": "3"})) == ["7003"]
    # 7004's 2-star ended (lowered): no title held now.
    assert staff_numbers(client.get(URL, {"level": "2"})) == []
    assert "7004" in staff_numbers(client.get(URL, {"level": "0"}))
    assert "7003" not in staff_numbers(client.get(URL, {"level": "0"}))


def test_sort_by_name_descending_and_by_level(as_user, supervisor, agent_person, colleague, mixed_people):
    client = as_user(supervisor)
    by_staff_no = staff_numbers(client.get(URL))
    assert by_staff_no == sorted(by_staff_no)
    by_level = staff_numbers(client.get(URL, {"sort": "-level"}))
    assert by_level[0] == "7003"
    ascending = staff_numbers(client.get(URL, {"sort": "hotline_start", "status": "all"}))
    assert len(ascending) == 6


def test_sort_link_toggles_direction_and_keeps_filters(as_user, supervisor, team, agent_person):
    client = as_user(supervisor)
    html = client.get(URL, {"team": team.pk, "sort": "name"}).content.decode()
    link = re.search(r'<a href="([^"]+)" data-sort="name">', html).group(1)
    assert "sort=-name" in link
    assert f"team={team.pk}" in link


def test_unknown_sort_or_page_falls_back_quietly(as_user, supervisor, agent_person):
    client = as_user(supervisor)
    assert client.get(URL, {"sort": "password", "page": "x", "team": "abc", "level": "9"}).status_code == 200


def test_leader_sees_only_their_own_team(as_user, leader, agent_person, colleague, stranger):
    assert staff_numbers(as_user(leader).get(URL)) == ["1001", "1002"]


def test_committee_reads_the_whole_hotline_but_not_another(as_user, committee, agent_person, stranger, foreigner):
    assert staff_numbers(as_user(committee).get(URL)) == ["1001", "2001"]


def test_group_admin_filters_by_hotline(as_user, admin_user, agent_person, foreigner):
    client = as_user(admin_user)
    assert staff_numbers(client.get(URL)) == ["1001", "9001"]
    assert staff_numbers(client.get(URL, {"hotline": foreigner.hotline_id})) == ["9001"]


def test_live_search_returns_only_the_results_block(as_user, supervisor, agent_person, colleague):
    client = as_user(supervisor)
    response = client.get(URL, {"q": "张"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="roster">')
    assert staff_numbers(response) == ["1001"]
    assert "HX-Request" in response["Vary"]


def test_supervisor_sees_the_new_person_button_committee_does_not(as_user, supervisor, committee, agent_person):
    assert reverse("people:create") in as_user(supervisor).get(URL).content.decode()
    assert reverse("people:create") not in as_user(committee).get(URL).content.decode()
