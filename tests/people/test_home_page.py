"""The home page: each role sees its own figures."""
import datetime
import re

from django.urls import reverse

from tests.factories import PersonFactory, TitleSpellFactory


def figure(html: str, testid: str) -> int:
    block = re.search(rf'data-testid="{testid}">(.*?)</div>', html, re.S).group(1)
    return int(re.findall(r"\d+", re.sub(r"<[^>]+>", " ", block))[-1])


def test_s4_supervisor_sees_hotline_head_count_and_holders_by_level(as_user, supervisor, agent_person, colleague, stranger, foreigner):
    PersonFactory(team=agent_person.team, staff_no="1009", left_on=datetime.date(2024, 1, 1))
    TitleSpellFactory(person=agent_person, level=2, start=datetime.date(2024, 10, 20))
    TitleSpellFactory(person=stranger, level=1, start=datetime.date(2023, 10, 20), end=datetime.date(2024, 10, 20), end_reason="renewal")
    TitleSpellFactory(person=foreigner, level=3, start=datetime.date(2024, 10, 20))
    html = as_user(supervisor).get(reverse("home")).content.decode()
    assert figure(html, "active-count") == 3
    assert (figure(html, "stars-3"), figure(html, "stars-2"), figure(html, "stars-1")) == (0, 1, 0)


def test_leader_sees_only_their_team(as_user, leader, agent_person, colleague, stranger):
    html = as_user(leader).get(reverse("home")).content.decode()
    assert figure(html, "active-count") == 2
    assert "二班" not in html


def test_agent_sees_their_own_title(as_user, agent, agent_person):
    TitleSpellFactory(person=agent_person, level=1, start=datetime.date(2024, 10, 20))
    html = as_user(agent).get(reverse("home")).content.decode()
    assert "一星" in re.search(r'data-testid="my-title">(.*?)</div></div>', html, re.S).group(1)
    assert reverse("people:detail", args=[agent_person.pk]) in html


def test_home_query_count_is_bounded(as_user, admin_user, crowd, foreigner, django_assert_max_num_queries):
    crowd(40)
    client = as_user(admin_user)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("home")).status_code == 200
