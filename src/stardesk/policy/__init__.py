"""Every rule of policy.md as plain Python over plain data.

No Django, no database, no clock: facts come in as frozen dataclasses
(:mod:`.facts`), the numbers of a cycle as one :class:`YearlyPolicy`
(:mod:`.yearly`), and each rule returns a frozen decision carrying its
reasons (rule id + Chinese text with the figures). ``basis(decision)``
renders the 依据 column.

Modules by domain: conventions (C), people (S, T2), cycle (Y), eligibility and
bans (E), quotas and recommendation (Q), exams and composite (X), committee
(K), rewards (A), monthly_allowance, persistent_low_scores and ratings (M),
june_exam (J), supervision (V), reporting (R), training (T1), yearly (P),
standing (a person's standing on a date).
"""

from .reasons import Reason, basis
from .yearly import (LowerOrCancel, PolicyProblem, RankLimitMode, YearlyPolicy, policy_from_dict,
                     policy_to_dict, validate_policy)

__all__ = [
    "LowerOrCancel",
    "PolicyProblem",
    "RankLimitMode",
    "Reason",
    "YearlyPolicy",
    "basis",
    "policy_from_dict",
    "policy_to_dict",
    "validate_policy",
]
