"""Constant work whatever the size: the cycle's pages and the bulk eligibility check cost the same queries
for a few people as for many (20,000 agents must stay fast)."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stardesk.cycle import services
from stardesk.cycle.eligibility import check_applications
from stardesk.cycle.models import Application, Step
from tests.cycle.conftest import apply, holder, honour, person, scores


def crowd(cycle, leader, team, n, start=0):
    for i in range(start, start + n):
        found = holder(team, f"8{i:03d}", 1) if i % 3 == 0 else person(team, f"8{i:03d}")
        if i % 4 == 0:
            honour(found)
        if i % 2 == 0:
            scores(found, {"2026-09": "96", "2026-08": "91.5"})
        apply(cycle, leader, found, 2 if i % 3 == 0 else 1)


def queries_for(client, path):
    with CaptureQueriesContext(connection) as seen:
        assert client.get(path).status_code == 200
    return len(seen)


@pytest.mark.parametrize("page", ["detail", "applications", "recommendation"])
def test_cycle_pages_cost_the_same_queries_for_5_or_40_applicants(client, supervisor, cycle, leader, team, page):
    client.force_login(supervisor)
    path = reverse(f"cycle:{page}", args=[2026])
    crowd(cycle, leader, team, 5)
    few = queries_for(client, path)
    crowd(cycle, leader, team, 35, start=5)
    many = queries_for(client, path)
    assert many == few


def test_leader_check_pages_stay_constant(client, supervisor, cycle, leader, team):
    client.force_login(leader)
    crowd(cycle, leader, team, 5)
    services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.LEADER_CHECK)
    few = [queries_for(client, reverse(f"cycle:{p}", args=[2026])) for p in ("detail", "applications", "recommendation")]
    crowd_after = [person(team, f"9{i:03d}") for i in range(30)]
    assert crowd_after  # more people at R, no more queries
    many = [queries_for(client, reverse(f"cycle:{p}", args=[2026])) for p in ("detail", "applications", "recommendation")]
    assert many == few


def _check_queries(cycle):
    applications = list(Application.objects.filter(cycle=cycle).select_related("person"))
    with CaptureQueriesContext(connection) as seen:
        check_applications(cycle, applications)
    return len(seen)


def test_eligibility_of_many_applications_is_a_handful_of_queries(cycle, leader, team):
    # one query per kind of fact (people, titles, events, exams, June ranks …), never one per person
    crowd(cycle, leader, team, 6)
    few = _check_queries(cycle)
    crowd(cycle, leader, team, 54, start=6)
    assert _check_queries(cycle) == few <= 12


def _transition_queries(code, n):
    from stardesk.accounts.models import Role
    from stardesk.yearly_policy import services as policy_services
    from tests.cycle.conftest import R
    from tests.factories import HotlineFactory, TeamFactory, UserFactory

    hotline = HotlineFactory(code=code, name=f"热线{code}")
    supervisor = UserFactory(username=f"sup-{code}", role=Role.SUPERVISOR, hotline=hotline)
    leader = UserFactory(username=f"leader-{code}", role=Role.LEADER, hotline=hotline)
    team = TeamFactory(hotline=hotline, leader=leader)
    policy_services.policy_create_from_defaults(actor=None, hotline=hotline, year=2026, as_system=True)
    cycle = services.cycle_open(actor=supervisor, hotline=hotline, year=2026, reference_date=R)
    for i in range(n):
        found = person(team, f"{code}{i:03d}")
        apply(cycle, leader, found, 1)
    with CaptureQueriesContext(connection) as seen:
        services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.LEADER_CHECK)
    return len(seen)


def test_moving_to_the_leader_check_rechecks_everyone_in_bulk(db):
    # E at R for every application and the Q1 basis: the same statements for 5 applications as for 50
    assert _transition_queries("x", 5) == _transition_queries("y", 50)
