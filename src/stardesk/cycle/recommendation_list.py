"""Q1–Q4 over a cycle's rows: the quotas, the ordered list per level and the overflow.

Compute first, then save (style.md #2): `compute_list` takes the cycle's
applications, their M7 preliminary ratings and the quotas, runs the policy's
`recommend` (Q3 order, Q4 overflow) and returns a CycleList; nothing is
written. `stored_list` reads back the list the supervisor finalised. Both
give the same rows, so a page, an export and the what-if show them alike.
"""
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from stardesk.assessment.models import MonthlyScore
from stardesk.cycle.eligibility import reasons_from_json
from stardesk.cycle.models import STEP_ORDER, Application, ApplicationStatus, Cycle, Recommendation, ReviewStatus, Step
from stardesk.people.models import Person
from stardesk.policy.conventions import Month, window_months
from stardesk.policy.facts import LEVELS
from stardesk.policy.quotas import Quotas, quotas_for
from stardesk.policy.ratings import Rating, preliminary_rating
from stardesk.policy.reasons import Reason
from stardesk.policy.recommendation import Applicant, recommend
from stardesk.policy.yearly import YearlyPolicy


@dataclass(frozen=True, slots=True)
class Who:
    """The person on a list row, as pages and exports show them (read without building model instances)."""

    pk: int
    staff_no: str
    name: str
    team_name: str
    hotline_start: datetime.date


def who_of(person: Person) -> Who:
    return Who(person.pk, person.staff_no, person.name, person.team.name if person.team_id else "", person.hotline_start)


@dataclass(slots=True)
class Listed:
    """An application as the list reads it (Q3/Q4): what `compute_list` needs, and nothing else."""

    pk: int
    person_id: int
    level: int
    eligible_levels: str
    honour: bool
    leader_exception: bool
    review_status: str
    person: Who

    def levels_eligible(self) -> frozenset[int]:
        return frozenset(int(c) for c in self.eligible_levels)


@dataclass(frozen=True)
class ListRow:
    """One application's place on the list: recommended at `level` in `position`, or not (level None)."""

    application_id: int
    person: Who
    applied_level: int
    level: int | None
    position: int | None
    rating: Decimal | None
    honour: bool
    leader_exception: bool
    overflow: bool
    reasons: tuple[Reason, ...]
    review_status: str
    corrected: bool = False  # Y2: moved by the supervisor after the list was finalised

    @property
    def recommended(self) -> bool:
        return self.level is not None


@dataclass(frozen=True)
class CycleList:
    """The recommendation list of a cycle: per level within its quota (Q2), and who is left off."""

    quotas: Quotas
    rows: tuple[ListRow, ...]
    final: bool
    policy_version: str
    pending: int = 0  # eligible applications still waiting for the team leader (preview only)
    by_level: dict[int, tuple[ListRow, ...]] = field(init=False)
    by_application: dict[int, ListRow] = field(init=False)

    def __post_init__(self):
        grouped = defaultdict(list)
        for row in self.rows:
            grouped[row.level].append(row)
        ordered = {L: tuple(sorted(grouped.get(L, ()), key=lambda r: r.position)) for L in LEVELS}
        object.__setattr__(self, "by_level", ordered)
        object.__setattr__(self, "by_application", {row.application_id: row for row in self.rows})

    @property
    def not_recommended(self) -> tuple[ListRow, ...]:
        return tuple(row for row in self.rows if row.level is None)

    def counts(self) -> dict[int, int]:
        return {L: len(self.by_level[L]) for L in LEVELS}

    def levels(self) -> list[tuple[int, int, tuple[ListRow, ...]]]:
        """(level, quota, rows) from 3-star down, as the pages show them."""
        return [(L, self.quotas.for_level(L), self.by_level[L]) for L in sorted(LEVELS, reverse=True)]

    def row_of(self, application_id: int) -> ListRow | None:
        return self.by_application.get(application_id)

    def over_quota(self) -> dict[int, tuple[int, int]]:
        """Q2: levels whose count passes the quota, as {level: (count, quota)} (empty when within)."""
        return {L: (n, self.quotas.for_level(L)) for L, n in self.counts().items() if n > self.quotas.for_level(L)}


