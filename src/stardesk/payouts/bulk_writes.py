"""Inserting many rows of one model: a month's 20,000 scores, its allowance lines, two years of demo history.

PostgreSQL: bulk_create, which Django sends as one UNNEST insert per batch;
plain rows (insert_rows) are streamed with COPY, as the audit entries are.
SQLite: bulk_create caps a statement at 999 parameters and prepares every
value through its field one by one; here every column's type is known, so
the values are adapted once per column kind and go in one executemany, at a
fraction of the cost. Afterwards the objects have no pk: the caller reads the
ids back by the rows' natural key when it needs them.
"""
from __future__ import annotations

from django.db import connection, models
from django.utils import timezone


def _adapter(field: models.Field):
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        if connection.vendor != "sqlite":
            return None  # the driver sends a Decimal as an exact numeric
        return lambda value: None if value is None else str(value)  # exact decimal text, never a float
    if isinstance(field, models.JSONField):
        return lambda value: ops.adapt_json_value(value, field.encoder)
    return None


def insert(model: type[models.Model], objects: list[models.Model], *, batch_size: int = 2000) -> None:
    """Insert `objects` (new, unsaved rows of `model`) in bulk, auto_now and auto_now_add fields filled in."""
    if not objects:
        return
    if connection.vendor != "sqlite":
        model.objects.bulk_create(objects, batch_size=batch_size)
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    for f in fields:  # what pre_save would do (defaults were set when the objects were made)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objects:
                if getattr(obj, f.attname) is None or getattr(f, "auto_now", False):
                    setattr(obj, f.attname, now)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    adapters = [(f.attname, _adapter(f)) for f in fields]
    values = [
        tuple(adapt(getattr(obj, name)) if adapt is not None else getattr(obj, name) for name, adapt in adapters)
        for obj in objects
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(values), batch_size * 10):
            cursor.executemany(sql, values[start:start + batch_size * 10])


def insert_rows(model: type[models.Model], rows: list[dict], *, batch_size: int = 2000) -> None:
    """Insert plain rows ({attname: value}) without making a model object per row (two years of demo history):
    a field left out takes its default, auto_now and auto_now_add fields take the time of the insert."""
    if not rows:
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    fixed = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            fixed[f.attname] = now
        else:
            fixed[f.attname] = f.get_default()  # the default, "" for text, None for nullable fields
    adapters = [(f.attname, _adapter(f) or (lambda value: value), fixed.get(f.attname)) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    values = (tuple(adapt(row.get(name, default)) for name, adapt, default in adapters) for row in rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY takes the rows as one stream: a pipelined executemany still sends a statement per row.
            with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
            return
        values = list(values)
        for start in range(0, len(values), batch_size * 10):
            cursor.executemany(sql, values[start:start + batch_size * 10])
