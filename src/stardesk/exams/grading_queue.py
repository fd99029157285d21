"""Reading the grading work: sittings with answers to grade, by candidate or by question, optionally anonymous.

In anonymous mode (Sitting.anonymous_grading) nothing on the grading pages
names the candidate: they are 考生 1, 考生 2, … in an order drawn from the
sitting's seed (not the staff number, not the order of submission), and the
pages address a candidate by that code, not by the attempt's id.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.core.errors import NotFound
from stardesk.exams.attempt_scores import keys_in_force
from stardesk.exams.models import (
    MANUAL_TYPES,
    Answer,
    Attempt,
    AttemptStatus,
    Grade,
    KeyCorrection,
    QuestionVersion,
    Sitting,
    SittingStatus,
)
from stardesk.exams.skill_rubrics import RUBRICS, TYPING_RULE

GRADING_STATES = (SittingStatus.OPEN, SittingStatus.CLOSED, SittingStatus.RELEASED)


def _scoped(queryset: QuerySet, user) -> QuerySet:
    if user.role == Role.ADMIN:
        return queryset
    return queryset.filter(hotline_id=user.hotline_id)


def _manual(queryset: QuerySet, prefix: str = "") -> QuerySet:
    return queryset.filter(**{f"{prefix}item__version__question__qtype__in": MANUAL_TYPES})


def sittings_to_grade(user, limit: int = 100) -> list[Sitting]:
    """Sittings with submitted answers scored by examiners, newest first, each with ``manual_answers``,
    ``graded_answers`` and ``pending`` (voided questions left out). Three queries."""
    permissions.require(user, "exams.grade")
    sittings = list(_scoped(Sitting.objects.filter(status__in=GRADING_STATES), user).select_related("hotline").order_by("-opens_at", "-pk")[:limit])
    answers = _manual(Answer.objects.filter(attempt__sitting__in=sittings, attempt__status=AttemptStatus.SUBMITTED))
    corrected = KeyCorrection.objects.filter(version__paper_items__answers__in=answers).values_list("version_id", flat=True).distinct()
    voided = {pk for pk, key in keys_in_force(set(corrected)).items() if key.voided}
    counts = {
        row["attempt__sitting_id"]: row
        for row in answers.exclude(item__version_id__in=voided).values("attempt__sitting_id")
        .annotate(total=Count("pk", distinct=True), graded=Count("pk", filter=Q(grades__isnull=False), distinct=True))
    }
    found = []
    for sitting in sittings:
        row = counts.get(sitting.pk)
        if row is None:
            continue
        sitting.manual_answers, sitting.graded_answers = row["total"], row["graded"]
        sitting.pending = row["total"] - row["graded"]
        found.append(sitting)
    return found


def sitting_for(user, pk: int) -> Sitting:
    permissions.require(user, "exams.grade")
    sitting = _scoped(Sitting.objects.filter(status__in=GRADING_STATES), user).select_related("hotline").filter(pk=pk).first()
    if sitting is None:
        raise NotFound()
    return sitting


def candidate_codes(sitting: Sitting) -> dict[int, int]:
    """Attempt id → candidate number (1, 2, …), in an order drawn from the sitting's seed."""
    ids = Attempt.objects.filter(sitting=sitting, status=AttemptStatus.SUBMITTED).values_list("pk", flat=True)

    def draw(pk: int) -> str:
        return hashlib.sha256(f"{sitting.seed}:{sitting.pk}:{pk}".encode()).hexdigest()

    return {pk: number for number, pk in enumerate(sorted(ids, key=draw), start=1)}


@dataclass
class Candidate:
    code: int
    attempt: Attempt
    total: int
    graded: int
    shown_name: str  # "考生 7" in anonymous mode

    @property
    def pending(self) -> int:
        return self.total - self.graded


def _voided(sitting: Sitting) -> set[int]:
    versions = Answer.objects.filter(attempt__sitting=sitting).values_list("item__version_id", flat=True).distinct()
    return {pk for pk, key in keys_in_force(set(versions)).items() if key.voided}


def candidate_label(code: int) -> str:
    from django.utils.translation import gettext as _

    return _("考生 %(n)s") % {"n": code}


def candidates(sitting: Sitting) -> list[Candidate]:
    """Every submitted attempt with its answers to grade: names hidden in anonymous mode (four queries)."""
    codes = candidate_codes(sitting)
    voided = _voided(sitting)
    counts = {
        row["attempt_id"]: row
        for row in _manual(Answer.objects.filter(attempt__sitting=sitting, attempt__status=AttemptStatus.SUBMITTED))
        .exclude(item__version_id__in=voided)
        .values("attempt_id")
        .annotate(total=Count("pk", distinct=True), graded=Count("pk", filter=Q(grades__isnull=False), distinct=True))
    }
    attempts = Attempt.objects.filter(pk__in=list(codes)).select_related("person")
    found = []
    for attempt in attempts:
        row = counts.get(attempt.pk, {"total": 0, "graded": 0})
        code = codes[attempt.pk]
        name = candidate_label(code) if sitting.anonymous_grading else f"{attempt.person.staff_no} {attempt.person.name}"
        if sitting.anonymous_grading:
            attempt.person = None  # the template cannot show what it does not have
        found.append(Candidate(code, attempt, row["total"], row["graded"], name))
    found.sort(key=lambda c: c.code if sitting.anonymous_grading else c.shown_name)
    return found


