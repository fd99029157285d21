"""业务考核 (X1–X5): the recommended candidates, their sittings, the cascade and the composite score.

Compute first: `assess` reads, for every candidate on the finalised list at
once (one query per kind of fact), the released qualification results (X2),
the monthly and call-monitoring scores of the twelve months up to R (M7), and
runs the rulebook: the highest level passed and still valid (X3/X4), the level
of the sitting the candidate may sit next (X3 cascade) and the composite
score (X5) with every missing part named. Nothing is written; the committee
step keeps what `assess` returns when it starts (cycle.committee).

Then the two writes of the step, both through the exams app: inviting the
candidates recommended at a level to a sitting of that level, and offering
the sitting one level lower to those who failed (X3).
"""
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from stardesk.accounts import permissions
from stardesk.audit import services as audit
from stardesk.core.errors import DomainError
from stardesk.cycle import steps
from stardesk.cycle.eligibility import cycle_policy, reasons_from_json
from stardesk.cycle.models import Cycle, Recommendation, Step
from stardesk.events.models import SANCTIONED_CATEGORIES, AppealStatus, Event
from stardesk.events.queries import as_facts
from stardesk.exams.models import Invitation, InvitedHow, Sitting, SittingKind, SittingResult, SittingStatus
from stardesk.people.models import Person
from stardesk.policy.committee import flags_for
from stardesk.policy.composite import CompositeDecision, composite_score
from stardesk.policy.conventions import window_months
from stardesk.policy.exams import ExamScore, Qualification, exam_level, exam_score, next_sitting, qualification
from stardesk.policy.reasons import Reason
from stardesk.policy.yearly import YearlyPolicy
from stardesk.yearly_policy.person_facts import facts_of_people

LEVEL_SITTINGS = {1: SittingKind.LEVEL1, 2: SittingKind.LEVEL2, 3: SittingKind.LEVEL3}


@dataclass(frozen=True)
class StoredEligibility:
    """The E1/E4 flags of an application as flags_for (K1) reads them, from the stored check."""

    leader_exception: bool
    honour: bool
    reasons: tuple[Reason, ...]


@dataclass
class Assessed:
    """One recommended candidate after the exams: what X3–X5 and K1 say, as of `on`."""

    recommendation: Recommendation
    person: Person
    recommended_level: int
    eligible_levels: frozenset[int]
    sittings: tuple[ExamScore, ...]  # this cycle year's qualification sittings, scored (X2)
    qualification: Qualification  # X3/X4 on `on`
    next_level: int | None  # X3: the level the candidate may sit next (None: passed, or failed 1-star)
    composite: CompositeDecision  # X5
    flags: tuple[str, ...]  # K1
    invitations: list = field(default_factory=list)  # exams.Invitation rows of this year's level sittings

    @property
    def start_level(self) -> int:
        """K1: the list the candidate is on: the recommended level, or lower after the cascade."""
        return min(self.recommended_level, self.qualification.level)

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return self.qualification.reasons + self.composite.reasons


def recommended(cycle: Cycle):
    """The finalised list's recommended candidates (Q3/Q4), best level first."""
    return (
        Recommendation.objects.filter(cycle=cycle, level__isnull=False)
        .select_related("person", "person__team", "application")
        .order_by("-level", "position", "pk")
    )


def _composite_window(cycle: Cycle, policy: YearlyPolicy) -> tuple[datetime.date, datetime.date]:
    months = window_months(cycle.reference_date, policy.m7_composite_months)
    return months[0].first_day, months[-1].last_day


def year_events(cycle: Cycle, person_ids) -> dict[int, list[Event]]:
    """K1: the vetoes (M5) and supervision findings (V1) of calendar year Y, not overturned
    (a title sanction still waiting for its confirmation included, so the committee sees it)."""
    found = defaultdict(list)
    rows = (
        Event.objects.filter(hotline_id=cycle.hotline_id, person_id__in=person_ids, category__in=SANCTIONED_CATEGORIES,
                             date__year=cycle.year)
        .exclude(appeal__status=AppealStatus.OVERTURNED)
        .order_by("date", "pk")
    )
    for event in rows:
        found[event.person_id].append(event)
    return found


def this_year_invitations(cycle: Cycle, person_ids) -> dict[int, list[Invitation]]:
    """The invitations of the candidates to qualification sittings of year Y (X1, X3)."""
    start = timezone.make_aware(datetime.datetime(cycle.year, 1, 1))
    end = timezone.make_aware(datetime.datetime(cycle.year + 1, 1, 1))
    found = defaultdict(list)
    rows = (
        Invitation.objects.filter(person_id__in=person_ids, sitting__hotline_id=cycle.hotline_id,
                                  sitting__kind__in=LEVEL_SITTINGS.values(), sitting__opens_at__gte=start,
                                  sitting__opens_at__lt=end)
        .select_related("sitting")
        .order_by("sitting__opens_at", "pk")
    )
    for invitation in rows:
        found[invitation.person_id].append(invitation)
    return found


