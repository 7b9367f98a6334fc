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
from django.utils.translation import get_language

from motcua.workdays.calendar import (
    CalendarChange,
    CalendarError,
    ChangeKind,
    OfficePeriods,
    WorkCalendar,
    parse_clock,
    parse_office_periods,
)
from motcua.workdays.models import CalendarOverride, ConfirmedYear
from motcua.workdays.official import bundled_calendar


def get_calendar() -> WorkCalendar:
    """The working calendar as of now, with every override recorded so far.

    Two small queries read the overrides and confirmed years; the calendar built from
    them is kept per process for those exact rows (and settings and language, which
    names unnamed days off), so an action does not rebuild it and a change made by
    any process applies to the next deadline computed."""
    return calendar_from(calendar_rows())


CalendarRows = tuple[tuple[tuple[dt.date, str, str], ...], tuple[int, ...]]


def calendar_rows() -> CalendarRows:
    """The overrides (date, kind, name) and the confirmed years, as stored now."""
    overrides = tuple(CalendarOverride.objects.order_by("date").values_list("date", "kind", "name"))
    confirmed = tuple(ConfirmedYear.objects.order_by("year").values_list("year", flat=True))
    return overrides, confirmed


def calendar_from(rows: CalendarRows) -> WorkCalendar:
    """The calendar for ``calendar_rows()`` under the current settings."""
    return _built(
        rows[0],
        rows[1],
        settings.MOTCUA_OFFICE_PERIODS,
        bool(settings.MOTCUA_MAKEUP_SATURDAYS_COUNT),
        settings.MOTCUA_SAME_DAY_CUTOFF,
        get_language(),
    )


@lru_cache(maxsize=16)
def _built(
    overrides: tuple[tuple[dt.date, str, str], ...],
    confirmed: tuple[int, ...],
    office_periods: str,
    count_make_up_days: bool,
    same_day_cutoff: str,
    language: str | None,
) -> WorkCalendar:
    del language  # part of the key only: ``with_changes`` names unnamed days in it
    changes = [CalendarChange(day, ChangeKind(kind), name) for day, kind, name in overrides]
    return (
        bundled_calendar()
        .with_changes(changes, confirmed_years=list(confirmed))
        .with_policy(
            office_periods=_office_periods(office_periods),
            count_make_up_days=count_make_up_days,
            same_day_cutoff=_cutoff(same_day_cutoff),
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
