"""Fixed-window rate limits kept in the database (``RateLimit``), so that every web
process counts the same requests. Used for one-time codes and status lookups."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.http import HttpRequest
from django.utils import timezone

from motcua.accounts.models import RateLimit


def hit(key: str, *, limit: int, window: dt.timedelta, at: dt.datetime | None = None) -> bool:
    """Count one request under ``key``; False when it is over ``limit`` in the window.

    The window restarts at the first request after it ends. A refused request is not
    counted, so a client that waits gets through when the window ends."""
    at = at or timezone.now()
    key = key[:200]
    ended = Q(window_start__lte=at - window)
    # One transaction (``savepoint=False``: inside a caller's transaction it is that
    # one) and one conditional UPDATE: restart an ended window, or count in the
    # current one while under the limit — two processes never both see a fresh window.
    with transaction.atomic(savepoint=False):
        counted = RateLimit.objects.filter(ended | Q(count__lt=limit), key=key).update(
            window_start=Case(When(ended, then=Value(at)), default=F("window_start")),
            count=Case(When(ended, then=Value(1)), default=F("count") + 1),
        )
        if counted:
            return True
        if RateLimit.objects.filter(key=key).exists():
            return False
        try:
            with transaction.atomic():
                RateLimit.objects.create(key=key, window_start=at, count=1)
        except IntegrityError:  # another process created it first: count there
            return bool(
                RateLimit.objects.filter(key=key, count__lt=limit).update(count=F("count") + 1)
            )
        return limit >= 1


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
