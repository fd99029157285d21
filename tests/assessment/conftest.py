"""Fixtures of the daily assessment tests: the hotline's yearly policies, a dated team, helpers."""
import datetime

import pytest
from django.utils import timezone

from stardesk.assessment import services
from stardesk.assessment.weeks import IsoWeek
from stardesk.policy.conventions import Month
from stardesk.policy.yearly import YearlyPolicy, policy_to_dict
from stardesk.yearly_policy.models import CyclePolicy


@pytest.fixture
def policies(hotline):
    """The hotline's yearly policies (P1 defaults: R1 deadline day 5) for 2024–2027."""
    return [
        CyclePolicy.objects.create(hotline=hotline, year=year, data=policy_to_dict(YearlyPolicy()), revision=1)
        for year in range(2024, 2028)
    ]


@pytest.fixture
def march(policies) -> Month:
    return Month(2025, 3)


def march_weeks() -> list[IsoWeek]:
    """March 2025: the weeks of Thursdays 6, 13, 20 and 27 March (Mondays 3, 10, 17, 24)."""
    return [IsoWeek(2025, 10), IsoWeek(2025, 11), IsoWeek(2025, 12), IsoWeek(2025, 13)]


@pytest.fixture
def members(team, agent_person, colleague):
    """一班 with 张三 (1001) and 李四 (1002), both active since 2022."""
    return [agent_person, colleague]


def enter_week(leader, team, week, scores: dict, comment=""):
    """The leader's week grid, saved: {person: score}."""
    return services.week_save(
        actor=leader,
        team=team,
        week=week,
        cells=[services.WeekCell(person_id=p.pk, score=str(s), comment=comment) for p, s in scores.items()],
    )


def shanghai(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args), timezone.get_default_timezone())
