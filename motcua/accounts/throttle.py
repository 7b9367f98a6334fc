"""Lock-out after repeated failed sign-ins (``SignInThrottle``), shared by the
officials' sign-in and the citizens' portal: after ``MOTCUA_SIGNIN_MAX_FAILURES``
failures within ``MOTCUA_SIGNIN_LOCK_MINUTES`` the key is locked for that long.
Each caller chooses its key and words its own message."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction

from motcua.accounts.models import SignInThrottle


def locked_until(key: str, now: dt.datetime) -> dt.datetime | None:
    row = SignInThrottle.objects.filter(key=key).first()
    if row and row.locked_until and row.locked_until > now:
        return row.locked_until
    return None


def record_failure(key: str, now: dt.datetime) -> None:
    window = dt.timedelta(minutes=settings.MOTCUA_SIGNIN_LOCK_MINUTES)
    with transaction.atomic():
        # Row lock: two wrong passwords at once both count.
        row, _created = SignInThrottle.objects.select_for_update().get_or_create(
            key=key, defaults={"first_failure_at": now}
        )
        if row.first_failure_at < now - window:
            row.failures, row.first_failure_at, row.locked_until = 0, now, None
        row.failures += 1
        if row.failures >= settings.MOTCUA_SIGNIN_MAX_FAILURES:
            row.locked_until = now + window
        row.save()


def clear_failures(key: str) -> None:
    SignInThrottle.objects.filter(key=key).delete()
