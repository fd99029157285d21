"""Statistics of a sitting and of its questions, for the supervisor to judge the paper and the bank.

Per sitting: how many scored, the distribution in bands of 10 points
([0, 10), [10, 20), … [90, 100]), mean, median, standard deviation (spread),
lowest and highest, and the pass rate of a qualification exam.

Per question version (items scored by their key in force and their latest grade):
- facility (难度系数 P): the mean share of the marks candidates obtained;
- discrimination (区分度 D, upper and lower 27% groups): P in the best 27% of
  candidates by exam score minus P in the worst 27% (group size rounded half
  up, at least 1; not computed under 4 candidates);
- exposure (曝光): the share of this sitting's candidates who saw it (papers
  drawn per person differ), and how many attempts held it in all sittings.
A question is flagged when P < 0.20 (too hard) or P > 0.95 (too easy), or
D < 0.20 (does not tell strong from weak): the thresholds of classical test
theory that item analysis commonly uses.

Figures are Decimals (scores to 0.1, the rest to 0.01); nothing is stored.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count
from django.utils.translation import gettext as _

from stardesk.exams.attempt_scores import LEVEL_KINDS, score_attempts, sitting_policy
from stardesk.exams.models import Answer, Attempt, AttemptStatus, QuestionVersion, Sitting, SittingResult
from stardesk.policy.conventions import round_half_up, round_score

FACILITY_LOW = Decimal("0.20")
FACILITY_HIGH = Decimal("0.95")
DISCRIMINATION_LOW = Decimal("0.20")
GROUP_SHARE = Fraction(27, 100)
MIN_FOR_DISCRIMINATION = 4
BANDS = tuple(range(0, 100, 10))
HUNDREDTH = Decimal("0.01")


def _hundredth(value: Fraction) -> Decimal:
    return round_half_up(value, 2)


@dataclass
class Band:
    label: str
    low: int
    count: int = 0


@dataclass
class SittingStats:
    count: int
    mean: Decimal | None = None
    median: Decimal | None = None
    spread: Decimal | None = None  # population standard deviation
    lowest: Decimal | None = None
    highest: Decimal | None = None
    passed: int | None = None
    pass_rate: Decimal | None = None
    bands: list[Band] = field(default_factory=list)


@dataclass
class ItemStats:
    version: QuestionVersion
    seen: int
    scored: int
    exposure: Decimal | None
    all_attempts: int
    facility: Decimal | None
    discrimination: Decimal | None
    voided: bool = False
    flags: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


def score_statistics(scores: list[Decimal], passed: list[bool | None]) -> SittingStats:
    stats = SittingStats(count=len(scores), bands=[Band(f"{low}–{low + 10}", low) for low in BANDS])
    if not scores:
        return stats
    ordered = sorted(scores)
    n = len(ordered)
    exact = [Fraction(s) for s in ordered]
    mean = sum(exact) / n
    stats.mean = round_score(mean)
    middle = n // 2
    stats.median = round_score(exact[middle] if n % 2 else (exact[middle - 1] + exact[middle]) / 2)
    variance = sum((s - mean) ** 2 for s in exact) / n
    stats.spread = (Decimal(variance.numerator) / Decimal(variance.denominator)).sqrt().quantize(HUNDREDTH, ROUND_HALF_UP)
    stats.lowest, stats.highest = ordered[0], ordered[-1]
    for s in ordered:
        index = min(int(s // 10), len(BANDS) - 1)  # 100 belongs to the last band
        stats.bands[index].count += 1
    decided = [p for p in passed if p is not None]
    if decided:
        stats.passed = sum(1 for p in decided if p)
        stats.pass_rate = _hundredth(Fraction(stats.passed, len(decided)))
    return stats


def _group_size(n: int) -> int:
    return max(1, int(round_half_up(GROUP_SHARE * n, 0)))


def sitting_statistics(sitting: Sitting) -> tuple[SittingStats, list[ItemStats]]:
    """The sitting's distribution and its questions' analysis (offline sittings: the distribution only)."""
    stored = list(SittingResult.objects.filter(sitting=sitting, released_at__isnull=False, score__isnull=False).values_list("attempt_id", "score", "passed"))
    attempts = list(Attempt.objects.filter(sitting=sitting, status=AttemptStatus.SUBMITTED))
    if not attempts:
        return score_statistics([s for _a, s, _p in stored], [p for _a, _s, p in stored]), []
    for attempt in attempts:
        attempt.sitting = sitting
    policy, _version = sitting_policy(sitting)
    computed = {pk: s for pk, s in score_attempts(attempts, policy=policy).items() if s.complete}
    if stored:
        totals = {a: s for a, s, _p in stored if a in computed}
        passed = [p for a, _s, p in stored if a in computed]
    else:
        totals = {pk: s.score for pk, s in computed.items() if s.score is not None}
        passed = [s.passed for s in computed.values() if s.score is not None] if sitting.kind in LEVEL_KINDS else []
    stats = score_statistics(list(totals.values()), passed)
    return stats, _item_statistics(sitting, computed, totals)


def _item_statistics(sitting: Sitting, computed: dict, totals: dict) -> list[ItemStats]:
    shares: dict[int, dict[int, Fraction]] = defaultdict(dict)  # version → attempt → share of marks
    seen: dict[int, int] = defaultdict(int)
    voided: set[int] = set()
    for attempt_id, score in computed.items():
        for item in score.items:
            seen[item.version_id] += 1
            if item.voided:
                voided.add(item.version_id)
            elif item.score is not None and item.marks:
                shares[item.version_id][attempt_id] = Fraction(item.score) / Fraction(item.marks)
    ranked = sorted(totals, key=lambda a: (totals[a], a))
    n = len(ranked)
    lower, upper = set(), set()
    if n >= MIN_FOR_DISCRIMINATION:
        size = _group_size(n)
        lower, upper = set(ranked[:size]), set(ranked[-size:])
    versions = QuestionVersion.objects.filter(pk__in=list(seen)).select_related("question")
    everywhere = dict(Answer.objects.filter(item__version__in=list(seen)).values_list("item__version").annotate(n=Count("attempt", distinct=True)))
    found = []
    for version in versions:
        by_attempt = shares.get(version.pk, {})
        facility = _hundredth(sum(by_attempt.values()) / len(by_attempt)) if by_attempt else None
        discrimination = None
        high = [v for a, v in by_attempt.items() if a in upper]
        low = [v for a, v in by_attempt.items() if a in lower]
        if high and low:
            discrimination = _hundredth(sum(high) / len(high) - sum(low) / len(low))
        stats = ItemStats(version, seen[version.pk], len(by_attempt), _hundredth(Fraction(seen[version.pk], len(computed))) if computed else None,
                          everywhere.get(version.pk, 0), facility, discrimination, version.pk in voided)
        if facility is not None and facility < FACILITY_LOW:
            stats.flags.append(_("偏难（难度系数 < 0.20）"))
        if facility is not None and facility > FACILITY_HIGH:
            stats.flags.append(_("偏易（难度系数 > 0.95）"))
        if discrimination is not None and discrimination < DISCRIMINATION_LOW:
            stats.flags.append(_("区分度低（< 0.20）"))
        found.append(stats)
    found.sort(key=lambda s: (not s.flagged, s.version.question.number, s.version.number))
    return found
