"""「我的星级进度」: a person's standing (policy.standing) as the page shows it.

A check that fails only because its facts are not recorded in the product yet
(exams, the June ranking) is shown as "待录入", never as a failure: an empty
exam list is not "did not sit the exam".
"""
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from stardesk.policy.cycle import Cycle
from stardesk.policy.people import describe_title
from stardesk.policy.reasons import Reason, level as level_text
from stardesk.policy.standing import Standing, standing
from stardesk.yearly_policy.person_facts import RecordedFacts
from stardesk.yearly_policy.queries import PolicyVersion

PASSED, FAILED, UNKNOWN, INFO = "passed", "failed", "unknown", "info"


@dataclass(frozen=True)
class Check:
    rule: str
    text: str
    state: str


@dataclass(frozen=True)
class LevelVerdict:
    level: int
    label: str
    state: str  # passed: may apply; failed: may not; unknown: the rest holds, recorded facts are missing
    checks: tuple[Check, ...]
    flags: tuple[str, ...]


@dataclass(frozen=True)
class StandingReport:
    day: datetime.date
    version: str
    standing: Standing
    title: str
    ban: str | None
    qualification: tuple[Check, ...]
    levels: tuple[LevelVerdict, ...]
    next_level: int | None
    missing: tuple[Check, ...]
    not_recorded: tuple[str, ...]


def _check(reason: Reason, unknown_rules: frozenset[str]) -> Check:
    if reason.rule in unknown_rules and reason.passed is not True:
        if reason.rule == "E7":
            return Check("E7", _("年中综合考试成绩尚未录入本系统，名次门槛暂无法判断"), UNKNOWN)
        return Check(reason.rule, _("%(text)s（考试成绩尚未录入本系统，暂无法判断）") % {"text": reason.text}, UNKNOWN)
    state = INFO if reason.passed is None else PASSED if reason.passed else FAILED
    return Check(reason.rule, reason.text, state)


def _verdict(checks: tuple[Check, ...]) -> str:
    if any(c.state == FAILED for c in checks):
        return FAILED
    return UNKNOWN if any(c.state == UNKNOWN for c in checks) else PASSED


def standing_report(recorded: RecordedFacts, in_force: PolicyVersion, day: datetime.date) -> StandingReport:
    """The standing of the person on `day`, checked at R = `day` in cycle `day.year` with `in_force`."""
    found = standing(recorded.facts, day, in_force.policy, cycle=Cycle(day.year, day), june=recorded.june)
    unknown = recorded.unknown_rules
    levels = []
    for decision in found.eligibility:
        checks = tuple(_check(r, unknown) for r in decision.reasons)
        flags = []
        if decision.leader_exception:
            flags.append(_("班长推荐：表现突出（E1）"))
        if decision.honour:
            flags.append(_("荣誉优先（E4）"))
        levels.append(LevelVerdict(decision.level, level_text(decision.level), _verdict(checks), checks, tuple(flags)))
    qualification = tuple(_check(r, unknown) for r in found.qualification.reasons)
    return StandingReport(
        day=day,
        version=in_force.version,
        standing=found,
        title=describe_title(found.title),
        ban=found.ban.describe() if found.ban else None,
        qualification=qualification,
        levels=tuple(levels),
        next_level=found.next_level,
        missing=tuple(_check(r, unknown) for r in found.missing),
        not_recorded=tuple(str(kind.what) for kind in recorded.not_recorded),
    )
