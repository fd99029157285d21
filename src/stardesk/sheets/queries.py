"""Reads of the sheets app: import runs a user may see, and the rows of an export."""
from collections.abc import Iterable

from django.db.models import QuerySet

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.core.errors import NotFound
from stardesk.sheets import catalog
from stardesk.sheets.models import ImportRun
from stardesk.sheets.specs import SheetSpec


def sheets_for(user) -> list[SheetSpec]:
    """The sheets a user may import, in catalog order."""
    return [spec for spec in catalog.SHEETS.values() if permissions.has(user, spec.permission)]


def import_runs_visible_to(user) -> QuerySet:
    """Runs of the sheets the user may import, in their hotline (every hotline for a group administrator)."""
    kinds = [spec.kind for spec in sheets_for(user)]
    runs = ImportRun.objects.filter(kind__in=kinds).select_related("hotline", "actor")
    if user.role == Role.ADMIN:
        return runs
    return runs.filter(hotline_id=user.hotline_id)


def sheet_export(*, actor, kind: str, hotline, as_system: bool = False) -> tuple[SheetSpec, Iterable[list]]:
    """The spec and rows of sheet `kind` for a hotline, exactly as the import reads them back.

    `as_system` is the command line, acting without an account.
    """
    spec = catalog.sheet(kind)
    if not as_system:
        permissions.require(actor, spec.permission)
        permissions.require_hotline(actor, hotline)
    if spec.export_rows is None:
        raise NotFound()
    return spec, spec.export_rows(hotline)
