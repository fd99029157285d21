"""Reasons carried by every decision, and the one way to render the 依据 column (P3).

A :class:`Reason` names the rule id of policy.md that applied and says, in
Chinese a team leader can read out, which figures it used. ``basis()`` turns
a decision (anything with ``.reasons``) or a list of reasons into the text of
the 依据 / 原因 columns, e.g. ``M4: 90.5分, 2星基数200元 × 90.5% = 181.00元``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable, Protocol, Union

SEPARATOR = "；"


@dataclass(frozen=True, slots=True)
class Reason:
    """One rule applied: ``rule`` is the id (``"M4"``), ``text`` the figures used.

    ``passed`` is set for a check (eligibility, quota refusal): ``True`` when
    the condition holds, ``False`` when it fails, ``None`` for a plain
    explanation.
    """

    rule: str
    text: str
    passed: bool | None = None

    def __str__(self) -> str:
        return f"{self.rule}: {self.text}"


class HasReasons(Protocol):
    reasons: tuple[Reason, ...]


def basis(decision: Union[HasReasons, Iterable[Reason]]) -> str:
    """The 依据 text of a decision: ``"M5: …；M4: …"`` (P3)."""
    reasons = getattr(decision, "reasons", decision)
    return SEPARATOR.join(f"{r.rule}: {r.text}" for r in reasons)


def failures(reasons: Iterable[Reason]) -> tuple[Reason, ...]:
    """The checks among ``reasons`` that failed."""
    return tuple(r for r in reasons if r.passed is False)


# --- figures as a team leader reads them --------------------------------

@functools.lru_cache(maxsize=4096)
def num(value: Decimal | int) -> str:
    """A decimal without trailing zeros: ``90.5``, ``90``, ``0.3``.

    Cached: the same few thousand figures recur in every decision; equal
    decimals give the same text whatever their exponent.
    """
    if isinstance(value, int):
        return str(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def score(value: Decimal) -> str:
    """``90.5分``."""
    return f"{num(value)}分"


def yuan(value: Decimal) -> str:
    """A base or reward amount: ``200元`` (no forced decimals)."""
    return f"{num(value)}元"


def amount(value: Decimal) -> str:
    """A computed, rounded amount (C3): ``181.00元``."""
    return f"{value:.2f}元"


def percent(rate: Decimal) -> str:
    """A rate as a percentage: ``Decimal('0.905')`` → ``90.5%``."""
    return f"{num(rate * 100)}%"


def level(value: int) -> str:
    """``2星``; 0 or less reads ``无星级``."""
    return f"{value}星" if value > 0 else "无星级"


def day(value: date) -> str:
    """ISO date, the form of the spreadsheets: ``2025-09-30``."""
    return value.isoformat()
