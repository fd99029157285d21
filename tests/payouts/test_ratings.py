"""M7 on the ratings pages: means over the scored months of each period, shown to 0.01 half up, ordered by
the exact value with the unrated last; a team's rating is the mean of its members' ratings; the trends."""
import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from stardesk.assessment.models import MonthlyScore, ScoreSource
from stardesk.payouts import period_ratings
from stardesk.policy.conventions import Month
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def scored(person, team, scores: dict):
    """Confirmed monthly scores {(year, month): "90.5"} in `team`'s register."""
    MonthlyScore.objects.bulk_create(
        MonthlyScore(
            person=person, hotline=person.hotline, team=team, month=datetime.date(y, m, 1), score=D(s),
            source=ScoreSource.ENTERED, confirmed_at=timezone.now(),
        )
        for (y, m), s in scores.items()
    )


@pytest.fixture
def rated(team, other_team, agent_person, colleague, stranger, policies):
    # 张三: 90, 90, 90 and 90.1 in January–April → H1 = 90.025 (shown 90.03)
    scored(agent_person, team, {(2025, 1): "90", (2025, 2): "90", (2025, 3): "90", (2025, 4): "90.1"})
    # 李四: 90, 90, 90.1 in January–March → Q1 = H1 = 90.0333… (also shown 90.03, but higher)
    scored(colleague, team, {(2025, 1): "90", (2025, 2): "90", (2025, 3): "90.1"})
    # 王五 (二班) has no score in 2025: unrated
    return [agent_person, colleague, stranger]


def test_m7_period_ratings_are_means_over_the_scored_months_shown_half_up(rated, agent_person):
    table = period_ratings.ratings_table([agent_person], [], 2025)
    row = table.people[0]
    assert row.shown("q1") == D("90.00")
    assert row.shown("q2") == D("90.10")  # April only: May and June without a score are left out
    assert row.shown("h1") == D("90.03")  # 90.025 half up (not the banker's 90.02)
    assert row.shown("q3") is None and row.shown("h2") is None  # none scored: no rating
    assert row.ratings["year"].reasons[0].text == "2025年年度综合评定（2025-01至2025-12）4 个月有分，均分 90.03"


def test_m7_order_uses_the_exact_value_and_puts_the_unrated_last(rated):
    table = period_ratings.ratings_table(sorted(rated, key=lambda p: p.staff_no), [], 2025, sort="-h1")
    # both show 90.03; 李四's 90.0333… is above 张三's 90.025
    assert [r.person.staff_no for r in table.people] == ["1002", "1001", "2001"]
    assert [r.shown("h1") for r in table.people] == [D("90.03"), D("90.03"), None]
    # low first when asked, the unrated still last
    table = period_ratings.ratings_table(rated, [], 2025, sort="h1")
    assert [r.person.staff_no for r in table.people] == ["1001", "1002", "2001"]


def test_m7_a_teams_rating_is_the_mean_of_its_members_ratings(team, other_team, agent_person, colleague, stranger, policies):
    scored(agent_person, team, {(2025, 1): "90", (2025, 2): "90"})
    scored(colleague, team, {(2025, 1): "96"})
    # 王五 scored in 一班 in January before moving to 二班: counted in each team for his months there
    scored(stranger, team, {(2025, 3): "93"})
    scored(stranger, other_team, {(2025, 4): "80"})
    table = period_ratings.ratings_table([agent_person, colleague, stranger], [team, other_team], 2025)
    by_team = {r.team.name: r for r in table.teams}
    # (90 + 96 + 93) / 3 = 93, each member weighing the same (not the mean of all four months, 92.25)
    assert by_team["一班"].shown("q1") == D("93.00")
    assert (by_team["一班"].ratings["q1"].rated, by_team["一班"].ratings["q1"].members) == (3, 3)
    assert by_team["二班"].shown("q1") is None and by_team["二班"].shown("q2") == D("80.00")


def test_m7_preliminary_rating_reads_the_last_whole_months_before_r(hotline, team, agent_person, policies):
    scored(agent_person, team, {(2025, 3): "80", (2025, 4): "90", (2025, 9): "96"})
    preliminary = period_ratings.preliminary_for(hotline, datetime.date(2025, 9, 15))
    # R = 15 September: September is not whole, so March–August (policy: 6 months)
    assert [str(m) for m in preliminary.window] == ["2025-03", "2025-04", "2025-05", "2025-06", "2025-07", "2025-08"]
    row = period_ratings.ratings_table([agent_person], [], 2025, preliminary=preliminary).people[0]
    assert row.shown("prelim") == D("85.00")


def test_m7_trend_holds_24_months_with_the_m4_bands(hotline, team, agent_person, policies):
    scored(agent_person, team, {(2025, 1): "92.5", (2025, 3): "96"})
    trend = period_ratings.person_trend(agent_person, Month(2025, 3))
    assert len(trend["months"]) == 24 and trend["months"][0] == "2023-04" and trend["months"][-1] == "2025-03"
    assert trend["scores"][-3:] == ["92.5", None, "96"]
    assert (trend["bands"]["full"], trend["bands"]["proportional"]) == ("95", "85")
    assert trend["bands"]["labels"]["full"] == "全额发放（≥95分）"
    team_trend = period_ratings.team_trend(team, Month(2025, 3))
    assert team_trend["scores"][-3:] == ["92.50", None, "96.00"] and team_trend["counts"][-1] == 1


def test_ratings_page_query_count_does_not_grow_with_people(client, supervisor, team, policies, django_assert_max_num_queries):
    client.force_login(supervisor)
    with django_assert_max_num_queries(12):
        client.get(reverse("payouts:ratings"), {"year": "2025"})
    for i in range(20):
        p = PersonFactory(team=team, staff_no=f"8{i:03d}")
        scored(p, team, {(2025, 1): "90", (2025, 5): "95"})
    with django_assert_max_num_queries(12):
        response = client.get(reverse("payouts:ratings"), {"year": "2025", "sort": "-q1"})
    assert response.content.decode().count("data-staff-no=") == 20


def test_team_page_for_a_leader_only_their_own(client, leader, other_team, team, policies):
    client.force_login(leader)
    assert client.get(reverse("payouts:team", args=[team.pk])).status_code == 200
    assert client.get(reverse("payouts:team", args=[other_team.pk])).status_code == 404
