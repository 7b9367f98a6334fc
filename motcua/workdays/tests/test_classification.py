"""deadlines.md §7: early, on time, late; within deadline or overdue."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.workdays.tests.support import local
from motcua.workdays.timeliness import (
    OpenState,
    Timeliness,
    classify_end,
    open_state,
    report_period_end,
)

DUE = local(2026, 3, 9, 10)


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        (local(2026, 3, 6, 16), Timeliness.EARLY),  # an earlier date
        (local(2026, 3, 9, 0, 5), Timeliness.ON_TIME),  # same date, before
        (DUE, Timeliness.ON_TIME),  # exactly at the due instant
        (local(2026, 3, 9, 10, 1), Timeliness.LATE),  # a minute after
        (local(2026, 3, 10, 8), Timeliness.LATE),
    ],
)
def test_classify_end(end: dt.datetime, expected: Timeliness) -> None:
    assert classify_end(end, DUE) is expected


def test_dates_are_compared_in_local_time() -> None:
    # 17:30 UTC on 08/03 is 00:30 on 09/03 in Hà Nội: the due date, so on time.
    end = dt.datetime(2026, 3, 8, 17, 30, tzinfo=dt.UTC)

    assert classify_end(end, DUE) is Timeliness.ON_TIME


def test_report_period_end_is_the_last_second_of_the_day() -> None:
    assert report_period_end(dt.date(2026, 3, 31)) == local(2026, 3, 31, 23, 59) + dt.timedelta(
        seconds=59
    )


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (local(2026, 4, 1, 8), OpenState.WITHIN_DEADLINE),
        (local(2026, 3, 31, 23, 59) + dt.timedelta(seconds=59), OpenState.WITHIN_DEADLINE),
        (local(2026, 3, 31, 17), OpenState.OVERDUE),
    ],
)
def test_open_state(due: dt.datetime, expected: OpenState) -> None:
    assert open_state(due, report_period_end(dt.date(2026, 3, 31))) is expected


def test_dossier_awaiting_a_supplement_is_within_deadline() -> None:
    period_end = report_period_end(dt.date(2026, 3, 31))

    assert (
        open_state(local(2026, 3, 2, 8), period_end, awaiting_supplement=True)
        is OpenState.WITHIN_DEADLINE
    )


def test_labels_are_vietnamese() -> None:
    assert [t.label for t in Timeliness] == ["Trước hạn", "Đúng hạn", "Trễ hạn"]
    assert [s.label for s in OpenState] == ["Trong hạn", "Quá hạn"]
