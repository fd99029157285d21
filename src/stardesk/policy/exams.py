"""X1–X4 and X6: qualification exams, their score, the cascade and validity.

Passing the level-L exam qualifies for L and every level below it (X3); a
result counts for one year from the exam date (X4: valid while the date is
before the same day a year later, C5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable, Mapping

from .conventions import at_least, one_year_after, round_score
from .facts import ExamKind, ExamResult
from .june_exam import competition_ranks
from .reasons import Reason, day, level as level_text, num, percent, score as score_text
from .yearly import YearlyPolicy

# X1: the sections of the qualification exam.
KNOWLEDGE_SECTIONS = ("基础文化", "模拟电视业务", "数字电视业务", "宽带业务", "岗位服务规范")
SKILL_SECTIONS = ("计算机操作", "语言能力（普通话、语态、语言技巧）")

LEVEL_EXAMS = {1: ExamKind.LEVEL1, 2: ExamKind.LEVEL2, 3: ExamKind.LEVEL3}
_EXAM_LEVELS = {kind: level for level, kind in LEVEL_EXAMS.items()}


def exam_level(kind: ExamKind) -> int | None:
    """X1: the level a qualification exam is for (``None`` for other exams)."""
    return _EXAM_LEVELS.get(kind)


@dataclass(frozen=True, slots=True)
class ExamScore:
    """X2: the score of one qualification sitting and whether it passed its level."""

    level: int
    on: date
    score: Decimal | None
    pass_mark: Decimal
    passed: bool
    reasons: tuple[Reason, ...]


def exam_score(result: ExamResult, policy: YearlyPolicy) -> ExamScore:
    """X2: weighted sum of the sections when both are recorded, else the recorded total."""
    level = exam_level(result.kind)
    if level is None:
        raise ValueError(f"{result.kind} 不是星级资格考试")
    mark = policy.pass_mark(level)
    name = f"{level_text(level)}资格考试（{day(result.on)}）"
    if result.knowledge is not None and result.skills is not None:
        # X2: weighted sum of knowledge and skills, one decimal (C2).
        s = round_score(result.knowledge * policy.x2_weight_knowledge + result.skills * policy.x2_weight_skills)
        how = (f"知识 {num(result.knowledge)} × {percent(policy.x2_weight_knowledge)} + "
               f"技能 {num(result.skills)} × {percent(policy.x2_weight_skills)} = {score_text(s)}")
    else:
        s = result.score
        how = "缺考" if s is None else score_text(s)
    if s is None:
        return ExamScore(level, result.on, None, mark, False, (Reason("X2", f"{name}{how}", False),))
    passed = at_least(s, mark)  # C1: the pass mark itself passes
    verdict = "合格" if passed else "不合格"
    return ExamScore(level, result.on, s, mark, passed,
                     (Reason("X2", f"{name}{how}，合格线 {score_text(mark)}，{verdict}", passed),))


def is_valid_on(result: ExamResult, on: date) -> bool:
    """X4: a result counts from its date for one year (until the day before the same date next year)."""
    return result.on <= on < one_year_after(result.on)


@dataclass(frozen=True, slots=True)
class Qualification:
    """X3/X4: the highest level qualified for on a date (0 = none) and the sitting behind it."""

    level: int
    score: Decimal | None
    exam_on: date | None
    reasons: tuple[Reason, ...]

    def qualifies_for(self, level: int) -> bool:
        """X3: passing level L qualifies for L and every level below."""
        return 1 <= level <= self.level


def qualification(exams: Iterable[ExamResult], on: date, policy: YearlyPolicy) -> Qualification:
    """X3/X4: the highest level passed among results valid on ``on`` (latest sitting at that level)."""
    best: tuple[int, date, ExamScore] | None = None
    expired: list[Reason] = []
    for e in exams:
        if exam_level(e.kind) is None or e.on > on:
            continue
        scored = exam_score(e, policy)
        if not scored.passed:
            continue
        if not is_valid_on(e, on):
            expired.append(Reason("X4", f"{level_text(scored.level)}资格考试（{day(e.on)}）合格，"
                                        f"已于 {day(one_year_after(e.on))} 失效"))
            continue
        key = (scored.level, e.on, scored)
        if best is None or key[:2] > best[:2]:
            best = key
    if best is None:
        return Qualification(0, None, None, tuple(expired) + (Reason("X3", "无有效的合格资格考试成绩"),))
    level, exam_on, scored = best
    reasons = scored.reasons + (
        Reason("X4", f"有效至 {day(one_year_after(exam_on))} 前"),
        Reason("X3", f"通过{level_text(level)}资格考试，可评{level_text(level)}及以下"),
    )
    return Qualification(level, scored.score, exam_on, reasons)


def next_sitting(recommended_level: int, sittings: Iterable[ExamResult], policy: YearlyPolicy) -> int | None:
    """X3 cascade: the level of the exam the candidate may sit next in this cycle.

    First the recommended level; after failing level L, level L−1; nothing more
    after a pass or after failing 1-star.
    """
    scored = [exam_score(e, policy) for e in sittings if exam_level(e.kind) is not None]
    if any(s.passed for s in scored):
        return None
    if not scored:
        return recommended_level
    lowest_failed = min(s.level for s in scored)
    return lowest_failed - 1 if lowest_failed > 1 else None


@dataclass(frozen=True, slots=True)
class PublishedScore:
    """X6: what is published to a person: their score and competition rank among the sitters."""

    staff_no: str
    score: Decimal
    rank: int
    sitters: int


def published_results(scores: Mapping[str, Decimal]) -> tuple[PublishedScore, ...]:
    """X3/X6: one sitting's results as published, best first, with competition ranks."""
    ranks = competition_ranks(scores)
    n = len(scores)
    return tuple(sorted((PublishedScore(k, v, ranks[k], n) for k, v in scores.items()),
                        key=lambda p: (p.rank, p.staff_no)))
