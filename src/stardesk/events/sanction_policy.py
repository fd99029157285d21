"""The yearly policy behind an event's handling: its default (M5 by severity,
V1 by finding) and the words that say which policy version gave it (P2, P3)."""
import dataclasses
import datetime
from dataclasses import dataclass

from django.utils import timezone

from stardesk.events.models import (
    SUPERVISION_CATEGORIES,
    VETO_CATEGORIES,
    Sanction,
    as_policy_category,
    as_policy_sanction,
    as_policy_severity,
    from_policy_sanction,
)
from stardesk.policy import facts, supervision
from stardesk.policy.yearly import YearlyPolicy


def policy_for(hotline, day: datetime.date) -> YearlyPolicy:
    """The policy in force for the hotline on the day (P1): that of the cycle year of the day's calendar
    year; before a year has its own, the latest earlier one (a new cycle starts from a copy of the
    last, P1); a hotline without any policy yet works with policy.md's defaults."""
    from stardesk.yearly_policy.models import CyclePolicy

    if hotline is None:
        return YearlyPolicy.defaults()
    record = CyclePolicy.objects.filter(hotline=hotline, year__lte=day.year).order_by("-year").first()
    if record is None:
        return YearlyPolicy.defaults()
    # P2: decisions name the exact version they used, e.g. "2026 第3版".
    return dataclasses.replace(record.policy(), p2_version=record.version)


@dataclass(frozen=True)
class Handling:
    """The handling an event gets: the one chosen, or the policy's default when none was."""

    sanction: str
    default: str
    is_default: bool
    basis: str


def default_sanction(policy: YearlyPolicy, category: str, severity: str, day: datetime.date | None = None) -> Sanction | None:
    """M5 by severity, V1 by finding: what policy.supervision gives an event recorded without a handling."""
    if category in VETO_CATEGORIES and not severity:
        return None
    unchosen = facts.Event(
        on=day or timezone.localdate(),
        category=as_policy_category(category),
        severity=as_policy_severity(severity),
    )
    found = supervision.effective_sanction(unchosen, policy)
    return from_policy_sanction(found) if found is not None else None


def rule_of(category: str) -> str:
    return "M5" if category in VETO_CATEGORIES else "V1" if category in SUPERVISION_CATEGORIES else ""


def handling(policy: YearlyPolicy, *, category: str, severity: str, chosen: str) -> Handling | None:
    """None for categories without a handling (praise, honours). The basis is stored, so it is
    written in the policy's own words rather than the reader's language."""
    if category not in VETO_CATEGORIES | SUPERVISION_CATEGORIES:
        return None
    default = default_sanction(policy, category, severity)
    sanction = chosen or default
    if not sanction:
        return None
    rule = rule_of(category)
    what = as_policy_severity(severity) if category in VETO_CATEGORIES else as_policy_category(category)
    chosen_word = as_policy_sanction(sanction).value
    if default and sanction == default:
        basis = f"{rule}：{what}，默认处理{chosen_word}（政策版本：{policy.p2_version}）"
    elif default:
        basis = (
            f"{rule}：{what}，选定处理{chosen_word}，默认为{as_policy_sanction(default).value}"
            f"（政策版本：{policy.p2_version}）"
        )
    else:
        basis = f"{rule}：选定处理{chosen_word}"
    return Handling(sanction=sanction, default=default or "", is_default=bool(default) and sanction == default, basis=basis)
