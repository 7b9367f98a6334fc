"""Shared helpers: local instants and the bundled calendar (no database)."""

from __future__ import annotations

import datetime as dt

from motcua.workdays.calendar import LOCAL_TZ, WorkCalendar
from motcua.workdays.official import bundled_calendar


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An instant in Asia/Ho_Chi_Minh, as deadlines.md writes them."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


def official_calendar() -> WorkCalendar:
    """Bundled official data and estimates, default policy (make-up Saturdays count)."""
    return bundled_calendar()
