"""New rows written without the ORM's per-statement query building.

The counter reception writes a dozen rows in half a dozen tables for every dossier
(issue 6: at least 300 receptions per second in one process). ``Model.save`` and
``QuerySet.bulk_create`` build their SQL anew for every call, which costs more than
the database's own work; these helpers keep one statement text per model and number
of rows, and prepare each value exactly as the ORM does (``Field.pre_save`` for the
defaults and ``auto_now_add``, then ``Field.get_db_prep_save``), so the rows are the
ORM's rows. Only for plain inserts of new rows: no signals are sent (MotCua connects
none to these models) and no validation runs beyond the database's constraints.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)


def _fields(model: type[models.Model]) -> list[models.Field]:  # type: ignore[type-arg]
    meta = model._meta
    return [f for f in meta.concrete_fields if f is not meta.auto_field]


@lru_cache(maxsize=256)
def _statement(model: type[models.Model], rows: int, vendor: str, returning: bool) -> str:
    meta = model._meta
    qn = connection.ops.quote_name
    fields = _fields(model)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(str(f.column)) for f in fields)}) "
        f"VALUES {', '.join([row] * rows)}"
    )
    if returning and meta.auto_field is not None:
        sql += f" RETURNING {qn(str(meta.auto_field.column))}"
    return sql


# Fields whose stored value is the attribute itself when it has exactly this Python
# type (``get_db_prep_save`` would return it unchanged): read directly.
_PLAIN: tuple[tuple[type[models.Field], type], ...] = (  # type: ignore[type-arg]
    (models.CharField, str),
    (models.TextField, str),
    (models.BooleanField, bool),
    (models.IntegerField, int),  # and its small, big and positive kinds
)


@lru_cache(maxsize=64)
def _plan(model: type[models.Model]) -> list[tuple[models.Field, str, type | None]]:  # type: ignore[type-arg]
    """(field, attribute, plain type) for each inserted column. The related keys are
    plain ints. No plain type: fields with their own ``pre_save`` (``auto_now`` dates,
    files) or value conversion (dates, decimals, JSON); any other type of value (a
    choices enum, a Decimal in an integer field) goes the ORM's way too."""
    plan: list[tuple[models.Field, str, type | None]] = []  # type: ignore[type-arg]
    for f in _fields(model):
        plain: type | None = None
        if f.is_relation:
            plain = int
        elif not isinstance(f, models.FileField):
            plain = next((t for kind, t in _PLAIN if isinstance(f, kind)), None)
        plan.append((f, f.attname, plain))
    return plan


def _params(objs: Sequence[models.Model]) -> list[Any]:
    plan = _plan(type(objs[0]))
    params: list[Any] = []
    append = params.append
    for obj in objs:
        # As ``save`` and ``bulk_create`` do: take the keys of related rows saved since
        # ``obj`` was built, and refuse a relation to a row never saved.
        obj._prepare_related_fields_for_save(operation_name="insert")  # type: ignore[attr-defined]
        values = obj.__dict__
        for f, attname, plain in plan:
            value = values.get(attname)
            if plain is not None and (value is None or type(value) is plain):
                append(value)
            else:
                append(f.get_db_prep_save(f.pre_save(obj, True), connection))
    return params


def _saved(objs: Sequence[models.Model]) -> None:
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def insert(objs: Sequence[M]) -> Sequence[M]:
    """Insert ``objs`` (new instances of one model) in one statement and set their
    keys. Returns ``objs``."""
    if not objs:
        return objs
    model = type(objs[0])
    returning = model._meta.auto_field is not None
    sql = _statement(model, len(objs), connection.vendor, returning)
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(objs))
        if returning:
            keys = cursor.fetchall()
            for obj, (key,) in zip(objs, keys, strict=True):
                obj.pk = key
    _saved(objs)
    return objs


def insert_together(groups: Sequence[Sequence[models.Model]]) -> None:
    """Insert several lists of new rows whose keys nobody needs back: in a single
    round trip on PostgreSQL (psycopg's pipeline mode: the statements are sent
    together and their results read once), one statement after the other elsewhere."""
    # In autocommit each pipelined statement would commit alone: a later refusal
    # would leave the earlier rows written.
    assert connection.in_atomic_block, "insert_together needs a transaction"
    groups = [g for g in groups if g]
    if connection.vendor != "postgresql" or len(groups) < 2:
        for group in groups:
            insert(group)
        return
    # (Each item is entered before the next is evaluated: the cursor opens the
    # connection whose pipeline follows.)
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        connection.connection.pipeline(),
    ):
        for group in groups:
            sql = _statement(type(group[0]), len(group), connection.vendor, False)
            cursor.execute(sql, _params(group))
    for group in groups:
        _saved(group)
