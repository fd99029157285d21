"""Reading the yearly policies: for pages (what a user may see) and for later features (the policy in force)."""
import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from stardesk.accounts import permissions
from stardesk.core.errors import DomainError, NotFound
from stardesk.people.models import Hotline, Person
from stardesk.policy.quotas import Quotas, quotas_for
from stardesk.policy.yearly import YearlyPolicy
from stardesk.yearly_policy.models import CyclePolicy, CyclePolicyRevision

HISTORY_PAGE_SIZE = 20


@dataclass(frozen=True)
class PolicyVersion:
    """P2: the policy of a hotline's cycle year as the rules use it, and the version name decisions record."""

    policy: YearlyPolicy
    version: str
    record: CyclePolicy

    @property
    def revision(self) -> int:
        return self.record.revision


def cycle_policy(hotline: Hotline | int, year: int) -> PolicyVersion:
    """The current policy of `hotline` for cycle `year` ("2026 第3版"); DomainError "policy_missing" if none."""
    record = CyclePolicy.objects.filter(hotline=hotline, year=year).select_related("hotline").first()
    if record is None:
        raise DomainError("policy_missing")
    return PolicyVersion(record.policy(), record.version, record)


def policy_version(hotline: Hotline | int, year: int, revision: int) -> PolicyVersion:
    """P2: exactly the version a stored decision names, even after later revisions."""
    found = (
        CyclePolicyRevision.objects.filter(policy__hotline=hotline, policy__year=year, number=revision)
        .select_related("policy", "policy__hotline")
        .first()
    )
    if found is None:
        raise DomainError("policy_missing")
    return PolicyVersion(found.policy_data(), found.version, found.policy)


def policies_of(hotline: Hotline) -> QuerySet:
    """The years of a hotline, newest first."""
    return CyclePolicy.objects.filter(hotline=hotline).order_by("-year")


def policy_for(user, hotline: Hotline, year: int) -> CyclePolicy:
    """A year's policy the user may read, or NotFound (another hotline's policy is not found, never forbidden)."""
    permissions.require(user, "policy.view")
    if not permissions.hotlines_visible_to(user).filter(pk=hotline.pk).exists():
        raise NotFound()
    record = CyclePolicy.objects.filter(hotline=hotline, year=year).select_related("hotline").first()
    if record is None:
        raise NotFound()
    return record


def previous_policy(record: CyclePolicy) -> CyclePolicy | None:
    """The year before it in the same hotline (for "changed since last year")."""
    return CyclePolicy.objects.filter(hotline_id=record.hotline_id, year__lt=record.year).order_by("-year").first()


def headcount(hotline: Hotline, day: datetime.date) -> int:
    """Q1's N: the people in scope (S1: every agent, whatever the employment type) active on `day` (S2)."""
    return Person.objects.filter(hotline=hotline).active_on(day).count()


@dataclass(frozen=True)
class QuotaPreview:
    """Q1 as it would come out on `day` with this policy."""

    day: datetime.date
    quotas: Quotas

    @property
    def headcount(self) -> int:
        return self.quotas.headcount


def quota_preview(hotline: Hotline, policy: YearlyPolicy, day: datetime.date, *, count: int | None = None) -> QuotaPreview:
    n = headcount(hotline, day) if count is None else count
    return QuotaPreview(day, quotas_for(n, policy))


def revisions_of(record: CyclePolicy) -> QuerySet:
    return record.revisions.order_by("-number")


def policy_for_year_or_before(hotline: Hotline | int, year: int) -> PolicyVersion | None:
    """The policy of cycle `year`, or while it does not exist yet the latest earlier one (P1: it would be copied)."""
    record = (
        CyclePolicy.objects.filter(hotline=hotline, year__lte=year).select_related("hotline").order_by("-year").first()
    )
    return PolicyVersion(record.policy(), record.version, record) if record is not None else None


def person_for_standing(user, pk) -> Person:
    """T2: the person, their team leader, the supervisor and the committee of the hotline (and the group
    administrator); anyone else gets NotFound, never a hint that the person exists."""
    try:
        return permissions.people_visible_to(user).select_related("team", "team__leader", "hotline").get(pk=pk)
    except Person.DoesNotExist:
        raise NotFound() from None
