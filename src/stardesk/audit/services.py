"""Writing the audit trail: called inside the service that makes the change (same transaction)."""
import datetime
import json
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone

from stardesk.audit.models import AuditEntry

# Fields that change by themselves and say nothing about who changed what.
_SKIPPED = {"created_at", "updated_at", "password", "last_login"}


def _plain(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime, Decimal)):
        return str(value)
    return value


def snapshot(obj: models.Model) -> dict:
    """The record's field values as text-friendly data, for an old → new comparison."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in _SKIPPED or field.primary_key:
            continue
        if field.is_relation:
            related_id = getattr(obj, field.attname)
            data[field.name] = str(getattr(obj, field.name)) if related_id is not None else None
        elif field.choices:
            raw = getattr(obj, field.attname)
            data[field.name] = str(dict(field.flatchoices).get(raw, raw)) if raw not in (None, "") else raw
        else:
            data[field.name] = _plain(getattr(obj, field.attname))
    return data


def changes_between(before: dict, after: dict) -> dict:
    """{field: [old, new]} for every field that differs."""
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


def record(*, actor, action: str, target: models.Model, changes: dict | None = None, note: str = "", hotline=None):
    """Append one entry; `hotline` defaults to the target's own hotline."""
    if hotline is None:
        hotline = getattr(target, "hotline", None)
    entry = entry_for(actor=actor, action=action, target=target, changes=changes or {}, hotline=hotline, note=note)
    entry.save()
    return entry


_COPY_COLUMNS = (
    "at", "actor_id", "actor_name", "hotline_id", "action",
    "target_type", "target_id", "target_repr", "changes", "note",
)


def record_many(entries: list[AuditEntry]) -> None:
    """Bulk imports write their entries in bulk, in the caller's transaction.

    On PostgreSQL the rows are streamed with COPY: a 20,000-row import writes
    20,000 entries, and COPY does that in a fraction of a multi-row INSERT's time.
    """
    if not entries:
        return
    if connection.vendor == "sqlite":
        # bulk_create caps SQLite at 999 parameters (99 entries a statement); one executemany instead.
        from stardesk.payouts.bulk_writes import insert

        insert(AuditEntry, entries)
        return
    if connection.vendor != "postgresql":
        AuditEntry.objects.bulk_create(entries, batch_size=2000)
        return
    now = timezone.now()
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _COPY_COLUMNS)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for e in entries:
                copy.write_row((
                    e.at or now, e.actor_id, e.actor_name, e.hotline_id, e.action,
                    e.target_type, e.target_id, e.target_repr,
                    json.dumps(e.changes, ensure_ascii=False, cls=DjangoJSONEncoder), e.note,
                ))


def entry_for(*, actor, action: str, target: models.Model, changes: dict, hotline, note: str = "") -> AuditEntry:
    return AuditEntry(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=str(actor) if actor is not None else "系统",
        hotline=hotline,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        changes=changes,
        note=note,
    )
