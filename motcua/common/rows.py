"""New rows written without the ORM's per-statement query building.

The counter reception writes a dozen rows in half a dozen tables for every dossier
(issue 6: at least 300 receptions per second in one process). ``Model.save`` and
``QuerySet.bulk_create`` build their SQL anew for every call, which costs more than
the database's own work; these helpers keep one statement text per model and number
of rows, and prepare each value exactly as the ORM does (``Field.pre_save`` for the
defaults and ``auto_now_add``, then ``Field.get_db_prep_save``), so the rows are the
ORM's rows. Only for plain inserts of new rows: no signals are sent (MotCua connects
none to these models) and no validation runs beyond the database's constraints.

On PostgreSQL the values travel apart from the statement (server-side binding) and
the server keeps the statements prepared (``DATABASE_PREPARE``); keys can be taken
ahead from the tables' sequences (``reserve_keys``), so rows that point to each
other go to the database together, in one round trip (``insert_together``).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

M = TypeVar("M", bound=models.Model)


def _fields(model: type[models.Model], keyed: bool) -> list[models.Field]:  # type: ignore[type-arg]
    """The inserted columns: all, the key too when the rows bring theirs (``keyed``)."""
    meta = model._meta
    return [f for f in meta.concrete_fields if keyed or f is not meta.auto_field]


def _keyed(objs: Sequence[models.Model]) -> bool:
    """Whether the rows bring their own keys (``reserve_keys``)."""
    return objs[0]._meta.auto_field is not None and objs[0].pk is not None


@lru_cache(maxsize=256)
def _statement(
    model: type[models.Model], rows: int, vendor: str, returning: bool, keyed: bool = False
) -> str:
    meta = model._meta
    qn = connection.ops.quote_name
    fields = _fields(model, keyed)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(str(f.column)) for f in fields)}) "
        f"VALUES {', '.join([row] * rows)}"
    )
    if returning and meta.auto_field is not None:
        sql += f" RETURNING {qn(str(meta.auto_field.column))}"
    return sql


# Fields whose stored value is the attribute itself when it has this Python type
# (``get_db_prep_save`` would return it unchanged): read directly. Strings include
# their subclasses (a choices member: ``CharField.to_python`` keeps it as it is); the
# numbers and booleans are exact (a bool in an integer field becomes 1).
_PLAIN: tuple[tuple[type[models.Field], type], ...] = (  # type: ignore[type-arg]
    (models.CharField, str),
    (models.TextField, str),
    (models.BooleanField, bool),
    (models.IntegerField, int),  # and its small, big and positive kinds
)
# On PostgreSQL dates and aware instants are handed to psycopg as they are
# (``adapt_datefield_value`` and ``adapt_datetimefield_value`` return them), unless the
# field fills itself in (``auto_now``, ``auto_now_add``).
_PLAIN_POSTGRESQL: tuple[tuple[type[models.Field], type], ...] = (  # type: ignore[type-arg]
    (models.DateTimeField, dt.datetime),
    (models.DateField, dt.date),
)


@lru_cache(maxsize=64)
def _plan(
    model: type[models.Model], keyed: bool, vendor: str
) -> list[tuple[models.Field, str, type | None]]:  # type: ignore[type-arg]
    """(field, attribute, plain type) for each inserted column. The related keys are
    plain ints. No plain type: fields with their own ``pre_save`` (``auto_now`` dates,
    files) or value conversion (decimals, JSON, dates outside PostgreSQL); any other
    type of value (a Decimal in an integer field, a naive instant) goes the ORM's way."""
    plain_kinds = _PLAIN + (_PLAIN_POSTGRESQL if vendor == "postgresql" else ())
    plan: list[tuple[models.Field, str, type | None]] = []  # type: ignore[type-arg]
    for f in _fields(model, keyed):
        plain: type | None = None
        if f.is_relation or f is model._meta.auto_field:
            plain = int
        elif isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add):
            plain = None
        elif not isinstance(f, models.FileField):
            plain = next((t for kind, t in plain_kinds if isinstance(f, kind)), None)
        plan.append((f, f.attname, plain))
    return plan


def _is_plain(value: Any, plain: type) -> bool:
    if plain is str:
        return isinstance(value, str)
    if plain is dt.datetime:
        return type(value) is dt.datetime and value.tzinfo is not None
    return type(value) is plain


def _params(objs: Sequence[models.Model], keyed: bool, db: BaseDatabaseWrapper) -> list[Any]:
    plan = _plan(type(objs[0]), keyed, db.vendor)
    params: list[Any] = []
    append = params.append
    for obj in objs:
        # As ``save`` and ``bulk_create`` do: take the keys of related rows saved since
        # ``obj`` was built, and refuse a relation to a row never saved.
        obj._prepare_related_fields_for_save(operation_name="insert")  # type: ignore[attr-defined]
        values = obj.__dict__
        for f, attname, plain in plan:
            value = values.get(attname)
            if plain is not None and (value is None or _is_plain(value, plain)):
                append(value)
            else:
                append(f.get_db_prep_save(f.pre_save(obj, True), db))
    return params


