"""The scores of submitted attempts (X2), computed from what is stored; nothing here writes.

How an attempt is scored (stated on the results pages):
- an objective item is marked by marking.py with the key in force: the latest
  key correction of its version when there is one, otherwise the version's own
  key; a voided version counts neither for nor against anyone: it leaves its
  section's total marks;
- an item scored by an examiner (简答, 打字, 口试) counts its latest grade
  (grades are append-only; the last one recorded counts); without a grade the
  attempt is still being graded;
- a section scores its points ÷ its total marks × 100;
- the knowledge (skills) part is the knowledge (skills) sections weighted by
  their weights, to one decimal (C2);
- a qualification exam's score and pass follow policy.exams.exam_score (X2:
  the year's weights and pass mark); any other exam (年中综合, 服务素质) scores
  all its sections weighted by their weights, to one decimal.

Many attempts are scored with one query per kind of row (answers, grades, key
corrections), whatever their number.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from stardesk.exams import marking
from stardesk.exams.models import (
    MANUAL_TYPES,
    OBJECTIVE_TYPES,
    Answer,
    Attempt,
    AttemptStatus,
    Grade,
    KeyCorrection,
    SectionKind,
    Sitting,
    SittingKind,
)
from stardesk.policy.conventions import round_score
from stardesk.policy.exams import exam_level, exam_score
from stardesk.policy.facts import ExamResult
from stardesk.policy.reasons import Reason, num, percent
from stardesk.policy.reasons import score as score_text
from stardesk.policy.yearly import YearlyPolicy

LEVEL_KINDS = (SittingKind.LEVEL1, SittingKind.LEVEL2, SittingKind.LEVEL3)


@dataclass(frozen=True)
class KeyInForce:
    """The key grading uses for a version: a correction's, or the version's own."""

    answer: object
    voided: bool = False
    correction_id: int | None = None

    @property
    def corrected(self) -> bool:
        return self.correction_id is not None or self.voided


@dataclass
class ItemScore:
    answer_id: int
    item_id: int
    version_id: int
    qtype: str
    section_id: int
    section_name: str
    section_kind: str
    section_weight: Decimal
    marks: Decimal
    score: Decimal | None  # None: voided, or waiting for an examiner
    voided: bool = False
    manual: bool = False
    graded: bool = False


@dataclass
class AttemptScore:
    """One attempt's figures; ``reasons`` is its 依据 (X2)."""

    attempt_id: int
    person_id: int
    sitting_id: int
    items: list[ItemScore] = field(default_factory=list)
    knowledge: Decimal | None = None
    skills: Decimal | None = None
    score: Decimal | None = None
    passed: bool | None = None
    pass_mark: Decimal | None = None
    pending: int = 0
    reasons: tuple[Reason, ...] = ()

    @property
    def complete(self) -> bool:
        return self.pending == 0

    def item(self, item_id: int) -> ItemScore | None:
        return next((i for i in self.items if i.item_id == item_id), None)


def keys_in_force(version_ids, proposed: dict[int, KeyInForce] | None = None) -> dict[int, KeyInForce]:
    """The latest key correction of each version (one query); ``proposed`` overrides some (a regrade's dry run)."""
    found: dict[int, KeyInForce] = {}
    corrections = KeyCorrection.objects.filter(version_id__in=list(version_ids)).order_by("version_id", "corrected_at", "pk")
    for correction in corrections:
        found[correction.version_id] = KeyInForce(correction.answer, correction.voided, correction.pk)
    if proposed:
        found.update({pk: key for pk, key in proposed.items()})
    return found


def latest_grades(answers_filter: dict) -> dict[int, Grade]:
    """The grade that counts for each answer: the last one recorded (append-only records)."""
    latest: dict[int, Grade] = {}
    for grade in Grade.objects.filter(**answers_filter).order_by("answer_id", "graded_at", "pk"):
        latest[grade.answer_id] = grade
    return latest


def item_score(answer: Answer, key: KeyInForce | None, grade: Grade | None) -> ItemScore:
    """One answer's score with the key in force (``key`` None: the version's own) or its latest grade."""
    item, version = answer.item, answer.item.version
    qtype = version.question.qtype
    manual = qtype in MANUAL_TYPES
    entry = ItemScore(
        answer_id=answer.pk, item_id=item.pk, version_id=version.pk, qtype=qtype, section_id=item.section_id,
        section_name=item.section.name, section_kind=item.section.kind, section_weight=item.section.weight,
        marks=item.marks, score=None, manual=manual,
    )
    if key is not None and key.voided:
        entry.voided = True
        return entry
    if manual:
        entry.graded = grade is not None
        entry.score = grade.score if grade is not None else None
        return entry
    if qtype in OBJECTIVE_TYPES:
        if key is not None:
            entry.score = marking.auto_score(qtype, key.answer, answer.response, item.marks, option_count=len(version.options or []))
        elif answer.auto_score is not None:
            entry.score = answer.auto_score
        else:
            entry.score = marking.auto_score(qtype, version.answer, answer.response, item.marks, option_count=len(version.options or []))
    return entry


