"""Who may call what: each viewset names the permission an action needs (accounts.permissions).

Reading needs no named permission: the querysets start from
people_visible_to / teams_visible_to / hotlines_visible_to, so a record out
of scope is a 404. Writing is checked here before any input is read, so a
role without the right gets a 403 rather than a field error, and checked
again in the service.
"""
from rest_framework.permissions import BasePermission

from stardesk.accounts import permissions


class NamedPermission(BasePermission):
    # A refusal becomes DRF's PermissionDenied (code `forbidden` in api/errors.py), which the
    # browsable API also understands when it decides whether to offer a form.
    def has_permission(self, request, view) -> bool:
        needed = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        return needed is None or permissions.has(request.user, needed)
