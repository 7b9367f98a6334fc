"""Properties of working-hour arithmetic and due instants, for any instant and limit.

Instants run over 2024–2027 (official years and the estimated 2027) in several
zones, with both make-up-Saturday policies.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.workdays.calendar import LOCAL_TZ, WorkCalendar
from motcua.workdays.deadlines import due_instant
from motcua.workdays.limits import LimitUnit, TimeLimit
from motcua.workdays.tests.support import official_calendar

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)

calendars = st.sampled_from(
    [official_calendar(), official_calendar().with_policy(count_make_up_days=False)]
)
instants = st.datetimes(
    min_value=dt.datetime(2024, 1, 1),
    max_value=dt.datetime(2027, 6, 30),
    timezones=st.sampled_from([LOCAL_TZ, dt.UTC, ZoneInfo("America/New_York")]),
)
hours = st.decimals(min_value=0, max_value=120, places=2)


def _limit(unit: LimitUnit) -> st.SearchStrategy[TimeLimit]:
    if unit is LimitUnit.HOURS:
        values = st.decimals(min_value=0, max_value=100, places=2)
    elif unit is LimitUnit.WORKING_DAYS:
        values = st.decimals(min_value=0, max_value=40, places=1)
    elif unit is LimitUnit.MONTHS:
        values = st.integers(min_value=0, max_value=12).map(Decimal)
    elif unit is LimitUnit.SAME_DAY:
        values = st.just(Decimal(1))
    else:  # calendar days, or a number without a unit
        values = st.integers(min_value=0, max_value=60).map(Decimal)
    return values.map(lambda value: TimeLimit(value, unit))


limits = st.sampled_from(list(LimitUnit)).flatmap(_limit)
working_hour_limits = st.sampled_from(
    [LimitUnit.HOURS, LimitUnit.WORKING_DAYS, LimitUnit.UNKNOWN]
).flatmap(_limit)


def _in_office(calendar: WorkCalendar, instant: dt.datetime) -> bool:
    """On a working day, inside an office period or exactly at its end."""
    local = instant.astimezone(LOCAL_TZ)
    clock = local.time()
    return calendar.is_working_day(local.date()) and any(
        start <= clock <= end for start, end in calendar.office_periods
    )


@PROPERTY_SETTINGS
@given(calendar=calendars, received=instants, limit=limits)
def test_due_instant_lies_in_office_hours_of_a_working_day(
    calendar: WorkCalendar, received: dt.datetime, limit: TimeLimit
) -> None:
    deadline = due_instant(received, limit, calendar)

    assert _in_office(calendar, deadline.due)
    assert deadline.due.tzinfo == LOCAL_TZ
    assert deadline.received_at <= deadline.clock_start <= deadline.due


@PROPERTY_SETTINGS
@given(calendar=calendars, received=instants)
def test_clock_start_is_office_time_and_idempotent(
    calendar: WorkCalendar, received: dt.datetime
) -> None:
    start = calendar.clock_start(received)

    assert start >= received
    assert _in_office(calendar, start)
    assert start.time() not in {end for _start, end in calendar.office_periods}
    assert calendar.clock_start(start) == start


@PROPERTY_SETTINGS
@given(calendar=calendars, start=instants, first=hours, second=hours)
def test_adding_hours_in_two_steps_equals_adding_their_sum(
    calendar: WorkCalendar, start: dt.datetime, first: Decimal, second: Decimal
) -> None:
    in_two_steps = calendar.add_working_hours(calendar.add_working_hours(start, first), second)

    assert in_two_steps == calendar.add_working_hours(start, first + second)


@PROPERTY_SETTINGS
@given(calendar=calendars, received=instants, limit=working_hour_limits)
def test_working_hours_from_clock_start_to_due_equal_the_limit(
    calendar: WorkCalendar, received: dt.datetime, limit: TimeLimit
) -> None:
    deadline = due_instant(received, limit, calendar)
    per_unit = Fraction(1) if limit.unit is LimitUnit.HOURS else calendar.hours_per_day
    expected = Fraction(limit.value) * per_unit

    assert calendar.working_hours_between(deadline.clock_start, deadline.due) == expected


@PROPERTY_SETTINGS
@given(calendar=calendars, start=instants, amount=hours)
def test_working_hours_between_inverts_adding_hours(
    calendar: WorkCalendar, start: dt.datetime, amount: Decimal
) -> None:
    end = calendar.add_working_hours(start, amount)

    assert calendar.working_hours_between(start, end) == amount


@PROPERTY_SETTINGS
@given(
    calendar=calendars,
    unit=st.sampled_from(list(LimitUnit)),
    data=st.data(),
    first=instants,
    second=instants,
)
def test_later_receptions_never_get_earlier_due_instants(
    calendar: WorkCalendar,
    unit: LimitUnit,
    data: st.DataObject,
    first: dt.datetime,
    second: dt.datetime,
) -> None:
    limit = data.draw(_limit(unit))
    earlier, later = sorted([first, second])

    earlier_due = due_instant(earlier, limit, calendar).due
    later_due = due_instant(later, limit, calendar).due

    assert earlier_due <= later_due


@PROPERTY_SETTINGS
@given(calendar=calendars, received=instants, limit=working_hour_limits)
def test_hours_that_run_out_at_a_period_end_stop_there(
    calendar: WorkCalendar, received: dt.datetime, limit: TimeLimit
) -> None:
    # deadlines.md §4: when the hours run out exactly at the end of an office period
    # the due instant is that end (11:30), not the start of the next period (13:30).
    # So a positive limit never lands on a period's opening instant.
    deadline = due_instant(received, limit, calendar)
    opening_times = {start for start, _ in calendar.office_periods}

    if limit.value > 0:
        assert deadline.due.astimezone(LOCAL_TZ).timetz().replace(tzinfo=None) not in opening_times
    else:
        assert deadline.due == deadline.clock_start


@PROPERTY_SETTINGS
@given(
    calendar=calendars,
    first=st.dates(dt.date(2023, 12, 1), dt.date(2027, 12, 31)),
    span=st.integers(min_value=-5, max_value=400),
)
def test_days_off_and_make_up_days_between_are_those_of_the_range(
    calendar: WorkCalendar, first: dt.date, span: int
) -> None:
    # Found by bisection in the calendar's dates: the same as going through them all.
    last = first + dt.timedelta(days=span)
    off = [calendar.days_off[d] for d in sorted(calendar.days_off) if first <= d <= last]
    made_up = [d for d in sorted(calendar.make_up_days) if first <= d <= last]

    assert list(calendar.days_off_between(first, last)) == off
    assert list(calendar.make_up_days_between(first, last)) == (
        made_up if calendar.count_make_up_days else []
    )
