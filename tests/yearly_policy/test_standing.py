"""「我的星级进度」: title held (S4), ban (E6), eligibility per level (E1–E8) and what is missing,
from the recorded facts: exam results and the June ranking are those released in the product (X2–X4, J1)."""
import datetime

import pytest
from django.urls import reverse

from stardesk.events.models import Event
from stardesk.people.models import TitleEndReason
from stardesk.yearly_policy.person_facts import person_facts
from tests.factories import TitleSpellFactory, UserFactory

D = datetime.date
ON = "?on=2026-09-30"


def url(person):
    return reverse("yearly_policy:standing", args=[person.pk]) + ON


@pytest.fixture
def one_star(agent_person):
    TitleSpellFactory(person=agent_person, level=1, start=D(2024, 10, 18))
    return agent_person


def test_s4_facts_come_from_the_title_history(one_star):
    TitleSpellFactory(person=one_star, level=2, job_type="投诉处理员", start=D(2023, 10, 20), end=D(2024, 3, 1),
                      end_reason=TitleEndReason.LOWERED)
    recorded = person_facts(one_star)
    spells = {(t.level, t.job_type, t.end_reason) for t in recorded.facts.titles}
    assert spells == {(1, "话务员", None), (2, "投诉处理员", "降级")}
    assert recorded.facts.staff_no == "1001" and recorded.facts.employment == "正式"
    # exams and the June ranking are recorded facts now: none released for this person
    assert recorded.unknown_rules == frozenset() and recorded.facts.exams == () and recorded.june is None


def test_e2_one_star_holder_may_apply_for_one_star_and_needs_a_june_rank_for_two(client, agent, one_star, policy_2026):
    client.force_login(agent)
    page = client.get(url(one_star)).content.decode()
    assert "我的星级进度" in page and "话务员1星（2024-10-18 起）" in page
    assert 'data-level="1" data-state="passed"' in page
    assert 'data-level="2" data-state="failed"' in page  # E2 holds; E7: no June rank recorded for 2026
    assert 'data-level="3" data-state="failed"' in page  # E3: no 2-star title
    assert "未持有本工种（话务员）2星及以上星级" in page
    assert "申报 2 星还需要" in page and "尚需通过2星资格考试" in page
    assert "未参加年中综合考试，无名次，只能申报1星" in page
    assert "2026 第1版" in page


def test_e6_a_lowering_bans_applications_for_a_year(client, supervisor, agent_person, policy_2026):
    TitleSpellFactory(person=agent_person, level=2, start=D(2025, 10, 17), end=D(2026, 3, 1), end_reason=TitleEndReason.LOWERED)
    TitleSpellFactory(person=agent_person, level=1, start=D(2026, 3, 1))
    client.force_login(supervisor)
    page = client.get(url(agent_person)).content.decode()
    assert "一年内不得申报，2027-03-01 起方可申报" in page
    assert 'data-level="1" data-state="failed"' in page
    later = client.get(reverse("yearly_policy:standing", args=[agent_person.pk]) + "?on=2027-03-01").content.decode()
    assert "近一年内无降级或取消星级处分" in later


def test_e4_honour_of_the_year_opens_two_star_without_one_star(client, committee, agent_person, policy_2026):
    Event.objects.create(hotline=agent_person.hotline, person=agent_person, date=D(2026, 5, 4),
                         category="advanced_individual", description="2026 年度先进个人")
    client.force_login(committee)
    page = client.get(url(agent_person)).content.decode()
    assert "获先进个人，可不持一星申报二星" in page and "荣誉优先（E4）" in page


def test_e8_a_leaver_cannot_apply(client, supervisor, agent_person, policy_2026):
    agent_person.left_on = D(2026, 8, 1)
    agent_person.save()
    client.force_login(supervisor)
    page = client.get(url(agent_person)).content.decode()
    assert "已于 2026-08-01 离职，不能申报" in page
    assert all(f'data-level="{level}" data-state="failed"' in page for level in (1, 2, 3))


def test_standing_follows_the_policy_in_force_or_says_there_is_none(client, supervisor, agent_person, policy_2026):
    client.force_login(supervisor)
    # 2027 has no policy yet: the latest one (2026) is used and named
    page = client.get(reverse("yearly_policy:standing", args=[agent_person.pk]) + "?on=2027-09-30").content.decode()
    assert "2026 第1版" in page
    early = client.get(reverse("yearly_policy:standing", args=[agent_person.pk]) + "?on=2023-09-30").content.decode()
    assert 'data-testid="no-policy"' in early and "data-level" not in early


@pytest.mark.parametrize("viewer, person, status", [
    ("agent", "agent_person", 200),
    ("agent", "colleague", 404),
    ("leader", "agent_person", 200),
    ("leader", "stranger", 404),
    ("supervisor", "stranger", 200),
    ("committee", "stranger", 200),
    ("admin", "foreigner", 200),
    ("supervisor", "foreigner", 404),
    ("other_supervisor", "agent_person", 404),
])
def test_t2_who_may_read_a_standing(viewer, person, status, request, client, users, policy_2026, other_hotline):
    user = users.get(viewer) or UserFactory(username="supervisor-b", role="supervisor", hotline=other_hotline)
    client.force_login(user)
    assert client.get(url(request.getfixturevalue(person))).status_code == status


def test_my_standing_goes_to_the_own_page_or_explains(client, agent, supervisor, agent_person, policy_2026):
    client.force_login(agent)
    response = client.get(reverse("yearly_policy:my_standing"))
    assert response.status_code == 302 and response["Location"] == reverse("yearly_policy:standing", args=[agent_person.pk])
    assert "我的星级进度" in client.get(reverse("home")).content.decode()  # in the agent's sidebar
    client.force_login(supervisor)
    response = client.get(reverse("yearly_policy:my_standing"))
    assert response.status_code == 404 and "没有关联客服人员档案" in response.content.decode()


@pytest.mark.parametrize("history", [1, 12])
def test_standing_page_runs_a_constant_number_of_queries(history, client, supervisor, agent_person, policy_2026,
                                                         django_assert_max_num_queries):
    for n in range(history):
        TitleSpellFactory(person=agent_person, level=1, job_type=f"工种{n}", start=D(2020 + n % 5, 1 + n % 12, 1))
        Event.objects.create(hotline=agent_person.hotline, person=agent_person, date=D(2025, 1 + n % 12, 1),
                             category="praise", description="表扬")
    client.force_login(supervisor)
    with django_assert_max_num_queries(11):
        assert client.get(url(agent_person)).status_code == 200
