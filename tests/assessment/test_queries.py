"""Pages and saves take the same number of queries for a team of 20 agents as for 60 (bulk work, no query per row)."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stardesk.assessment import services
from stardesk.assessment.models import MonthlyScore, WeeklyEvaluation
from stardesk.policy.conventions import Month
from tests.assessment.conftest import enter_week, march_weeks
from tests.factories import PersonFactory, TeamFactory, TitleSpellFactory


def count(callable_):
    with CaptureQueriesContext(connection) as captured:
        response = callable_()
    return len(captured), response


def grow(team, start, n):
    people = [PersonFactory(team=team, staff_no=f"{start + i}", name=f"客服{start + i}") for i in range(n)]
    for p in people[::3]:
        TitleSpellFactory(person=p, level=2)
    return people


def fill_march(leader, team, people):
    for week in march_weeks():
        enter_week(leader, team, week, {p: "92" for p in people})


@pytest.fixture
def leader_client(client, leader):
    client.force_login(leader)
    return client


def test_week_grid_page_queries_do_not_grow_with_the_team(leader_client, leader, team, policies):
    url = reverse("assessment:week_grid", args=[team.pk, str(march_weeks()[0])])
    people = grow(team, 3000, 20)
    fill_march(leader, team, people)
    small, response = count(lambda: leader_client.get(url))
    assert response.status_code == 200
    more = grow(team, 4000, 40)
    fill_march(leader, team, more)
    large, response = count(lambda: leader_client.get(url))
    assert response.status_code == 200 and response.content.decode().count('name="person"') == 60
    assert small == large <= 15


def test_month_page_and_register_queries_do_not_grow_with_the_team(leader_client, leader, team, policies):
    month_url = reverse("assessment:month", args=[team.pk, "2025-03"])
    print_url = reverse("assessment:register_print", args=[team.pk, "2025-03"])
    people = grow(team, 3000, 20)
    fill_march(leader, team, people)
    services.month_confirm(actor=leader, team=team, month=Month(2025, 3), lines=[])
    small_month, _ = count(lambda: leader_client.get(month_url))
    small_print, _ = count(lambda: leader_client.get(print_url))
    fill_march(leader, team, grow(team, 4000, 40))
    large_month, response = count(lambda: leader_client.get(month_url))
    assert response.status_code == 200 and response.content.decode().count('data-staff-no=') == 60
    large_print, _ = count(lambda: leader_client.get(print_url))
    assert small_month == large_month <= 20
    assert small_print == large_print <= 20


def test_week_list_and_registers_queries_do_not_grow(client, leader, supervisor, hotline, team, policies):
    client.force_login(supervisor)
    grow(team, 3000, 20)
    small_weeks, _ = count(lambda: client.get(reverse("assessment:weeks") + f"?team={team.pk}&month=2025-03"))
    small_registers, _ = count(lambda: client.get(reverse("assessment:registers") + "?month=2025-03"))
    for i in range(5):
        extra = TeamFactory(hotline=hotline, name=f"{i + 3}班")
        grow(extra, 5000 + 100 * i, 10)
    grow(team, 4000, 40)
    large_weeks, _ = count(lambda: client.get(reverse("assessment:weeks") + f"?team={team.pk}&month=2025-03"))
    large_registers, response = count(lambda: client.get(reverse("assessment:registers") + "?month=2025-03"))
    assert response.content.decode().count("data-team=") == 6
    assert small_weeks == large_weeks and small_registers == large_registers <= 15


def test_saving_a_week_and_confirming_a_month_are_bulk(leader, team, policies):
    def save_week(people, score):
        return count(lambda: services.week_save(
            actor=leader, team=team, week=march_weeks()[0],
            cells=[services.WeekCell(p.pk, score) for p in people],
        ))

    people = grow(team, 3000, 10)
    # the hotline's first rubric is made, and frozen by its first use, once before
    enter_week(leader, team, march_weeks()[1], {people[0]: "90"})
    small_create, _ = save_week(people, "90")
    small_update, _ = save_week(people, "91")
    services.month_confirm(actor=leader, team=team, month=Month(2025, 3), lines=[])  # makes the month's register
    MonthlyScore.objects.all().delete()
    small_confirm, _ = count(lambda: services.month_confirm(actor=leader, team=team, month=Month(2025, 3), lines=[]))
    WeeklyEvaluation.objects.all().delete()
    MonthlyScore.objects.all().delete()
    people += grow(team, 4000, 40)
    large_create, _ = save_week(people, "90")
    large_update, _ = save_week(people, "91")
    large_confirm, _ = count(lambda: services.month_confirm(actor=leader, team=team, month=Month(2025, 3), lines=[]))
    assert WeeklyEvaluation.objects.count() == 50
    assert small_create == large_create and small_update == large_update and small_confirm == large_confirm
