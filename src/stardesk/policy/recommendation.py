"""Q3–Q4: the team leaders' recommendation lists within the quotas.

At each level, from 3-star down: eligible applicants are ordered (Q3: E4
honour first at 2-star, then the preliminary rating high to low with the
unrated last, then the earlier hotline start, then the staff number); the
first ``quota`` are recommended and the rest overflow (Q4) to the next lower
level at which they are eligible, where they are ordered together with that
level's own applicants. Beyond 1-star nobody is recommended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Iterable

from .conventions import round_half_up
from .errors import InvalidInput
from .facts import LEVELS
from .people import staff_no_key
from .quotas import Quotas
from .ratings import exact_sort_keys, rating_key
from .reasons import Reason, level as level_text, num
from .yearly import YearlyPolicy


@dataclass(frozen=True, slots=True)
class Applicant:
    """One eligible-or-not application as Q3/Q4 see it.

    ``eligible_levels`` are the levels at which E passes (see
    :func:`~.eligibility.eligible_levels`); ``rating`` the exact M7 preliminary
    rating; ``honour`` the E4 flag.
    """

    staff_no: str
    level: int
    eligible_levels: frozenset[int]
    hotline_start: date
    rating: Fraction | None = None
    honour: bool = False


@dataclass(frozen=True, slots=True)
class RecommendationEntry:
    """Q3: ``staff_no`` recommended at ``level`` in ``position`` (1 = first)."""

    staff_no: str
    applied_level: int
    level: int
    position: int
    rating: Fraction | None
    honour: bool
    reasons: tuple[Reason, ...]

    @property
    def overflow(self) -> bool:
        return self.level != self.applied_level

    @property
    def rating_shown(self) -> Decimal | None:
        return None if self.rating is None else round_half_up(self.rating, 2)


@dataclass(frozen=True, slots=True)
class NotRecommended:
    """Q4/E: an applicant left off every list, with why."""

    staff_no: str
    applied_level: int
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class RecommendationList:
    """Q2–Q4: the recommendation lists of a cycle (every level within its quota)."""

    entries: tuple[RecommendationEntry, ...]
    not_recommended: tuple[NotRecommended, ...]
    quotas: Quotas
    policy_version: str

    def at_level(self, level: int) -> tuple[RecommendationEntry, ...]:
        return tuple(e for e in self.entries if e.level == level)

    def counts(self) -> dict[int, int]:
        return {L: sum(1 for e in self.entries if e.level == L) for L in LEVELS}


def order_key(a: Applicant, level: int) -> tuple:
    """Q3: the ordering of ``a`` on the list of ``level``."""
    honour_first = 0 if (level == 2 and a.honour) else 1
    return (honour_first, rating_key(a.rating), a.hotline_start, staff_no_key(a.staff_no))


def _rating_text(rating: Fraction | None) -> str:
    return "无初审评定" if rating is None else f"初审评定 {num(round_half_up(rating, 2))}"


def recommend(applicants: Iterable[Applicant], quotas: Quotas, policy: YearlyPolicy) -> RecommendationList:
    """Q3/Q4: fill each level up to its quota, overflow moving down."""
    pools: dict[int, list[tuple[Applicant, list[Reason]]]] = {L: [] for L in LEVELS}
    rejected: list[NotRecommended] = []
    for a in applicants:
        if a.level not in LEVELS:
            raise InvalidInput(f"申报星级须为 1–3，不能是 {a.level}")
        if a.level in a.eligible_levels:
            pools[a.level].append((a, []))
        else:
            rejected.append(NotRecommended(a.staff_no, a.level, (
                Reason("Q3", f"不符合{level_text(a.level)}申报条件，不参与推荐排序", False),)))

    # Q3/M7: exact rating order as integers (same order as order_key, much faster to sort).
    everyone = [a for pool in pools.values() for a, _ in pool]
    exact = dict(zip(map(id, everyone), exact_sort_keys([a.rating for a in everyone])))

    def key(item: tuple[Applicant, list[Reason]], level: int) -> tuple:
        a = item[0]
        return (0 if (level == 2 and a.honour) else 1, exact[id(a)], a.hotline_start, staff_no_key(a.staff_no))

    entries: list[RecommendationEntry] = []
    for L in sorted(LEVELS, reverse=True):
        quota = quotas.for_level(L)
        ordered = sorted(pools[L], key=lambda item: key(item, L))
        for position, (a, history) in enumerate(ordered, start=1):
            if position <= quota:
                priority = "荣誉优先（E4），" if (L == 2 and a.honour) else ""
                text = f"{level_text(L)}推荐第 {position} 位（名额 {quota} 人），{priority}{_rating_text(a.rating)}"
                entries.append(RecommendationEntry(a.staff_no, a.level, L, position, a.rating,
                                                   a.honour, tuple(history) + (Reason("Q3", text),)))
                continue
            # Q4: beyond the quota, try the next lower level at which the person is eligible.
            note = [Reason("Q4", f"{level_text(L)}名额 {quota} 人已满（排第 {position} 位）")]
            target = next((M for M in range(L - 1, 0, -1) if M in a.eligible_levels), None)
            skipped = [M for M in range(L - 1, target or 0, -1)]
            for M in skipped:
                note.append(Reason("Q4", f"不符合{level_text(M)}申报条件"))
            if target is None:
                note.append(Reason("Q4", "无更低可推荐星级，不予推荐", False))
                rejected.append(NotRecommended(a.staff_no, a.level, tuple(history + note)))
            else:
                note.append(Reason("Q4", f"转入{level_text(target)}推荐名单"))
                pools[target].append((a, history + note))
    return RecommendationList(tuple(entries), tuple(rejected), quotas, policy.p2_version)
