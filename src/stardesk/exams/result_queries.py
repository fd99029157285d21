"""Reading results: a sitting's result list (released, or provisional before the release), an agent's own results.

An agent reads only their own results, and only once released (X6): before
that a result is not found, never shown. A team leader reads, read-only, the
released results of the people of their own team (exams.view_team): never
another team's, never before the release. Examiners and the supervisor read
every result of their hotline, provisional ones included. A result read after
its sitting's rule says it is due is released first (results.release_if_due).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.core.errors import NotFound
from stardesk.exams import queries as exam_queries
from stardesk.exams import results as results_services
from stardesk.exams.attempt_scores import LEVEL_KINDS, score_attempts, sitting_policy
from stardesk.exams.models import (
    Attempt,
    AttemptStatus,
    Grade,
    Invitation,
    InvitedHow,
    ResultSource,
    Sitting,
    SittingResult,
    SittingStatus,
)
from stardesk.policy.conventions import one_year_after
from stardesk.policy.exams import published_results

PAGE_SIZE = 30
RELEASED, PROVISIONAL, GRADING, IN_PROGRESS, ABSENT = "released", "provisional", "grading", "in_progress", "absent"


def _scoped(queryset: QuerySet, user) -> QuerySet:
    if user.role == Role.ADMIN:
        return queryset
    return queryset.filter(hotline_id=user.hotline_id)


def is_offline(sitting: Sitting) -> bool:
    """A sitting entered from the 考试成绩 sheet: no paper and no blueprint (online sittings always have one)."""
    return sitting.paper_id is None and sitting.blueprint_id is None


def reads_all(user) -> bool:
    """Examiners, the supervisor and the committee read every result of their hotline; a team leader only their team's."""
    return permissions.has(user, "exams.view")


def _team_results(user) -> QuerySet:
    """X6: the released results of the people a team leader may read (their team)."""
    return SittingResult.objects.filter(released_at__isnull=False, person__in=permissions.people_visible_to(user))


def results_sittings(user) -> QuerySet:
    """Sittings with results to read: closed or released online sittings and offline ones, newest first.

    A team leader's list holds the sittings with released results of their team, counted for their team only.
    """
    if not reads_all(user):
        permissions.require(user, "exams.view_team")
        team = Q(results__in=_team_results(user))
        return (
            _scoped(Sitting.objects.filter(pk__in=_team_results(user).values("sitting_id")), user)
            .select_related("hotline")
            .annotate(submitted=Count("results", filter=team & Q(results__attempt__isnull=False), distinct=True),
                      stored=Count("results", filter=team, distinct=True))
            .order_by("-opens_at", "-pk")
        )
    permissions.require(user, "exams.view")
    return (
        _scoped(Sitting.objects.all(), user)
        .filter(status__in=(SittingStatus.CLOSED, SittingStatus.RELEASED))
        .select_related("hotline")
        .annotate(
            submitted=Count("attempts", filter=Q(attempts__status=AttemptStatus.SUBMITTED), distinct=True),
            stored=Count("results", distinct=True),
        )
        .order_by("-opens_at", "-pk")
    )


def sitting_for_reader(user, pk: int) -> Sitting:
    """The sitting of a results page: any of the hotline's for those who read exams; for a team leader, only one
    with released results of their team (else not found)."""
    if reads_all(user):
        return sitting_for(user, pk)
    sitting = results_sittings(user).filter(pk=pk).first()
    if sitting is None:
        raise NotFound()
    return sitting


def sitting_for(user, pk: int) -> Sitting:
    permissions.require(user, "exams.view")
    sitting = _scoped(Sitting.objects.all(), user).select_related("hotline", "paper", "blueprint").filter(pk=pk).first()
    if sitting is None:
        raise NotFound()
    results_services.release_if_due(sitting)
    return sitting


@dataclass
class ResultRow:
    person: object
    state: str
    attempt: Attempt | None = None
    result: SittingResult | None = None
    knowledge: Decimal | None = None
    skills: Decimal | None = None
    score: Decimal | None = None
    passed: bool | None = None
    rank: int | None = None
    pending: int = 0
    basis: str = ""
    offers: list[Invitation] = field(default_factory=list)
    valid_until: datetime.date | None = None
    offerable: bool = False  # X3: failed, released, not yet offered the level below


