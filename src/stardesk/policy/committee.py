"""K1–K4: the committee's lists, the proposal within quotas, and the quota guard.

K1: per level, the candidates who passed that level's exam (or a higher one),
ordered by composite score (X5). K2: the proposal fills each level up to its
quota from the top, overflow moving down a level as in Q4. K3: any change by
the committee that would put a level over its quota is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Iterable, Mapping

from .conventions import round_half_up
from .eligibility import EligibilityDecision
from .errors import IllegalTransition, InvalidInput, QuotaExceeded
from .facts import LEVELS, VETO_CATEGORIES, SUPERVISION_CATEGORIES, Event
from .people import staff_no_key
from .quotas import Quotas
from .ratings import exact_sort_keys, rating_key
from .reasons import Reason, day, level as level_text, num
from .yearly import YearlyPolicy


@dataclass(frozen=True, slots=True)
class Candidate:
    """A recommended candidate after the exams (X3): the committee's input.

    ``qualified_level`` is the highest level passed and valid (X3/X4, 0 = none);
    ``composite`` the exact X5 value (``None`` when a part is missing);
    ``flags`` the K1 flags in Chinese (see :func:`flags_for`).
    """

    staff_no: str
    recommended_level: int
    qualified_level: int
    eligible_levels: frozenset[int]
    hotline_start: date
    composite: Fraction | None = None
    flags: tuple[str, ...] = ()

    @property
    def start_level(self) -> int:
        """K1: the list the candidate appears on: the recommended level, or lower after the cascade."""
        return min(self.recommended_level, self.qualified_level)


def candidate_key(c: Candidate) -> tuple:
    """K1: composite high to low (missing last), then earlier hotline start, then staff number."""
    return (rating_key(c.composite), c.hotline_start, staff_no_key(c.staff_no))


def _composite_text(value: Fraction | None) -> str:
    return "综合得分暂缺" if value is None else f"综合得分 {num(round_half_up(value, 2))}"


def committee_lists(candidates: Iterable[Candidate]) -> dict[int, tuple[Candidate, ...]]:
    """K1: per level (3, 2, 1) the candidates qualified there, in composite order."""
    lists: dict[int, list[Candidate]] = {L: [] for L in LEVELS}
    for c in candidates:
        if c.start_level >= 1:
            lists[c.start_level].append(c)
    keys = _fast_keys([c for L in LEVELS for c in lists[L]])
    return {L: tuple(sorted(lists[L], key=lambda c: keys[id(c)])) for L in sorted(LEVELS, reverse=True)}


def _fast_keys(candidates: list[Candidate]) -> dict[int, tuple]:
    """:func:`candidate_key` by ``id()``, with the composite as exact integers (fast to sort)."""
    exact = exact_sort_keys([c.composite for c in candidates])
    return {id(c): (k, c.hotline_start, staff_no_key(c.staff_no)) for c, k in zip(candidates, exact)}


@dataclass(frozen=True, slots=True)
class ProposalEntry:
    """K2: ``staff_no`` proposed at ``level`` in ``position``."""

    staff_no: str
    recommended_level: int
    level: int
    position: int
    composite: Fraction | None
    flags: tuple[str, ...]
    reasons: tuple[Reason, ...]

    @property
    def composite_shown(self) -> Decimal | None:
        return None if self.composite is None else round_half_up(self.composite, 2)


@dataclass(frozen=True, slots=True)
class NotProposed:
    """K2: a candidate left out of the proposal, with why."""

    staff_no: str
    recommended_level: int
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Proposal:
    """K2: the proposed holder list, every level within its quota (Q2)."""

    entries: tuple[ProposalEntry, ...]
    not_proposed: tuple[NotProposed, ...]
    quotas: Quotas
    policy_version: str

    def at_level(self, level: int) -> tuple[ProposalEntry, ...]:
        return tuple(e for e in self.entries if e.level == level)

    def counts(self) -> dict[int, int]:
        return {L: sum(1 for e in self.entries if e.level == L) for L in LEVELS}


def propose(candidates: Iterable[Candidate], quotas: Quotas, policy: YearlyPolicy) -> Proposal:
    """K2: fill 3-star, then 2-star, then 1-star up to quota; overflow moves down (Q4)."""
    pools: dict[int, list[tuple[Candidate, list[Reason]]]] = {L: [] for L in LEVELS}
    left_out: list[NotProposed] = []
    for c in candidates:
        if c.start_level < 1:
            left_out.append(NotProposed(c.staff_no, c.recommended_level,
                                        (Reason("X3", "未通过任何有效的资格考试", False),)))
        else:
            pools[c.start_level].append((c, []))
    keys = _fast_keys([c for L in LEVELS for c, _ in pools[L]])
    entries: list[ProposalEntry] = []
    for L in sorted(LEVELS, reverse=True):
        quota = quotas.for_level(L)
        ordered = sorted(pools[L], key=lambda item: keys[id(item[0])])
        for position, (c, history) in enumerate(ordered, start=1):
            if position <= quota:
                text = f"{level_text(L)}第 {position} 位（名额 {quota} 人），{_composite_text(c.composite)}"
                entries.append(ProposalEntry(c.staff_no, c.recommended_level, L, position, c.composite,
                                             c.flags, tuple(history) + (Reason("K2", text),)))
                continue
            note = [Reason("K2", f"{level_text(L)}名额 {quota} 人已满（排第 {position} 位）")]
            # Q4 as applied by K2: down to the next level where the candidate is eligible.
            target = next((M for M in range(L - 1, 0, -1) if M in c.eligible_levels), None)
            if target is None:
                note.append(Reason("Q4", "无更低可评星级，不予评定", False))
                left_out.append(NotProposed(c.staff_no, c.recommended_level, tuple(history + note)))
            else:
                note.append(Reason("Q4", f"转入{level_text(target)}"))
                pools[target].append((c, history + note))
    return Proposal(tuple(entries), tuple(left_out), quotas, policy.p2_version)


# --- K3 quota guard --------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class LevelChangeCheck:
    """K3: whether a one-person change keeps every level within quota."""

    allowed: bool
    reasons: tuple[Reason, ...]


def can_set_level(counts: Mapping[int, int], quotas: Quotas, *, to_level: int,
                  from_level: int = 0) -> LevelChangeCheck:
    """K3: may one person go from ``from_level`` (0 = none) to ``to_level`` (0 = reject)?

    ``counts`` are the current final counts per level, this person included at
    ``from_level``. Lowering, rejecting or keeping is always within quota.
    """
    if to_level == from_level or to_level == 0:
        return LevelChangeCheck(True, (Reason("K3", "不增加任何星级人数", True),))
    quota = quotas.for_level(to_level)
    current = counts.get(to_level, 0)
    if current + 1 > quota:
        return LevelChangeCheck(False, (Reason(
            "K3", f"{level_text(to_level)}已有 {current} 人，名额 {quota} 人，不能再增加", False),))
    return LevelChangeCheck(True, (Reason(
        "K3", f"{level_text(to_level)}变更后 {current + 1} 人，未超名额 {quota} 人", True),))


def ensure_can_set_level(counts: Mapping[int, int], quotas: Quotas, *, to_level: int,
                         from_level: int = 0) -> None:
    """K3: raise :class:`QuotaExceeded` when the change is refused (the system refuses, it does not warn)."""
    check = can_set_level(counts, quotas, to_level=to_level, from_level=from_level)
    if not check.allowed:
        raise QuotaExceeded(check.reasons[0].text)


# --- K3/K4 decisions, one person at a time ------------------------------------------

@dataclass(frozen=True, slots=True)
class CommitteeAction:
    """K3: one recorded decision: ``to_level`` (0 = reject) by ``member`` at ``at`` with ``reason``."""

    staff_no: str
    to_level: int
    member: str
    at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class CommitteeResult:
    """K3/K4: the holder list as decided so far; once ``closed`` it is final (Y4)."""

    levels: tuple[tuple[str, int], ...]  # (staff_no, level), level 0 = not a holder
    actions: tuple[CommitteeAction, ...]
    closed: bool = False

    def level_of(self, staff_no: str) -> int:
        return next((lv for s, lv in self.levels if s == staff_no), 0)

    def counts(self) -> dict[int, int]:
        return {L: sum(1 for _, lv in self.levels if lv == L) for L in LEVELS}

    @property
    def holders(self) -> tuple[tuple[str, int], ...]:
        """K4/Y4: the complete list of holders from the next award date."""
        return tuple((s, lv) for s, lv in self.levels if lv > 0)


def start_result(proposal: Proposal) -> CommitteeResult:
    """K3: the committee starts from the proposal (K2)."""
    return CommitteeResult(tuple((e.staff_no, e.level) for e in proposal.entries), ())


def apply_action(result: CommitteeResult, action: CommitteeAction, quotas: Quotas) -> CommitteeResult:
    """K3: approve, reject or change one person, refusing anything over quota; K4: refused once closed."""
    if result.closed:
        raise IllegalTransition("评定结果已关闭，不能再修改")
    if not action.member.strip() or not action.reason.strip():
        raise InvalidInput("每项评定须记录委员和理由")
    if action.to_level not in (0, *LEVELS):
        raise InvalidInput(f"评定星级须为 0–3，不能是 {action.to_level}")
    current = result.level_of(action.staff_no)
    ensure_can_set_level(result.counts(), quotas, to_level=action.to_level, from_level=current)
    others = tuple((s, lv) for s, lv in result.levels if s != action.staff_no)
    return CommitteeResult(others + ((action.staff_no, action.to_level),), result.actions + (action,))


def close_result(result: CommitteeResult) -> CommitteeResult:
    """K4: the decision becomes final."""
    return replace(result, closed=True)


def flags_for(eligibility: EligibilityDecision | None, events: Iterable[Event], year: int) -> tuple[str, ...]:
    """K1: the flags the committee sees: E1 exception, E4 honour, the year's vetoes (M5/V1)."""
    flags = []
    if eligibility is not None:
        if eligibility.leader_exception:
            text = next((r.text for r in eligibility.reasons if r.rule == "E1"), "")
            flags.append(f"E1 例外：{text}")
        if eligibility.honour:
            flags.append("E4 荣誉优先")
    for e in sorted(events, key=lambda e: e.on):
        if e.on.year == year and (e.category in VETO_CATEGORIES or e.category in SUPERVISION_CATEGORIES):
            severity = f"（{e.severity}）" if e.severity else ""
            flags.append(f"{'M5' if e.category in VETO_CATEGORIES else 'V1'} {day(e.on)} {e.category}{severity}")
    return tuple(flags)
