"""deadlines.md §2 and §4: each unit of a time limit, and working-hour arithmetic."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from motcua.workdays.calendar import CalendarError, CalendarRangeError, parse_office_periods
from motcua.workdays.deadlines import DeadlineError, add_months, due_instant
from motcua.workdays.limits import LimitUnit, TimeLimit, parse_limit
from motcua.workdays.tests.support import local, official_calendar

CALENDAR = official_calendar()


def due(received: dt.datetime, text: str) -> dt.datetime:
    return due_instant(received, parse_limit(text), CALENDAR).due


def test_one_working_day_is_eight_hours() -> None:
    assert CALENDAR.hours_per_day == 8


def test_hours_that_run_out_at_a_period_end_stop_there() -> None:
    # 07:00 + 4,5 h → 11:30, not 13:30.
    assert due(local(2026, 3, 3, 7), "4,5 giờ") == local(2026, 3, 3, 11, 30)
    # A full working day from 07:00 ends at 17:00 the same day.
    assert due(local(2026, 3, 3, 7), "1 ngày làm việc") == local(2026, 3, 3, 17)


def test_half_working_day_is_four_hours() -> None:
    assert due(local(2026, 3, 3, 9), "0,5 ngày làm việc") == local(2026, 3, 3, 15)


def test_hours_cross_lunch_and_nights() -> None:
    assert due(local(2026, 3, 3, 10), "4 giờ") == local(2026, 3, 3, 16)
    assert due(local(2026, 3, 3, 16), "2 giờ") == local(2026, 3, 4, 8)


def test_zero_working_days_is_the_clock_start() -> None:
    assert due(local(2026, 3, 3, 18), "0 ngày làm việc") == local(2026, 3, 4, 7)


def test_number_without_unit_counts_as_working_days_and_is_flagged() -> None:
    deadline = due_instant(local(2026, 3, 3, 10), parse_limit("2"), CALENDAR)

    assert deadline.due == local(2026, 3, 5, 10)
    assert deadline.unit_unknown
    assert "chưa rõ" in deadline.explain()


def test_calendar_days_end_at_closing_time() -> None:
    # Tue 03/03 + 3 days = Fri 06/03 → 17:00.
    assert due(local(2026, 3, 3, 9), "3 ngày") == local(2026, 3, 6, 17)


def test_calendar_days_on_a_weekend_move_to_next_working_day() -> None:
    # Tue 03/03 + 4 days = Sat 07/03 → Mon 09/03 17:00.
    deadline = due_instant(local(2026, 3, 3, 9), parse_limit("4 ngày"), CALENDAR)

    assert deadline.due == local(2026, 3, 9, 17)
    assert deadline.moved_from == dt.date(2026, 3, 7)


def test_calendar_days_count_from_the_clock_start_date() -> None:
    # Received Friday 18:00 → clock starts Monday 09/03; + 1 day = Tuesday 10/03.
    assert due(local(2026, 3, 6, 18), "1 ngày") == local(2026, 3, 10, 17)


def test_months_clamp_the_day_to_the_month_end() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    # Fri 30/01/2026 + 1 month = Sat 28/02 → Mon 02/03 17:00.
    assert due(local(2026, 1, 30, 9), "1 tháng") == local(2026, 3, 2, 17)


def test_fractional_calendar_days_are_refused() -> None:
    with pytest.raises(DeadlineError, match="số nguyên"):
        due(local(2026, 3, 3, 9), "1,5 ngày")


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (local(2026, 3, 3, 9), local(2026, 3, 3, 17)),
        (local(2026, 3, 3, 14, 59), local(2026, 3, 3, 17)),
        (local(2026, 3, 3, 15, 0), local(2026, 3, 4, 17)),
        (local(2026, 3, 3, 6, 0), local(2026, 3, 3, 17)),
        (local(2026, 3, 3, 18, 0), local(2026, 3, 4, 17)),
    ],
)
def test_same_day_uses_the_cutoff(received: dt.datetime, expected: dt.datetime) -> None:
    assert due(received, "Trong ngày") == expected


def test_same_day_cutoff_is_a_calendar_setting() -> None:
    calendar = CALENDAR.with_policy(same_day_cutoff=dt.time(16, 0))
    limit = TimeLimit(Decimal(1), LimitUnit.SAME_DAY)

    assert due_instant(local(2026, 3, 3, 15, 30), limit, calendar).due == local(2026, 3, 3, 17)


def test_office_periods_are_configurable() -> None:
    periods = parse_office_periods("08:00-12:00, 13:00-17:30")
    calendar = CALENDAR.with_policy(office_periods=periods)

    assert calendar.hours_per_day == Fraction(17, 2)
    assert calendar.add_working_hours(local(2026, 3, 3, 8), 4) == local(2026, 3, 3, 12)
    assert calendar.clock_start(local(2026, 3, 3, 12, 30)) == local(2026, 3, 3, 13)


@pytest.mark.parametrize("text", ["07:00-11:30,11:00-17:00", "17:00-07:00", "7h-11h", ""])
def test_unreadable_office_periods_are_refused(text: str) -> None:
    with pytest.raises(CalendarError):
        parse_office_periods(text)


def test_fractional_hours_are_exact() -> None:
    third = Fraction(1, 3)
    start = local(2026, 3, 3, 7)

    end = CALENDAR.add_working_hours(start, third)

    assert end == local(2026, 3, 3, 7, 20)
    assert CALENDAR.working_hours_between(start, end) == third


def test_working_hours_between_refuses_reversed_instants() -> None:
    with pytest.raises(CalendarError):
        CALENDAR.working_hours_between(local(2026, 3, 4, 9), local(2026, 3, 3, 9))


def test_dates_beyond_the_calendar_are_refused() -> None:
    with pytest.raises(CalendarRangeError, match="2101"):
        due(local(2101, 3, 3, 9), "1 ngày làm việc")
