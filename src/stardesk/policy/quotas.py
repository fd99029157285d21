"""Q1–Q2: the three head-count quotas of a cycle.

Q1 = ratio1 × N, Q2 = ratio2 × rounded Q1, Q3 = ratio3 × rounded Q1, each
rounded by C4. The same three numbers cap the recommendation list and the
final holders at each level (Q2), each level counting exactly that level.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .conventions import QuotaRounding, round_quota
from .errors import InvalidInput
from .reasons import Reason, level as level_text, num, percent
from .yearly import YearlyPolicy


@dataclass(frozen=True, slots=True)
class Quotas:
    """Q1: the quota of each level for ``headcount`` people in scope and active at R."""

    headcount: int
    level1: int
    level2: int
    level3: int
    reasons: tuple[Reason, ...]
    policy_version: str

    def for_level(self, level: int) -> int:
        """Q2: the cap at exactly ``level``."""
        return {1: self.level1, 2: self.level2, 3: self.level3}[level]

    def as_dict(self) -> dict[int, int]:
        return {1: self.level1, 2: self.level2, 3: self.level3}


def _rounded(product: Decimal, mode: QuotaRounding) -> tuple[int, str]:
    n = round_quota(product, mode)
    if product == n:
        return n, f"{n} 人"
    return n, f"{num(product)}，{mode}为 {n} 人"


def quotas_for(headcount: int, policy: YearlyPolicy) -> Quotas:
    """Q1 for ``headcount`` = N (use :func:`~.people.headcount` at R)."""
    if headcount < 0:
        raise InvalidInput(f"人数不能为负：{headcount}")
    mode = policy.c4_quota_rounding
    q1, t1 = _rounded(policy.q1_ratio_level1 * headcount, mode)
    # Q1: 2-star and 3-star quotas are shares of the rounded 1-star quota.
    q2, t2 = _rounded(policy.q1_ratio_level2 * q1, mode)
    q3, t3 = _rounded(policy.q1_ratio_level3 * q1, mode)
    reasons = (
        Reason("Q1", f"基准日在岗 {headcount} 人 × {percent(policy.q1_ratio_level1)} = {t1}（{level_text(1)}）"),
        Reason("Q1", f"{level_text(1)}名额 {q1} × {percent(policy.q1_ratio_level2)} = {t2}（{level_text(2)}）"),
        Reason("Q1", f"{level_text(1)}名额 {q1} × {percent(policy.q1_ratio_level3)} = {t3}（{level_text(3)}）"),
    )
    return Quotas(headcount, q1, q2, q3, reasons, policy.p2_version)
