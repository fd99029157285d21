"""What the home page shows each role: an agent their own file, a leader their team,
the supervisor and committee their hotline, the group administrator every hotline."""
from django.db.models import Count, Max, Q
from django.utils import timezone

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.audit import queries as audit_queries
from stardesk.people import queries as people_queries
from stardesk.people.models import EmploymentType, TitleSpell

RECENT_CHANGES = 8


def _own_file(user, today) -> dict:
    person = user.person
    if person is None:
        return {"person": None}
    history = people_queries.title_history(person)
    return {
        "person": person,
        "held": [spell for spell in history if spell.held_on(today)],
        "titles": history[:5],
    }


def _figures(user, today) -> dict:
    people = permissions.people_visible_to(user)
    active = people.filter(people_queries.not_left_on(today))
    counts = people.aggregate(
        total=Count("id"),
        active=Count("id", filter=people_queries.not_left_on(today)),
        **{
            f"type_{value}": Count("id", filter=people_queries.not_left_on(today) & Q(employment_type=value))
            for value in EmploymentType.values
        },
    )
    # S4: holders on today's date, counted once per person at their highest level.
    held = (
        TitleSpell.objects.filter(people_queries.held_on(today), person__in=active)
        .order_by()
        .values("person")
        .annotate(top=Max("level"))
    )
    by_level = {1: 0, 2: 0, 3: 0}
    for row in held:
        by_level[row["top"]] += 1
    return {
        "counts": counts,
        "employment": [(label, counts[f"type_{value}"]) for value, label in EmploymentType.choices],
        "stars": [(level, by_level[level]) for level in (3, 2, 1)],
        "holders": sum(by_level.values()),
        "teams": people_queries.teams(user, day=today)[:50],
    }


def for_user(user) -> dict:
    today = timezone.localdate()
    context = {"today": today, "role": user.role}
    if user.role == Role.AGENT:
        context.update(_own_file(user, today))
        return context
    context.update(_figures(user, today))
    if user.role == Role.LEADER and user.person_id:
        context["person"] = user.person
    if permissions.has(user, "audit.search"):
        recent = audit_queries.entries_visible_to(user).order_by("-at", "-id")[:RECENT_CHANGES]
        context["recent"] = audit_queries.describe(recent)
    if user.role == Role.ADMIN:
        context["hotlines"] = people_queries.hotlines(day=today)
    return context
