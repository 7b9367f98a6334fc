"""Vietnamese wording of dates, instants, hours and lists of days off.

Used by the one-sentence explanations of deadlines and by validation messages.
Instants are shown in Asia/Ho_Chi_Minh, the zone every user reads them in
(deadlines.md: "shown in Asia/Ho_Chi_Minh").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def weekday_name(day: dt.date) -> str:
    names = (
        _("thứ Hai"),
        _("thứ Ba"),
        _("thứ Tư"),
        _("thứ Năm"),
        _("thứ Sáu"),
        _("thứ Bảy"),
        _("Chủ nhật"),
    )
    return names[day.weekday()]


def format_date(day: dt.date) -> str:
    """13/02/2026"""
    return day.strftime("%d/%m/%Y")


def format_instant(instant: dt.datetime) -> str:
    """ "10:00 thứ Sáu 13/02/2026" in local time (seconds only when not zero)."""
    local = instant.astimezone(LOCAL_TZ) if instant.tzinfo is not None else instant
    clock = local.strftime("%H:%M:%S" if local.second or local.microsecond else "%H:%M")
    return f"{clock} {weekday_name(local.date())} {format_date(local.date())}"


def format_hours(hours: Fraction) -> str:
    """28 → "28"; 3/2 → "1,5"; 1/3 → "0,33" (two decimals at most, comma decimal mark)."""
    if hours.denominator == 1:
        return str(hours.numerator)
    text = f"{float(hours):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def format_day_runs(days: Sequence[dt.date]) -> str:
    """Sorted dates as runs of consecutive days: "16/02–20/02/2026, 27/04/2026"."""
    runs: list[list[dt.date]] = []
    for day in days:
        if runs and day - runs[-1][-1] == dt.timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(_format_run(run[0], run[-1]) for run in runs)


def _format_run(first: dt.date, last: dt.date) -> str:
    if first == last:
        return format_date(first)
    if first.year == last.year:
        return f"{first:%d/%m}–{format_date(last)}"
    return f"{format_date(first)}–{format_date(last)}"


def format_named_days(named: Iterable[tuple[str, dt.date]]) -> str:
    """(name, date) pairs grouped by name in order of first date:
    "Tết Nguyên đán Bính Ngọ (16/02–20/02/2026), Giỗ Tổ Hùng Vương (26/04–27/04/2026)"."""
    groups: dict[str, list[dt.date]] = {}
    for name, day in sorted(named, key=lambda pair: pair[1]):
        groups.setdefault(name, []).append(day)
    return ", ".join(f"{name} ({format_day_runs(days)})" for name, days in groups.items())


def format_years(years: Iterable[int]) -> str:
    return ", ".join(str(year) for year in years)
