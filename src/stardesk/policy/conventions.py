"""The conventions C1–C5: bounds, scores, money, quotas and dates.

Every other module reads numbers and dates through these helpers, so a bound
or a rounding is decided in exactly one place.
"""

from __future__ import annotations

import calendar
import functools
from collections import namedtuple
from datetime import date, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from typing import Sequence

from .errors import InvalidScore

ONE_DAY = timedelta(days=1)
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
UNIT = Decimal(1)
HUNDRED = Decimal(100)
ZERO = Decimal(0)


# --- C1 bounds -----------------------------------------------------------
# 以上 / 以下 / 以内 include the number named; 不足 / 未达到 / 超过 exclude it.

def at_least(value, bound) -> bool:
    """C1 "以上": ``value >= bound``."""
    return value >= bound


def at_most(value, bound) -> bool:
    """C1 "以下 / 以内": ``value <= bound``."""
    return value <= bound


def short_of(value, bound) -> bool:
    """C1 "不足 / 未达到": ``value < bound``."""
    return value < bound


def over(value, bound) -> bool:
    """C1 "超过": ``value > bound``."""
    return value > bound


# --- C2 scores -----------------------------------------------------------

def is_score(value: Decimal) -> bool:
    """C2: a Decimal in 0–100 with at most one decimal."""
    return (
        isinstance(value, Decimal)
        and value.is_finite()
        and ZERO <= value <= HUNDRED
        and value == value.quantize(TENTH)
    )


def parse_score(value: Decimal | int | str) -> Decimal:
    """C2: read a score, refusing floats, out-of-range values and two decimals.

    ``"95.5"`` → ``Decimal("95.5")``; ``"95.50"`` is 95.5; ``"95.55"`` is refused.
    Returns the canonical form (``95`` or ``95.5``).
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise InvalidScore(f"分数须为十进制数，不能是浮点数：{value!r}")
    if isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, Decimal):
        d = value
    elif isinstance(value, str):
        try:
            d = Decimal(value.strip())
        except InvalidOperation:
            raise InvalidScore(f"不是分数：{value!r}") from None
    else:
        raise InvalidScore(f"不是分数：{value!r}")
    if not d.is_finite():
        raise InvalidScore(f"不是分数：{value!r}")
    if not ZERO <= d <= HUNDRED:
        raise InvalidScore(f"分数须在 0–100 之间：{value}")
    if d != d.quantize(TENTH):
        raise InvalidScore(f"分数最多保留一位小数：{value}")
    return d.quantize(UNIT) if d == d.to_integral_value() else d.quantize(TENTH)


def check_score(value: Decimal) -> Decimal:
    """C2: return ``value`` if it is a valid score, else raise :class:`InvalidScore`."""
    if not is_score(value):
        raise InvalidScore(f"分数须为 0–100 之间、最多一位小数的十进制数：{value!r}")
    return value


_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(0, 7)}


def round_half_up(value: Fraction | Decimal | int, places: int) -> Decimal:
    """Exact half-up rounding of a fraction or decimal to ``places`` decimals."""
    quantum = _QUANTA[places]
    if isinstance(value, Decimal):
        return value.quantize(quantum, ROUND_HALF_UP)
    num, den = value.numerator * 10 ** places, value.denominator
    # half up, away from zero on the half, in integers: floor((2|n| + d) / 2d)
    n = (2 * abs(num) + den) // (2 * den)
    return Decimal(n if num >= 0 else -n).scaleb(-places).quantize(quantum)


def exact_mean(values: Sequence[Decimal]) -> Fraction | None:
    """The exact mean of decimals (``None`` for none), kept as a fraction for exact ordering."""
    if not values:
        return None
    num, den = sum(values, ZERO).as_integer_ratio()
    return Fraction(num, den * len(values))


def round_score(value: Fraction | Decimal) -> Decimal:
    """C2: a computed score (a mean, a weighted sum) to one decimal, half up."""
    return round_half_up(value, 1)


def clamp_score(value: Fraction | Decimal) -> Fraction | Decimal:
    """C2/M3: clamp into 0–100."""
    if value < 0:
        return type(value)(0)
    if value > 100:
        return type(value)(100)
    return value


# --- C3 money --------------------------------------------------------------

def round_money(value: Decimal | Fraction) -> Decimal:
    """C3: yuan to 0.01, ROUND_HALF_UP, once at the end of a computation."""
    return round_half_up(value, 2)


# --- C4 quotas ---------------------------------------------------------------

class QuotaRounding(StrEnum):
    """C4: how head counts are rounded."""

    HALF_UP = "四舍五入"
    DOWN = "舍去"


def round_quota(value: Decimal, mode: QuotaRounding = QuotaRounding.HALF_UP) -> int:
    """C4: a head count, half up (四舍五入) or, by policy switch, down."""
    rounding = ROUND_HALF_UP if mode is QuotaRounding.HALF_UP else ROUND_FLOOR
    return int(value.quantize(UNIT, rounding))


# --- C5 dates ---------------------------------------------------------------

def add_years(d: date, years: int) -> date:
    """C5: same month and day ``years`` later; 29 Feb becomes 28 Feb."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 Feb in a common year
        return d.replace(year=d.year + years, day=28)


