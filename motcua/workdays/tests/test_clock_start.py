"""deadlines.md §3: when the clock starts, and how instants are read."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.workdays.calendar import LOCAL_TZ, NaiveDatetimeError
from motcua.workdays.tests.support import local, official_calendar

CALENDAR = official_calendar()


@pytest.mark.parametrize(
    ("received", "start"),
    [
        # Inside an office period: the reception instant itself.
        (local(2026, 3, 3, 9, 15), local(2026, 3, 3, 9, 15)),
        (local(2026, 3, 3, 7, 0), local(2026, 3, 3, 7, 0)),
        (local(2026, 3, 3, 16, 59), local(2026, 3, 3, 16, 59)),
        # Before opening → 07:00 the same day.
        (local(2026, 3, 3, 6, 10), local(2026, 3, 3, 7, 0)),
        # Lunch, including exactly 11:30 (periods are half-open) → 13:30.
        (local(2026, 3, 3, 12, 0), local(2026, 3, 3, 13, 30)),
        (local(2026, 3, 3, 11, 30), local(2026, 3, 3, 13, 30)),
        # From 17:00 on → 07:00 of the next working day.
        (local(2026, 3, 3, 17, 0), local(2026, 3, 4, 7, 0)),
        (local(2026, 3, 3, 22, 45), local(2026, 3, 4, 7, 0)),
        # Friday evening and weekend → Monday 07:00.
        (local(2026, 3, 6, 18, 0), local(2026, 3, 9, 7, 0)),
        (local(2026, 3, 8, 10, 0), local(2026, 3, 9, 7, 0)),
        # A day off (Giỗ Tổ compensatory Monday 27/04/2026) → next working day.
        (local(2026, 4, 27, 9, 0), local(2026, 4, 28, 7, 0)),
        # Before 30/04–01/05 and the weekend → Monday 04/05.
        (local(2026, 4, 29, 17, 30), local(2026, 5, 4, 7, 0)),
        # A make-up Saturday is a working day.
        (local(2026, 8, 22, 8, 0), local(2026, 8, 22, 8, 0)),
    ],
)
def test_clock_start(received: dt.datetime, start: dt.datetime) -> None:
    assert CALENDAR.clock_start(received) == start


def test_instants_in_other_zones_are_read_in_local_time() -> None:
    # 02:00 UTC is 09:00 in Hà Nội.
    received = dt.datetime(2026, 3, 3, 2, 0, tzinfo=dt.UTC)

    start = CALENDAR.clock_start(received)

    assert start == local(2026, 3, 3, 9, 0)
    assert start.tzinfo == LOCAL_TZ


def test_utc_evening_can_be_next_local_morning_before_opening() -> None:
    # 23:30 UTC on Monday is 06:30 Tuesday in Hà Nội → 07:00 Tuesday.
    received = dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC)

    assert CALENDAR.clock_start(received) == local(2026, 3, 3, 7, 0)


def test_naive_instant_is_refused() -> None:
    with pytest.raises(NaiveDatetimeError, match="thiếu múi giờ"):
        CALENDAR.clock_start(dt.datetime(2026, 3, 3, 9, 0))


def test_make_up_saturday_not_counted_when_policy_is_off() -> None:
    calendar = CALENDAR.with_policy(count_make_up_days=False)

    assert calendar.clock_start(local(2026, 1, 10, 9, 0)) == local(2026, 1, 12, 7, 0)
