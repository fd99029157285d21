"""M1/M7: quarterly, half-year and yearly ratings from monthly scores.

A rating is the mean over the scored months of its period (months without a
score are left out; none scored = no rating). The value is kept exact as a
Fraction for ordering; ``shown`` is the 0.01 half-up figure for pages.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Callable, Iterable, Mapping, Sequence, TypeVar

from .conventions import ZERO, Month, months_of_year, round_half_up, window_months
from .reasons import Reason, num

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Rating:
    """M7: the mean of the scored months among ``months``; ``value`` exact, ``None`` if none scored.

    Carries the sum of the scored months; the exact mean is computed from it
    when asked (most ratings are shown, few are sorted).
    """

    label: str
    months: tuple[Month, ...]
    scored: tuple[Month, ...]
    total: Decimal

    @property
    def value(self) -> Fraction | None:
        """M7: the exact mean, used for ordering."""
        if not self.scored:
            return None
        n, d = self.total.as_integer_ratio()
        return Fraction(n, d * len(self.scored))

    @property
    def shown(self) -> Decimal | None:
        """M7: shown to 0.01, half up."""
        return None if self.value is None else round_half_up(self.value, 2)

    @property
    def reasons(self) -> tuple[Reason, ...]:
        span = f"{self.months[0]}至{self.months[-1]}" if self.months else "无月份"
        if self.value is None:
            return (Reason("M7", f"{self.label}（{span}）无月度得分，暂无评定"),)
        return (Reason("M7", f"{self.label}（{span}）{len(self.scored)} 个月有分，均分 {num(self.shown)}"),)


def rating_over(scores: Mapping[Month, Decimal], months: Iterable[Month], label: str) -> Rating:
    """M7: the mean of ``scores`` over the scored months among ``months``."""
    months = tuple(months)
    scored = tuple(filter(scores.__contains__, months))
    return Rating(label, months, scored, sum(map(scores.__getitem__, scored), ZERO))


# --- M1 periods -------------------------------------------------------------

@functools.cache
def quarter_months(year: int, quarter: int) -> tuple[Month, ...]:
    """M1: the three months of a quarter (1–4)."""
    return tuple(Month(year, 3 * (quarter - 1) + i) for i in (1, 2, 3))


@functools.cache
def half_year_months(year: int, half: int) -> tuple[Month, ...]:
    """M1: January–June (1) or July–December (2)."""
    return tuple(Month(year, 6 * (half - 1) + i) for i in range(1, 7))


def quarter_rating(scores: Mapping[Month, Decimal], year: int, quarter: int) -> Rating:
    return rating_over(scores, quarter_months(year, quarter), f"{year}年第{quarter}季度考核")


def half_year_rating(scores: Mapping[Month, Decimal], year: int, half: int) -> Rating:
    return rating_over(scores, half_year_months(year, half), f"{year}年{'上' if half == 1 else '下'}半年")


def year_rating(scores: Mapping[Month, Decimal], year: int) -> Rating:
    return rating_over(scores, months_of_year(year), f"{year}年年度综合评定")


def preliminary_rating(scores: Mapping[Month, Decimal], reference_date: date, months: int) -> Rating:
    """M7: the half-year preliminary rating (初审评定): the last ``months`` whole months ending on or before R.

    ``months`` is the policy's ``m7_preliminary_months`` (*default* 6).
    """
    return rating_over(scores, window_months(reference_date, months), "初审评定")


# --- ordering ------------------------------------------------------------------

def rating_key(rating: Rating | Fraction | None) -> tuple[int, Fraction]:
    """M7: sort key, higher first, unrated after every rated one; exact values."""
    value = rating.value if isinstance(rating, Rating) else rating
    return (1, Fraction(0)) if value is None else (0, -value)


def exact_sort_keys(values: Sequence[Fraction | None]) -> list[tuple[int, int]]:
    """M7: the same order as :func:`rating_key`, as integers over a common denominator.

    Exact, and fast to sort: Fraction comparisons are slow Python code, int
    comparisons are not.
    """
    common = math.lcm(*(v.denominator for v in values if v is not None)) if values else 1
    return [(1, 0) if v is None else (0, -v.numerator * (common // v.denominator)) for v in values]


def order_by_rating(items: Iterable[T], rating_of: Callable[[T], Rating | Fraction | None],
                    tie: Callable[[T], object] = lambda x: 0) -> list[T]:
    """M7: ``items`` by rating (high to low, unrated last), then by ``tie``."""
    items = list(items)
    keys = exact_sort_keys([r.value if isinstance(r, Rating) else r for r in map(rating_of, items)])
    order = sorted(range(len(items)), key=lambda i: (keys[i], tie(items[i])))
    return [items[i] for i in order]
