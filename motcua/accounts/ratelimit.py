"""Fixed-window rate limits kept in the database (``RateLimit``), so that every web
process counts the same requests. Used for one-time codes and status lookups."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from motcua.accounts.models import RateLimit


def hit(key: str, *, limit: int, window: dt.timedelta, at: dt.datetime | None = None) -> bool:
    """Count one request under ``key``; False when it is over ``limit`` in the window.

    The window restarts at the first request after it ends. A refused request is not
    counted, so a client that waits gets through when the window ends."""
    if limit < 1:
        return False
    at = at or timezone.now()
    # One statement, whatever the key's state: create the key, restart an ended
    # window, or count in the current one while under the limit; a key over its limit
    # is left as it is and no row is written (rowcount 0). The conflict clause takes
    # the row's lock, so two processes never both see a fresh window or both take the
    # last place. It is a status lookup's first statement on every request: one round
    # trip, and no ORM query to compile (a conditional UPDATE, then an INSERT when the
    # key was new, cost three). On PostgreSQL every run draws a value from the primary
    # key's (``id``) sequence, used or not: a bigint, which no number of requests uses up.
    q = connection.ops.quote_name
    table, key_, start, count = (
        q(RateLimit._meta.db_table),
        q("key"),
        q("window_start"),
        q("count"),
    )
    started = connection.ops.adapt_datetimefield_value(at)
    ended_before = connection.ops.adapt_datetimefield_value(at - window)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_}, {start}, {count}) VALUES (%s, %s, 1) "
            f"ON CONFLICT ({key_}) DO UPDATE SET "
            f"{start} = CASE WHEN {table}.{start} <= %s THEN excluded.{start} "
            f"ELSE {table}.{start} END, "
            f"{count} = CASE WHEN {table}.{start} <= %s THEN 1 ELSE {table}.{count} + 1 END "
            f"WHERE {table}.{start} <= %s OR {table}.{count} < %s",
            [key[:200], started, ended_before, ended_before, ended_before, limit],
        )
        return cursor.rowcount == 1


def hit_all(checks: list[tuple[str, int, dt.timedelta]], *, at: dt.datetime | None = None) -> int:
    """``hit`` for each (key, limit, window) in turn, in one transaction; the index of
    the first refused, or -1. The checks after a refused one are not counted."""
    with transaction.atomic():
        for index, (key, limit, window) in enumerate(checks):
            if not hit(key, limit=limit, window=window, at=at):
                return index
    return -1


def client_address(request: HttpRequest) -> str:
    """The client's IP address: the last hop a trusted proxy saw when
    ``SECURE_PROXY_SSL_HEADER`` says a proxy is in front, else the socket's peer."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return forwarded.split(",")[-1].strip()[:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]