def cursor(db: BaseDatabaseWrapper | None = None) -> Any:
    """A cursor for the statements run most: on PostgreSQL one that sends the values apart
    from the statement (server-side binding), which psycopg then need not quote into
    the text, and which the server may keep prepared; elsewhere the usual one. Wrapped
    as Django wraps its own (errors, query log)."""
    db = db or connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        return db.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    db.ensure_connection()
    with db.wrap_database_errors:
        return db._prepare_cursor(  # type: ignore[attr-defined]
            ServerBindingCursor(db.connection)  # type: ignore[call-arg]
        )


def _saved(objs: Sequence[models.Model], db: BaseDatabaseWrapper) -> None:
    for obj in objs:
        obj._state.adding = False
        obj._state.db = db.alias


def insert(objs: Sequence[M]) -> Sequence[M]:
    """Insert ``objs`` (new instances of one model) in one statement and set their
    keys (unless they brought them). Returns ``objs``."""
    db = connections[DEFAULT_DB_ALIAS]
    if not objs:
        return objs
    model = type(objs[0])
    keyed = _keyed(objs)
    returning = model._meta.auto_field is not None and not keyed
    sql = _statement(model, len(objs), db.vendor, returning, keyed)
    with cursor(db) as cur:
        cur.execute(sql, _params(objs, keyed, db))
        if returning:
            keys = cur.fetchall()
            for obj, (key,) in zip(objs, keys, strict=True):
                obj.pk = key
    _saved(objs, db)
    return objs


def insert_together(groups: Sequence[Sequence[models.Model]]) -> None:
    """Insert several lists of new rows whose keys nobody needs back (or which bring
    their own, ``reserve_keys``), in this order: in a single round trip on PostgreSQL
    (psycopg's pipeline mode: the statements are sent together and their results read
    once), one statement after the other elsewhere."""
    db = connections[DEFAULT_DB_ALIAS]
    # In autocommit each pipelined statement would commit alone: a later refusal
    # would leave the earlier rows written.
    assert db.in_atomic_block, "insert_together needs a transaction"
    groups = [g for g in groups if g]
    if db.vendor != "postgresql" or len(groups) < 2:
        for group in groups:
            insert(group)
        return
    # (Each item is entered before the next is evaluated: the cursor opens the
    # connection whose pipeline follows.)
    with cursor(db) as cur, db.wrap_database_errors, db.connection.pipeline():
        for group in groups:
            keyed = _keyed(group)
            sql = _statement(type(group[0]), len(group), db.vendor, False, keyed)
            cur.execute(sql, _params(group, keyed, db))
    for group in groups:
        _saved(group, db)


@contextmanager
def together() -> Iterator[None]:
    """Statements run inside travel in one round trip on PostgreSQL — with the
    ``BEGIN`` that opens the transaction, when they are its first — and their results
    are read on leaving; elsewhere nothing changes."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        yield
        return
    db.ensure_connection()
    with db.wrap_database_errors, db.connection.pipeline():
        yield


# --- keys taken ahead ---------------------------------------------------------------------

# Per process, per database and table: keys drawn from the table's sequence and not
# used yet. A sequence never gives a number twice, whoever asks (other processes, the
# ORM's own inserts), so rows written with these keys never collide; a key drawn and
# not used is a gap, as a rolled-back insert leaves one.
KEY_BLOCK = 100
_keys: dict[tuple[str, str], list[int]] = {}
_keys_lock = threading.Lock()


def reserve_keys(model: type[models.Model], n: int) -> list[int] | None:
    """``n`` keys for new rows of ``model``, taken from its sequence a block at a time
    (one query per ``KEY_BLOCK`` keys); None where there is no sequence to take them
    from (SQLite: the rows get their keys when inserted)."""
    db = connections[DEFAULT_DB_ALIAS]
    auto = model._meta.auto_field
    if db.vendor != "postgresql" or auto is None:
        return None
    where = (str(db.settings_dict["NAME"]), model._meta.db_table)
    with _keys_lock:
        pool = _keys.setdefault(where, [])
        if len(pool) < n:
            with db.cursor() as cur:
                cur.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [model._meta.db_table, auto.column, max(KEY_BLOCK, n - len(pool))],
                )
                pool.extend(int(row[0]) for row in cur.fetchall())
        taken = pool[:n]
        del pool[:n]
    return taken


def forget_keys() -> None:
    """Drop the keys taken ahead (tests: a database whose sequences were reset)."""
    with _keys_lock:
        _keys.clear()


def _forget_keys_in_child() -> None:
    # A forked worker (a server that loads the application before forking) must not
    # use the keys its parent took: two workers would write the same ones.
    global _keys_lock
    _keys_lock = threading.Lock()
    _keys.clear()


os.register_at_fork(after_in_child=_forget_keys_in_child)
