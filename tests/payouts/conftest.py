"""Fixtures of the allowance tests: yearly policies, holders, and a month taken through the register workflow."""
import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from stardesk.assessment import services as assessment
from stardesk.assessment.models import Register
from stardesk.events import services as events
from stardesk.policy.conventions import Month
from stardesk.policy.yearly import YearlyPolicy, policy_to_dict
from stardesk.yearly_policy.models import CyclePolicy
from tests.factories import TitleSpellFactory

D = Decimal
AWARD = datetime.date(2024, 10, 18)


def shanghai(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args), timezone.get_default_timezone())


def set_policy(hotline, year: int, **changes) -> CyclePolicy:
    """The hotline's policy of `year` (policy.md defaults, with `changes`)."""
    data = policy_to_dict(dataclasses.replace(YearlyPolicy(), **changes))
    record, _ = CyclePolicy.objects.update_or_create(hotline=hotline, year=year, defaults={"data": data, "revision": 1})
    return record


@pytest.fixture
def policies(hotline):
    """The hotline's yearly policies (P1 defaults) for 2024–2027."""
    return [set_policy(hotline, year) for year in range(2024, 2028)]


@pytest.fixture
def march(policies) -> Month:
    return Month(2025, 3)


def hold(person, level: int, start: datetime.date = AWARD, end=None, end_reason: str = ""):
    """S4: the person holds `level` from `start` (the October 2024 award by default)."""
    return TitleSpellFactory(person=person, level=level, start=start, end=end, end_reason=end_reason)


def close_month(leader, supervisor, team, month: Month, scores: dict):
    """The whole R1–R2 path: the leader confirms entered scores ({person: "90"}), hands in, the supervisor accepts."""
    assessment.month_confirm(
        actor=leader,
        team=team,
        month=month,
        lines=[assessment.MonthLine(person_id=p.pk, entered_score=str(s)) for p, s in scores.items()],
    )
    handed_in = shanghai(month.next().year, month.next().month, 3, 9, 0)
    register = assessment.register_submit(actor=leader, team=team, month=month, at=handed_in)
    return assessment.register_accept(actor=supervisor, register=register)


def veto(leader, person, day: datetime.date, severity: str = "general", sanction: str = ""):
    """M5: a 违章违纪 of the given severity (default handling by severity unless `sanction`)."""
    return events.event_record(
        actor=leader, person=person, date=day, category="violation", severity=severity, sanction=sanction, description="违反服务规范"
    )


@pytest.fixture
def register_of():
    def find(team, month: Month):
        return Register.objects.get(team=team, month=month.first_day)

    return find
