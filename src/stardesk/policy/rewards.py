"""A1–A3 (with Y4/K4): the award ceremony, its one-off rewards and certificates.

The award date ends every title of the previous cycle (reason 换届) and starts
the titles of the committee's final list, the complete list of holders (Y4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable, Mapping, Sequence

from .conventions import round_money
from .errors import InvalidInput
from .facts import LEVELS, EndReason, TitleSpell
from .people import spell_order
from .reasons import Reason, amount as amount_text, day, level as level_text
from .yearly import YearlyPolicy


@dataclass(frozen=True, slots=True)
class Award:
    """A1: one holder of the final list (K4) and the title awarded."""

    staff_no: str
    level: int
    job_type: str


def award_titles(titles_by_person: Mapping[str, Sequence[TitleSpell]], awards: Iterable[Award],
                 award_date: date) -> dict[str, tuple[TitleSpell, ...]]:
    """A1/Y4: every person's history after the award ceremony on ``award_date``.

    Every title held on the award date ends there (换届), whether or not the
    person is awarded again; each award starts a new spell.
    """
    awards = list(awards)
    seen: set[str] = set()
    for a in awards:
        if a.level not in LEVELS:
            raise InvalidInput(f"{a.staff_no}：授牌星级须为 1–3")
        if a.staff_no in seen:
            raise InvalidInput(f"{a.staff_no}：同一人只能授一个星级")
        seen.add(a.staff_no)
    out: dict[str, tuple[TitleSpell, ...]] = {}
    for staff_no in set(titles_by_person) | seen:
        spells = []
        for t in titles_by_person.get(staff_no, ()):
            if t.held_on(award_date):
                t = TitleSpell(t.level, t.job_type, t.start, award_date, EndReason.RENEWAL)
            spells.append(t)
        out[staff_no] = spells  # type: ignore[assignment]
    for a in awards:
        out[a.staff_no].append(TitleSpell(a.level, a.job_type, award_date))  # type: ignore[union-attr]
    return {k: tuple(sorted(v, key=spell_order)) for k, v in out.items()}


@dataclass(frozen=True, slots=True)
class RewardDecision:
    """A2: the one-off company reward for one award."""

    staff_no: str
    level: int
    award_date: date
    amount: Decimal
    first_time: bool
    reasons: tuple[Reason, ...]
    policy_version: str


def award_reward(staff_no: str, level: int, award_date: date, titles_before: Iterable[TitleSpell],
                 policy: YearlyPolicy) -> RewardDecision:
    """A2: 2-star 500, 3-star 800, 1-star none (*default*: every award; policy: first time only).

    "First time" means the person has held no title at that level or higher
    before the award date.
    """
    first = not any(t.level >= level and t.start < award_date for t in titles_before)
    full = round_money(policy.reward(level))
    if full == 0:
        money, text = full, f"{level_text(level)}无一次性奖励"
    elif policy.a2_first_time_only and not first:
        money = round_money(Decimal(0))
        text = f"{level_text(level)}一次性奖励仅首次获得时发放，此前已获得过{level_text(level)}或以上，不再发放"
    else:
        money = full
        text = f"{day(award_date)} 授{level_text(level)}，一次性奖励 {amount_text(full)}"
    return RewardDecision(staff_no, level, award_date, money, first, (Reason("A2", text),), policy.p2_version)


@dataclass(frozen=True, slots=True)
class Certificate:
    """A3: a certificate to produce for a holder of the new list."""

    staff_no: str
    level: int
    job_type: str
    award_date: date


def certificates_due(awards: Iterable[Award], award_date: date) -> tuple[Certificate, ...]:
    """A3: one certificate per award of the ceremony."""
    return tuple(Certificate(a.staff_no, a.level, a.job_type, award_date) for a in awards)
