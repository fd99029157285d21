"""One record of each cycle endpoint (stardesk.cycle.api) for a person, made on first use with the models directly
(no service, so no audit entry): the API permission matrix (tests/api/test_permissions.py) reads them by id.

The 2026 cycle takes applications; the 2025 cycle is at its committee step, with a candidate, its seats and a
decision, and an award.
"""
import dataclasses
import datetime
from decimal import Decimal

from django.utils import timezone

from stardesk.cycle.models import (
    Application,
    Award,
    CommitteeCandidate,
    CommitteeDecision,
    Cycle,
    CycleSeat,
    Recommendation,
    Step,
)
from stardesk.people.models import TitleSpell
from stardesk.policy.yearly import YearlyPolicy, policy_to_dict
from stardesk.yearly_policy.models import CyclePolicy, CyclePolicyRevision, RevisionSource, version_label

APPLYING, DECIDING = 2026, 2025


def cycle(hotline, year: int = APPLYING) -> Cycle:
    found = Cycle.objects.filter(hotline=hotline, year=year).first()
    if found is not None:
        return found
    data = policy_to_dict(dataclasses.replace(YearlyPolicy.defaults(), p2_version=version_label(year, 1)))
    record = CyclePolicy.objects.create(hotline=hotline, year=year, data=data)
    CyclePolicyRevision.objects.create(policy=record, number=1, data=data, source=RevisionSource.DEFAULTS, reason="测试")
    found = Cycle.objects.create(hotline=hotline, year=year, policy=record, policy_revision=1, policy_version=record.version,
                                 reference_date=datetime.date(year, 9, 30),
                                 step=Step.APPLICATION if year == APPLYING else Step.COMMITTEE)
    if year == DECIDING:
        CycleSeat.objects.bulk_create([CycleSeat(cycle=found, level=L, quota=3, filled=1 if L == 1 else 0) for L in (1, 2, 3)])
    return found


def application(person, year: int = APPLYING) -> Application:
    found = Application.objects.filter(person=person, cycle__year=year).first()
    return found or Application.objects.create(cycle=cycle(person.hotline, year), person=person, level=1, source="self",
                                               eligible=True, eligible_levels="1")


def recommendation(person) -> Recommendation:
    found = Recommendation.objects.filter(person=person).first()
    return found or Recommendation.objects.create(
        cycle=cycle(person.hotline, DECIDING), application=application(person, DECIDING), person=person, applied_level=1,
        level=1, position=1, policy_version="2025 第1版")


def candidate(person) -> CommitteeCandidate:
    found = CommitteeCandidate.objects.filter(person=person).first()
    return found or CommitteeCandidate.objects.create(
        cycle=cycle(person.hotline, DECIDING), recommendation=recommendation(person), person=person, recommended_level=1,
        eligible_levels="1", qualified_level=1, exam_score=Decimal("88"), composite=Decimal("90.12"), start_level=1,
        list_position=1, proposed_level=1, proposed_position=1, level=1, policy_version="2025 第1版",
        assessed_on=datetime.date(2025, 10, 10))


def decision(person) -> CommitteeDecision:
    found = CommitteeDecision.objects.filter(candidate__person=person).first()
    item = candidate(person)
    return found or CommitteeDecision.objects.create(cycle=item.cycle, candidate=item, action="approve", from_level=1, to_level=1,
                                                     member_name="周委员", decided_at=timezone.now(), reason="同意")


def award(person) -> Award:
    found = Award.objects.filter(person=person).first()
    item = candidate(person)
    return found or Award.objects.create(
        cycle=item.cycle, candidate=item, person=person, level=1, job_type=person.job_type, award_date=datetime.date(2025, 10, 17),
        certificate_no=f"test-{person.pk}", reward_amount=Decimal("0.00"), reward_basis="A2: 1星无一次性奖励",
        policy_version="2025 第1版", awarded_at=timezone.now(), awarded_by_name="陈主管")


def title(person) -> TitleSpell:
    found = TitleSpell.objects.filter(person=person).first()
    return found or TitleSpell.objects.create(person=person, level=1, job_type=person.job_type, start=datetime.date(2025, 10, 17))
