"""What the API reads: always starting from what the caller may see (accounts.permissions)."""
from django.db.models import QuerySet
from rest_framework.authtoken.models import Token

from stardesk.accounts import permissions
from stardesk.people.models import TitleSpell


def token_created_at(user):
    """When the user's current API token was issued, or None. The key itself is never read back."""
    return Token.objects.filter(user=user).values_list("created", flat=True).first()


def hotlines(user) -> QuerySet:
    return permissions.hotlines_visible_to(user).order_by("name", "pk")


def teams(user) -> QuerySet:
    return permissions.teams_visible_to(user).select_related("leader").order_by("hotline_id", "name", "pk")


def people(user) -> QuerySet:
    return permissions.people_visible_to(user).select_related("team").order_by("staff_no", "pk")


def title_history(person) -> QuerySet:
    """S4: every spell the person has held, oldest first, ended ones included."""
    return TitleSpell.objects.filter(person=person).order_by("start", "job_type", "pk")
