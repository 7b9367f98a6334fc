"""Dossier codes: ``<agency electronic identifier>-YYMMDD-NNNN``.

Decree 118/2025 Art. 28 and Circular 03/2025 Art. 13: the identifier of the
competent agency (of the receiving one-stop unit for an inter-agency group), the
reception date, and that day's sequence number, at least four digits and longer
when needed. The sequence is allocated by one upsert on a counter row inside the
caller's transaction: concurrent receptions wait on that row (PostgreSQL row lock;
SQLite's IMMEDIATE transactions serialise writers), and a rolled-back reception
rolls its number back too, so codes are unique and without gaps.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from motcua.common import rows
from motcua.dossiers.models import DossierCodeCounter
from motcua.dossiers.refcache import STAMP_SQL

_TABLE = DossierCodeCounter._meta.db_table
_UPSERT = (
    f"INSERT INTO {_TABLE} (identifier, day, last) VALUES (%s, %s, 1) "
    f"ON CONFLICT (identifier, day) DO UPDATE SET last = {_TABLE}.last + 1 "
    "RETURNING last"
)
_GUESSED_UPSERT = (
    f"INSERT INTO {_TABLE} (identifier, day, last) SELECT %s, %s, 1 "
    f"WHERE COALESCE(({STAMP_SQL}), 0) = %s "
    f"ON CONFLICT (identifier, day) DO UPDATE SET last = {_TABLE}.last + 1 "
    "RETURNING last"
)
_GIVE_BACK = f"UPDATE {_TABLE} SET last = last - 1 WHERE identifier = %s AND day = %s"


class CodeGuess(NamedTuple):
    """The identifier a dossier's code will carry, as a process's memory holds it
    (``dossiers.refcache``), and the stamp that memory was filled under."""

    identifier: str
    day: dt.date
    stamp: int


def send_next_sequence_if_current(cursor: Any, guess: CodeGuess) -> None:
    """Ask on ``cursor`` for the next number of ``guess``'s identifier on its day, only
    if the reference data has not changed since the guess's memory was filled (the
    cursor's row is then the number; else it has none, and no counter is touched —
    nor locked). For a caller that sends it with other statements
    (``actions.base.ask_role_title_and_stamp``), inside a transaction."""
    cursor.execute(_GUESSED_UPSERT, [guess.identifier, guess.day, guess.stamp])


def with_next_sequence_if_current(query: str) -> str:
    """PostgreSQL: ``query`` (one row or none, with a ``stamp`` column), its row
    followed by the next number of a guessed identifier on its day (the parameters
    after the query's own: identifier, day, the guess's stamp) — taken only if the
    query found its row and the stamp is the guess's; else the number is NULL, and no
    counter is touched, nor locked. One statement for what
    ``send_next_sequence_if_current`` asks beside another query."""
    return (
        f"WITH asked AS ({query}), taken AS ("
        f"INSERT INTO {_TABLE} (identifier, day, last) SELECT %s, %s, 1 FROM asked "
        "WHERE COALESCE(asked.stamp, 0) = %s "
        f"ON CONFLICT (identifier, day) DO UPDATE SET last = {_TABLE}.last + 1 "
        "RETURNING last) SELECT asked.*, (SELECT last FROM taken) FROM asked"
    )


def give_back(identifier: str, day: dt.date) -> None:
    """Undo this transaction's ``next_sequence`` of ``identifier`` on ``day``: the
    caller asked for the wrong identifier's number. It holds the counter's row since
    it took the number, so nobody has taken a later one, and the code stays gapless."""
    with rows.cursor() as cursor:
        cursor.execute(_GIVE_BACK, [identifier, day])


def next_sequence(identifier: str, day: dt.date) -> int:
    """Allocate the next number of ``identifier`` on ``day`` (call inside a transaction)."""
    with rows.cursor() as cursor:  # run for every dossier: prepared on PostgreSQL
        cursor.execute(_UPSERT, [identifier, day])
        row = cursor.fetchone()
    return int(row[0])


def format_code(identifier: str, day: dt.date, sequence: int) -> str:
    return f"{identifier}-{day:%y%m%d}-{sequence:04d}"


def allocate_code(identifier: str, day: dt.date) -> str:
    return format_code(identifier, day, next_sequence(identifier, day))
