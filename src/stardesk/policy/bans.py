"""E6: the one-year application ban after a title was lowered or revoked as a sanction.

Bans are read from title history only: a spell that ended with reason 降级 or
取消 (imported history included) is a sanction taking effect on its ``end``
date D, and the person may not apply while R < D + 1 year (C5). 名次调整 (J3)
sets a ban only if the policy switch says so. A sanction on someone holding
no title leaves no spell, hence no ban.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from .conventions import ONE_DAY, one_year_after
from .facts import SANCTION_END_REASONS, EndReason, TitleSpell
from .reasons import Reason, day, level as level_text
from .yearly import YearlyPolicy


@dataclass(frozen=True, slots=True)
class Ban:
    """E6: a ban from ``start`` (the sanction's effective date) until the day before ``until``."""

    start: date
    until: date  # first day the person may apply again
    level_before: int
    level_after: int
    end_reason: EndReason
    job_type: str

    def active_on(self, on: date) -> bool:
        return self.start <= on < self.until

    @property
    def last_banned_day(self) -> date:
        return self.until - ONE_DAY

    def describe(self) -> str:
        title = f"{self.job_type}{level_text(self.level_before)}"
        if self.level_after == 0:
            what = f"{title}被取消"
        elif self.end_reason is EndReason.RANK_ADJUSTMENT:
            what = f"{title}因名次调整降为{level_text(self.level_after)}"
        else:
            what = f"{title}降为{level_text(self.level_after)}"
        return f"{day(self.start)} {what}，一年内不得申报，{day(self.until)} 起方可申报"


def _sets_ban(reason: EndReason | None, policy: YearlyPolicy) -> bool:
    if reason in SANCTION_END_REASONS:
        return True
    # E6 default: the June ranking adjustment is not a sanction.
    return reason is EndReason.RANK_ADJUSTMENT and policy.e6_rank_adjustment_sets_ban


def bans_from_history(titles: Iterable[TitleSpell], policy: YearlyPolicy) -> tuple[Ban, ...]:
    """E6: every ban set by the title history, in date order."""
    spells = tuple(titles)
    bans = []
    for t in spells:
        if t.end is None or not _sets_ban(t.end_reason, policy):
            continue
        after = next((s.level for s in spells if s.start == t.end and s.job_type == t.job_type), 0)
        bans.append(Ban(t.end, one_year_after(t.end), t.level, after, t.end_reason, t.job_type))
    return tuple(sorted(bans, key=lambda b: b.start))


def active_ban(titles: Iterable[TitleSpell], on: date, policy: YearlyPolicy) -> Ban | None:
    """E6: the ban in force on ``on`` that lasts longest, or ``None``."""
    active = [b for b in bans_from_history(titles, policy) if b.active_on(on)]
    return max(active, key=lambda b: b.until) if active else None


def ban_check(titles: Iterable[TitleSpell], reference_date: date, policy: YearlyPolicy) -> Reason:
    """E6 as an eligibility check at R."""
    ban = active_ban(titles, reference_date, policy)
    if ban is None:
        return Reason("E6", "近一年内无降级或取消星级处分", True)
    return Reason("E6", ban.describe(), False)
