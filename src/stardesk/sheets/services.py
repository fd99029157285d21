"""Importing a sheet: read, parse, check, then save everything or nothing (workbook.md).

The page, the API and the `import_sheet` command all call `sheet_import`.
"""
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.audit import services as audit
from stardesk.core.errors import DomainError, Forbidden
from stardesk.people.models import Hotline
from stardesk.sheets import catalog, reading
from stardesk.sheets.models import ImportRun, ImportStatus
from stardesk.sheets.specs import HOTLINE_HEADER, ImportContext, Problems, Row, RowsRefused, parse_rows

SYSTEM_NAME = "系统"


class ImportRefused(DomainError):
    """Nothing was saved; `run` is the recorded attempt, `details` every bad row ({row, column, reason})."""

    def __init__(self, run: ImportRun, code: str, message, *, details=None):
        super().__init__(code, message, details=details)
        self.run = run


def _hotline_from_rows(actor, chosen: Hotline | None, rows: list[Row], problems: Problems, *, as_system: bool) -> Hotline | None:
    """The import's one hotline: the importer's own, the one a group administrator chose, or the one the 热线 column names."""
    named = {row.hotline_name for row in rows if row.hotline_name}
    known = {}
    if named:
        for hotline in Hotline.objects.all():
            known[hotline.name] = hotline
            known[hotline.code] = hotline
    hotline = chosen
    if hotline is None and named:
        first = next(row.hotline_name for row in rows if row.hotline_name)
        hotline = known.get(first)
    may_choose = as_system or actor.role == Role.ADMIN
    for row in rows:
        name = row.hotline_name
        if not name:
            if hotline is None and may_choose:
                problems.add(row.number, HOTLINE_HEADER, _("请填写热线，或在页面上选择热线"))
            continue
        found = known.get(name)
        if found is None:
            problems.add(row.number, HOTLINE_HEADER, _("热线「%(name)s」不存在") % {"name": name})
        elif hotline is not None and found.pk != hotline.pk:
            if may_choose:
                reason = _("一次只能导入一个热线（本次导入：%(hotline)s）") % {"hotline": hotline.name}
            else:
                reason = _("只能导入本热线（%(hotline)s）的数据") % {"hotline": hotline.name}
            problems.add(row.number, HOTLINE_HEADER, reason)
    return hotline


def _record_refusal(*, actor, kind, file_name, hotline, rows, message, errors) -> ImportRun:
    return ImportRun.objects.create(
        actor=actor,
        actor_name=str(actor) if actor is not None else SYSTEM_NAME,
        hotline=hotline,
        kind=kind,
        file_name=file_name[:255],
        status=ImportStatus.REFUSED,
        rows=rows,
        message=str(message),
        errors=errors,
        error_count=len(errors),
    )


def sheet_import(*, actor, kind: str, source, file_name: str, hotline: Hotline | None = None, as_system: bool = False) -> ImportRun:
    """Import the file `source` (bytes or a file object) as sheet `kind`, all or nothing.

    Returns the ImportRun of a saved import. Raises ImportRefused (nothing
    saved, the attempt recorded) for a bad file or bad rows, Forbidden when the
    actor may not import this sheet or into this hotline. `as_system` is the
    command line, acting without an account.
    """
    spec = catalog.sheet(kind)
    if not as_system:
        permissions.require(actor, spec.permission)
        if hotline is not None:
            permissions.require_hotline(actor, hotline)
        elif actor.role != Role.ADMIN:
            hotline = actor.hotline
    else:
        actor = None
    file_name = (file_name or "").strip() or "—"
    row_count = 0
    try:
        table = reading.read_table(source, file_name, wanted_headers=spec.required_headers, preferred_sheet=str(spec.title))
        row_count = len(table.rows)
        if not row_count:
            raise DomainError("import_unreadable", _("文件只有表头，没有数据行。"))
        rows, problems = parse_rows(spec, table)
        hotline = _hotline_from_rows(actor, hotline, rows, problems, as_system=as_system)
        if hotline is None:
            raise DomainError("no_hotline", _("请选择热线，或在文件中增加「热线」列填写热线名称。"))
        with transaction.atomic():
            # One import at a time per hotline: the checks below must see what the save will change.
            hotline = Hotline.objects.select_for_update().get(pk=hotline.pk)
            context = ImportContext(actor=actor, hotline=hotline, file_name=file_name)
            plan = spec.prepare(context, [row for row in rows if row.complete], problems)
            if problems:
                raise RowsRefused(problems)
            run = ImportRun.objects.create(
                actor=actor,
                actor_name=str(actor) if actor is not None else SYSTEM_NAME,
                hotline=hotline,
                kind=kind,
                file_name=file_name[:255],
                status=ImportStatus.OK,
                rows=row_count,
            )
            context.note = str(_("%(sheet)s导入：%(file)s（导入记录 #%(run)s）") % {"sheet": spec.title, "file": file_name, "run": run.pk})
            outcome = spec.apply(context, plan)
            run.created, run.updated, run.unchanged = outcome.created, outcome.updated, outcome.unchanged
            run.save(update_fields=["created", "updated", "unchanged"])
            # A second import of the same file changes nothing and leaves no trace in the audit trail.
            if outcome.changed:
                counts = {"file_name": file_name, "rows": row_count, "created": outcome.created, "updated": outcome.updated, "unchanged": outcome.unchanged}
                audit.record(
                    actor=actor,
                    action=f"import.{kind}",
                    target=run,
                    changes=audit.changes_between({}, counts),
                    note=str(_("新增 %(c)s 条，修改 %(u)s 条，未变 %(n)s 条") % {"c": outcome.created, "u": outcome.updated, "n": outcome.unchanged}),
                    hotline=hotline,
                )
            return run
    except RowsRefused as refusal:
        errors = refusal.problems.as_list()
        bad_rows = len({error["row"] for error in errors})
        message = _("导入文件有错误，未保存任何数据：%(rows)s 行有问题，共 %(n)s 处。") % {"rows": bad_rows, "n": len(errors)}
        run = _record_refusal(actor=actor, kind=kind, file_name=file_name, hotline=hotline, rows=row_count, message=message, errors=errors)
        raise ImportRefused(run, "import_invalid", message, details=errors) from None
    except Forbidden:
        raise
    except DomainError as error:
        errors = [{"row": None, "column": "", "reason": error.message}]
        run = _record_refusal(actor=actor, kind=kind, file_name=file_name, hotline=hotline, rows=row_count, message=error.message, errors=errors)
        raise ImportRefused(run, error.code, error.message, details=errors) from None
