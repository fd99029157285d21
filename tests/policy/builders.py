"""Small builders for policy tests: people, title spells, scores, events."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from stardesk.policy.conventions import Month
from stardesk.policy.facts import (EndReason, Event, EventCategory, ExamKind, ExamResult, MonthlyScore,
                                   PersonFacts, Sanction, Severity, TitleSpell)
from stardesk.policy.yearly import YearlyPolicy

POLICY = YearlyPolicy()
JOB = "话务员"


def d(text: str) -> date:
    return date.fromisoformat(text)


def D(text: str | int) -> Decimal:
    return Decimal(str(text))


def spell(level: int, start: str, end: str | None = None, reason: EndReason | None = None,
          job_type: str = JOB) -> TitleSpell:
    return TitleSpell(level, job_type, d(start), d(end) if end else None, reason)


def person(staff_no: str = "1001", hotline_start: str = "2020-01-01", job_type_start: str | None = None,
           **kw) -> PersonFacts:
    return PersonFacts(staff_no=staff_no, hotline_start=d(hotline_start), job_type=kw.pop("job_type", JOB),
                       job_type_start=d(job_type_start or hotline_start), **kw)


def monthly(year: int, values: dict[int, str]) -> tuple[MonthlyScore, ...]:
    return tuple(MonthlyScore(Month(year, m), D(v)) for m, v in values.items())


def by_month(year: int, values: dict[int, str]) -> dict[Month, Decimal]:
    return {Month(year, m): D(v) for m, v in values.items()}


def veto(on: str, severity: Severity | None = Severity.GENERAL, sanction: Sanction | None = None,
         category: EventCategory = EventCategory.JUSTIFIED_COMPLAINT) -> Event:
    return Event(d(on), category, severity, sanction)


def honour(on: str, category: EventCategory = EventCategory.ADVANCED_INDIVIDUAL) -> Event:
    return Event(d(on), category)


def june(on: str, score: str) -> ExamResult:
    return ExamResult(ExamKind.JUNE, d(on), D(score))


def exam(level: int, on: str, score: str | None = None, knowledge: str | None = None,
         skills: str | None = None) -> ExamResult:
    kind = {1: ExamKind.LEVEL1, 2: ExamKind.LEVEL2, 3: ExamKind.LEVEL3}[level]
    return ExamResult(kind, d(on), D(score) if score else None,
                      D(knowledge) if knowledge else None, D(skills) if skills else None)
