"""T2: the person's work file (个人工作档案), read for the person page.

Everything the other parts record about one person, each part read once (a
constant number of queries whatever the person's history), and each shown only
to a viewer who may read it. The caller has already checked that the viewer may
read the person (people.queries.person_for): the person, their team leader, the
supervisor and the committee of the hotline, and the group administrator.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from stardesk.accounts import permissions
from stardesk.accounts.models import Role, User
from stardesk.assessment.models import MonthlyScore
from stardesk.cycle import queries as cycle_queries
from stardesk.cycle.models import Application
from stardesk.events import queries as event_queries
from stardesk.exams.models import SittingResult
from stardesk.payouts import period_ratings
from stardesk.payouts import queries as payout_queries
from stardesk.payouts.models import AllowanceLine
from stardesk.people.models import Person
from stardesk.policy.conventions import Month
from stardesk.yearly_policy import queries as policy_queries
from stardesk.yearly_policy.person_facts import person_facts
from stardesk.yearly_policy.standing_report import StandingReport, standing_report

MONTHS_SHOWN = 12
EVENTS_SHOWN = 30
RESULTS_SHOWN = 20


@dataclass
class ExamRow:
    result: SittingResult
    link: bool  # the viewer may open the result page (their own or their team's released result, or an examiner)


@dataclass
class ApplicationRow:
    application: Application
    url: str | None


@dataclass
class WorkFile:
    person: Person
    today: datetime.date
    is_self: bool
    own_exams: bool = False  # links to one's own 我的成绩 and 我的申报 pages
    own_cycle: bool = False
    account: User | None = None
    show_account: bool = False
    standing: StandingReport | None = None
    monthly: list[MonthlyScore] = field(default_factory=list)
    ratings: object = None  # payouts.period_ratings.PersonRatings of this year
    periods: tuple = period_ratings.PERIODS
    preliminary: object = None
    lines: list[AllowanceLine] = field(default_factory=list)
    superseded: dict = field(default_factory=dict)
    proposals: list = field(default_factory=list)
    events: list = field(default_factory=list)
    more_events: bool = False
    results: list[ExamRow] = field(default_factory=list)
    applications: list[ApplicationRow] = field(default_factory=list)
    hotline_query: str = ""


def linked_account(person: Person) -> User | None:
    """The login account linked to the person, if any (at most one: User.person is one-to-one)."""
    return User.objects.filter(person=person).first()


def standing_of(person: Person, day: datetime.date) -> StandingReport | None:
    """我的星级进度 in short (S4, E1–E8, X3): None when the hotline has no policy for the year or before."""
    in_force = policy_queries.policy_for_year_or_before(person.hotline, day.year)
    if in_force is None:
        return None
    return standing_report(person_facts(person), in_force, day)


def monthly_scores(person: Person, today: datetime.date) -> list[MonthlyScore]:
    """M3: the last twelve months' scores, newest first, confirmed or not."""
    first = Month.of(today).plus(-(MONTHS_SHOWN - 1)).first_day
    return list(MonthlyScore.objects.filter(person=person, month__gte=first).select_related("team").order_by("-month"))


def exam_results(viewer, person: Person) -> list[ExamRow]:
    """X2/X6: released results for everyone who reads the file; examiners also see provisional ones.

    The person and their team leader (exams.view_team; the caller checked the person is on the leader's
    team) open the released result pages."""
    examiner = permissions.has(viewer, "exams.view")
    found = SittingResult.objects.filter(person=person).select_related("sitting")
    if not examiner:
        found = found.filter(released_at__isnull=False)
    reader = viewer.person_id == person.pk or permissions.has(viewer, "exams.view_team")
    return [
        ExamRow(result, examiner or (reader and result.released_at is not None))
        for result in found.order_by("-sitting__opens_at", "-pk")[:RESULTS_SHOWN]
    ]


def applications(viewer, person: Person, hotline_query: str) -> list[ApplicationRow]:
    """Y/E: the person's applications in every cycle, with the page the viewer may open for each."""
    rows = []
    reads_cycle = permissions.has(viewer, "cycle.view")
    for application in cycle_queries.applications_of_person(person)[:10]:
        if reads_cycle:
            url = reverse("cycle:application", args=[application.cycle.year, application.pk])
            url = f"{url}?{hotline_query}" if hotline_query else url
        elif viewer.person_id == person.pk and permissions.has(viewer, "cycle.apply"):
            url = reverse("cycle:mine")
        else:
            url = None
        rows.append(ApplicationRow(application, url))
    return rows


def work_file(viewer, person: Person, today: datetime.date | None = None) -> WorkFile:
    today = today or timezone.localdate()
    hotline_query = f"hotline={person.hotline_id}" if viewer.role == Role.ADMIN else ""
    found = WorkFile(person=person, today=today, is_self=viewer.person_id == person.pk, hotline_query=hotline_query)
    found.own_exams = found.is_self and permissions.has(viewer, "exams.sit")
    found.own_cycle = found.is_self and permissions.has(viewer, "cycle.apply")
    # The linked login is account administration: the supervisor's and the group administrator's.
    found.show_account = permissions.has(viewer, "accounts.manage")
    if found.show_account:
        found.account = linked_account(person)
    found.standing = standing_of(person, today)
    found.monthly = monthly_scores(person, today)
    found.preliminary = period_ratings.preliminary_for(person.hotline, today)
    found.ratings = period_ratings.ratings_table([person], [], today.year, preliminary=found.preliminary).people[0]
    found.lines = payout_queries.person_lines(person, months=MONTHS_SHOWN)
    found.superseded = payout_queries.person_superseded(person)
    found.proposals = list(
        payout_queries.proposals_visible_to(viewer).filter(person=person).order_by("-trigger_month")[:MONTHS_SHOWN]
    )
    events = list(event_queries.events_of(person)[: EVENTS_SHOWN + 1])
    found.events, found.more_events = events[:EVENTS_SHOWN], len(events) > EVENTS_SHOWN
    found.results = exam_results(viewer, person)
    found.applications = applications(viewer, person, hotline_query)
    return found
