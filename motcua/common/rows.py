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
other go to the database together, in one statement sent ahead of its answer
(``ahead``, ``Ahead.insert``).
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
    model: type[models.Model],
    rows: int,
    vendor: str,
    returning: bool,
    keyed: bool = False,
    first: int = 1,
) -> str:
    """The INSERT of ``rows`` rows. On PostgreSQL its placeholders are the server's
    own, numbered from ``first`` (``raw_cursor``); elsewhere ``%s``."""
    meta = model._meta
    qn = connection.ops.quote_name
    fields = _fields(model, keyed)
    if vendor == "postgresql":
        numbers = iter(range(first, first + rows * len(fields)))
        values = ", ".join(
            "(" + ", ".join(f"${next(numbers)}" for _f in fields) + ")" for _row in range(rows)
        )
    else:
        values = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * rows)
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(str(f.column)) for f in fields)}) "
        f"VALUES {values}"
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


@lru_cache(maxsize=2)
def _prepared(base: type) -> type:
    """``base`` (a psycopg cursor class), its statements prepared on the server at
    their first run rather than after ``prepare_threshold`` runs — unless preparing is
    off (``DATABASE_PREPARE=0``). psycopg counts every statement's runs, the ORM's
    too, among its last 100: between two receptions a busy process's pages could push
    a reception's statements out of that count before they were ever prepared."""

    class Prepared(base):  # type: ignore[valid-type,misc]
        def execute(self, query: Any, params: Any = None, **options: Any) -> Any:
            if self.connection.prepare_threshold is not None:
                options.setdefault("prepare", True)
            return super().execute(query, params, **options)

        def _convert_query(self, query: Any, params: Any = None) -> Any:
            # psycopg notes the statement it runs (``_query``, which Django's query log
            # reads) only when it is not prepared: noted here, whichever way it runs.
            self._query = converted = super()._convert_query(query, params)
            return converted

    Prepared.__name__ = Prepared.__qualname__ = f"Prepared{base.__name__}"
    return Prepared


def cursor(db: BaseDatabaseWrapper | None = None) -> Any:
    """A cursor for the statements run most: on PostgreSQL one that sends the values apart
    from the statement (server-side binding), which psycopg then need not quote into
    the text, and which the server keeps prepared (``_prepared``); elsewhere the usual
    one. Wrapped as Django wraps its own (errors, query log)."""
    db = db or connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        return db.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    db.ensure_connection()
    with db.wrap_database_errors:
        return db._prepare_cursor(  # type: ignore[attr-defined]
            _prepared(ServerBindingCursor)(db.connection)
        )


def raw_cursor(db: BaseDatabaseWrapper) -> Any:
    """On PostgreSQL, a cursor for statements written with the server's own numbered
    placeholders (``$1``): psycopg hands them over as they are. With ``%s`` it parses
    every statement for its placeholders, and remembers the parse only for statements
    of at most 50 values, which a few rows of a dossier exceed. Wrapped as Django
    wraps its own (errors, query log)."""
    import psycopg

    db.ensure_connection()
    with db.wrap_database_errors:
        return db._prepare_cursor(  # type: ignore[attr-defined]
            _prepared(psycopg.RawCursor)(db.connection)
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
    with raw_cursor(db) if db.vendor == "postgresql" else db.cursor() as cur:
        cur.execute(sql, _params(objs, keyed, db))
        if returning:
            keys = cur.fetchall()
            for obj, (key,) in zip(objs, keys, strict=True):
                obj.pk = key
    _saved(objs, db)
    return objs


@lru_cache(maxsize=256)
def _statement_together(shapes: tuple[tuple[type[models.Model], int, bool], ...]) -> str:
    """One PostgreSQL statement that inserts rows in several tables: each but the
    last as a data-modifying ``WITH`` (foreign keys are checked at the statement's end
    at the earliest, so the rows may point to each other)."""
    parts, first = [], 1
    for model, n, keyed in shapes:
        parts.append(_statement(model, n, "postgresql", False, keyed, first))
        first += n * len(_fields(model, keyed))
    if len(parts) == 1:
        return parts[0]
    written = ", ".join(f"w{i} AS ({sql})" for i, sql in enumerate(parts[:-1]))
    return f"WITH {written} {parts[-1]}"


class Ahead:
    """Rows sent to the database ahead of their answers (``ahead``)."""

    def __init__(self, db: BaseDatabaseWrapper, cur: Any) -> None:
        self.db, self.cur = db, cur

    def insert(self, *groups: Sequence[models.Model]) -> None:
        """Insert ``groups`` (lists of new instances of one model each). On PostgreSQL
        in one statement, which is sent and which the server writes while Python goes
        on; the keys are not read back, so rows that others point to bring their own
        (``reserve_keys``). Elsewhere each group is inserted at once and gets its keys,
        as with ``insert``."""
        groups = tuple(g for g in groups if g)
        if not groups:
            return
        if self.cur is None:
            for group in groups:
                insert(group)
            return
        shapes = tuple((type(g[0]), len(g), _keyed(g)) for g in groups)
        params: list[Any] = []
        for group, (_model, _n, keyed) in zip(groups, shapes, strict=True):
            params += _params(group, keyed, self.db)
        self.cur.execute(_statement_together(shapes), params)
        for group in groups:
            _saved(group, self.db)

    def push(self) -> None:
        """Ask the server for the answers of the statements sent so far as soon as it
        has them (libpq's flush request), without waiting: one asked for later is then
        already here, not a round trip away. Elsewhere nothing is pending."""
        if self.cur is not None:
            pgconn = self.db.connection.pgconn  # type: ignore[union-attr]
            pgconn.send_flush_request()
            pgconn.flush()  # what the socket does not take now goes with the next statement


@contextmanager
def ahead(*, checked_as_written: bool = False) -> Iterator[Ahead]:
    """A block whose statements go to the database as they are run (PostgreSQL's
    pipeline mode): the server works on them while Python prepares the next ones, a
    result asked for is waited for then, and every answer is read on leaving, where a
    refused row (a constraint) raises Django's error. With the transaction's ``BEGIN``
    when they are its first. Elsewhere each statement runs in turn, as usual.

    ``checked_as_written``: when the block's transaction is the caller's own (its
    outermost ``atomic``), the foreign keys are checked at the end of each statement
    (``SET CONSTRAINTS ALL IMMEDIATE``, for this transaction only) instead of all at
    the commit: the server checks them while Python goes on, and the commit then only
    writes. The block's statements must then write the rows pointed to first, or in
    the same statement (``Ahead.insert``). Inside a larger transaction they stay
    deferred to its commit, as its other writes may count on.

    Inside a transaction only: in autocommit each statement would commit alone, and a
    later refusal would leave the earlier rows written. Inside the block psycopg knows
    no count of rows changed until the answers are read: no ``save(update_fields=…)``
    of an existing row there (Django takes the unknown count for "no row")."""
    db = connections[DEFAULT_DB_ALIAS]
    assert db.in_atomic_block, "ahead needs a transaction"
    if db.vendor != "postgresql":
        yield Ahead(db, None)
        return
    own = len(db.atomic_blocks) == 1 and not db.savepoint_ids and db.commit_on_exit
    cur = raw_cursor(db)
    try:
        # The cursor outlives the pipeline: its answers are read on leaving it.
        with db.wrap_database_errors, db.connection.pipeline():
            if checked_as_written and own:
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            yield Ahead(db, cur)
    finally:
        cur.close()


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
