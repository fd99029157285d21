"""One answer to "what is this person's standing on date D?".

Title held (S4), ban in force (E6), valid exam qualification (X3/X4),
eligibility for each level in the cycle (E1–E8, at the cycle's R) and what
is still missing for the next level (or for keeping 3-star, Y4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .bans import Ban, active_ban
from .cycle import Cycle
from .eligibility import EligibilityDecision, check_all_levels
from .exams import Qualification, qualification
from .facts import Application, PersonFacts, TitleSpell
from .june_exam import JuneResult
from .people import describe_title, is_active, title_on
from .reasons import Reason, level as level_text, score as score_text
from .yearly import YearlyPolicy


@dataclass(frozen=True, slots=True)
class Standing:
    """A person's standing on ``on``; ``eligibility`` holds one decision per level 1–3."""

    staff_no: str
    on: date
    active: bool
    title: TitleSpell | None
    ban: Ban | None
    qualification: Qualification
    eligibility: tuple[EligibilityDecision, ...]
    next_level: int | None
    missing: tuple[Reason, ...]
    reasons: tuple[Reason, ...]
    policy_version: str

    def eligible_for(self, level: int) -> bool:
        return self.eligibility[level - 1].eligible


def standing(person: PersonFacts, on: date, policy: YearlyPolicy, *, cycle: Cycle | None = None,
             june: JuneResult | None = None, application: Application | None = None) -> Standing:
    """The standing of ``person`` on ``on``.

    ``cycle`` gives the reference date R of the eligibility checks (default: a
    cycle of ``on.year`` with R = ``on``); ``june`` the J1 result of that year;
    ``application`` the team leader's E1 flag, if any.
    """
    cycle = cycle or Cycle(on.year, on)
    active = is_active(person, on)
    title = title_on(person.titles, on)
    ban = active_ban(person.titles, on, policy)
    qual = qualification(person.exams, on, policy)
    flags = application or Application(person.staff_no, cycle.year, 1)
    decisions = check_all_levels(person, flags, cycle, policy, june)
    reasons = [Reason("S2", "在职" if active else "不在职"), Reason("S4", describe_title(title))]
    if ban is not None:
        reasons.append(Reason("E6", ban.describe()))
    reasons.extend(r for r in qual.reasons if r.rule == "X3")

    if not active:
        next_level, missing = None, (Reason("S2", "不在职，不能申报"),)
    else:
        held = title.level if title is not None else 0
        next_level = min(held + 1, 3)  # Y4: a 3-star holder re-applies for 3-star
        missing_list = list(decisions[next_level - 1].failures)
        if not qual.qualifies_for(next_level):
            missing_list.append(Reason("X3", f"尚需通过{level_text(next_level)}资格考试"
                                             f"（合格线 {score_text(policy.pass_mark(next_level))}）"))
        missing = tuple(missing_list)
    return Standing(person.staff_no, on, active, title, ban, qual, decisions, next_level, missing,
                    tuple(reasons), policy.p2_version)
