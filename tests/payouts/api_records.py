"""One record of each read-only assessment endpoint (stardesk.payouts.api) for a person, made on first use:
the API permission matrix (tests/api/test_permissions.py) reads them by id."""
import datetime
from decimal import Decimal

from django.utils import timezone

from stardesk.assessment.models import MonitoringEvaluation, MonthlyScore
from stardesk.events.models import Event
from stardesk.payouts.models import AllowanceLine, LineCause, LineStatus

MARCH = datetime.date(2025, 3, 1)


def monthly_score(person) -> MonthlyScore:
    found, _ = MonthlyScore.objects.get_or_create(
        person=person, month=MARCH,
        defaults={"hotline": person.hotline, "team": person.team, "score": Decimal("90"), "confirmed_at": timezone.now()},
    )
    return found


def monitoring_score(person) -> MonitoringEvaluation:
    found, _ = MonitoringEvaluation.objects.get_or_create(
        person=person, call_no="REC-1",
        defaults={"hotline": person.hotline, "team": person.team, "call_date": datetime.date(2025, 3, 5), "score": Decimal("92")},
    )
    return found


def event(person) -> Event:
    found = Event.objects.filter(person=person).first()
    return found or Event.objects.create(hotline=person.hotline, person=person, date=datetime.date(2025, 3, 5), category="praise", description="表扬")


def allowance_line(person) -> AllowanceLine:
    found = AllowanceLine.objects.filter(person=person, is_current=True).first()
    return found or AllowanceLine.objects.create(
        hotline=person.hotline, person=person, team=person.team, month=MARCH, level=1, treatment_level=1, paid_level=1,
        score=Decimal("96"), base=Decimal("100"), rate=Decimal("1"), amount=Decimal("100.00"), status=LineStatus.DECIDED,
        basis="M4: 96分 ≥ 95分, 1星基数100元 × 100% = 100.00元", policy_version="2025 第1版", cause=LineCause.ACCEPTED,
        computed_at=timezone.now(),
    )