def rating_months(cycle: Cycle, policy: YearlyPolicy) -> tuple[Month, ...]:
    """M7: the last whole months ending on or before R that the preliminary rating averages."""
    return window_months(cycle.reference_date, policy.m7_preliminary_months)


def ratings_for(cycle: Cycle, person_ids: Iterable[int], policy: YearlyPolicy) -> dict[int, Rating]:
    """M7: the preliminary rating (初审评定) of each person: one query for everyone's confirmed scores."""
    ids = list(person_ids)
    months = rating_months(cycle, policy)
    scores = defaultdict(dict)
    found = MonthlyScore.objects.filter(
        person_id__in=ids, month__gte=months[0].first_day, month__lte=months[-1].first_day,
        confirmed_at__isnull=False, score__isnull=False,
    ).values_list("person_id", "month", "score")
    for person_id, month, score in found:
        scores[person_id][Month.of(month)] = score
    return {
        person_id: preliminary_rating(scores.get(person_id, {}), cycle.reference_date, policy.m7_preliminary_months)
        for person_id in ids
    }


def live_headcount(cycle: Cycle) -> int:
    """Q1's N as it stands: the people in scope (S1) active at R (S2)."""
    return Person.objects.filter(hotline_id=cycle.hotline_id).active_on(cycle.reference_date).count()


def cycle_quotas(cycle: Cycle, policy: YearlyPolicy) -> Quotas:
    """Q1 from the kept head count once the recommendation step has started, else from today's data at R."""
    n = cycle.headcount if cycle.headcount is not None else live_headcount(cycle)
    return quotas_for(n, policy)


def listed_applications(cycle: Cycle, *, eligible_only: bool = True) -> list[Application]:
    """The applications the list is made of: active, eligible, not withheld by the team leader
    (`eligible_only` False: whatever the stored check says, for the what-if under another policy)."""
    rows = Application.objects.filter(cycle=cycle, status=ApplicationStatus.ACTIVE)
    if eligible_only:
        rows = rows.filter(eligible=True)
    return list(
        rows.exclude(review_status=ReviewStatus.WITHHELD).select_related("person", "person__team").order_by("pk")
    )


LISTED_COLUMNS = ("pk", "person_id", "level", "eligible_levels", "honour", "leader_exception", "review_status",
                  "person__staff_no", "person__name", "person__team__name", "person__hotline_start")


def listed_rows(cycle: Cycle) -> list[Listed]:
    """The applications on the list (active, eligible, not withheld) read as plain rows: one query, no model
    instances, so the list of a hotline of 20,000 stays quick."""
    found = (
        Application.objects.filter(cycle=cycle, status=ApplicationStatus.ACTIVE, eligible=True)
        .exclude(review_status=ReviewStatus.WITHHELD)
        .order_by("pk")
        .values_list(*LISTED_COLUMNS)
    )
    return [
        Listed(pk, person_id, level, levels, honour, exception, review, Who(person_id, staff_no, name, team or "", start))
        for pk, person_id, level, levels, honour, exception, review, staff_no, name, team, start in found
    ]


def as_listed(application: Application) -> Listed:
    """A stored (or being checked) application with its person loaded, as the list reads it."""
    return Listed(application.pk, application.person_id, application.level, application.eligible_levels,
                  application.honour, application.leader_exception, application.review_status, who_of(application.person))


def as_applicant(application: Listed, rating: Rating, eligible_levels: frozenset[int] | None = None,
                 honour: bool | None = None) -> Applicant:
    return Applicant(
        staff_no=application.person.staff_no,
        level=application.level,
        eligible_levels=application.levels_eligible() if eligible_levels is None else eligible_levels,
        hotline_start=application.person.hotline_start,
        rating=rating.value,
        honour=application.honour if honour is None else honour,
    )


