"""E1–E8: who may apply for which level, checked at the cycle's reference date R (Y3).

Every check is reported, passed or failed, so a refusal lists every failing
reason and an acceptance shows what it rests on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping

from .bans import ban_check
from .conventions import describe_tenure, tenure_reached
from .cycle import Cycle
from .errors import InvalidInput
from .facts import HONOUR_CATEGORIES, LEVELS, Application, Event, PersonFacts, TitleSpell
from .june_exam import JuneResult, rank_gate
from .people import has_left_by, title_on
from .reasons import Reason, day, level as level_text
from .yearly import YearlyPolicy

TENURE_YEARS = 1  # E1–E3: "一年以上", fixed by the plan itself


@dataclass(frozen=True, slots=True)
class EligibilityDecision:
    """E: whether ``staff_no`` may apply for ``level`` at R, with every check.

    ``leader_exception`` is the E1 "表现突出" route, ``honour`` an E4 honour of
    year Y (2-star priority in Q3); both go to the committee as flags (K1).
    ``reasons`` holds every check (``passed`` True/False); the 原因 column of a
    refusal is ``basis(decision.failures)``.
    """

    staff_no: str
    level: int
    reference_date: date
    eligible: bool
    reasons: tuple[Reason, ...]
    leader_exception: bool
    honour: bool
    policy_version: str

    @property
    def failures(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.passed is False)


def honours_in_year(events: Iterable[Event], year: int, until: date) -> tuple[Event, ...]:
    """E4: company awards and 先进个人 honours dated in calendar year Y, known at R."""
    return tuple(e for e in events
                 if e.category in HONOUR_CATEGORIES and e.on.year == year and e.on <= until)


@dataclass(frozen=True, slots=True)
class _FactsAtR:
    """What E reads at R whatever the level: computed once per person and cycle."""

    left: Reason
    ban: Reason
    held: TitleSpell | None
    honours: tuple[Event, ...]


def _facts_at(person: PersonFacts, cycle: Cycle, policy: YearlyPolicy) -> _FactsAtR:
    R = cycle.reference_date
    # E8: leavers on or before R cannot apply.
    if has_left_by(person, R):
        left = Reason("E8", f"已于 {day(person.left_on)} 离职，不能申报", False)
    else:
        left = Reason("E8", "基准日在职", True)
    return _FactsAtR(
        left,
        ban_check(person.titles, R, policy),  # E6
        title_on(person.titles, R, person.job_type),  # E2/E3/E5: the title "in this job type"
        honours_in_year(person.events, cycle.year, R),  # E4
    )


def _decide(person: PersonFacts, L: int, application: Application, cycle: Cycle, facts: _FactsAtR,
            policy: YearlyPolicy, june: JuneResult | None) -> EligibilityDecision:
    if L not in LEVELS:
        raise InvalidInput(f"申报星级须为 1–3，不能是 {L}")
    R = cycle.reference_date
    checks: list[Reason] = [facts.left, facts.ban]
    leader_exception = False
    held = facts.held
    held_level = held.level if held else 0
    honours = facts.honours
    honour = L == 2 and bool(honours)

    if L == 1:
        tenure = describe_tenure(person.hotline_start, R)
        if tenure_reached(person.hotline_start, R, TENURE_YEARS):
            checks.append(Reason("E1", f"入职服务热线 {tenure}，满一年", True))
        elif application.leader_recommended and application.recommendation_reason.strip():
            leader_exception = True
            checks.append(Reason("E1", f"入职服务热线 {tenure}，不足一年；班长推荐表现突出："
                                       f"{application.recommendation_reason.strip()}", True))
        elif application.leader_recommended:
            checks.append(Reason("E1", f"入职服务热线 {tenure}，不足一年；班长推荐缺少书面理由", False))
        else:
            checks.append(Reason("E1", f"入职服务热线 {tenure}，不足一年", False))
    else:
        rule = "E2" if L == 2 else "E3"
        need = L - 1
        where = f"本工种（{person.job_type}）"
        if held_level >= need:
            checks.append(Reason(rule, f"持有{where}{level_text(held_level)}（{day(held.start)} 起）", True))
        elif L == 2 and honours:
            h = honours[0]
            checks.append(Reason("E4", f"{day(h.on)} 获{h.category}，可不持一星申报二星（须参加二星考核）", True))
        else:
            extra = "，且当年无公司奖项或先进个人称号" if L == 2 else ""
            checks.append(Reason(rule, f"未持有{where}{level_text(need)}及以上星级{extra}", False))
        tenure = describe_tenure(person.job_type_start, R)
        if tenure_reached(person.job_type_start, R, TENURE_YEARS):
            checks.append(Reason(rule, f"{where}工作 {tenure}，满一年", True))
        else:
            checks.append(Reason(rule, f"{where}工作 {tenure}，不足一年", False))
        # E5: at most one level above the title held at R, except the E4 route to 2-star.
        holding = f"持有{level_text(held_level)}" if held_level else "未持有星级"
        if L <= held_level + 1 or honour:
            checks.append(Reason("E5", f"{holding}，申报{level_text(L)}未越级", True))
        else:
            checks.append(Reason("E5", f"{holding}，申报{level_text(L)}属越级"
                                       f"（最多申报{level_text(held_level + 1)}）", False))
        checks.append(rank_gate(june, L, policy))

    eligible = all(c.passed for c in checks)
    return EligibilityDecision(person.staff_no, L, R, eligible, tuple(checks), leader_exception,
                               honour, policy.p2_version)


def check_eligibility(person: PersonFacts, application: Application, cycle: Cycle,
                      policy: YearlyPolicy, june: JuneResult | None = None) -> EligibilityDecision:
    """E1–E8 for one application; ``june`` is the person's J1 result of year Y (or None)."""
    if application.level not in LEVELS:
        raise InvalidInput(f"申报星级须为 1–3，不能是 {application.level}")
    return _decide(person, application.level, application, cycle, _facts_at(person, cycle, policy), policy, june)


def check_all_levels(person: PersonFacts, application: Application, cycle: Cycle, policy: YearlyPolicy,
                     june: JuneResult | None = None,
                     levels: Iterable[int] = LEVELS) -> tuple[EligibilityDecision, ...]:
    """E at each of ``levels`` (default 1, 2, 3) with the application's flags (standing, Q4 overflow)."""
    facts = _facts_at(person, cycle, policy)
    return tuple(_decide(person, L, application, cycle, facts, policy, june) for L in levels)


def eligible_levels(person: PersonFacts, application: Application, cycle: Cycle, policy: YearlyPolicy,
                    june: JuneResult | None = None, levels: Iterable[int] = LEVELS) -> frozenset[int]:
    """Q4/K2: the levels (among ``levels``) at which the person would pass E, with the application's flags.

    Q4 only needs the applied level and those below it:
    ``levels=range(1, application.level + 1)``.
    """
    return frozenset(d.level for d in check_all_levels(person, application, cycle, policy, june, levels)
                     if d.eligible)


def check_applications(people: Mapping[str, PersonFacts], applications: Iterable[Application],
                       cycle: Cycle, policy: YearlyPolicy,
                       june: Mapping[str, JuneResult]) -> tuple[EligibilityDecision, ...]:
    """E for every application of a cycle (one person, one level: Y4)."""
    out = []
    for a in applications:
        person = people.get(a.staff_no)
        if person is None:
            raise InvalidInput(f"工号 {a.staff_no} 不在花名册中")
        out.append(check_eligibility(person, a, cycle, policy, june.get(a.staff_no)))
    return tuple(out)
