"""Reading hotlines, teams and people for pages: every read starts from what the user may see."""
import datetime
from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from stardesk.accounts import permissions
from stardesk.accounts.models import Role, User
from stardesk.people.models import Hotline, Person, Team, TitleSpell

PAGE_SIZE = 50

# Sort key (as in the URL) → the column it orders by.
ROSTER_SORTS = {
    "staff_no": "staff_no",
    "name": "name",
    "team": "team__name",
    "employment_type": "employment_type",
    "hotline_start": "hotline_start",
    "level": "current_level",
}
DEFAULT_ROSTER_SORT = "staff_no"


class Status:
    ACTIVE = "active"
    LEFT = "left"
    ALL = "all"


def held_on(day: datetime.date) -> Q:
    """S4: a spell is held on days start <= d < end."""
    return Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gt=day))


def not_left_on(day: datetime.date, prefix: str = "") -> Q:
    """S2: not yet left on the day (leaving takes effect on left_on)."""
    return Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": day})


def current_level(day: datetime.date) -> Subquery:
    """The highest star level a person holds on the day, in any job type; NULL when none."""
    spells = TitleSpell.objects.filter(held_on(day), person=OuterRef("pk")).order_by("-level").values("level")[:1]
    return Subquery(spells, output_field=IntegerField())


def _subcount(queryset: QuerySet, group: str) -> Coalesce:
    """A correlated COUNT that does not multiply rows the way a second join would."""
    counted = queryset.order_by().values(group).annotate(n=Count("pk", distinct=True)).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


@dataclass
class RosterFilter:
    q: str = ""
    hotline: Hotline | None = None
    team: Team | None = None
    employment_type: str = ""
    status: str = Status.ACTIVE
    level: str = ""  # "" any, "0" no title, "1".."3"
    sort: str = DEFAULT_ROSTER_SORT


def sort_key(sort: str, allowed: dict, default: str) -> str:
    """The requested sort if it names a known column ('-' for descending), else the default."""
    return sort if sort.lstrip("-") in allowed else default


def roster(user, wanted: RosterFilter, *, day: datetime.date | None = None) -> QuerySet:
    """人员名册: people the user may see, filtered and sorted, with their current star level."""
    day = day or timezone.localdate()
    people = (
        permissions.people_visible_to(user)
        .select_related("team", "hotline")
        .annotate(current_level=current_level(day))
    )
    if wanted.hotline is not None:
        people = people.filter(hotline=wanted.hotline)
    if wanted.q:
        text = wanted.q.strip()
        people = people.filter(Q(staff_no__icontains=text) | Q(name__icontains=text))
    if wanted.team is not None:
        people = people.filter(team=wanted.team)
    if wanted.employment_type:
        people = people.filter(employment_type=wanted.employment_type)
    if wanted.status == Status.ACTIVE:
        people = people.filter(not_left_on(day))
    elif wanted.status == Status.LEFT:
        people = people.exclude(not_left_on(day))
    if wanted.level == "0":
        people = people.filter(current_level__isnull=True)
    elif wanted.level in ("1", "2", "3"):
        people = people.filter(current_level=int(wanted.level))

    sort = sort_key(wanted.sort, ROSTER_SORTS, DEFAULT_ROSTER_SORT)
    column = F(ROSTER_SORTS[sort.lstrip("-")])
    first = column.desc(nulls_last=True) if sort.startswith("-") else column.asc(nulls_first=True)
    return people.order_by(first, "staff_no", "pk")


def person_for(user, pk) -> Person:
    """One person's file, or Person.DoesNotExist when the user may not see them (a 404, never a 403)."""
    return permissions.people_visible_to(user).select_related("team", "team__leader", "hotline").get(pk=pk)


def title_history(person: Person) -> list[TitleSpell]:
    """S4: every spell, newest first, ended ones included."""
    return list(person.titles.order_by("-start", "-pk"))


def titles_held(person: Person, day: datetime.date | None = None) -> list[TitleSpell]:
    day = day or timezone.localdate()
    return [spell for spell in person.titles.all() if spell.held_on(day)]


def teams(user, *, hotline: Hotline | None = None, day: datetime.date | None = None) -> QuerySet:
    """班组 list with leader, head counts and star holders, one query."""
    day = day or timezone.localdate()
    found = permissions.teams_visible_to(user).select_related("leader", "hotline")
    if hotline is not None:
        found = found.filter(hotline=hotline)
    active = Person.objects.filter(not_left_on(day), team=OuterRef("pk"))
    holders = TitleSpell.objects.filter(held_on(day), not_left_on(day, "person__"), person__team=OuterRef("pk"))
    return found.annotate(
        active_count=_subcount(active, "team"),
        total_count=_subcount(Person.objects.filter(team=OuterRef("pk")), "team"),
        star_count=Coalesce(
            Subquery(
                holders.order_by().values("person__team").annotate(n=Count("person", distinct=True)).values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
    ).order_by("hotline__name", "name")


def team_for(user, pk) -> Team:
    return permissions.teams_visible_to(user).select_related("leader", "hotline").get(pk=pk)


def team_members(user, team: Team, *, status: str = Status.ACTIVE, day: datetime.date | None = None) -> QuerySet:
    return roster(user, RosterFilter(team=team, status=status), day=day)


def hotlines(*, day: datetime.date | None = None) -> QuerySet:
    """Every hotline with its counts (the group administrator's list)."""
    day = day or timezone.localdate()
    return Hotline.objects.annotate(
        team_count=_subcount(Team.objects.filter(hotline=OuterRef("pk")), "hotline"),
        active_count=_subcount(Person.objects.filter(not_left_on(day), hotline=OuterRef("pk")), "hotline"),
        account_count=_subcount(User.objects.filter(hotline=OuterRef("pk"), is_active=True), "hotline"),
    ).order_by("name")


def leader_choices(hotline: Hotline) -> QuerySet:
    """Who may lead a team: the hotline's active team-leader accounts (S3)."""
    return User.objects.filter(hotline=hotline, role=Role.LEADER, is_active=True).order_by("display_name", "username")


def team_choices(user, hotline: Hotline | None = None) -> QuerySet:
    found = permissions.teams_visible_to(user).select_related("hotline")
    if hotline is not None:
        found = found.filter(hotline=hotline)
    return found.order_by("hotline__name", "name")
