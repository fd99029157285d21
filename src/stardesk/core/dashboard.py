"""What the home page shows each role."""
from django.db.models import Count, Q
from django.utils import timezone

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.people.models import TitleSpell


def for_user(user) -> dict:
    today = timezone.localdate()
    people = permissions.people_visible_to(user)
    context = {"today": today, "role": user.role}
    if user.role == Role.AGENT:
        person = user.person
        context["person"] = person
        if person is not None:
            context["titles"] = list(person.titles.order_by("-start"))
        return context
    counts = people.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(left_on__isnull=True) | Q(left_on__gt=today)),
    )
    held = TitleSpell.objects.filter(person__in=people.active_on(today), start__lte=today).filter(
        Q(end__isnull=True) | Q(end__gt=today)
    )
    by_level = dict(held.values_list("level").annotate(n=Count("id")).order_by())
    context.update(
        counts=counts,
        stars=[(level, by_level.get(level, 0)) for level in (3, 2, 1)],
        teams=permissions.teams_visible_to(user).annotate(
            n=Count("members", filter=Q(members__left_on__isnull=True))
        ).order_by("name")[:50],
    )
    return context
