"""Reading events: the pages' lists, a person's file, and what the later rules read
(M4 month sanctions, E4 honours, E6 confirmed title sanctions, K1 vetoes of the year)."""
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from stardesk.accounts import permissions
from stardesk.events.models import (
    FEEDBACK_CATEGORIES,
    HONOUR_CATEGORIES,
    MONTH_SANCTIONS,
    TITLE_SANCTIONS,
    VETO_CATEGORIES,
    AppealStatus,
    Category,
    Event,
    Sanction,
    SanctionStatus,
    as_policy_category,
    as_policy_sanction,
    as_policy_severity,
    counting,
    first_of_month,
)
from stardesk.policy import facts

PAGE_SIZE = 50

EVENT_SORTS = {
    "date": "date",
    "staff_no": "person__staff_no",
    "name": "person__name",
    "team": "person__team__name",
    "category": "category",
    "month": "month",
}
DEFAULT_EVENT_SORT = "-date"


class State:
    """Where an event stands, as the list filter and the badges name it."""

    PENDING = "pending"  # a title sanction awaiting the supervisor
    APPEALING = "appealing"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    OVERTURNED = "overturned"
    IN_FORCE = "in_force"  # counts: not overturned, and a title sanction only once confirmed


STATE_FILTERS = {
    State.PENDING: Q(sanction_status=SanctionStatus.PENDING) & ~Q(appeal__status__in=[AppealStatus.PENDING, AppealStatus.OVERTURNED]),
    State.APPEALING: Q(appeal__status=AppealStatus.PENDING),
    State.CONFIRMED: Q(sanction_status=SanctionStatus.CONFIRMED),
    State.REJECTED: Q(sanction_status=SanctionStatus.REJECTED),
    State.OVERTURNED: Q(appeal__status=AppealStatus.OVERTURNED),
}


STATE_FILTERS[State.IN_FORCE] = counting()


def events_visible_to(user) -> QuerySet:
    """The events of the people the user may read (T2): own team for a leader, own file for an agent."""
    return Event.objects.filter(person__in=permissions.people_visible_to(user))


def _for_display(events: QuerySet) -> QuerySet:
    return events.select_related("person", "person__team", "hotline", "recorded_by", "appeal").annotate(
        evidence_count=Count("evidence", distinct=True)
    )


@dataclass
class EventFilter:
    q: str = ""
    team: object = None
    category: str = ""
    month: datetime.date | None = None
    state: str = ""
    sort: str = DEFAULT_EVENT_SORT


def sort_key(sort: str) -> str:
    return sort if sort.lstrip("-") in EVENT_SORTS else DEFAULT_EVENT_SORT


def event_list(user, wanted: EventFilter) -> QuerySet:
    """奖惩事件 list: what the user may see, filtered and sorted; a constant number of queries per page."""
    events = _for_display(events_visible_to(user))
    if wanted.q:
        text = wanted.q.strip()
        events = events.filter(Q(person__staff_no__icontains=text) | Q(person__name__icontains=text))
    if wanted.team is not None:
        events = events.filter(person__team=wanted.team)
    if wanted.category:
        events = events.filter(category=wanted.category)
    if wanted.month is not None:
        events = events.filter(month=first_of_month(wanted.month))
    if wanted.state in STATE_FILTERS:
        events = events.filter(STATE_FILTERS[wanted.state])
    sort = sort_key(wanted.sort)
    column = F(EVENT_SORTS[sort.lstrip("-")])
    return events.order_by(column.desc() if sort.startswith("-") else column.asc(), "-pk")


def event_for(user, pk) -> Event:
    """One event, or Event.DoesNotExist when the user may not see it (a 404, never a 403)."""
    return _for_display(events_visible_to(user)).select_related("person__team__leader").get(pk=pk)


def events_of(person) -> QuerySet:
    """A person's events for their work file (T2), newest first. The caller has checked the user may read the person."""
    return _for_display(Event.objects.filter(person=person)).order_by("-date", "-pk")


def evidence_of(event: Event) -> list:
    return list(event.evidence.select_related("uploaded_by").order_by("uploaded_at", "pk"))


def decisions_of(event: Event) -> list:
    return list(event.decisions.select_related("ended_title", "started_title").order_by("decided_at", "pk"))


def state_of(event: Event) -> tuple[str, str]:
    """(state, label) for a badge; reads the appeal already joined by select_related."""
    appeal = event.appeal_or_none()
    if appeal is not None and appeal.status == AppealStatus.OVERTURNED:
        return State.OVERTURNED, _("已撤销")
    if appeal is not None and appeal.status == AppealStatus.PENDING:
        return State.APPEALING, _("申诉中")
    if event.sanction_status:
        return event.sanction_status, SanctionStatus(event.sanction_status).label
    return State.IN_FORCE, _("有效")


# --- what later rules read ------------------------------------------------------


@dataclass(frozen=True)
class MonthSanctions:
    """M4 steps 2–3 for one person and month: any month cancel, and how many month lowerings.

    `appeal_pending` says a counted sanction is still under appeal, so a payroll run may wait.
    """

    cancelled: bool = False
    lowerings: int = 0
    appeal_pending: bool = False
    event_ids: tuple[int, ...] = field(default_factory=tuple)


def _month_sanction_events(month) -> QuerySet:
    return (
        Event.objects.filter(month=first_of_month(_as_date(month)), sanction__in=MONTH_SANCTIONS)
        .filter(counting())
        .select_related("appeal")
        .order_by("date", "pk")
    )


