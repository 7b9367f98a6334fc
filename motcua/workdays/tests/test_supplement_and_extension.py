"""deadlines.md §5–§6 beyond the worked example: supplement edge cases, extensions."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.workdays.calendar import CalendarError
from motcua.workdays.deadlines import (
    DueBasis,
    extension_is_late,
    pause_after_supplement,
    restart_after_supplement,
)
from motcua.workdays.limits import parse_limit
from motcua.workdays.tests.support import local, official_calendar

CALENDAR = official_calendar()


def test_restart_applies_the_clock_start_rules_to_the_completion() -> None:
    # Completed on Friday 18:00 → the clock restarts Monday 07:00.
    deadline = restart_after_supplement(
        local(2026, 3, 6, 18), parse_limit("1 ngày làm việc"), CALENDAR
    )

    assert deadline.basis is DueBasis.SUPPLEMENT_RESTART
    assert deadline.clock_start == local(2026, 3, 9, 7)
    assert deadline.due == local(2026, 3, 9, 17)


def test_pause_outside_office_hours_adds_nothing() -> None:
    # Requested Friday 17:30, completed Monday 06:00: no working time waited.
    paused = pause_after_supplement(
        local(2026, 3, 12, 10), local(2026, 3, 6, 17, 30), local(2026, 3, 9, 6), CALENDAR
    )

    assert paused.waited_hours == 0
    assert paused.due == local(2026, 3, 12, 10)


def test_pause_skips_days_off() -> None:
    # Waiting Thu 12/02/2026 07:00 → Mon 23/02 07:00 spans Tết: 16 working hours.
    paused = pause_after_supplement(
        local(2026, 2, 13, 17), local(2026, 2, 12, 7), local(2026, 2, 23, 7), CALENDAR
    )

    assert paused.waited_hours == 16
    assert paused.due == local(2026, 2, 24, 17)


def test_completion_before_request_is_refused() -> None:
    with pytest.raises(CalendarError):
        pause_after_supplement(
            local(2026, 3, 9, 8), local(2026, 3, 6, 16), local(2026, 3, 3, 10), CALENDAR
        )


@pytest.mark.parametrize(
    ("recorded", "late"),
    [
        (local(2026, 3, 6, 10), False),  # Friday 10:00 → Monday 10:00 is 8 working hours
        (local(2026, 3, 6, 10, 1), True),  # one minute less than a working day
        (local(2026, 3, 9, 9), True),  # the same morning
        (local(2026, 3, 9, 11), True),  # after the due instant
    ],
)
def test_extension_must_come_a_working_day_before_the_due(
    recorded: dt.datetime, late: bool
) -> None:
    # Decree 118/2025 Art. 19(6).
    assert extension_is_late(local(2026, 3, 9, 10), recorded, CALENDAR) is late


def test_pause_flags_an_estimated_year_used_only_by_the_wait() -> None:
    # The request comes after the old due, and the supplement arrives in 2027 (an
    # estimated year) while the shifted due stays in 2026: the wait still counted
    # 2027's estimated New Year, so the result must say an estimate was used.
    calendar = official_calendar()
    paused = pause_after_supplement(
        local(2026, 11, 2, 17, 0), local(2026, 12, 28, 7, 0), local(2027, 1, 5, 7, 0), calendar
    )
    assert paused.due.year == 2026
    assert paused.estimated_years == (2027,)
