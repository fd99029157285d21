"""Y1–Y4: the yearly cycle, its reference date R and the order of its steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .errors import IllegalTransition
from .reasons import day


@dataclass(frozen=True, slots=True)
class Cycle:
    """Y1/Y3: cycle ``year`` with reference date R (资格审核基准日) and, once known, the award date."""

    year: int
    reference_date: date
    award_date: date | None = None


class CycleStep(StrEnum):
    """Y2: the steps of a cycle, in order."""

    APPLICATION = "个人申报"
    LEADER_CHECK = "班长自审、初评推荐"
    ASSESSMENT = "业务考核"
    COMMITTEE = "集中评定"
    AWARD = "授牌"
    SUMMARY = "总结上报"


STEP_ORDER: tuple[CycleStep, ...] = tuple(CycleStep)


def next_step(step: CycleStep) -> CycleStep | None:
    """Y2: the step after ``step`` (``None`` after the summary report)."""
    i = STEP_ORDER.index(step)
    return STEP_ORDER[i + 1] if i + 1 < len(STEP_ORDER) else None


def check_step_move(current: CycleStep, to: CycleStep) -> None:
    """Y2: only the next step may start; raises :class:`IllegalTransition` otherwise."""
    if next_step(current) is not to:
        raise IllegalTransition(f"评定步骤只能从「{current}」进入下一步「{next_step(current)}」，不能进入「{to}」")


def is_frozen(step: CycleStep, current: CycleStep) -> bool:
    """Y2: a step's records are frozen once a later step has started."""
    return STEP_ORDER.index(current) > STEP_ORDER.index(step)


def completion_deadline(year: int) -> date:
    """Y1: review, award and summary are completed in October of Y."""
    return date(year, 10, 31)


def cycle_problems(cycle: Cycle) -> list[str]:
    """Y1/Y3: dates of a cycle that contradict the rules (Chinese), empty when consistent."""
    problems = []
    if cycle.reference_date.year != cycle.year:
        problems.append(f"基准日 {day(cycle.reference_date)} 不在 {cycle.year} 年内")
    if cycle.award_date is not None:
        if cycle.award_date <= cycle.reference_date:
            problems.append(f"授牌日 {day(cycle.award_date)} 须晚于基准日 {day(cycle.reference_date)}")
        if cycle.award_date.year != cycle.year or cycle.award_date > completion_deadline(cycle.year):
            problems.append(f"授牌日 {day(cycle.award_date)} 须在 {cycle.year} 年 10 月底前")
    return problems
