"""deadlines.md §8: every worked example on the 2026 official calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.workdays.deadlines import (
    due_instant,
    pause_after_supplement,
    restart_after_supplement,
)
from motcua.workdays.limits import parse_limit
from motcua.workdays.tests.support import local, official_calendar


@pytest.mark.parametrize(
    ("received", "limit", "due", "why"),
    [
        (local(2026, 2, 13, 10), "5 ngày làm việc", local(2026, 2, 27, 10), "Tết Nguyên đán"),
        (local(2026, 8, 21, 16, 30), "2 ngày làm việc", local(2026, 8, 24, 16, 30), "22/08/2026"),
        (local(2026, 4, 29, 15, 20), "Trong ngày", local(2026, 5, 4, 17), "30/04–01/05/2026"),
        (local(2026, 1, 10, 9), "1 ngày làm việc", local(2026, 1, 12, 9), "10/01/2026"),
        (local(2026, 8, 21, 10), "10 ngày", local(2026, 9, 3, 17), "31/08–02/09/2026"),
    ],
)
def test_table_examples(received: dt.datetime, limit: str, due: dt.datetime, why: str) -> None:
    deadline = due_instant(received, parse_limit(limit), official_calendar())

    assert deadline.due == due
    assert deadline.due.isoformat() == due.isoformat()  # shown with +07:00
    assert not deadline.estimated
    assert not deadline.unit_unknown
    assert why in deadline.explain()


def test_tet_days_are_listed_as_skipped() -> None:
    deadline = due_instant(
        local(2026, 2, 13, 10), parse_limit("5 ngày làm việc"), official_calendar()
    )

    assert [d.date for d in deadline.days_off_skipped] == [
        dt.date(2026, 2, day) for day in range(16, 21)
    ]


def test_supplement_example_initial_due() -> None:
    deadline = due_instant(
        local(2026, 3, 2, 8), parse_limit("5 ngày làm việc"), official_calendar()
    )

    assert deadline.due == local(2026, 3, 9, 8)


def test_supplement_example_restart() -> None:
    # Decree 118/2025 Art. 19(5): the full limit runs again from the completion.
    deadline = restart_after_supplement(
        local(2026, 3, 6, 16), parse_limit("5 ngày làm việc"), official_calendar()
    )

    assert deadline.due == local(2026, 3, 13, 16)
    assert "tính lại từ đầu" in deadline.explain()


def test_supplement_example_pause() -> None:
    paused = pause_after_supplement(
        local(2026, 3, 9, 8), local(2026, 3, 3, 10), local(2026, 3, 6, 16), official_calendar()
    )

    assert paused.waited_hours == 28
    assert paused.due == local(2026, 3, 12, 14)
    assert "28 giờ làm việc" in paused.explain()
