"""The allowance pages: the month per team with totals per level and pending lines marked, a person's lines
with their 依据, the line's history, the M6 proposals, and the ratings; each role sees its own scope."""
import re

import pytest
from django.urls import reverse

from stardesk.payouts.models import AllowanceLine, LowScoreProposal
from stardesk.policy.conventions import Month
from tests.factories import PersonFactory
from tests.payouts.conftest import close_month, hold

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted_march(hotline, leader, supervisor, team, agent_person, colleague, march):
    """一班's March accepted: 张三 2 stars at 90.5 (181.00), 李四 1 star at 96 (100.00); a holder in no team is pending."""
    hold(agent_person, 2)
    hold(colleague, 1)
    loner = PersonFactory(team=None, hotline=hotline, staff_no="1009", name="赵九")
    hold(loner, 3)
    close_month(leader, supervisor, team, march, {agent_person: "90.5", colleague: "96"})
    return march


def test_m4_month_page_shows_lines_basis_totals_per_level_and_pending(client, supervisor, team, other_team, stranger, accepted_march):
    hold(stranger, 1)
    client.force_login(supervisor)
    html = client.get(reverse("payouts:index"), {"month": "2025-03"}).content.decode()
    assert "M4: 90.5分, 2星基数200元 × 90.5% = 181.00元" in html
    assert 'data-testid="amount-1001">181.00' in html
    assert 'data-staff-no="1009" class="table-warning"' in html  # pending highlighted
    assert 'data-testid="total-amount">281.00' in html
    # 二班 is still waiting for its register
    assert 'data-testid="month-waiting"' in html and "二班" in html


def test_m4_a_leader_sees_only_their_team_and_an_agent_only_their_own_lines(client, leader, other_leader, agent, accepted_march):
    client.force_login(other_leader)
    html = client.get(reverse("payouts:index"), {"month": "2025-03"}).content.decode()
    assert "1001" not in html and "181.00" not in html
    client.force_login(leader)
    html = client.get(reverse("payouts:index"), {"month": "2025-03"}).content.decode()
    assert "181.00" in html and "1009" not in html  # the no-team holder is not the leader's
    # the agent is sent to their own lines, with the 依据 (why)
    client.force_login(agent)
    response = client.get(reverse("payouts:index"))
    assert response.status_code == 302 and response.url == reverse("payouts:mine")
    response = client.get(reverse("payouts:mine"), follow=True)
    html = response.content.decode()
    assert "M4: 90.5分, 2星基数200元 × 90.5% = 181.00元" in html
    colleague_line = AllowanceLine.objects.get(person__staff_no="1002")
    assert client.get(reverse("payouts:line", args=[colleague_line.pk])).status_code == 404
    assert client.get(reverse("payouts:person", args=[colleague_line.person_id])).status_code == 404


def test_line_page_shows_the_history_of_recomputations(client, supervisor, agent_person, accepted_march):
    from stardesk.assessment import services as assessment
    from stardesk.assessment.models import MonthlyScore

    score = MonthlyScore.objects.get(person=agent_person)
    assessment.score_correct(actor=supervisor, monthly_score=score, new_score="95", reason="复核")
    line = AllowanceLine.objects.get(person=agent_person, is_current=True)
    client.force_login(supervisor)
    html = client.get(reverse("payouts:line", args=[line.pk])).content.decode()
    assert 'data-testid="line-history"' in html and "181.00" in html and "200.00" in html and "已替代" in html


def test_month_page_query_count_does_not_grow_with_holders(client, supervisor, hotline, leader, team, policies, django_assert_max_num_queries):
    people = [PersonFactory(team=team, staff_no=f"7{i:03d}") for i in range(30)]
    for p in people:
        hold(p, 1 + p.pk % 3)
    close_month(leader, supervisor, team, Month(2025, 5), {p: "93" for p in people})
    client.force_login(supervisor)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("payouts:index"), {"month": "2025-05"})
    assert response.status_code == 200 and response.content.decode().count("data-staff-no=") == 30


def test_month_page_for_a_month_without_registers_says_nothing_is_computed(client, supervisor, policies):
    client.force_login(supervisor)
    html = client.get(reverse("payouts:index"), {"month": "2025-07"}).content.decode()
    assert "本月还没有已接收的登记表，待遇尚未计算。" in html


def test_a_bad_month_in_the_address_is_not_found(client, supervisor, policies):
    client.force_login(supervisor)
    assert client.get(reverse("payouts:index"), {"month": "2025-13"}).status_code == 404


def test_m7_person_page_has_the_trend_and_the_ratings(client, agent, accepted_march):
    client.force_login(agent)
    html = client.get(reverse("payouts:mine"), {"year": "2025"}, follow=True).content.decode()
    assert 'data-testid="trend-chart"' in html and "vendor/echarts/echarts.min.js" in html
    assert 'id="person-trend"' in html and '"2025-03"' in html
    assert re.search(r'data-period="q1"[^>]*>90.50<', html) and re.search(r'data-period="year"[^>]*>90.50<', html)
    assert re.search(r'data-period="q2"[^>]*>—<', html)  # no score in the period: no rating (M7)


def test_m6_proposals_page_and_decision(client, supervisor, leader, team, agent_person, colleague, policies):
    hold(agent_person, 2)
    for m, s in ((1, "94"), (2, "94"), (3, "94")):
        close_month(leader, supervisor, team, Month(2025, m), {agent_person: s, colleague: "96"})
    proposal = LowScoreProposal.objects.get()
    client.force_login(leader)
    assert "连续3个月" in client.get(reverse("payouts:proposals")).content.decode()
    assert client.post(reverse("payouts:proposal", args=[proposal.pk]), {"action": "confirm"}).status_code == 403
    client.force_login(supervisor)
    response = client.post(reverse("payouts:proposal", args=[proposal.pk]), {"action": "reject", "reason": ""})
    assert response.status_code == 400 and "驳回须填写理由。" in response.content.decode()
    response = client.post(reverse("payouts:proposal", args=[proposal.pk]), {"action": "confirm", "reason": "核实"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "confirmed"


def test_recompute_is_the_supervisors_and_keeps_unchanged_lines(client, supervisor, committee, accepted_march):
    client.force_login(committee)
    assert client.post(reverse("payouts:recompute", args=["2025-03"])).status_code == 403
    client.force_login(supervisor)
    response = client.post(reverse("payouts:recompute", args=["2025-03"]), follow=True)
    assert "变更 0 行" in response.content.decode()
    assert AllowanceLine.objects.count() == 3


def test_ratings_page_for_the_supervisor_and_redirect_for_an_agent(client, supervisor, agent, accepted_march):
    client.force_login(supervisor)
    html = client.get(reverse("payouts:ratings"), {"year": "2025"}).content.decode()
    assert 'data-testid="team-ratings"' in html and "93.25" in html  # 一班 Q1: (90.5 + 96) / 2
    client.force_login(agent)
    assert client.get(reverse("payouts:ratings")).status_code == 302


def test_the_month_page_opens_on_the_latest_month_computed(client, supervisor, accepted_march):
    client.force_login(supervisor)
    html = client.get(reverse("payouts:index")).content.decode()
    assert "2025年3月 月度星级待遇" in html and 'data-testid="amount-1001">181.00' in html
