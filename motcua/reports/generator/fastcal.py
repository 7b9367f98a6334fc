"""The working calendar's two hot questions, answered by table look-up.

A generated dossier asks ``add_working_hours`` and ``working_hours_between`` a dozen
times; ``WorkCalendar`` walks day by day to answer, which is exact but too slow for a
million dossiers. ``FastCalendar`` precomputes, for every day of a range, the working
microseconds before that day, and maps an instant to its "working offset" (working
time since the range's start): both questions become arithmetic on offsets, with the
same semantics — ``add`` returns the earliest instant at which the hours have passed
(a period's end, not the next start, when they run out exactly there). Outside the
range, and for every other question, it defers to the ``WorkCalendar`` it wraps. A
test checks it against ``WorkCalendar`` on random instants.
"""

from __future__ import annotations

import bisect
import datetime as dt
from fractions import Fraction
from typing import Any

from motcua.workdays.calendar import (
    LOCAL_TZ,
    CalendarError,
    Hours,
    WorkCalendar,
    hours_to_micros,
    micros_to_hours,
    to_local,
)

_DAY = dt.timedelta(days=1)
_MICROS_PER_DAY = 86_400_000_000


def _micros_of(clock: dt.time) -> int:
    return ((clock.hour * 60 + clock.minute) * 60 + clock.second) * 1_000_000 + clock.microsecond


class FastCalendar:
    """A ``WorkCalendar`` with table look-up for ``first``..``last`` (see the module)."""

    def __init__(self, calendar: WorkCalendar, first: dt.date, last: dt.date) -> None:
        self.calendar = calendar
        self.first = first
        self.days = (last - first).days + 1
        self.periods = [(_micros_of(a), _micros_of(b)) for a, b in calendar.office_periods]
        self.per_day = sum(b - a for a, b in self.periods)
        self.working = [calendar.is_working_day(first + n * _DAY) for n in range(self.days)]
        self.before: list[int] = []  # working micros before day n
        total = 0
        for works in self.working:
            self.before.append(total)
            total += self.per_day if works else 0
        self.total = total
        # Period boundaries in working offsets: (offset at period start, day, period).
        self.starts: list[int] = []
        self.where: list[tuple[int, int]] = []
        for n, works in enumerate(self.working):
            if not works:
                continue
            offset = self.before[n]
            for p, (a, b) in enumerate(self.periods):
                self.starts.append(offset)
                self.where.append((n, p))
                offset += b - a
        self._off_days = sorted(calendar.days_off)
        self._make_up = sorted(calendar.make_up_days)
        self.midnights = [
            dt.datetime.combine(first + n * _DAY, dt.time(), tzinfo=LOCAL_TZ)
            for n in range(self.days)
        ]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.calendar, name)

    # --- offsets -------------------------------------------------------------------------

    def _locate(self, instant: dt.datetime) -> tuple[int, int, dt.datetime] | None:
        """(day index, micros since local midnight, local instant), or None outside."""
        local = to_local(instant)
        n = (local.date() - self.first).days
        if not 0 <= n < self.days:
            return None
        m = (local - self.midnights[n]) // dt.timedelta(microseconds=1)
        if not 0 <= m < _MICROS_PER_DAY:  # pragma: no cover - a fixed-offset zone
            return None
        return n, m, local

    def _offset(self, n: int, m: int) -> int:
        offset = self.before[n]
        if self.working[n]:
            for a, b in self.periods:
                if m <= a:
                    break
                offset += min(m, b) - a
        return offset

    # --- the two questions -----------------------------------------------------------------

    def add_working_hours(self, start: dt.datetime, hours: Hours) -> dt.datetime:
        return self.add_micros(start, hours_to_micros(hours))

    def add_micros(self, start: dt.datetime, remaining: int) -> dt.datetime:
        """``add_working_hours`` with the hours already in whole microseconds."""
        found = self._locate(start)
        if found is None:
            return self.calendar.add_working_hours(start, micros_to_hours(remaining))
        n, m, local = found
        if remaining == 0:
            return local
        target = self._offset(n, m) + remaining
        if target > self.total:
            return self.calendar.add_working_hours(start, micros_to_hours(remaining))
        # The first period whose end offset reaches the target.
        k = bisect.bisect_left(self.starts, target) - 1
        day, p = self.where[k]
        a, b = self.periods[p]
        if target - self.starts[k] > b - a:  # pragma: no cover - starts are contiguous
            raise AssertionError("working offsets out of order")
        into = target - self.starts[k]
        if day == n and m > a:  # inside the start's own period: from the start itself
            return local + dt.timedelta(microseconds=target - self._offset(n, m))
        return self.midnights[day] + dt.timedelta(microseconds=a + into)

    def working_hours_between(self, first: dt.datetime, last: dt.datetime) -> Fraction:
        return micros_to_hours(self.micros_between(first, last))

    def micros_between(self, first: dt.datetime, last: dt.datetime) -> int:
        """``working_hours_between`` in whole microseconds."""
        a, b = self._locate(first), self._locate(last)
        if a is None or b is None:
            hours = self.calendar.working_hours_between(first, last)
            return hours.numerator * 3_600_000_000 // hours.denominator
        if b[2] < a[2]:
            raise CalendarError("last before first")  # WorkCalendar's message is for users
        return self._offset(b[0], b[1]) - self._offset(a[0], a[1])

    def days_off_between(self, first: dt.date, last: dt.date) -> tuple[Any, ...]:
        """``WorkCalendar.days_off_between`` by bisection (``due_instant`` asks it)."""
        i = bisect.bisect_left(self._off_days, first)
        j = bisect.bisect_right(self._off_days, last)
        return tuple(self.calendar.days_off[d] for d in self._off_days[i:j])

    def make_up_days_between(self, first: dt.date, last: dt.date) -> tuple[dt.date, ...]:
        if not self.calendar.count_make_up_days:
            return ()
        i = bisect.bisect_left(self._make_up, first)
        return tuple(self._make_up[i : bisect.bisect_right(self._make_up, last)])

    def is_working_day(self, day: dt.date) -> bool:
        n = (day - self.first).days
        if 0 <= n < self.days:
            return self.working[n]
        return self.calendar.is_working_day(day)