@dataclass
class QuestionRow:
    version: QuestionVersion
    total: int
    graded: int
    voided: bool

    @property
    def pending(self) -> int:
        return 0 if self.voided else self.total - self.graded


def questions(sitting: Sitting) -> list[QuestionRow]:
    """The sitting's questions scored by examiners, with how many answers wait (three queries)."""
    voided = _voided(sitting)
    counts = list(
        _manual(Answer.objects.filter(attempt__sitting=sitting, attempt__status=AttemptStatus.SUBMITTED))
        .values("item__version_id")
        .annotate(total=Count("pk", distinct=True), graded=Count("pk", filter=Q(grades__isnull=False), distinct=True))
    )
    questions_by = {v.pk: v for v in QuestionVersion.objects.filter(pk__in=[row["item__version_id"] for row in counts]).select_related("question")}
    rows = [QuestionRow(questions_by[row["item__version_id"]], row["total"], row["graded"], row["item__version_id"] in voided) for row in counts]
    rows.sort(key=lambda r: (r.version.question.number, r.version.number))
    return rows


@dataclass
class GradingItem:
    """One answer on a grading page, with every grade recorded (oldest first) and what the rules need."""

    answer: Answer
    code: int
    shown_name: str
    version: QuestionVersion
    qtype: str
    marks: object
    grades: list[Grade] = field(default_factory=list)
    voided: bool = False
    released: bool = False

    @property
    def latest(self) -> Grade | None:
        return self.grades[-1] if self.grades else None

    @property
    def pending(self) -> bool:
        return not self.voided and not self.grades


def _items(sitting: Sitting, answers: QuerySet) -> list[GradingItem]:
    codes = candidate_codes(sitting)
    voided = _voided(sitting)
    answers = list(answers.select_related("attempt__person", "item__version__question").order_by("item__position", "attempt_id"))
    grades: dict[int, list[Grade]] = {}
    for grade in Grade.objects.filter(answer__in=[a.pk for a in answers]).order_by("graded_at", "pk"):
        grades.setdefault(grade.answer_id, []).append(grade)
    found = []
    for answer in answers:
        code = codes.get(answer.attempt_id)
        if code is None:
            continue
        person = answer.attempt.person
        name = candidate_label(code) if sitting.anonymous_grading else f"{person.staff_no} {person.name}"
        version = answer.item.version
        found.append(GradingItem(answer, code, name, version, version.question.qtype, answer.item.marks, grades.get(answer.pk, []),
                                 version.pk in voided, sitting.status == SittingStatus.RELEASED))
    return found


def candidate_items(sitting: Sitting, code: int) -> tuple[Attempt, list[GradingItem]]:
    """Every answer of one candidate (by code) that an examiner scores."""
    codes = candidate_codes(sitting)
    attempt_id = next((pk for pk, number in codes.items() if number == code), None)
    if attempt_id is None:
        raise NotFound()
    attempt = Attempt.objects.select_related("person").get(pk=attempt_id)
    if sitting.anonymous_grading:
        attempt.person = None
    return attempt, _items(sitting, _manual(Answer.objects.filter(attempt_id=attempt_id)))


def question_items(sitting: Sitting, version_id: int) -> tuple[QuestionVersion, list[GradingItem]]:
    """Every submitted answer of the sitting to one question (by version), candidate by candidate."""
    version = QuestionVersion.objects.select_related("question").filter(pk=version_id).first()
    answers = _manual(Answer.objects.filter(attempt__sitting=sitting, attempt__status=AttemptStatus.SUBMITTED, item__version_id=version_id))
    if version is None or not answers.exists():
        raise NotFound()
    items = _items(sitting, answers)
    items.sort(key=lambda i: i.code)
    return version, items


def answer_for(user, pk: int) -> Answer:
    """An answer an examiner may grade or listen to (their hotline's)."""
    permissions.require(user, "exams.grade")
    answer = Answer.objects.select_related("attempt__sitting", "item__version__question").filter(pk=pk).first()
    if answer is None or (user.role != Role.ADMIN and answer.attempt.sitting.hotline_id != user.hotline_id):
        raise NotFound()
    return answer


def last_target_speed(sitting: Sitting):
    """The 达标速度 an examiner last stated in this sitting (pre-fills the next typing score)."""
    grade = (
        Grade.objects.filter(answer__attempt__sitting=sitting, parts__kind="typing")
        .order_by("-graded_at", "-pk")
        .first()
    )
    return grade.parts.get("target_speed") if grade is not None else None


RULES = {"typing": TYPING_RULE, "rubrics": RUBRICS}
