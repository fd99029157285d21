"""Examiners' grading of the items a machine cannot mark (简答, 打字, 口试): every write.

A grade is an append-only record (who, when, score, comment): a later grade
supersedes an earlier one and nothing is overwritten; the latest counts
(attempt_scores). Grading is open from an attempt's submission until its
sitting's results are released (X6); after that a result changes only by a
regrade. Grades of one attempt are serialised by a lock on the attempt row,
so the moment grading completes is seen exactly once: a sitting released
"when closed and graded" (ReleaseRule.ON_CLOSE) is released by the grade that
completes it.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from stardesk.accounts import permissions
from stardesk.audit import services as audit
from stardesk.core.errors import DomainError
from stardesk.exams import result_actions  # noqa: F401  (audit labels)
from stardesk.exams.attempt_scores import keys_in_force
from stardesk.exams.models import (
    MANUAL_TYPES,
    Answer,
    Attempt,
    AttemptStatus,
    Grade,
    QuestionType,
    Sitting,
    SittingStatus,
)
from stardesk.exams.skill_rubrics import RUBRICS, language_score, typing_score

MAX_COMMENT = 2000
MAX_TYPING_COUNT = 1_000_000
TENTH = Decimal("0.1")


def _user(actor):
    return actor if actor is not None and actor.pk else None


def _decimal(value, field: str, label: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError("grade_invalid", details=[{"field": field, "message": _("%(l)s须为数字") % {"l": label}}]) from None
    if not number.is_finite():
        raise DomainError("grade_invalid", details=[{"field": field, "message": _("%(l)s须为数字") % {"l": label}}])
    return number


def checked_score(value, field: str, label: str, top: Decimal) -> Decimal:
    number = _decimal(value, field, label)
    if number < 0 or number > top:
        raise DomainError("grade_invalid", details=[{"field": field, "message": _("%(l)s须在 0 到 %(t)s 之间") % {"l": label, "t": top}}])
    if number != number.quantize(TENTH):
        raise DomainError("grade_invalid", details=[{"field": field, "message": _("%(l)s最多一位小数") % {"l": label}}])
    return number.quantize(TENTH)


def _count(value, field: str, label: str, *, minimum: int = 0) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError("grade_invalid", details=[{"field": field, "message": _("%(l)s须为整数") % {"l": label}}]) from None
    if number < minimum or number > MAX_TYPING_COUNT:
        raise DomainError("grade_invalid", details=[{"field": field, "message": _("%(l)s须为 %(m)s 到 %(t)s 之间的整数") % {
            "l": label, "m": minimum, "t": MAX_TYPING_COUNT}}])
    return number


def _locked_answer(actor, answer: Answer) -> Answer:
    """The answer under a lock on its attempt, checked as gradable by ``actor``."""
    permissions.require(actor, "exams.grade")
    attempt = Attempt.objects.select_for_update(of=("self",)).select_related("sitting", "sitting__hotline").get(pk=answer.attempt_id)
    permissions.require_hotline(actor, attempt.sitting.hotline)
    answer = Answer.objects.select_related("item__version__question", "item__section").get(pk=answer.pk)
    answer.attempt = attempt
    if attempt.status != AttemptStatus.SUBMITTED:
        raise DomainError("grade_not_submitted")
    if answer.item.version.question.qtype not in MANUAL_TYPES:
        raise DomainError("grade_not_manual")
    if attempt.sitting.status == SittingStatus.RELEASED:
        raise DomainError("grade_after_release")
    key = keys_in_force([answer.item.version_id]).get(answer.item.version_id)
    if key is not None and key.voided:
        raise DomainError("grade_voided")
    return answer


def _record(*, actor, answer: Answer, score: Decimal, comment: str, parts: dict, action: str) -> Grade:
    previous = answer.grades.order_by("-graded_at", "-pk").first()
    grade = Grade.objects.create(answer=answer, score=score, comment=comment, parts=parts, grader=_user(actor),
                                 grader_name=str(actor) if actor is not None else "系统")
    changes = {"score": [str(previous.score) if previous else None, str(score)]}
    if comment:
        changes["comment"] = [previous.comment if previous else None, comment]
    audit.record(actor=actor, action=action, target=grade, hotline=answer.attempt.sitting.hotline, changes=changes,
                 note=parts.get("summary", ""))
    from stardesk.exams import results

    results.release_if_due(answer.attempt.sitting)
    return grade


def _comment(comment) -> str:
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise DomainError("grade_invalid", details=[{"field": "comment", "message": _("评语最多 %(n)s 字") % {"n": MAX_COMMENT}}])
    return comment


@transaction.atomic
def grade_record(*, actor, answer: Answer, score, comment: str = "") -> Grade:
    """An examiner's score for one answer: 0 to the item's marks, at most one decimal. Append-only."""
    answer = _locked_answer(actor, answer)
    marks = answer.item.marks
    value = checked_score(score, "score", _("得分"), marks)
    return _record(actor=actor, answer=answer, score=value, comment=_comment(comment), parts={}, action="grade.record")


@transaction.atomic
def skills_score_record(*, actor, answer: Answer, kind: str, comment: str = "", characters=None, errors=None,
                        keystrokes=None, seconds=None, target_speed=None, rubric: str = "", values: dict | None = None) -> Grade:
    """A skills item scored by its stated rule (skill_rubrics): ``kind`` "typing" from the raw data, "language"
    on a rubric. The raw data or the rubric's parts are kept with the grade."""
    answer = _locked_answer(actor, answer)
    qtype = answer.item.version.question.qtype
    marks = answer.item.marks
    comment = _comment(comment)
    if kind == "typing":
        if qtype != QuestionType.TYPING:
            raise DomainError("grade_wrong_rubric")
        characters = _count(characters, "characters", _("录入字数"))
        errors = _count(errors, "errors", _("错误字数"))
        seconds = _count(seconds, "seconds", _("用时秒数"), minimum=1)
        keystrokes = None if keystrokes in (None, "") else _count(keystrokes, "keystrokes", _("击键次数"))
        if errors > characters:
            raise DomainError("grade_invalid", details=[{"field": "errors", "message": _("错误字数不能多于录入字数")}])
        target = _decimal(target_speed, "target_speed", _("达标速度"))
        if target <= 0 or target > 1000 or target != target.quantize(TENTH):
            raise DomainError("grade_invalid", details=[{"field": "target_speed", "message": _("达标速度须大于 0、不超过 1000 字/分钟、最多一位小数")}])
        scored = typing_score(marks=marks, characters=characters, errors=errors, seconds=seconds, target_speed=target, keystrokes=keystrokes)
        parts = {**scored.as_parts(), "summary": scored.describe(marks)}
        return _record(actor=actor, answer=answer, score=scored.score, comment=comment, parts=parts, action="grade.skills")
    if kind == "language":
        if qtype != QuestionType.SPEAKING:
            raise DomainError("grade_wrong_rubric")
        chosen = RUBRICS.get(rubric)
        if chosen is None:
            raise DomainError("grade_invalid", details=[{"field": "rubric", "message": _("请选择评分方式")}])
        given = values or {}
        checked = {}
        for part in chosen.parts:
            raw = given.get(part.key)
            if raw in (None, ""):
                raise DomainError("grade_invalid", details=[{"field": part.key, "message": _("请填写「%(l)s」的得分") % {"l": part.label}}])
            checked[part.key] = checked_score(raw, part.key, part.label, part.full)
        scored = language_score(rubric=chosen, values=checked, marks=marks)
        parts = {**scored.as_parts(), "summary": scored.describe(marks)}
        return _record(actor=actor, answer=answer, score=scored.score, comment=comment, parts=parts, action="grade.skills")
    raise DomainError("grade_wrong_rubric")


@transaction.atomic
def grading_anonymity_set(*, actor, sitting: Sitting, anonymous: bool) -> Sitting:
    """The supervisor decides whether examiners of the sitting see names or candidate codes."""
    permissions.require(actor, "exams.edit")
    permissions.require_hotline(actor, sitting.hotline)
    sitting = Sitting.objects.select_for_update().get(pk=sitting.pk)
    if sitting.anonymous_grading != bool(anonymous):
        before = audit.snapshot(sitting)
        sitting.anonymous_grading = bool(anonymous)
        sitting.save(update_fields=["anonymous_grading", "updated_at"])
        audit.record(actor=actor, action="grading.anonymity", target=sitting,
                     changes=audit.changes_between(before, audit.snapshot(sitting)))
    return sitting
