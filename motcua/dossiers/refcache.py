"""What a reception reads that hardly ever changes, kept in the process's memory.

Every counter reception looks up the procedure's workflow and its steps, the
components of the procedure version, the agency's electronic identifier and the
calendar overrides: six queries that cost more than writing the dossier (issue 6).
They change when an administrator edits a workflow, an identifier, the calendar or
the catalogue — a few times a year.

How it stays right across processes: ``ReferenceStamp`` holds one number, raised by
``bump`` in the same transaction as any change to those rows (``connect`` hooks the
models' save and delete signals; bulk writers call ``bump`` themselves). A reception
reads the number first, with its permission (``STAMP_SQL``, then ``Memo.under``); when
it is newer than the one this process's memory was filled under, the memory is
dropped. What a
transaction reads is remembered only once it commits, so nothing read or created by
a transaction that rolled back is ever reused. Permissions are never kept: the
membership is read for every action.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_save

from motcua.dossiers.models import ReferenceStamp

T = TypeVar("T")
_STAMP_ROW = 1
_memory: dict[tuple[Any, ...], Any] = {}
_MISSING = object()
_filled_under: list[int | None] = [None]
# Held while the stamp is moved on (and the memory cleared) or a value is filed under
# it: a value read under an older stamp never lands under a newer one.
_lock = threading.Lock()
# A bound on what one process keeps (workflows with their steps, component lists,
# identifiers per day): past it, the memory starts afresh.
LIMIT = 20_000


def forget() -> None:
    """Drop everything remembered (tests call this between tests)."""
    with _lock:
        _memory.clear()
        _filled_under[0] = None


_TABLE = ReferenceStamp._meta.db_table
# One statement whether or not the row exists yet: two first changes at once both
# count (PostgreSQL, and SQLite since 3.24).
_BUMP = (
    f"INSERT INTO {_TABLE} (id, value) VALUES ({_STAMP_ROW}, 1) "
    f"ON CONFLICT (id) DO UPDATE SET value = {_TABLE}.value + 1"
)


def bump(**_signal: Any) -> None:
    """Raise the stamp, in the caller's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(_BUMP)


def connect(*watched: type[models.Model]) -> None:
    for model in watched:
        post_save.connect(bump, sender=model, dispatch_uid=f"refcache-{model._meta.label}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"refcache-{model._meta.label}-d")


STAMP_SQL = f"SELECT value FROM {_TABLE} WHERE id = {_STAMP_ROW}"


def filled_under() -> int | None:
    """The stamp the memory was filled under (None: not yet)."""
    return _filled_under[0]


def peek(key: tuple[Any, ...]) -> Any:
    """What the memory holds for ``key`` (None if nothing), under whatever stamp it
    was filled: a guess, made before the stamp is read, which the caller must check
    against what ``Memo.under`` then answers."""
    return _memory.get(key)


class Memo:
    """One transaction's view of the memory: ``get`` answers from it, or loads and
    remembers on commit."""

    def __init__(self, stamp: int) -> None:
        self.stamp = stamp

    @classmethod
    def under(cls, stamp: int | None) -> Memo:
        """The memory as of ``stamp``, read by the caller in its transaction (the
        value of ``STAMP_SQL``; None when the row does not exist yet)."""
        stamp = int(stamp or 0)
        with _lock:
            filled = _filled_under[0]
            # The stamp only grows: a transaction that read an older one (a thread
            # that started earlier) does not reset the memory; ``get`` leaves it aside.
            if filled is None or stamp > filled:
                _memory.clear()
                _filled_under[0] = stamp
        return cls(stamp)

    def get(self, key: tuple[Any, ...], load: Callable[[], T]) -> T:
        # Another thread of this process may have moved the memory to another stamp
        # since this transaction read its own: then the memory is not for it.
        if _filled_under[0] == self.stamp:
            found = _memory.get(key, _MISSING)
            if found is not _MISSING:
                return found  # type: ignore[no-any-return]
        value = load()

        def remember() -> None:
            # Only under the stamp this transaction started with: had anyone (this
            # transaction included) changed the reference data since, the next reader
            # sees another stamp and starts afresh anyway.
            with _lock:  # not between another thread's new stamp and its clearing
                if _filled_under[0] == self.stamp:
                    if len(_memory) >= LIMIT:
                        _memory.clear()
                    _memory[key] = value

        transaction.on_commit(remember)
        return value