def one_year_after(d: date) -> date:
    """C5: "one year after D" (2024-02-29 → 2025-02-28)."""
    return add_years(d, 1)


def add_months(d: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    m += 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def tenure_reached(start: date, at: date, years: int = 1) -> bool:
    """C5: tenure counts inclusively, so it is reached when ``at >= start + years − 1 day``.

    Start 2024-10-01 has one year on 2025-09-30.
    """
    return at >= add_years(start, years) - ONE_DAY


def tenure_months(start: date, at: date) -> int | None:
    """C5: whole months of tenure at ``at`` counted inclusively; ``None`` before the start.

    Consistent with :func:`tenure_reached`: ``tenure_months(s, r) >= 12`` exactly when
    ``tenure_reached(s, r)``.
    """
    if at < start:
        return None
    m = (at.year - start.year) * 12 + (at.month - start.month)
    while m > 0 and add_months(start, m) - ONE_DAY > at:
        m -= 1
    while add_months(start, m + 1) - ONE_DAY <= at:
        m += 1
    return m


def describe_tenure(start: date, at: date) -> str:
    """``"1 年 3 个月"``, ``"10 个月"``, ``"不足 1 个月"`` or ``"尚未开始"``."""
    months = tenure_months(start, at)
    if months is None:
        return "尚未开始"
    if months == 0:
        return "不足 1 个月"
    years, rest = divmod(months, 12)
    if years == 0:
        return f"{rest} 个月"
    return f"{years} 年" if rest == 0 else f"{years} 年 {rest} 个月"


_MonthTuple = namedtuple("_MonthTuple", "year month")


@functools.lru_cache(maxsize=1024)
def _month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


class Month(_MonthTuple):
    """A calendar month (月份), ordered; ``str()`` gives ``2025-03``.

    A named tuple (year, month): hashing and ordering run at C speed, which
    matters when twenty thousand people's months are looked up.
    """

    __slots__ = ()

    def __new__(cls, year: int, month: int) -> "Month":
        if not 1 <= month <= 12:
            raise ValueError(f"月份须在 1–12 之间：{month}")
        return tuple.__new__(cls, (year, month))

    @classmethod
    def of(cls, d: date) -> "Month":
        return tuple.__new__(cls, (d.year, d.month))

    @classmethod
    def parse(cls, text: str) -> "Month":
        """``"2025-03"`` → ``Month(2025, 3)``."""
        y, m = text.strip().split("-")
        return cls(int(y), int(m))

    @property
    def first_day(self) -> date:
        return _month_bounds(self[0], self[1])[0]

    @property
    def last_day(self) -> date:
        return _month_bounds(self[0], self[1])[1]

    def plus(self, months: int) -> "Month":
        y, m = divmod(self[1] - 1 + months, 12)
        return tuple.__new__(Month, (self[0] + y, m + 1))

    def next(self) -> "Month":
        return self.plus(1)

    def prev(self) -> "Month":
        return self.plus(-1)

    def __str__(self) -> str:
        return f"{self[0]:04d}-{self[1]:02d}"

    def __repr__(self) -> str:
        return f"Month({self[0]}, {self[1]})"


@functools.cache
def months_of_year(year: int) -> tuple[Month, ...]:
    return tuple(Month(year, m) for m in range(1, 13))


def months_between(first: Month, last: Month) -> tuple[Month, ...]:
    """The months from ``first`` to ``last`` inclusive (empty if ``last < first``)."""
    out = []
    m = first
    while m <= last:
        out.append(m)
        m = m.next()
    return tuple(out)


@functools.lru_cache(maxsize=256)
def window_months(reference: date, count: int) -> tuple[Month, ...]:
    """M7: the last ``count`` whole calendar months ending on or before ``reference``.

    R = 2025-09-30 → Oct 2024 … Sep 2025; R = 2025-09-15 → Sep 2024 … Aug 2025.
    """
    last = Month.of(reference)
    if reference != last.last_day:
        last = last.prev()
    return tuple(last.plus(-i) for i in range(count - 1, -1, -1))
