"""The calendar deadlines are computed with, as configured in this installation.

``get_calendar()`` = bundled official days off (2024–2026) + estimates for other
years + administrators' overrides (``CalendarOverride``, ``ConfirmedYear``) + the
policy settings (office periods, make-up Saturdays, same-day cutoff).

Overrides apply to deadlines computed *after* they are saved. Deadlines already
stored on dossiers are not rewritten (deadlines.md §1: "deadlines already issued are
not silently rewritten"): a receipt slip keeps the appointment it was printed with.
Call ``get_calendar()`` once per action; it costs two small queries.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from motcua.workdays.calendar import (
    CalendarError,
    OfficePeriods,
    WorkCalendar,
    parse_clock,
    parse_office_periods,
)
from motcua.workdays.models import CalendarOverride, ConfirmedYear
from motcua.workdays.official import bundled_calendar


def get_calendar() -> WorkCalendar:
    """The working calendar as of now, with every override recorded so far."""
    changes = CalendarOverride.objects.as_changes()
    confirmed = ConfirmedYear.objects.values_list("year", flat=True)
    return (
        bundled_calendar()
        .with_changes(changes, confirmed_years=list(confirmed))
        .with_policy(
            office_periods=_office_periods(settings.MOTCUA_OFFICE_PERIODS),
            count_make_up_days=bool(settings.MOTCUA_MAKEUP_SATURDAYS_COUNT),
            same_day_cutoff=_cutoff(settings.MOTCUA_SAME_DAY_CUTOFF),
        )
    )


# Settings are strings read once from the environment; parse each value once.
@lru_cache(maxsize=8)
def _office_periods(text: str) -> OfficePeriods:
    try:
        return parse_office_periods(text)
    except CalendarError as exc:
        raise ImproperlyConfigured(f"MOTCUA_OFFICE_PERIODS={text!r}: {exc}") from exc


@lru_cache(maxsize=8)
def _cutoff(text: str) -> dt.time:
    try:
        return parse_clock(text)
    except CalendarError as exc:
        raise ImproperlyConfigured(f"MOTCUA_SAME_DAY_CUTOFF={text!r}: {exc}") from exc
