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
from typing import Any

from motcua.common import rows
from motcua.dossiers.models import DossierCodeCounter

_TABLE = DossierCodeCounter._meta.db_table
_UPSERT = (
    f"INSERT INTO {_TABLE} (identifier, day, last) VALUES (%s, %s, 1) "
    f"ON CONFLICT (identifier, day) DO UPDATE SET last = {_TABLE}.last + 1 "
    "RETURNING last"
)
_GIVE_BACK = f"UPDATE {_TABLE} SET last = last - 1 WHERE identifier = %s AND day = %s"


def send_next_sequence(cursor: Any, identifier: str, day: dt.date) -> None:
    """Ask for the next number of ``identifier`` on ``day`` on ``cursor`` (inside a
    transaction; the answer is the cursor's row): for a caller that sends it with other
    statements (``actions.base.role_title_and_stamp``)."""
    cursor.execute(_UPSERT, [identifier, day])


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
