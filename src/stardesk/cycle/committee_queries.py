"""Reading the committee step: candidates by level, one candidate's file, votes (committee only), decisions.

The committee's workspace is read by the supervisor, the committee and the
group administrator (committee.view); the members' votes only by the
committee itself (committee.votes_view), never by an applicant, a team leader
or the supervisor. A page of candidates costs the same few queries whatever
its size.
"""
import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from stardesk.accounts import permissions
from stardesk.assessment.models import MonitoringEvaluation, MonthlyScore
from stardesk.core.errors import NotFound
from stardesk.cycle.eligibility import cycle_policy, reasons_from_json
from stardesk.cycle.models import CommitteeCandidate, CommitteeDecision, CommitteeVote, Cycle, CycleSeat
from stardesk.events.models import Event
from stardesk.exams.models import SittingResult
from stardesk.people.models import TitleSpell
from stardesk.policy.conventions import window_months
from stardesk.policy.facts import LEVELS


def may_view(user) -> bool:
    return permissions.has(user, "committee.view")


def may_see_votes(user) -> bool:
    return permissions.has(user, "committee.votes_view")


def may_decide(user) -> bool:
    return permissions.has(user, "committee.decide")


def candidates_of(user, cycle: Cycle) -> QuerySet:
    """The cycle's candidates the user may read, with votes (for those who may see them) and decision counts."""
    rows = (
        CommitteeCandidate.objects.filter(cycle=cycle, person__in=permissions.people_visible_to(user))
        .select_related("person", "person__team", "recommendation__application")
        .annotate(decision_count=Count("decisions", distinct=True))
        .order_by("-start_level", "list_position", "person__staff_no")
    )
    if may_see_votes(user):
        rows = rows.prefetch_related(Prefetch("votes", queryset=CommitteeVote.objects.order_by("cast_at", "pk")))
    return rows


def candidate_for(user, cycle: Cycle, pk) -> CommitteeCandidate:
    found = (
        CommitteeCandidate.objects.filter(cycle=cycle, person__in=permissions.people_visible_to(user), pk=pk)
        .select_related("person", "person__team", "person__team__leader", "recommendation", "recommendation__application")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def seats_of(cycle: Cycle) -> dict[int, CycleSeat]:
    return {s.level: s for s in CycleSeat.objects.filter(cycle=cycle)}


@dataclass
class LevelList:
    """K1: one level's list: its seats and its candidates in composite order, with the proposal (K2)."""

    level: int
    quota: int
    filled: int
    candidates: list

    @property
    def full(self) -> bool:
        return self.filled >= self.quota


def level_lists(candidates, seats: dict[int, CycleSeat]) -> tuple[list[LevelList], list]:
    """(the lists of 3, 2 and 1 star, the candidates on no list: no valid exam pass, X3)."""
    lists = []
    for level in sorted(LEVELS, reverse=True):
        seat = seats.get(level)
        rows = [c for c in candidates if c.start_level == level]
        lists.append(LevelList(level, seat.quota if seat else 0, seat.filled if seat else 0, rows))
    return lists, [c for c in candidates if c.start_level == 0]


def decisions_of_cycle(cycle: Cycle) -> QuerySet:
    return CommitteeDecision.objects.filter(cycle=cycle).select_related("candidate__person").order_by("-decided_at", "-pk")


def decisions_of(candidate: CommitteeCandidate) -> QuerySet:
    return candidate.decisions.order_by("decided_at", "pk")


def votes_of(candidate: CommitteeCandidate) -> QuerySet:
    return candidate.votes.order_by("cast_at", "pk")


@dataclass
class CandidateFile:
    """T2: what the committee reads about one candidate besides the stored figures."""

    exam_results: list
    events: list
    titles: list
    monthly: list
    monitoring: list
    reasons: tuple
    application_reasons: tuple
    recommendation_reasons: tuple


def file_of(candidate: CommitteeCandidate) -> CandidateFile:
    """The person's exams, events of the year, title history and the scores behind X5 (one query each)."""
    cycle, person = candidate.cycle, candidate.person
    policy = cycle_policy(cycle).policy
    months = window_months(cycle.reference_date, policy.m7_composite_months)
    first, last = months[0].first_day, months[-1].last_day
    return CandidateFile(
        exam_results=list(SittingResult.objects.filter(person=person, released_at__isnull=False)
                          .select_related("sitting").order_by("-sitting__opens_at", "-pk")[:20]),
        events=list(Event.objects.filter(person=person, date__gte=datetime.date(cycle.year, 1, 1))
                    .select_related("appeal").order_by("-date", "-pk")),
        titles=list(TitleSpell.objects.filter(person=person).order_by("-start", "-pk")),
        monthly=list(MonthlyScore.objects.filter(person=person, month__gte=first, month__lte=last, confirmed_at__isnull=False)
                     .order_by("month")),
        monitoring=list(MonitoringEvaluation.objects.filter(person=person, call_date__gte=first, call_date__lte=last)
                        .order_by("call_date", "pk")),
        reasons=reasons_from_json(candidate.reasons),
        application_reasons=reasons_from_json(candidate.recommendation.application.reasons),
        recommendation_reasons=reasons_from_json(candidate.recommendation.reasons),
    )
