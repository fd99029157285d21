"""What-if (假设分析) for the recommendation: other quota ratios or rank limits, nothing saved.

The cycle's policy is copied with the changed fields (dataclasses.replace),
checked by validate_policy, and the whole recommendation is computed twice
from the same facts read now: once with the cycle's policy, once with the
copy. Per level the result says who would move in and who would move out.
Nothing is written: no row, no audit entry.
"""
import copy
import dataclasses
from dataclasses import dataclass
from typing import Any

from stardesk.cycle.eligibility import check_applications, cycle_policy
from stardesk.cycle.models import Cycle
from stardesk.cycle.recommendation_list import (CycleList, as_listed, compute_list, listed_applications, live_headcount,
                                               ratings_for)
from stardesk.people.models import Person
from stardesk.policy.facts import LEVELS
from stardesk.policy.quotas import quotas_for
from stardesk.policy.yearly import PolicyProblem, YearlyPolicy, policy_field, validate_policy
from stardesk.yearly_policy.policy_fields import field_title, shown

# P1 fields a supervisor may try here: the quota ratios and rounding (Q1, C4) and the June rank gate (E7).
WHAT_IF_FIELDS = (
    "q1_ratio_level1",
    "q1_ratio_level2",
    "q1_ratio_level3",
    "c4_quota_rounding",
    "e7_gate_enabled",
    "e7_limit_mode",
    "e7_limit_level3_count",
    "e7_limit_level2_count",
    "e7_limit_level3_share",
    "e7_limit_level2_share",
)


@dataclass(frozen=True)
class LevelChange:
    level: int
    quota_before: int
    quota_after: int
    moved_in: tuple  # ListRows of the alternative list
    moved_out: tuple  # ListRows of the current list

    @property
    def changed(self) -> bool:
        return bool(self.moved_in or self.moved_out) or self.quota_before != self.quota_after


@dataclass(frozen=True)
class WhatIf:
    changes: dict[str, tuple[Any, Any]]  # field → (current, tried)
    problems: tuple[PolicyProblem, ...]
    current: CycleList | None = None
    tried: CycleList | None = None
    levels: tuple[LevelChange, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.problems

    def shown_changes(self) -> list[tuple[str, str, str]]:
        """(field title, current, tried) as a person reads them: "Q1 二星名额比例（占一星名额）", 30%, 40%."""
        return [(field_title(policy_field(name).key), shown(name, old), shown(name, new))
                for name, (old, new) in self.changes.items()]

    @property
    def moves(self) -> int:
        return sum(len(c.moved_in) + len(c.moved_out) for c in self.levels)


def _list_under(cycle: Cycle, policy: YearlyPolicy, version: str, applications, people, ratings, headcount) -> CycleList:
    # E at R under `policy` on copies of the applications: the stored rows are never touched.
    copies = [copy.copy(a) for a in applications]
    check_applications(cycle, copies, people=people, policy=_Version(policy, version))
    eligible = [as_listed(a) for a in copies if a.eligible]
    return compute_list(cycle, eligible, policy, quotas_for(headcount, policy), ratings)


@dataclass(frozen=True)
class _Version:
    """The shape of yearly_policy.queries.PolicyVersion that the eligibility check reads."""

    policy: YearlyPolicy
    version: str


def what_if(cycle: Cycle, tried: dict[str, Any]) -> WhatIf:
    """Compare the recommendation under the cycle's policy with the same under `tried` values of WHAT_IF_FIELDS."""
    in_force = cycle_policy(cycle)
    base = in_force.policy
    unknown = set(tried) - set(WHAT_IF_FIELDS)
    if unknown:
        raise ValueError(f"not a what-if field: {sorted(unknown)}")
    changes = {name: (getattr(base, name), value) for name, value in tried.items() if getattr(base, name) != value}
    alternative = dataclasses.replace(base, p2_version=f"{in_force.version}（假设）", **{k: v for k, (_old, v) in changes.items()})
    problems = tuple(validate_policy(alternative))
    if problems:
        return WhatIf(changes, problems)
    applications = listed_applications(cycle, eligible_only=False)
    people = Person.objects.filter(pk__in={a.person_id for a in applications})
    ratings = ratings_for(cycle, {a.person_id for a in applications}, base)
    alternative_ratings = ratings if alternative.m7_preliminary_months == base.m7_preliminary_months else \
        ratings_for(cycle, {a.person_id for a in applications}, alternative)
    headcount = cycle.headcount if cycle.headcount is not None else live_headcount(cycle)
    current = _list_under(cycle, base, in_force.version, applications, people, ratings, headcount)
    other = _list_under(cycle, alternative, alternative.p2_version, applications, people, alternative_ratings, headcount)
    levels = []
    for L in sorted(LEVELS, reverse=True):
        before = {row.application_id: row for row in current.by_level[L]}
        after = {row.application_id: row for row in other.by_level[L]}
        levels.append(LevelChange(
            level=L,
            quota_before=current.quotas.for_level(L),
            quota_after=other.quotas.for_level(L),
            moved_in=tuple(row for key, row in after.items() if key not in before),
            moved_out=tuple(row for key, row in before.items() if key not in after),
        ))
    return WhatIf(changes, (), current, other, tuple(levels))