def assess(cycle: Cycle, *, on: datetime.date | None = None, policy: YearlyPolicy | None = None,
           with_invitations: bool = False) -> list[Assessed]:
    """X3–X5 and the K1 flags for every recommended candidate, as of `on` (default today). Nothing is saved."""
    on = on or timezone.localdate()
    policy = policy or cycle_policy(cycle).policy
    rows = list(recommended(cycle))
    ids = [r.person_id for r in rows]
    known = facts_of_people(Person.objects.filter(pk__in=ids), scores_between=_composite_window(cycle, policy),
                            monitoring_between=_composite_window(cycle, policy))
    events = year_events(cycle, ids)
    invitations = this_year_invitations(cycle, ids) if with_invitations else {}
    found = []
    for row in rows:
        facts = known.by_person[row.person_id]
        level_exams = [e for e in facts.exams if exam_level(e.kind) is not None and e.on <= on]
        this_year = [e for e in level_exams if e.on.year == cycle.year]
        qualified = qualification(level_exams, on, policy)  # X3/X4
        composite = composite_score(facts.staff_no, facts.scores_by_month(), facts.monitoring, qualified.score,
                                    cycle.reference_date, policy)  # X5
        application = row.application
        stored = StoredEligibility(application.leader_exception, application.honour, reasons_from_json(application.reasons))
        found.append(Assessed(
            recommendation=row,
            person=row.person,
            recommended_level=row.level,
            eligible_levels=application.levels_eligible(),
            sittings=tuple(exam_score(e, policy) for e in sorted(this_year, key=lambda e: e.on)),
            qualification=qualified,
            next_level=next_sitting(row.level, this_year, policy),  # X3
            composite=composite,
            flags=flags_for(stored, as_facts(events.get(row.person_id, ())), cycle.year),
            invitations=invitations.get(row.person_id, []),
        ))
    return found


def level_sittings(cycle: Cycle):
    """The qualification sittings of the cycle's hotline in year Y that still take invitations."""
    start = timezone.make_aware(datetime.datetime(cycle.year, 1, 1))
    end = timezone.make_aware(datetime.datetime(cycle.year + 1, 1, 1))
    return (
        Sitting.objects.filter(hotline_id=cycle.hotline_id, kind__in=LEVEL_SITTINGS.values(), opens_at__gte=start,
                               opens_at__lt=end, status__in=(SittingStatus.DRAFT, SittingStatus.OPEN))
        .order_by("kind", "opens_at", "pk")
    )


# --- the writes of the step ------------------------------------------------------------------------------


def _check_sitting(cycle: Cycle, sitting: Sitting) -> int:
    level = exam_level(sitting.exam_kind)
    if sitting.hotline_id != cycle.hotline_id or level is None:
        raise DomainError("assessment_sitting_invalid")
    if sitting.year != cycle.year:
        raise DomainError("assessment_sitting_invalid",
                          _("「%(name)s」不是 %(year)s 年的考试场次。") % {"name": sitting.name, "year": cycle.year})
    return level


def _locked(cycle: Cycle) -> Cycle:
    return Cycle.objects.select_for_update(of=("self",)).select_related("hotline", "policy").get(pk=cycle.pk)


@transaction.atomic
def assessment_invite(*, actor, cycle: Cycle, sitting: Sitting) -> list[Invitation]:
    """X1: invite every candidate recommended at the sitting's level who is not invited yet."""
    permissions.require(actor, "cycle.manage")
    permissions.require_hotline(actor, cycle.hotline)
    cycle = _locked(cycle)
    steps.require_step(cycle, Step.ASSESSMENT, doing=_("邀请参加资格考试"))
    level = _check_sitting(cycle, sitting)
    wanted = list(Person.objects.filter(pk__in=Recommendation.objects.filter(cycle=cycle, level=level).values("person_id"))
                  .exclude(pk__in=sitting.invitations.values("person_id")).order_by("staff_no"))
    if not wanted:
        raise DomainError("assessment_nobody_to_invite")
    from stardesk.exams import services as exam_services

    fresh = exam_services.invite_people(actor=actor, sitting=sitting, people=wanted, how=InvitedHow.LEVEL)
    audit.record(actor=actor, action="cycle.assessment_invite", target=cycle,
                 changes={_("考试场次"): [None, sitting.name], _("邀请人数"): [None, len(fresh)]},
                 note=_("X1：推荐%(level)s星的候选人参加%(level)s星资格考试") % {"level": level})
    return fresh


@transaction.atomic
def assessment_cascade(*, actor, cycle: Cycle, sitting: Sitting) -> list[Invitation]:
    """X3: offer `sitting` (level L) to every candidate whose next exam is level L after failing level L+1."""
    permissions.require(actor, "cycle.manage")
    permissions.require_hotline(actor, cycle.hotline)
    cycle = _locked(cycle)
    steps.require_step(cycle, Step.ASSESSMENT, doing=_("逐级补考"))
    level = _check_sitting(cycle, sitting)
    invited = set(sitting.invitations.values_list("person_id", flat=True))
    due = [a for a in assess(cycle) if a.next_level == level and a.person.pk not in invited and a.sittings]
    if not due:
        raise DomainError("assessment_nobody_to_invite")
    # The failed result each offer follows: the person's latest released result one level up (X3).
    failed = {}
    results = (
        SittingResult.objects.filter(person_id__in=[a.person.pk for a in due], sitting__hotline_id=cycle.hotline_id,
                                     sitting__kind=LEVEL_SITTINGS[level + 1], released_at__isnull=False, passed=False)
        .filter(Q(sitting__opens_at__year=cycle.year))
        .select_related("sitting", "person")
        .order_by("sitting__opens_at", "pk")
    )
    for result in results:
        failed[result.person_id] = result
    offered = [failed[a.person.pk] for a in due if a.person.pk in failed]
    if not offered:
        raise DomainError("assessment_nobody_to_invite")
    from stardesk.exams.results import cascade_offer

    fresh = cascade_offer(actor=actor, results=offered, target=sitting)
    audit.record(actor=actor, action="cycle.assessment_cascade", target=cycle,
                 changes={_("考试场次"): [None, sitting.name], _("补考邀请人数"): [None, len(fresh)]},
                 note=_("X3：%(up)s星资格考试不合格者参加%(level)s星资格考试") % {"up": level + 1, "level": level})
    return fresh
