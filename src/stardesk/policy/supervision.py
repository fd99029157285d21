"""V1–V2 and the sanction side of M5: what an event does to a title.

An event's sanction is the one recorded, or the policy default: M5 by
severity (一般 → 当月降级, 较重 → 当月取消, 严重 → 取消星级), V1 by category
(不够级 → 降级, 不合格 → 取消星级). Month sanctions feed M4; title sanctions
are V1 decisions: they take effect on the decision date, hold until the next
award, and (through the title history) set the E6 ban.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from .conventions import one_year_after
from .errors import InvalidInput
from .facts import (FEEDBACK_CATEGORIES, SUPERVISION_CATEGORIES, TITLE_SANCTIONS, VETO_CATEGORIES,
                    EndReason, Event, EventCategory, Sanction, Severity, TitleSpell)
from .people import TitleChange, title_on
from .reasons import Reason, day
from .yearly import YearlyPolicy


def effective_sanction(event: Event, policy: YearlyPolicy) -> Sanction | None:
    """M5/V1: the sanction of ``event`` (recorded or default); ``None`` for honours and praise."""
    if event.category in VETO_CATEGORIES:
        if event.sanction is not None:
            return event.sanction
        if event.severity is None:
            raise InvalidInput(f"{day(event.on)} {event.category}：未填处理时须填严重程度")
        return {
            Severity.GENERAL: policy.m5_sanction_general,
            Severity.SERIOUS: policy.m5_sanction_serious,
            Severity.SEVERE: policy.m5_sanction_severe,
        }[event.severity]
    if event.category in SUPERVISION_CATEGORIES:
        if event.sanction is not None:
            if event.sanction not in TITLE_SANCTIONS:
                raise InvalidInput(f"{day(event.on)} {event.category}：监督处理只能是降级或取消星级")
            return event.sanction
        if event.category is EventCategory.SHORT_OF_LEVEL:
            return policy.v1_sanction_short_of_level
        return policy.v1_sanction_unqualified
    if event.sanction is not None:
        raise InvalidInput(f"{day(event.on)} {event.category}：此类事件不能有处理")
    return None


def requires_confirmation(sanction: Sanction | None) -> bool:
    """M5: a title sanction is a V1 decision and needs the supervisor's confirmation."""
    return sanction in TITLE_SANCTIONS


def lowered_level(level: int) -> tuple[int, EndReason]:
    """V1/M6: one level down; lowering a 1-star title revokes it."""
    return (level - 1, EndReason.LOWERED) if level > 1 else (0, EndReason.REVOKED)


@dataclass(frozen=True, slots=True)
class TitleSanctionDecision:
    """V1: the title change an event makes, effective on the event (decision) date.

    ``change`` is ``None`` when the person holds no title that day: then there
    is nothing to lower and no E6 ban.
    """

    staff_no: str
    event: Event
    sanction: Sanction
    change: TitleChange | None
    requires_confirmation: bool
    ban_until: date | None
    reasons: tuple[Reason, ...]
    policy_version: str


def title_sanction(staff_no: str, titles: Iterable[TitleSpell], event: Event,
                   policy: YearlyPolicy) -> TitleSanctionDecision | None:
    """V1 (and M5 title sanctions): the decision for ``event``, or ``None`` if it is no title sanction."""
    sanction = effective_sanction(event, policy)
    if sanction not in TITLE_SANCTIONS:
        return None
    rule = "V1" if event.category in SUPERVISION_CATEGORIES else "M5"
    default = "" if event.sanction is not None else "（默认）"
    what = f"{day(event.on)} {event.category}{'（' + event.severity + '）' if event.severity else ''}，{sanction}{default}"
    held = title_on(titles, event.on)
    if held is None:
        reason = Reason(rule, f"{what}；当日未持有星级，无星级可降，不限制申报")
        return TitleSanctionDecision(staff_no, event, sanction, None, True, None, (reason,), policy.p2_version)
    if sanction is Sanction.LOWER:
        after, end_reason = lowered_level(held.level)
    else:
        after, end_reason = 0, EndReason.REVOKED
    change = TitleChange(event.on, held.job_type, held.level, after, end_reason, rule)
    until = one_year_after(event.on)
    reasons = (
        Reason(rule, f"{what}；{change.describe()}，至下次授牌"),
        Reason("E6", f"一年内不得申报，{day(until)} 起方可申报"),
    )
    return TitleSanctionDecision(staff_no, event, sanction, change, True, until, reasons, policy.p2_version)


def customer_feedback(events: Iterable[Event]) -> tuple[Event, ...]:
    """V2: customers' praise and complaints recorded against a person, newest first."""
    return tuple(sorted((e for e in events if e.category in FEEDBACK_CATEGORIES), key=lambda e: e.on, reverse=True))
