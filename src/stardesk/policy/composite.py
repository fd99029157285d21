"""X5: the composite score that orders candidates at the committee (K1).

0.4 × mean monthly score + 0.2 × mean call-monitoring score (both over the
last twelve whole months ending on or before R, M7) + 0.4 × the exam score
at the highest level passed (*default* weights). A missing part is shown as
missing and the composite is then missing too: never a silent 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Iterable, Mapping

from .conventions import Month, exact_mean, round_half_up, window_months
from .facts import MonitoringScore
from .reasons import Reason, num, percent
from .yearly import YearlyPolicy


@dataclass(frozen=True, slots=True)
class CompositePart:
    """One part of X5: its weight, exact value (``None`` = missing) and how many records it rests on."""

    key: str
    label: str
    weight: Decimal
    value: Fraction | None
    count: int

    @property
    def shown(self) -> Decimal | None:
        return None if self.value is None else round_half_up(self.value, 2)


@dataclass(frozen=True, slots=True)
class CompositeDecision:
    """X5 for one person; ``value`` exact for ordering, ``shown`` to 0.01."""

    staff_no: str
    value: Fraction | None
    parts: tuple[CompositePart, ...]
    window: tuple[Month, ...]
    policy_version: str

    @property
    def shown(self) -> Decimal | None:
        return None if self.value is None else round_half_up(self.value, 2)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(p.label for p in self.parts if p.value is None)

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """X5 with every part's figure; written out from the parts when asked."""
        span = f"{self.window[0]}至{self.window[-1]}"
        terms = []
        for p in self.parts:
            figure = "缺" if p.value is None else num(p.shown)
            unit = {"monthly": f"（{p.count}个月）", "monitoring": f"（{p.count}次）"}.get(p.key, "")
            terms.append(f"{percent(p.weight)} × {p.label} {figure}{unit}")
        if self.value is None:
            text = f"{span}：{' + '.join(terms)}；缺{'、'.join(self.missing)}，综合得分暂缺"
        else:
            text = f"{span}：{' + '.join(terms)} = {num(self.shown)}"
        return (Reason("X5", text),)


def composite_score(staff_no: str, monthly: Mapping[Month, Decimal], monitoring: Iterable[MonitoringScore],
                    exam_score: Decimal | None, reference_date: date, policy: YearlyPolicy) -> CompositeDecision:
    """X5 for one person at R; ``exam_score`` is the score at the highest level passed (X3)."""
    window = window_months(reference_date, policy.m7_composite_months)
    first, last = window[0].first_day, window[-1].last_day
    scored = [monthly[m] for m in window if m in monthly]
    calls = [c.score for c in monitoring if first <= c.on <= last]
    parts = (
        CompositePart("monthly", "月度均分", policy.x5_weight_monthly, exact_mean(scored), len(scored)),
        CompositePart("monitoring", "监听均分", policy.x5_weight_monitoring, exact_mean(calls), len(calls)),
        CompositePart("exam", "资格考试成绩", policy.x5_weight_exam,
                      Fraction(exam_score) if exam_score is not None else None, 1 if exam_score is not None else 0),
    )
    value = None
    if all(p.value is not None for p in parts):
        # Exact weighted sum in integers, one Fraction at the end (never a silent 0 for a missing part).
        top, bottom = 0, 1
        for p in parts:
            wn, wd = p.weight.as_integer_ratio()
            pd = wd * p.value.denominator
            top, bottom = top * pd + wn * p.value.numerator * bottom, bottom * pd
        value = Fraction(top, bottom)
    return CompositeDecision(staff_no, value, parts, window, policy.p2_version)
