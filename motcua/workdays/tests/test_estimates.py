"""deadlines.md §1: official years from the bundled data, estimates for the others."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from motcua.workdays.calendar import DayOffKind, DayOffOrigin
from motcua.workdays.deadlines import due_instant
from motcua.workdays.limits import parse_limit
from motcua.workdays.official import (
    DATA_PATH,
    OfficialDataError,
    estimate_year,
    load_official_data,
)
from motcua.workdays.tests.support import local, official_calendar

CALENDAR = official_calendar()


def test_official_years_are_2024_to_2026_and_2027_is_estimated() -> None:
    assert CALENDAR.official_years == {2024, 2025, 2026}
    assert 2027 in CALENDAR.estimated_years
    assert 2023 in CALENDAR.estimated_years


def test_official_data_wins_where_the_holidays_package_is_wrong() -> None:
    # The 2026 New Year swap (data README): 02/01 off, Saturday 10/01 worked.
    assert not CALENDAR.is_working_day(dt.date(2026, 1, 2))
    assert CALENDAR.is_working_day(dt.date(2026, 1, 10))
    # 24/11/2026 is pending law, not a day off.
    assert CALENDAR.is_working_day(dt.date(2026, 11, 24))


def test_official_days_come_with_names_and_kinds() -> None:
    day = CALENDAR.day_off(dt.date(2026, 8, 31))

    assert day is not None
    assert day.kind is DayOffKind.SWAPPED
    assert day.origin is DayOffOrigin.OFFICIAL
    assert day.name == "Quốc khánh 2/9"


def test_estimate_reproduces_2026_except_the_government_swaps() -> None:
    official = {
        d.date
        for d in load_official_data().days_off
        if d.date.year == 2026 and d.kind is not DayOffKind.SWAPPED
    }

    assert {d.date for d in estimate_year(2026)} == official


def test_estimate_2027_contains_the_statutory_dates_listed_in_the_data() -> None:
    raw = json.loads(DATA_PATH.read_text(encoding="utf-8"))
    listed = {
        dt.date.fromisoformat(day)
        for period in raw["periods"]
        if period["status"] == "statutory_estimate"
        for day in period["statutory_holidays"] + period["compensatory_days_off"]
    }
    estimated = {d.date for d in estimate_year(2027)}

    assert listed <= estimated
    # Tết Đinh Mùi: mùng 1 = Saturday 06/02/2027, so the eve (05/02) and mùng 1–4 are
    # holidays, and the weekend two are compensated on 10 and 11/02.
    assert {dt.date(2027, 2, day) for day in (5, 8, 9, 10, 11)} <= estimated
    assert all(d.origin is DayOffOrigin.ESTIMATE for d in estimate_year(2027))


def test_holiday_on_a_weekend_moves_to_the_next_working_day() -> None:
    # 01/01/2028 is a Saturday → Monday 03/01 off.
    compensatory = {d.date: d.kind for d in estimate_year(2028)}

    assert compensatory[dt.date(2028, 1, 3)] is DayOffKind.COMPENSATORY


@pytest.mark.parametrize(
    ("year", "adjacent"),
    [
        (2030, dt.date(2030, 9, 3)),  # 2/9 on Monday → 3/9, as in 2024
        (2031, dt.date(2031, 9, 1)),  # 2/9 on Tuesday → 1/9, as in 2025
        (2027, dt.date(2027, 9, 3)),  # 2/9 on Thursday → Friday 3/9
    ],
)
def test_national_day_has_an_adjacent_day(year: int, adjacent: dt.date) -> None:
    assert adjacent in {d.date for d in estimate_year(year)}


def test_deadline_touching_an_estimated_year_is_flagged() -> None:
    deadline = due_instant(local(2026, 12, 30, 10), parse_limit("5 ngày làm việc"), CALENDAR)

    assert deadline.due == local(2027, 1, 7, 10)  # 01/01/2027 estimated off
    assert deadline.estimated_years == (2027,)
    assert "năm 2027 là ước tính" in deadline.explain()


def test_deadline_within_official_years_is_not_flagged() -> None:
    deadline = due_instant(local(2026, 12, 1, 10), parse_limit("5 ngày làm việc"), CALENDAR)

    assert deadline.estimated_years == ()
    assert "ước tính" not in deadline.explain()


def test_missing_data_file_names_the_expected_path(tmp_path: Path) -> None:
    missing = tmp_path / "vn-days-off.json"

    with pytest.raises(OfficialDataError, match=str(missing)):
        load_official_data(missing)


def test_malformed_data_file_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"days_off": []}', encoding="utf-8")

    with pytest.raises(OfficialDataError, match="sai cấu trúc"):
        load_official_data(broken)


def test_pending_and_estimated_periods_are_ignored(tmp_path: Path) -> None:
    def day(date: str, period: str) -> dict[str, str]:
        return {"date": date, "name": "X", "kind": "statutory_holiday", "period": period}

    data = {
        "periods": [
            {"year": 2026, "key": "a", "status": "official"},
            {"year": 2026, "key": "b", "status": "pending_law"},
            {"year": 2027, "key": "c", "status": "statutory_estimate"},
        ],
        "days_off": [
            day("2026-01-01", "2026:a"),
            day("2026-11-24", "2026:b"),
            day("2027-01-01", "2027:c"),
        ],
        "make_up_working_days": [
            {"date": "2027-01-09", "name": "Làm bù", "period": "2027:c"},
        ],
    }
    path = tmp_path / "days-off.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    loaded = load_official_data(path)

    assert loaded.years == {2026}
    assert [d.date for d in loaded.days_off] == [dt.date(2026, 1, 1)]
    assert loaded.make_up_days == ()
