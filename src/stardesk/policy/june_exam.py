"""J1–J4 and the E7 rank gate: the June comprehensive exam and what follows from it.

J1 ranks everyone with a June score of year Y (a later sitting replaces an
earlier one) with competition ranks (1, 2, 2, 4). J2 gives everyone a
second-half coefficient. J3 lowers the star treatment of low scorers for
July–December and moves holders whose rank no longer allows their level.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable, Mapping

from .conventions import HUNDRED, Month, at_most, round_quota
from .facts import EndReason, ExamKind, ExamResult, PersonFacts, TitleSpell
from .people import TitleChange, title_on
from .reasons import Reason, day, level as level_text, num, percent, score as score_text
from .yearly import LowerOrCancel, RankLimitMode, YearlyPolicy

SECOND_HALF = range(7, 13)  # J3: July–December


@dataclass(frozen=True, slots=True)
class JuneResult:
    """J1: the counting June score of one person, with competition rank among ``ranked_count``."""

    staff_no: str
    year: int
    score: Decimal
    rank: int
    ranked_count: int
    sat_on: date
    sittings: int = 1

    def describe(self) -> str:
        return f"{self.year}年年中综合考试 {score_text(self.score)}，第 {self.rank} 名（共 {self.ranked_count} 人）"


def june_sitting(exams: Iterable[ExamResult], year: int, as_of: date | None = None) -> tuple[ExamResult | None, int]:
    """J1: the counting sitting of year Y (the later one) and the number of sittings."""
    sittings = [e for e in exams
                if e.kind is ExamKind.JUNE and e.on.year == year and e.score is not None
                and (as_of is None or e.on <= as_of)]
    if not sittings:
        return None, 0
    # J1: the later sitting counts; on the same day the one recorded last.
    latest = max(range(len(sittings)), key=lambda i: (sittings[i].on, i))
    return sittings[latest], len(sittings)


def competition_ranks(scores: Mapping[str, Decimal]) -> dict[str, int]:
    """J1/E7: competition ranks, higher score first; ties share a rank (1, 2, 2, 4)."""
    ordered = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    ranks: dict[str, int] = {}
    previous = None
    rank = 0
    for i, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = i, value
        ranks[key] = rank
    return ranks


def june_results(people: Iterable[PersonFacts], year: int, as_of: date | None = None) -> dict[str, JuneResult]:
    """J1: the counting June result of everyone with a June score of ``year``."""
    counting: dict[str, tuple[ExamResult, int]] = {}
    for p in people:
        sitting, n = june_sitting(p.exams, year, as_of)
        if sitting is not None:
            counting[p.staff_no] = (sitting, n)
    ranks = competition_ranks({k: v[0].score for k, v in counting.items()})
    total = len(counting)
    return {k: JuneResult(k, year, s.score, ranks[k], total, s.on, n) for k, (s, n) in counting.items()}


# --- E7 / J4 rank gate ---------------------------------------------------------

def rank_limits(ranked_count: int, policy: YearlyPolicy) -> tuple[int, int]:
    """E7: (3-star limit, 2-star limit) as ranks, from counts or shares of the ranked staff."""
    if policy.e7_limit_mode is RankLimitMode.COUNT:
        return policy.e7_limit_level3_count, policy.e7_limit_level2_count
    # E7 share mode: a share of the ranked staff is a head count, rounded by C4.
    return (round_quota(policy.e7_limit_level3_share * ranked_count, policy.c4_quota_rounding),
            round_quota(policy.e7_limit_level2_share * ranked_count, policy.c4_quota_rounding))


def allowed_level(result: JuneResult | None, policy: YearlyPolicy) -> int:
    """E7/J4: the highest level the June rank allows (not ranked: 1-star only)."""
    if not policy.e7_gate_enabled:
        return 3
    if result is None:
        return 1
    limit3, limit2 = rank_limits(result.ranked_count, policy)
    # C1: "前五名（含第五名）" includes the limit; ties at the limit all qualify.
    if at_most(result.rank, limit3):
        return 3
    if at_most(result.rank, limit2):
        return 2
    return 1


def _limit_text(level: int, ranked_count: int, policy: YearlyPolicy) -> str:
    limit3, limit2 = rank_limits(ranked_count, policy)
    limit = limit3 if level == 3 else limit2
    if policy.e7_limit_mode is RankLimitMode.SHARE:
        share = policy.e7_limit_level3_share if level == 3 else policy.e7_limit_level2_share
        return f"前 {percent(share)} 即前 {limit} 名"
    return f"前 {limit} 名"


def rank_gate(result: JuneResult | None, level: int, policy: YearlyPolicy) -> Reason:
    """E7: the June rank check for applying for (or keeping) ``level``."""
    if level <= 1:
        return Reason("E7", f"{level_text(1)}不设名次门槛", True)
    if not policy.e7_gate_enabled:
        return Reason("E7", "本年度未启用年中考试名次门槛", True)
    if result is None:
        return Reason("E7", f"未参加年中综合考试，无名次，只能申报{level_text(1)}", False)
    need = _limit_text(level, result.ranked_count, policy)
    ok = allowed_level(result, policy) >= level
    verdict = "符合" if ok else "不符合，只能申报" + level_text(allowed_level(result, policy))
    return Reason("E7", f"{result.describe()}，{level_text(level)}须{need}，{verdict}", ok)


# --- J2 coefficient ------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CoefficientDecision:
    """J2: the second-half bonus coefficient of one person (``None`` when not sat)."""

    staff_no: str
    year: int
    score: Decimal | None
    rank: int | None
    coefficient: Decimal | None
    reasons: tuple[Reason, ...]
    policy_version: str


def coefficient_for_score(s: Decimal, policy: YearlyPolicy) -> Decimal:
    """J2: 130% / 120% / 100% by band, below the lowest band s%."""
    if s >= policy.j2_band1_from:
        return policy.j2_band1_coefficient
    if s >= policy.j2_band2_from:
        return policy.j2_band2_coefficient
    if s >= policy.j2_band3_from:
        return policy.j2_band3_coefficient
    return s / HUNDRED


def second_half_coefficient(staff_no: str, year: int, result: JuneResult | None,
                            policy: YearlyPolicy) -> CoefficientDecision:
    """J2 for one person."""
    if result is None:
        reason = Reason("J2", f"未参加{year}年年中综合考试，无下半年奖金系数")
        return CoefficientDecision(staff_no, year, None, None, None, (reason,), policy.p2_version)
    s = result.score
    c = coefficient_for_score(s, policy)
    if s >= policy.j2_band1_from:
        band = f"{num(s)} ≥ {num(policy.j2_band1_from)}"
    elif s >= policy.j2_band2_from:
        band = f"{num(policy.j2_band2_from)} ≤ {num(s)} < {num(policy.j2_band1_from)}"
    elif s >= policy.j2_band3_from:
        band = f"{num(policy.j2_band3_from)} ≤ {num(s)} < {num(policy.j2_band2_from)}"
    else:
        band = f"{num(s)} < {num(policy.j2_band3_from)}，按分数百分比"
    reason = Reason("J2", f"{result.describe()}，{band}，系数 {percent(c)}")
    return CoefficientDecision(staff_no, year, s, result.rank, c, (reason,), policy.p2_version)


# --- J3 adjustments ------------------------------------------------------------

def june_treatment(june_score: Decimal | None, month: Month, policy: YearlyPolicy) -> LowerOrCancel | None:
    """J3 as seen by M4: lowering or cancel of the star treatment in July–December."""
    if june_score is None or month.month not in SECOND_HALF:
        return None
    if at_most(june_score, policy.j3_low_score_at_most):  # C1: "65分(含)"
        return policy.j3_low_score_choice
    return None


@dataclass(frozen=True, slots=True)
class JuneAdjustment:
    """J3 for one person: the treatment change for July–December and the rank move of the title."""

    staff_no: str
    year: int
    score: Decimal | None
    rank: int | None
    treatment: LowerOrCancel | None
    title_change: TitleChange | None
    reasons: tuple[Reason, ...]
    policy_version: str


def june_adjustment(staff_no: str, titles: Iterable[TitleSpell], result: JuneResult | None,
                    year: int, policy: YearlyPolicy) -> JuneAdjustment:
    """J3: what the June result of ``year`` changes for a person.

    The rank move applies to the title held on the publication date (default
    1 July) and moves it to the highest level the rank allows (E7); it is a
    title change with reason 名次调整.
    """
    titles = tuple(titles)
    published = policy.j3_results_published.in_year(year)
    reasons: list[Reason] = []
    s = result.score if result is not None else None
    treatment = june_treatment(s, Month(year, 7), policy)
    if treatment is not None:
        what = "降一级" if treatment is LowerOrCancel.LOWER else "取消"
        reasons.append(Reason("J3", f"年中综合考试 {score_text(s)} ≤ {score_text(policy.j3_low_score_at_most)}，"
                                    f"7–12月星级待遇{what}"))
    change = None
    held = title_on(titles, published)
    if held is not None and policy.e7_gate_enabled:
        allowed = allowed_level(result, policy)
        if allowed < held.level:
            change = TitleChange(published, held.job_type, held.level, allowed, EndReason.RANK_ADJUSTMENT, "J3")
            rank_text = result.describe() if result is not None else f"未参加{year}年年中综合考试（无名次）"
            reasons.append(Reason("J3", f"{rank_text}，名次不足以保持{level_text(held.level)}，"
                                        f"{day(published)} 起调整为{level_text(allowed)}"))
    return JuneAdjustment(staff_no, year, s, result.rank if result else None, treatment, change,
                          tuple(reasons), policy.p2_version)