@dataclass
class SittingResults:
    sitting: Sitting
    rows: list[ResultRow]
    offline: bool
    policy_version: str = ""

    @property
    def scored(self) -> list[ResultRow]:
        return [r for r in self.rows if r.score is not None]

    @property
    def pending(self) -> int:
        return sum(r.pending for r in self.rows)

    @property
    def failed_without_offer(self) -> list[ResultRow]:
        return [r for r in self.rows if r.result is not None and r.passed is False and not r.offers and r.state == RELEASED]

    def count(self, state: str) -> int:
        return sum(1 for r in self.rows if r.state == state)


def _valid_until(sitting: Sitting) -> datetime.date | None:
    """X4: a qualification result counts until the day before the same date a year later."""
    return one_year_after(sitting.exam_date) if sitting.kind in LEVEL_KINDS else None


def sitting_results(sitting: Sitting, viewer=None) -> SittingResults:
    """Every invited person's line: the stored result once released (or offline), else the provisional figures.

    For a ``viewer`` who reads only their team (a team leader), only their team's released lines, ranked among
    every sitter (X6)."""
    offline = is_offline(sitting)
    stored = {r.person_id: r for r in SittingResult.objects.filter(sitting=sitting).select_related("person", "person__team", "attempt")}
    rows: list[ResultRow] = []
    valid_until = _valid_until(sitting)
    policy_version = ""
    if offline:
        for result in stored.values():
            rows.append(ResultRow(result.person, RELEASED, None, result, result.knowledge_score, result.skills_score, result.score,
                                  result.passed, basis=result.basis, valid_until=valid_until))
    else:
        invitations = list(sitting.invitations.select_related("person", "person__team", "attempt"))
        attempts = [getattr(i, "attempt", None) for i in invitations]
        submitted = [a for a in attempts if a is not None and a.status == AttemptStatus.SUBMITTED]
        computed = {}
        if sitting.status != SittingStatus.RELEASED and submitted:
            for attempt in submitted:
                attempt.sitting = sitting
            policy, policy_version = sitting_policy(sitting)
            computed = score_attempts(submitted, policy=policy)
        for invitation, attempt in zip(invitations, attempts):
            row = ResultRow(invitation.person, ABSENT, attempt)
            result = stored.get(invitation.person_id)
            if result is not None and result.released_at is not None:
                row.state, row.result = RELEASED, result
                row.knowledge, row.skills, row.score, row.passed, row.basis = (
                    result.knowledge_score, result.skills_score, result.score, result.passed, result.basis)
                row.valid_until = valid_until
            elif attempt is not None and attempt.status == AttemptStatus.IN_PROGRESS:
                row.state = IN_PROGRESS
            elif attempt is not None and attempt.pk in computed:
                score = computed[attempt.pk]
                row.pending = score.pending
                row.state = PROVISIONAL if score.complete else GRADING
                row.knowledge, row.skills, row.score, row.passed = score.knowledge, score.skills, score.score, score.passed
                row.basis = "；".join(f"{r.rule}: {r.text}" for r in score.reasons)
            rows.append(row)
        offers = {}
        for invitation in Invitation.objects.filter(offered_after__sitting=sitting).select_related("sitting"):
            offers.setdefault(invitation.offered_after_id, []).append(invitation)
        for row in rows:
            if row.attempt is not None:
                row.offers = offers.get(row.attempt.pk, [])
    ranks = {p.staff_no: p.rank for p in published_results({r.person.staff_no: r.score for r in rows if r.score is not None})}
    for row in rows:
        row.rank = ranks.get(row.person.staff_no)
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.person.staff_no))
    if viewer is not None and not reads_all(viewer):
        team = set(_team_results(viewer).filter(sitting=sitting).values_list("person_id", flat=True))
        rows = [r for r in rows if r.state == RELEASED and r.person.pk in team]
    found = SittingResults(sitting, rows, offline, policy_version)
    if sitting.kind in LEVEL_KINDS and not offline:
        for row in found.failed_without_offer:
            row.offerable = True
    return found


# --- an agent's own results ---------------------------------------------------------------------------


@dataclass
class MyResult:
    result: SittingResult
    rank: int
    sitters: int
    valid_until: datetime.date | None
    offers: list[Invitation]

    @property
    def valid_today(self) -> bool:
        return self.valid_until is None or timezone.localdate() < self.valid_until


