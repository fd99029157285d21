"""One record of each exams endpoint (stardesk.exams.exam_api) for a person or a hotline, made on first use:
the API permission matrix (tests/api/test_permissions.py) reads them by id."""
import datetime
from decimal import Decimal

from django.utils import timezone

from stardesk.exams.models import (
    Attempt,
    AttemptStatus,
    EndedBy,
    Invitation,
    InvitedHow,
    Paper,
    Question,
    QuestionType,
    QuestionVersion,
    ReleaseRule,
    ResultSource,
    Sitting,
    SittingKind,
    SittingResult,
    SittingStatus,
)

JUNE_DAY = datetime.date(2025, 6, 20)


def _at(day, hour=9):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def question(hotline) -> Question:
    found = Question.objects.filter(hotline=hotline, number="API1").first()
    if found is None:
        found = Question.objects.create(hotline=hotline, number="API1", area="digital_tv", qtype=QuestionType.SINGLE)
        found.current = QuestionVersion.objects.create(question=found, number=1, stem="机顶盒无信号先查什么？",
                                                       options=["信号线", "遥控器"], answer="A", marks=Decimal(2))
        found.save(update_fields=["current"])
    return found


def sitting(hotline, *, name="2025年年中综合考试（接口）") -> Sitting:
    """A closed online June sitting of the hotline (nobody has handed in yet)."""
    found = Sitting.objects.filter(hotline=hotline, name=name).first()
    if found is None:
        paper = Paper.objects.create(hotline=hotline, title="接口测试试卷", seed=1, total_marks=0)
        found = Sitting.objects.create(hotline=hotline, name=name, kind=SittingKind.JUNE, paper=paper, opens_at=_at(JUNE_DAY),
                                       closes_at=_at(JUNE_DAY, 12), time_limit_minutes=90, status=SittingStatus.CLOSED,
                                       release_rule=ReleaseRule.MANUAL)
    return found


def attempt(person) -> Attempt:
    """The person's handed-in attempt at the hotline's sitting (they are invited to it)."""
    held = sitting(person.hotline)
    invitation, _ = Invitation.objects.get_or_create(sitting=held, person=person, defaults={"how": InvitedHow.EVERYONE})
    found = Attempt.objects.filter(invitation=invitation).first()
    return found or Attempt.objects.create(
        invitation=invitation, sitting=held, person=person, paper=held.paper, status=AttemptStatus.SUBMITTED,
        started_at=_at(JUNE_DAY), deadline=_at(JUNE_DAY, 11), submitted_at=_at(JUNE_DAY, 10), ended_by=EndedBy.AGENT, seed=1,
    )


def result(person) -> SittingResult:
    """A released offline result of the person (the 考试成绩 sheet's kind of row)."""
    found = SittingResult.objects.filter(person=person, source=ResultSource.OFFLINE).first()
    if found is not None:
        return found
    held = Sitting.objects.create(hotline=person.hotline, name="2025年服务素质考试（线下）", kind=SittingKind.SERVICE, opens_at=_at(JUNE_DAY),
                                  closes_at=_at(JUNE_DAY, 12), time_limit_minutes=0, status=SittingStatus.RELEASED, released_at=timezone.now())
    return SittingResult.objects.create(sitting=held, person=person, source=ResultSource.OFFLINE, score=Decimal("88.0"),
                                        basis="X2: 线下考试", released_at=timezone.now())
