"""Who may call what: each viewset names the permission an action needs (accounts.permissions).

Reading needs no named permission: the querysets start from
people_visible_to / teams_visible_to / hotlines_visible_to, so a record out
of scope is a 404. Writing is checked here before any input is read, so a
role without the right gets a 403 rather than a field error, and checked
again in the service.
"""
from rest_framework.permissions import BasePermission

from stardesk.accounts import permissions
from stardesk.core.errors import Forbidden


class NamedPermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        needed = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        if needed is not None and not permissions.has(request.user, needed):
            raise Forbidden()
        return True
