"""M6: persistent low scores lower (or revoke) a title.

Within calendar year Y, count the scored months with s < 95 while holding a
title (held on the month's last day, as M4 reads the month): 3 in a row or 6
in total trigger a lowering one level (1-star: revoked; the policy can choose
revoke) from the first day of the next month until the next award. A month
without a score is skipped: it neither counts nor breaks a run. A scored
month without a title breaks the run and does not count. After a trigger both
counts start again; a December trigger takes effect on 1 January. The change
is a sanction (E6): its spell ends with 降级 or 取消.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable, Mapping

from .conventions import Month, months_of_year, short_of
from .facts import SANCTION_END_REASONS, EndReason, TitleSpell
from .people import TitleChange, apply_title_change, level_on, title_on
from .reasons import Reason, day, score as score_text
from .supervision import lowered_level
from .yearly import LowerOrCancel, YearlyPolicy


@dataclass(frozen=True, slots=True)
class LowScoreTrigger:
    """M6: one trigger, the months that caused it and the title change it makes.

    ``change`` is ``None`` when no title is held on the effective date (nothing
    to lower, no ban). ``already_applied`` is true when the history given
    already records the change.
    """

    kind: str
    months: tuple[Month, ...]
    trigger_month: Month
    effective_on: date
    change: TitleChange | None
    already_applied: bool
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class LowScoreResult:
    """M6 for one person and year: the triggers and the title history with them applied."""

    staff_no: str
    year: int
    triggers: tuple[LowScoreTrigger, ...]
    titles: tuple[TitleSpell, ...]
    reasons: tuple[Reason, ...]
    policy_version: str


def _months_text(months: Iterable[Month]) -> str:
    return "、".join(str(m) for m in months)


def persistent_low_scores(staff_no: str, scores: Mapping[Month, Decimal], titles: Iterable[TitleSpell],
                          year: int, policy: YearlyPolicy) -> LowScoreResult:
    """M6 for ``year``; applies each trigger to a working copy of the history so later months see it."""
    working = tuple(titles)
    threshold = policy.m6_threshold
    run: list[Month] = []
    total: list[Month] = []
    triggers: list[LowScoreTrigger] = []
    for m in months_of_year(year):
        s = scores.get(m)
        if s is None:
            continue  # M6: an unscored month neither counts nor breaks a run
        if level_on(working, m.last_day) == 0 or not short_of(s, threshold):
            run = []  # a scored month without a title, or at/above the line, breaks the run
            continue
        run.append(m)
        total.append(m)
        by_run = len(run) >= policy.m6_consecutive_months
        by_total = len(total) >= policy.m6_total_months
        if not (by_run or by_total):
            continue
        if by_run and by_total:
            kind, months = f"连续{len(run)}个月且累计{len(total)}个月", tuple(total)
        elif by_run:
            kind, months = f"连续{len(run)}个月", tuple(run)
        else:
            kind, months = f"累计{len(total)}个月", tuple(total)
        effective = m.next().first_day  # December → 1 January
        trigger_text = f"{year}年{kind}月度得分低于 {score_text(threshold)}（{_months_text(months)}），"
        # Already recorded (a recomputation): a spell ending that day as a sanction.
        prior = next((t for t in working if t.end == effective and t.end_reason in SANCTION_END_REASONS), None)
        held = prior or title_on(working, effective)
        if held is None:
            change, applied = None, False
            reasons = (Reason("M6", f"{trigger_text}{day(effective)} 起降级；当日未持有星级，无星级可降"),)
        else:
            if prior is not None:
                after = next((t.level for t in working if t.start == effective and t.job_type == prior.job_type), 0)
                end_reason = prior.end_reason
            elif policy.m6_choice is LowerOrCancel.CANCEL:
                after, end_reason = 0, EndReason.REVOKED
            else:
                after, end_reason = lowered_level(held.level)
            change = TitleChange(effective, held.job_type, held.level, after, end_reason, "M6")
            applied = prior is not None
            if not applied:
                working = apply_title_change(working, change)
            reasons = (Reason("M6", f"{trigger_text}{change.describe()}，至下次授牌"),
                       Reason("E6", "属处分，一年内不得申报"))
        triggers.append(LowScoreTrigger(kind, months, m, effective, change, applied, reasons))
        run, total = [], []  # M6: after a lowering both counts start again
    all_reasons = tuple(r for t in triggers for r in t.reasons)
    return LowScoreResult(staff_no, year, tuple(triggers), working, all_reasons, policy.p2_version)
