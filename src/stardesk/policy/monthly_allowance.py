"""M2–M5: evaluations, the monthly score and the monthly star allowance.

M4, for everyone who held a title on some day of month M:
1. L = level held on the last day of M (0 → amount 0);
2. any cancel for M (M5 month cancel, J3 "cancel") → 0;
3. L' = L − 1 for each M5 month lowering and for a J3 lowering (July–December);
4. bands on L': s ≥ 95 → B(L') × 100%; 85 ≤ s < 95 → B(L') × s%;
   s < 85 → B(L' − 1) × 100% (or, by policy, cancel → 0).
No score and no cancel → pending. Money is rounded once at the end (C3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Iterable, Mapping, Sequence

from .conventions import HUNDRED, ZERO, Month, clamp_score, months_of_year, round_money, round_score
from .facts import (SANCTION_END_REASONS, SUPERVISION_CATEGORIES, TITLE_SANCTIONS, VETO_CATEGORIES, EndReason, Event,
                    PersonFacts, Sanction, TitleSpell)
from .june_exam import JuneResult, june_treatment
from .reasons import Reason, amount as amount_text, day, level as level_text, num, percent, score as score_text, yuan
from .supervision import effective_sanction
from .yearly import LowerOrCancel, YearlyPolicy


# --- M2 / M3 scores ------------------------------------------------------------

def evaluation_score(deductions: Iterable[Decimal]) -> Decimal:
    """M2: a rubric evaluation is deduction-based from 100, never below 0."""
    return max(ZERO, HUNDRED - sum(deductions, ZERO))


@dataclass(frozen=True, slots=True)
class MonthlyScoreDecision:
    """M3: the proposed monthly score (``None`` without weekly evaluations)."""

    score: Decimal | None
    reasons: tuple[Reason, ...]


def monthly_score(weekly: Sequence[Decimal], deductions: Sequence[Decimal] = ()) -> MonthlyScoreDecision:
    """M3: mean of the weekly evaluations less month-level deductions, clamped to 0–100, one decimal (C2)."""
    if not weekly:
        return MonthlyScoreDecision(None, (Reason("M3", "本月无周考评，暂无月度得分"),))
    mean = Fraction(sum(weekly, ZERO)) / len(weekly)
    deducted = sum(deductions, ZERO)
    s = round_score(clamp_score(mean - Fraction(deducted)))
    text = f"{len(weekly)} 次周考评均分 {num(round_score(mean))}"
    if deducted:
        text += f"，扣 {num(deducted)} 分"
    return MonthlyScoreDecision(s, (Reason("M3", f"{text}，月度得分 {score_text(s)}"),))


# --- M5 month sanctions ------------------------------------------------------------

def month_sanctions(events: Iterable[Event], month: Month,
                    policy: YearlyPolicy) -> tuple[tuple[Event, ...], tuple[Event, ...]]:
    """M5: the (lowerings, cancels) for ``month`` among ``events``."""
    lowerings, cancels = [], []
    for e in events:
        if e.category in VETO_CATEGORIES and e.on.year == month.year and e.on.month == month.month:
            s = effective_sanction(e, policy)
            if s is Sanction.MONTH_LOWER:
                lowerings.append(e)
            elif s is Sanction.MONTH_CANCEL:
                cancels.append(e)
    return tuple(lowerings), tuple(cancels)


def _veto_text(e: Event, sanction: Sanction) -> str:
    severity = f"（{e.severity}）" if e.severity else ""
    default = "" if e.sanction is not None else "（默认）"
    return f"{day(e.on)} {e.category}{severity}，{sanction}{default}"


_ZERO_MONEY = round_money(ZERO)


def _title_sanction_rule(effective: date, events: Iterable[Event], policy: YearlyPolicy) -> str | None:
    """V1 or M5: the event that ended a title on ``effective`` (in force that day); None when no event explains it
    (an M6 lowering, imported history): then the line says nothing beyond M4 rather than guess."""
    for e in events:
        if (e.effective_on or e.on) != effective:
            continue
        if e.category in SUPERVISION_CATEGORIES:
            return "V1"
        if e.category in VETO_CATEGORIES and effective_sanction(e, policy) in TITLE_SANCTIONS:
            return "M5"
    return None


def title_sanctions_in(titles: Sequence[TitleSpell], month: Month, events: Iterable[Event], level_at_end: int,
                       policy: YearlyPolicy) -> tuple[Reason, ...]:
    """V1/M5: a title lowered or revoked by an event during ``month`` (from its first day on); the month's line
    follows the level held on its last day (M4 step 1), so the whole month counts at the new level."""
    reasons = []
    for t in titles:
        if t.end is None or t.end_reason not in SANCTION_END_REASONS or not month.first_day <= t.end <= month.last_day:
            continue
        rule = _title_sanction_rule(t.end, events, policy)
        if rule is None:
            continue
        what = "降级" if t.end_reason is EndReason.LOWERED else "取消星级"
        after = level_text(level_at_end) if level_at_end else "无星级"
        reasons.append(Reason(rule,
                              f"{day(t.end)} 起{what}：{level_text(t.level)} → {after}；"
                              f"本月待遇按月末（{day(month.last_day)}）所持星级计（M4）"))
    return tuple(reasons)


# --- M4 allowance ---------------------------------------------------------------

class AllowanceStatus(StrEnum):
    DECIDED = "已定"
    PENDING = "待定"  # M4: no confirmed score yet


@dataclass(frozen=True, slots=True)
class AllowanceDecision:
    """M4: the allowance line of one person for one month.

    ``level`` is L, ``treatment_level`` L', ``paid_level`` the level whose base
    was paid (``None`` when nothing is), ``rate`` the 系数 (``Decimal('0.905')``).
    """

    staff_no: str
    month: Month
    level: int
    treatment_level: int
    score: Decimal | None
    paid_level: int | None
    base: Decimal | None
    rate: Decimal | None
    amount: Decimal | None
    status: AllowanceStatus
    reasons: tuple[Reason, ...]
    policy_version: str

    @property
    def pending(self) -> bool:
        return self.status is AllowanceStatus.PENDING


def allowance_line(staff_no: str, titles: Sequence[TitleSpell], month: Month, score: Decimal | None,
                   events: Iterable[Event], june_score: Decimal | None,
                   policy: YearlyPolicy) -> AllowanceDecision | None:
    """M4 for one person and month; ``None`` when no title was held on any day of the month.

    ``june_score`` is the counting June score (J1) of ``month.year``; it only
    matters for July–December (J3).
    """
    first, last = month.first_day, month.last_day
    held, L = False, 0
    for t in titles:  # one pass: held on some day of M, and the level on its last day
        if t.start <= last and (t.end is None or t.end > first):
            held = True
            if (t.end is None or last < t.end) and t.level > L:
                L = t.level
    if not held:
        return None
    version = policy.p2_version
    zero = _ZERO_MONEY
    changed = title_sanctions_in(titles, month, events or (), L, policy)
    # Step 1: the level held on the last day of M.
    if L == 0:
        return AllowanceDecision(staff_no, month, 0, 0, score, None, None, None, zero, AllowanceStatus.DECIDED,
                                 (*changed, Reason("M4", f"月末（{day(last)}）未持有星级，金额 {amount_text(zero)}")), version)
    reasons: list[Reason] = list(changed)
    lowerings, cancels = month_sanctions(events, month, policy) if events else ((), ())
    treatment = june_treatment(june_score, month, policy)
    for e in cancels:
        reasons.append(Reason("M5", _veto_text(e, Sanction.MONTH_CANCEL)))
    if treatment is LowerOrCancel.CANCEL:
        reasons.append(Reason("J3", f"年中综合考试 {score_text(june_score)} ≤ "
                                    f"{score_text(policy.j3_low_score_at_most)}，7–12月星级待遇取消"))
    # Step 2: any cancel → 0.
    if cancels or treatment is LowerOrCancel.CANCEL:
        reasons.append(Reason("M4", f"{level_text(L)}，当月待遇取消，金额 {amount_text(zero)}"))
        return AllowanceDecision(staff_no, month, L, L, score, None, None, None, zero, AllowanceStatus.DECIDED,
                                 tuple(reasons), version)
    # Step 3: the treatment level L'.
    L2 = L
    for e in lowerings:
        L2 -= 1
        reasons.append(Reason("M5", _veto_text(e, Sanction.MONTH_LOWER)))
    if treatment is LowerOrCancel.LOWER:
        L2 -= 1
        reasons.append(Reason("J3", f"年中综合考试 {score_text(june_score)} ≤ "
                                    f"{score_text(policy.j3_low_score_at_most)}，7–12月星级待遇降一级"))
    if L2 != L:
        reasons.append(Reason("M4", f"持有{level_text(L)}，当月待遇按{level_text(L2)}"))
    if score is None:
        reasons.append(Reason("M4", f"{level_text(L2)}，{month} 月度得分未确认，待定"))
        return AllowanceDecision(staff_no, month, L, L2, None, None, None, None, None, AllowanceStatus.PENDING,
                                 tuple(reasons), version)
    # Step 4: the bands, on L'.
    s = score
    # C1: "95分以上" and "85分至94分" include their lower bound.
    if s >= policy.m4_full_rate_from:
        paid, rate = L2, Decimal(1)
        head = f"{score_text(s)} ≥ {score_text(policy.m4_full_rate_from)}"
    elif s >= policy.m4_proportional_from:
        paid, rate = L2, s / HUNDRED
        head = score_text(s)
    elif policy.m4_low_score_choice is LowerOrCancel.LOWER:
        paid, rate = L2 - 1, Decimal(1)
        head = f"{score_text(s)} < {score_text(policy.m4_proportional_from)}，再降一级"
    else:
        reasons.append(Reason("M4", f"{score_text(s)} < {score_text(policy.m4_proportional_from)}，"
                                    f"取消当月待遇，金额 {amount_text(zero)}"))
        return AllowanceDecision(staff_no, month, L, L2, s, None, None, None, zero, AllowanceStatus.DECIDED,
                                 tuple(reasons), version)
    base = policy.base(paid)
    money = round_money(base * rate)  # C3: once, at the end
    if paid <= 0:
        reasons.append(Reason("M4", f"{head}，待遇等级为{level_text(paid)}，金额 {amount_text(money)}"))
        return AllowanceDecision(staff_no, month, L, L2, s, None, None, None, money, AllowanceStatus.DECIDED,
                                 tuple(reasons), version)
    reasons.append(Reason("M4", f"{head}, {paid}星基数{yuan(base)} × {percent(rate)} = {amount_text(money)}"))
    return AllowanceDecision(staff_no, month, L, L2, s, paid, base, rate, money, AllowanceStatus.DECIDED,
                             tuple(reasons), version)


def allowance_for(person: PersonFacts, month: Month, policy: YearlyPolicy,
                  june: JuneResult | None = None) -> AllowanceDecision | None:
    """M4 for a person (scores and events read from ``person``)."""
    if not person.titles:
        return None  # no line: most agents hold no title
    score = next((m.score for m in person.monthly_scores if m.month == month), None)
    june_score = june.score if june is not None and june.year == month.year else None
    return allowance_line(person.staff_no, person.titles, month, score, person.events, june_score, policy)


def allowances_for_month(people: Iterable[PersonFacts], month: Month, policy: YearlyPolicy,
                         june: Mapping[str, JuneResult] | None = None) -> tuple[AllowanceDecision, ...]:
    """M4: every line of ``month`` (everyone who held a title on some day of it)."""
    june = june or {}
    out = []
    for p in people:
        d = allowance_for(p, month, policy, june.get(p.staff_no))
        if d is not None:
            out.append(d)
    return tuple(out)


def allowances_for_year(people: Iterable[PersonFacts], year: int, policy: YearlyPolicy,
                        june: Mapping[str, JuneResult] | None = None) -> dict[Month, tuple[AllowanceDecision, ...]]:
    """M4: every line of every month of ``year``, month by month (same lines as :func:`allowances_for_month`)."""
    june = june or {}
    months = months_of_year(year)
    out: dict[Month, list[AllowanceDecision]] = {m: [] for m in months}
    for p in people:
        if not p.titles:
            continue  # no line in any month
        scores = p.scores_by_month()
        result = june.get(p.staff_no)
        june_score = result.score if result is not None and result.year == year else None
        for m in months:
            d = allowance_line(p.staff_no, p.titles, m, scores.get(m), p.events, june_score, policy)
            if d is not None:
                out[m].append(d)
    return {m: tuple(lines) for m, lines in out.items()}
