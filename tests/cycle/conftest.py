"""Fixtures of the cycle tests: the 2026 policy and cycle (R = 2026-09-30), people with made-to-measure histories."""
import datetime

import pytest
from django.utils import timezone

from stardesk.assessment.models import MonthlyScore
from stardesk.cycle import services
from stardesk.events.models import Category, Event
from stardesk.yearly_policy import services as policy_services
from tests.factories import PersonFactory, TitleSpellFactory

D = datetime.date
R = D(2026, 9, 30)


@pytest.fixture
def policy_2026(hotline):
    return policy_services.policy_create_from_defaults(actor=None, hotline=hotline, year=2026, as_system=True)


@pytest.fixture
def cycle(policy_2026, supervisor, hotline):
    return services.cycle_open(actor=supervisor, hotline=hotline, year=2026, reference_date=R)


@pytest.fixture
def no_june_gate(policy_2026):
    """The 2026 policy with the E7 gate off (no June exam held), so 2- and 3-star applications turn on E2–E6."""
    policy_services.policy_update(actor=None, policy=policy_2026, values={"e7_gate_enabled": False},
                                  reason="本年度未举行年中考试", as_system=True)
    return policy_2026


def person(team, staff_no, *, start=D(2020, 3, 1), **extra):
    return PersonFactory(team=team, staff_no=staff_no, name=f"客服{staff_no}", hotline_start=start,
                         job_type_start=extra.pop("job_type_start", start), **extra)


def holder(team, staff_no, level, *, since=D(2025, 10, 17), **extra):
    """Someone holding `level` stars in their job type since the 2025 award."""
    found = person(team, staff_no, **extra)
    TitleSpellFactory(person=found, level=level, start=since)
    return found


def honour(found, on=D(2026, 5, 4), category=Category.ADVANCED_INDIVIDUAL):
    return Event.objects.create(hotline=found.hotline, person=found, date=on, category=category, description="年度先进个人")


def scores(found, values: dict[str, str]):
    """Confirmed monthly scores (M3), e.g. {"2026-04": "96.5"}."""
    now = timezone.now()
    for month, score in values.items():
        year, number = (int(x) for x in month.split("-"))
        MonthlyScore.objects.create(person=found, hotline=found.hotline, team=found.team, month=D(year, number, 1),
                                    score=score, confirmed_at=now)


def apply(cycle, actor, found, level, **flags):
    return services.application_submit(actor=actor, cycle=cycle, person=found, level=level, **flags)


def everyone_confirmed(cycle, actor):
    """The team leader (or supervisor) confirms every eligible application of the cycle."""
    from stardesk.cycle.models import Application, ApplicationStatus, ReviewStatus

    for application in Application.objects.filter(cycle=cycle, status=ApplicationStatus.ACTIVE, eligible=True,
                                                  review_status=ReviewStatus.PENDING):
        services.application_review(actor=actor, application=application, confirm=True)