def _due_sittings(person_id: int) -> None:
    """Release the sittings of the person that are due by their rule (ReleaseRule.ON_CLOSE) before reading."""
    for sitting in Sitting.objects.filter(invitations__person_id=person_id, status=SittingStatus.CLOSED, release_rule="on_close"):
        results_services.release_if_due(sitting)


def my_results(user) -> list[MyResult]:
    """The signed-in person's released results, newest first, with their rank among the sitters (X6)."""
    permissions.require(user, "exams.sit")
    if user.person_id is None:
        return []
    _due_sittings(user.person_id)
    mine = list(
        SittingResult.objects.filter(person_id=user.person_id, released_at__isnull=False)
        .select_related("sitting", "attempt")
        .order_by("-sitting__opens_at", "-pk")
    )
    by_sitting: dict[int, dict[str, Decimal]] = {}
    for sitting_id, staff_no, score in SittingResult.objects.filter(
        sitting_id__in=[r.sitting_id for r in mine], released_at__isnull=False, score__isnull=False
    ).values_list("sitting_id", "person__staff_no", "score"):
        by_sitting.setdefault(sitting_id, {})[staff_no] = score
    offers = {}
    for invitation in Invitation.objects.filter(person_id=user.person_id, how=InvitedHow.CASCADE).select_related("sitting", "attempt"):
        offers.setdefault(invitation.offered_after_id, []).append(invitation)
    found = []
    staff_no = user.person.staff_no
    for result in mine:
        scores = by_sitting.get(result.sitting_id, {})
        published = {p.staff_no: p for p in published_results(scores)}
        mine_published = published.get(staff_no)
        found.append(MyResult(result, mine_published.rank if mine_published else None, len(scores), _valid_until(result.sitting),
                              offers.get(result.attempt_id, []) if result.attempt_id else []))
    return found


def cascade_invitations(user) -> list[Invitation]:
    """X3: the cascade offers made to the signed-in person, newest first."""
    if user.person_id is None:
        return []
    return list(
        Invitation.objects.filter(person_id=user.person_id, how=InvitedHow.CASCADE)
        .select_related("sitting", "offered_after__sitting", "attempt")
        .order_by("-invited_at", "-pk")
    )


def result_for(user, pk: int) -> SittingResult:
    """A released result of the signed-in person or of their team (a team leader), or any result of the hotline
    for those who read exams.

    Somebody else's result (or one's own before release) is not found, never forbidden.
    """
    result = SittingResult.objects.select_related("sitting", "sitting__hotline", "person", "attempt").filter(pk=pk).first()
    if result is None:
        raise NotFound()
    own = user.person_id is not None and result.person_id == user.person_id
    if own and result.released_at is not None:
        return result
    if permissions.has(user, "exams.view") and (user.role == Role.ADMIN or result.sitting.hotline_id == user.hotline_id):
        return result
    if permissions.has(user, "exams.view_team") and result.released_at is not None and permissions.can_view_person(user, result.person):
        return result  # X6: a team leader reads their team's released results
    raise NotFound()


@dataclass
class ReviewedItem:
    """One item of a released attempt: what the agent saw and answered, the key in force, the score."""

    shown: object  # exams.queries.ShownItem, with the key in force and its correction
    score: Decimal | None
    voided: bool
    grades: list[Grade]


def result_items(result: SittingResult) -> list[ReviewedItem]:
    """The attempt's items in the agent's order, with the key in force and every grade (a handful of queries).

    The item scores are the ones the result was computed from (attempt_scores), so after a regrade the
    items and the stored result agree.
    """
    attempt = result.attempt
    if attempt is None:
        return []
    attempt.sitting = result.sitting
    shown = exam_queries.attempt_items(attempt, show_key=True)
    policy, _version = sitting_policy(result.sitting)
    scored = score_attempts([attempt], policy=policy).get(attempt.pk)
    items = {i.item_id: i for i in (scored.items if scored else [])}
    grades: dict[int, list[Grade]] = {}
    for grade in Grade.objects.filter(answer__attempt=attempt).order_by("graded_at", "pk"):
        grades.setdefault(grade.answer_id, []).append(grade)
    reviewed = []
    for entry in shown:
        item = items.get(entry.item_id)
        reviewed.append(ReviewedItem(entry, item.score if item else None, bool(item and item.voided),
                                     grades.get(item.answer_id, []) if item else []))
    return reviewed


def offline_source(result: SittingResult) -> bool:
    return result.source == ResultSource.OFFLINE
