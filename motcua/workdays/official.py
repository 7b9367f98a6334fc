"""Official days off (bundled data) and estimated statutory holidays for other years.

deadlines.md §1. Official years come from ``data/vn-days-off.json`` (see its
README): their ``days_off`` and ``make_up_working_days`` are used exactly as
published. Entries of periods marked ``pending_law`` (24/11/2026, not yet law) or
``statutory_estimate`` (2027) are ignored: a year is official only through
periods marked ``official`` or ``derived``.

Every other year from ``FIRST_YEAR`` to ``LAST_YEAR`` is *estimated* from the
Labour Code 2019 Art. 112 holidays, with ``holidays`` as the source of the lunar
dates only. Its own Vietnamese calendar is not used for any year: it misses the
2026-01-02 ↔ 2026-01-10 swap and already counts 24/11/2026 (data README).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import holidays
from django.utils.translation import gettext as _

from motcua.workdays.calendar import CalendarError, DayOff, DayOffKind, DayOffOrigin, WorkCalendar

DATA_PATH = Path(__file__).resolve().parent / "data" / "vn-days-off.json"

# Giỗ Tổ Hùng Vương has been a paid holiday since 2007, and the lunar tables of
# ``holidays`` end in 2100: estimates are made for these years only.
FIRST_YEAR = 2007
LAST_YEAR = 2100

_OFFICIAL_STATUSES = {"official", "derived"}


class OfficialDataError(CalendarError):
    """The bundled days-off file is missing or malformed."""


@dataclass(frozen=True)
class OfficialData:
    days_off: tuple[DayOff, ...]
    make_up_days: tuple[tuple[dt.date, str], ...]
    years: frozenset[int]


@lru_cache(maxsize=4)
def load_official_data(path: Path = DATA_PATH) -> OfficialData:
    """Parse the official days-off file once per process (cached by path)."""
    try:
        raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise OfficialDataError(
            _("Không tìm thấy tệp lịch nghỉ chính thức: %(path)s") % {"path": path}
        ) from exc
    except (OSError, ValueError) as exc:
        raise OfficialDataError(
            _("Không đọc được tệp lịch nghỉ chính thức %(path)s: %(error)s")
            % {"path": path, "error": exc}
        ) from exc
    try:
        statuses = {f"{p['year']}:{p['key']}": p["status"] for p in raw["periods"]}
        years = frozenset(
            int(p["year"]) for p in raw["periods"] if p["status"] in _OFFICIAL_STATUSES
        )

        def official(item: dict[str, Any]) -> bool:
            return statuses.get(item["period"]) in _OFFICIAL_STATUSES

        days_off = tuple(
            DayOff(
                dt.date.fromisoformat(item["date"]),
                item["name"],
                DayOffKind(item["kind"]),
                DayOffOrigin.OFFICIAL,
            )
            for item in raw["days_off"]
            if official(item)
        )
        make_up = tuple(
            (dt.date.fromisoformat(item["date"]), str(item["name"]))
            for item in raw["make_up_working_days"]
            if official(item)
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise OfficialDataError(
            _("Tệp lịch nghỉ chính thức %(path)s sai cấu trúc: %(error)s")
            % {"path": path, "error": exc}
        ) from exc
    return OfficialData(days_off=days_off, make_up_days=make_up, years=years)


def _lunar_dates(year: int) -> tuple[dt.date, dt.date]:
    """(mùng 1 Tết, Giỗ Tổ 10/3 lunar) in ``year``, from the Vietnamese lunar calendar
    (UTC+7) of ``holidays``. Names are read in English so they do not depend on a
    translation."""
    table = holidays.country_holidays("VN", years=year, observed=False, language="en_US")
    new_year = table.get_named("Lunar New Year", lookup="exact")
    hung_kings = table.get_named("Hung Kings' Commemoration Day", lookup="exact")
    if len(new_year) != 1 or len(hung_kings) != 1:
        raise CalendarError(_("Không tính được ngày âm lịch của năm %(year)s.") % {"year": year})
    return new_year[0], hung_kings[0]


def _national_day_pair(year: int) -> tuple[dt.date, dt.date]:
    """2/9 and its adjacent day (Labour Code Art. 112(1)(đ): "01 ngày liền kề trước
    hoặc sau"). The Government picks the day that joins the break to a weekend:
    3/9 when 2/9 is a Monday (2024) or Thursday; otherwise 1/9 (2025, 2026). For a
    Sunday 2/9 we pick 3/9 (Monday), then 2/9 itself is compensated on 4/9."""
    national_day = dt.date(year, 9, 2)
    after = national_day.weekday() in (0, 3, 6)  # Monday, Thursday, Sunday
    if after:
        return national_day, national_day + dt.timedelta(days=1)
    return national_day - dt.timedelta(days=1), national_day


@cache
def estimate_year(year: int) -> tuple[DayOff, ...]:
    """Estimated days off of ``year`` (deadlines.md §1), by date.

    - 1/1; Tết: the last day of the lunar year and mùng 1–4 (5 days, as in 2026);
      Giỗ Tổ 10/3 lunar; 30/4; 1/5; 2/9 plus an adjacent day (Labour Code Art. 112).
    - A holiday on a Saturday or Sunday gives a compensatory day off on the next
      weekday that is not already off (Labour Code Art. 111(3)); the holiday itself
      is kept too, so explanations can name it.
    - No swaps and no make-up days: only a Government notice creates those.
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CalendarError(
            _("Chỉ ước tính được lịch nghỉ các năm %(first)s–%(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    new_year, hung_kings = _lunar_dates(year)
    statutory: list[tuple[dt.date, str]] = [(dt.date(year, 1, 1), "Tết Dương lịch")]
    statutory += [
        (new_year + dt.timedelta(days=offset), "Tết Nguyên đán") for offset in range(-1, 4)
    ]
    statutory += [
        (hung_kings, "Giỗ Tổ Hùng Vương"),
        (dt.date(year, 4, 30), "Ngày Chiến thắng 30/4"),
        (dt.date(year, 5, 1), "Ngày Quốc tế Lao động 1/5"),
    ]
    statutory += [(day, "Quốc khánh 2/9") for day in _national_day_pair(year)]
    statutory.sort()

    taken = {day for day, _name in statutory}
    result = [
        DayOff(day, name, DayOffKind.STATUTORY_HOLIDAY, DayOffOrigin.ESTIMATE)
        for day, name in statutory
    ]
    for day, name in statutory:
        if day.weekday() < 5:
            continue
        substitute = day + dt.timedelta(days=1)
        while substitute.weekday() >= 5 or substitute in taken:
            substitute += dt.timedelta(days=1)
        taken.add(substitute)
        result.append(
            DayOff(substitute, f"Nghỉ bù {name}", DayOffKind.COMPENSATORY, DayOffOrigin.ESTIMATE)
        )
    return tuple(sorted(result, key=lambda item: item.date))


@lru_cache(maxsize=4)
def bundled_calendar(path: Path = DATA_PATH) -> WorkCalendar:
    """Official data plus estimates for every other year from ``FIRST_YEAR`` to
    ``LAST_YEAR``, with the default policy (deadlines.md §1–§2). Built once per
    process; ``services.get_calendar()`` adds overrides and settings on top."""
    data = load_official_data(path)
    days_off = {item.date: item for item in data.days_off}
    estimated = frozenset(range(FIRST_YEAR, LAST_YEAR + 1)) - data.years
    for year in sorted(estimated):
        for item in estimate_year(year):
            days_off[item.date] = item
    return WorkCalendar(
        days_off=days_off,
        make_up_days=dict(data.make_up_days),
        official_years=data.years,
        estimated_years=estimated,
    )