def _as_date(month) -> datetime.date:
    """A policy Month, a date, or 'YYYY-MM' → the first day of that month."""
    if isinstance(month, datetime.date):
        return first_of_month(month)
    if hasattr(month, "first_day"):
        return month.first_day
    year, number = str(month).split("-")[:2]
    return datetime.date(int(year), int(number), 1)


def _summarise(events) -> MonthSanctions:
    events = list(events)
    return MonthSanctions(
        cancelled=any(e.sanction == Sanction.MONTH_CANCEL for e in events),
        lowerings=sum(1 for e in events if e.sanction == Sanction.MONTH_LOWER),
        appeal_pending=any(getattr(e, "appeal", None) is not None and e.appeal.status == AppealStatus.PENDING for e in events),
        event_ids=tuple(e.pk for e in events),
    )


def month_sanctions(person, month) -> MonthSanctions:
    """M4 steps 2–3: the month sanctions (M5) in force against the person for the month."""
    return _summarise(_month_sanction_events(month).filter(person=person))


def month_sanctions_of(hotline, month) -> dict[int, MonthSanctions]:
    """M4 for a whole hotline in one query: person id → month sanctions (people without any are absent)."""
    by_person = defaultdict(list)
    for event in _month_sanction_events(month).filter(hotline=hotline):
        by_person[event.person_id].append(event)
    return {person_id: _summarise(events) for person_id, events in by_person.items()}


def honours_of_year(hotline, year: int) -> dict[int, list[Event]]:
    """E4: person id → company awards and 先进个人 honours dated in calendar year `year`."""
    found = defaultdict(list)
    events = (
        Event.objects.filter(hotline=hotline, category__in=HONOUR_CATEGORIES, date__year=year)
        .filter(counting())
        .order_by("date", "pk")
    )
    for event in events:
        found[event.person_id].append(event)
    return dict(found)


def has_honour(person, year: int) -> bool:
    """E4: the honour route is open to the person for cycle `year`."""
    return Event.objects.filter(person=person, category__in=HONOUR_CATEGORIES, date__year=year).filter(counting()).exists()


@dataclass(frozen=True)
class TitleSanction:
    """E6: a confirmed title sanction. `changed_title` is False when the person held no title (no ban follows)."""

    person_id: int
    event_id: int
    sanction: str
    effective_on: datetime.date
    changed_title: bool
    outcome: str


def confirmed_title_sanctions(hotline, *, person=None) -> list[TitleSanction]:
    """E6: confirmed 降级/取消星级 sanctions with their effective dates, oldest first. The ban itself is read
    from title history (policy.bans), which the confirmation wrote; this says which event caused it."""
    events = Event.objects.filter(hotline=hotline, sanction_status=SanctionStatus.CONFIRMED).filter(counting())
    if person is not None:
        events = events.filter(person=person)
    events = events.prefetch_related("decisions").order_by("effective_on", "pk")
    found = []
    for event in events:
        decision = next((d for d in reversed(list(event.decisions.all())) if d.outcome == SanctionStatus.CONFIRMED), None)
        found.append(
            TitleSanction(
                person_id=event.person_id,
                event_id=event.pk,
                sanction=event.sanction,
                effective_on=event.effective_on,
                changed_title=decision is not None and decision.ended_title_id is not None,
                outcome=decision.title_outcome if decision else "",
            )
        )
    return found


def vetoes_between(hotline, first: datetime.date, last: datetime.date) -> dict[int, list[Event]]:
    """K1 flags: person id → vetoes (M5) dated first..last inclusive that were not overturned
    (a pending title sanction included: the committee sees it as pending)."""
    found = defaultdict(list)
    events = (
        Event.objects.filter(hotline=hotline, category__in=VETO_CATEGORIES, date__gte=first, date__lte=last)
        .exclude(appeal__status=AppealStatus.OVERTURNED)
        .select_related("appeal")
        .order_by("date", "pk")
    )
    for event in events:
        found[event.person_id].append(event)
    return dict(found)


def vetoes_of_year(hotline, year: int) -> dict[int, list[Event]]:
    """K1 flags for cycle `year`: the vetoes of calendar year `year`."""
    return vetoes_between(hotline, datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def feedback_of(person) -> QuerySet:
    """V2: the customers' praise and justified complaints about a person, newest first."""
    return Event.objects.filter(person=person, category__in=FEEDBACK_CATEGORIES).filter(
        ~Q(appeal__status=AppealStatus.OVERTURNED)
    ).order_by("-date", "-pk")


def as_facts(events) -> tuple[facts.Event, ...]:
    """The events as the policy package reads them (PersonFacts.events). Pass events that count
    (`Event.objects.filter(counting())`): the facts carry no appeal or confirmation state."""
    return tuple(
        facts.Event(
            on=event.date,
            category=as_policy_category(event.category),
            severity=as_policy_severity(event.severity),
            sanction=as_policy_sanction(event.sanction),
            note=event.description,
            effective_on=event.effective_on,
        )
        for event in events
    )


def counting_facts_of(hotline, first: datetime.date, last: datetime.date) -> dict[int, tuple[facts.Event, ...]]:
    """The events that count, dated first..last, as policy facts per person id: one query for a
    whole hotline (M4 over a month, K1 over a cycle)."""
    by_person = defaultdict(list)
    events = Event.objects.filter(hotline=hotline, date__gte=first, date__lte=last).filter(counting()).order_by("date", "pk")
    for event in events:
        by_person[event.person_id].append(event)
    return {person_id: as_facts(found) for person_id, found in by_person.items()}


def category_choices() -> list[tuple[str, str]]:
    return list(Category.choices)