def _weighted(parts: list[tuple[Decimal, Fraction]]) -> Fraction | None:
    total_weight = sum((w for w, _ in parts), Decimal(0))
    if not parts or total_weight == 0:
        return None
    return sum((Fraction(w) * pct for w, pct in parts), Fraction(0)) / Fraction(total_weight)


def _describe_sections(sections: list[tuple[str, Decimal, Fraction]]) -> str:
    return " + ".join(f"{name} {num(round_score(pct))} × {percent(weight)}" for name, weight, pct in sections)


def _figures(score: AttemptScore, sitting: Sitting, policy: YearlyPolicy | None) -> None:
    """Section, part and exam scores of a complete attempt (X2)."""
    by_section: dict[int, list[ItemScore]] = defaultdict(list)
    for item in score.items:
        by_section[item.section_id].append(item)
    sections: list[tuple[str, str, Decimal, Fraction]] = []  # (name, kind, weight, percentage)
    for items in by_section.values():
        counted = [i for i in items if not i.voided]
        total = sum((i.marks for i in counted), Decimal(0))
        if total == 0:
            continue  # every item of the section voided: the section leaves the exam
        points = sum((i.score for i in counted), Decimal(0))
        first = items[0]
        sections.append((first.section_name, first.section_kind, first.section_weight, Fraction(points) / Fraction(total) * 100))
    knowledge = [(w, pct) for _n, kind, w, pct in sections if kind == SectionKind.KNOWLEDGE]
    skills = [(w, pct) for _n, kind, w, pct in sections if kind == SectionKind.SKILLS]
    k, s = _weighted(knowledge), _weighted(skills)
    score.knowledge = round_score(k) if k is not None else None
    score.skills = round_score(s) if s is not None else None
    overall = _weighted([(w, pct) for _n, _k, w, pct in sections])
    overall_score = round_score(overall) if overall is not None else None
    if sitting.kind in LEVEL_KINDS:
        decided = exam_score(
            ExamResult(sitting.exam_kind, sitting.exam_date, score=overall_score, knowledge=score.knowledge, skills=score.skills,
                       name=sitting.name),
            policy,
        )
        score.score, score.passed, score.pass_mark = decided.score, decided.passed, decided.pass_mark
        detail = Reason("X2", "各部分得分：" + _describe_sections([(n, w, p) for n, _k, w, p in sections]))
        score.reasons = (detail, *decided.reasons)
    else:
        score.score, score.passed = overall_score, None
        text = f"{sitting.get_kind_display()}（{sitting.exam_date.isoformat()}）"
        if overall_score is None:
            score.reasons = (Reason("X2", f"{text}：全部试题均已作废，无成绩"),)
        else:
            rule = "J1" if sitting.kind == SittingKind.JUNE else "X2"
            score.reasons = (Reason(rule, f"{text}{_describe_sections([(n, w, p) for n, _k, w, p in sections])} = {score_text(overall_score)}"),)


def score_attempts(attempts: list[Attempt], *, policy: YearlyPolicy | None = None,
                   proposed: dict[int, KeyInForce] | None = None,
                   proposed_grades: dict[int, Decimal] | None = None) -> dict[int, AttemptScore]:
    """The scores of submitted attempts of ONE sitting (attempts still running are left out).

    ``policy`` is the sitting year's policy (required for a qualification exam,
    X2); ``proposed`` replaces the key of some versions and ``proposed_grades``
    the latest grade of some answers, by answer id (a regrade's dry run).
    """
    attempts = [a for a in attempts if a.status == AttemptStatus.SUBMITTED]
    if not attempts:
        return {}
    sitting = attempts[0].sitting
    if sitting.kind in LEVEL_KINDS and policy is None:
        raise ValueError("a qualification exam is scored by its year's policy (X2)")
    answers = list(
        Answer.objects.filter(attempt__in=[a.pk for a in attempts])
        .select_related("item__section", "item__version__question")
        .order_by("attempt_id", "item__position")
    )
    keys = keys_in_force({a.item.version_id for a in answers}, proposed)
    grades = latest_grades({"answer__attempt__in": [a.pk for a in attempts]})
    for answer_id, value in (proposed_grades or {}).items():
        grades[answer_id] = Grade(answer_id=answer_id, score=value)  # not saved: the grade a correction would record
    scores = {a.pk: AttemptScore(a.pk, a.person_id, a.sitting_id) for a in attempts}
    for answer in answers:
        entry = item_score(answer, keys.get(answer.item.version_id), grades.get(answer.pk))
        score = scores[answer.attempt_id]
        score.items.append(entry)
        if entry.manual and not entry.voided and not entry.graded:
            score.pending += 1
    for score in scores.values():
        if score.complete:
            _figures(score, sitting, policy)
    return scores


def sitting_policy(sitting: Sitting):
    """(policy, version) of the sitting's year for a qualification exam (X2, P2); (None, "") for other exams.

    DomainError "policy_missing" when a qualification exam's year has no policy.
    """
    if sitting.kind not in LEVEL_KINDS:
        return None, ""
    from stardesk.yearly_policy.queries import cycle_policy

    found = cycle_policy(sitting.hotline_id, sitting.year)
    return found.policy, found.version


def level_of(sitting: Sitting) -> int | None:
    """X1: the level a qualification sitting is for."""
    return exam_level(sitting.exam_kind)