def compute_list(
    cycle: Cycle,
    applications: list[Listed],
    policy: YearlyPolicy,
    quotas: Quotas,
    ratings: dict[int, Rating],
    *,
    eligible_levels: dict[int, frozenset[int]] | None = None,
    honours: dict[int, bool] | None = None,
) -> CycleList:
    """Q3/Q4: order `applications` and fill each level up to its quota; nothing is saved.

    `eligible_levels`/`honours` (by application id) replace the stored ones,
    for the what-if under another policy.
    """
    eligible_levels = eligible_levels or {}
    honours = honours or {}
    by_staff_no = {}
    applicants = []
    for application in applications:
        applicants.append(as_applicant(application, ratings[application.person_id],
                                       eligible_levels.get(application.pk), honours.get(application.pk)))
        by_staff_no[application.person.staff_no] = application
    result = recommend(applicants, quotas, policy)
    rows = []
    for entry in result.entries:
        application = by_staff_no[entry.staff_no]
        rows.append(_row(application, entry.level, entry.position, entry.rating_shown, entry.honour, entry.overflow,
                         ratings[application.person_id].reasons + entry.reasons))
    for refused in result.not_recommended:
        application = by_staff_no[refused.staff_no]
        rating = ratings[application.person_id]
        rows.append(_row(application, None, None, rating.shown, honours.get(application.pk, application.honour), False,
                         rating.reasons + refused.reasons))
    pending = sum(1 for a in applications if a.review_status == ReviewStatus.PENDING)
    return CycleList(quotas, tuple(rows), final=False, policy_version=result.policy_version, pending=pending)


def _row(application: Listed, level, position, rating, honour, overflow, reasons) -> ListRow:
    return ListRow(
        application_id=application.pk,
        person=application.person,
        applied_level=application.level,
        level=level,
        position=position,
        rating=rating,
        honour=honour,
        leader_exception=application.leader_exception,
        overflow=overflow,
        reasons=tuple(reasons),
        review_status=application.review_status,
    )


def preview_list(cycle: Cycle, policy: YearlyPolicy) -> CycleList:
    """The list as it would be finalised now (pending reviews counted in, marked as such)."""
    applications = listed_rows(cycle)
    ratings = ratings_for(cycle, {a.person_id for a in applications}, policy)
    return compute_list(cycle, applications, policy, cycle_quotas(cycle, policy), ratings)


def stored_list(cycle: Cycle, policy: YearlyPolicy) -> CycleList:
    """The list the supervisor finalised (Recommendation rows), with the quotas kept with the cycle."""
    found = (
        Recommendation.objects.filter(cycle=cycle)
        .order_by("-level", "position", "pk")
        .values_list("application_id", "person_id", "person__staff_no", "person__name", "person__team__name",
                     "person__hotline_start", "applied_level", "level", "position", "rating", "honour",
                     "leader_exception", "overflow", "reasons", "application__review_status", "policy_version",
                     "corrected_at")
    )
    rows, version = [], ""
    for (application_id, person_id, staff_no, name, team, start, applied, level, position, rating, honour,
         exception, overflow, reasons, review, version, corrected_at) in found:
        rows.append(ListRow(application_id, Who(person_id, staff_no, name, team or "", start), applied, level, position,
                            rating, honour, exception, overflow, reasons_from_json(reasons), review,
                            corrected=corrected_at is not None))
    version = version or cycle.quota_policy_version or cycle.policy_version
    return CycleList(cycle_quotas(cycle, policy), tuple(rows), final=True, policy_version=version)


def list_is_final(cycle: Cycle) -> bool:
    """Q: the list is final once the supervisor moved the cycle past the recommendation step."""
    return cycle.step_index() > STEP_ORDER.index(Step.LEADER_CHECK)


def cycle_list(cycle: Cycle, policy: YearlyPolicy) -> CycleList:
    """The finalised list once the recommendation step is over, else the live preview."""
    return stored_list(cycle, policy) if list_is_final(cycle) else preview_list(cycle, policy)
