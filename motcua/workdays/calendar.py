"""The working calendar: which days are worked and when the office is open.

deadlines.md §1–§3. A ``WorkCalendar`` is an immutable value: the days off, the
make-up working days, which years are official and which are estimates, the office
periods and the make-up-Saturday policy. Everything here is a pure function of it
and of the instants passed in; nothing reads the clock or the database.

Instants: every method takes timezone-aware datetimes (any zone) and returns
aware datetimes in Asia/Ho_Chi_Minh, because office hours are local wall-clock
times. Naive datetimes are rejected (``NaiveDatetimeError``): guessing their zone
is how a deadline silently moves by seven hours. Vietnam has had no daylight
saving since 1975, so wall-clock differences are real durations.

Working time is counted in whole microseconds (the resolution of ``datetime``);
hours are exact ``Decimal``/``Fraction``/``int`` values, never floats.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import cached_property
from types import MappingProxyType

from django.utils.translation import gettext as _

# LOCAL_TZ is re-exported: the zone deadlines are computed in.
from motcua.workdays.wording import LOCAL_TZ as LOCAL_TZ
from motcua.workdays.wording import format_date, format_instant

Hours = Decimal | Fraction | int
OfficePeriods = tuple[tuple[dt.time, dt.time], ...]

# deadlines.md §2: 07:00–11:30 and 13:30–17:00, 8 working hours a day.
DEFAULT_OFFICE_PERIODS: OfficePeriods = (
    (dt.time(7, 0), dt.time(11, 30)),
    (dt.time(13, 30), dt.time(17, 0)),
)
# deadlines.md §4 ("trong ngày"); Decree 118/2025 Art. 18(2) uses the same 15:00 line.
DEFAULT_SAME_DAY_CUTOFF = dt.time(15, 0)

_ONE_DAY = dt.timedelta(days=1)
_ONE_MICROSECOND = dt.timedelta(microseconds=1)
_MICROS_PER_HOUR = 3_600_000_000


class CalendarError(ValueError):
    """A calendar question that cannot be answered; the message is Vietnamese, for users."""


class NaiveDatetimeError(CalendarError):
    """An instant without a time zone."""


class CalendarRangeError(CalendarError):
    """A date in a year the calendar holds neither official data nor an estimate for."""


class DayOffKind(StrEnum):
    STATUTORY_HOLIDAY = "statutory_holiday"  # Labour Code 2019 Art. 112
    COMPENSATORY = "compensatory_day_off"  # Labour Code 2019 Art. 111(3)
    SWAPPED = "swapped_day_off"  # a working day moved by a Government notice
    DAY_OFF = "day_off"  # off, kind not stated by the source


class DayOffOrigin(StrEnum):
    OFFICIAL = "official"  # bundled official data (data/vn-days-off.json)
    ESTIMATE = "estimate"  # estimated from the Labour Code and the lunar calendar
    OVERRIDE = "override"  # recorded by an administrator


class ChangeKind(StrEnum):
    """What an administrator's override does to one date (the slugs the model stores)."""

    DAY_OFF = "day_off"
    WORKING_DAY = "working_day"
    NORMAL = "normal"  # back to the weekday rule: cancels a day off or a make-up day


@dataclass(frozen=True)
class DayOff:
    date: dt.date
    name: str
    kind: DayOffKind
    origin: DayOffOrigin


@dataclass(frozen=True)
class CalendarChange:
    date: dt.date
    kind: ChangeKind
    name: str = ""


def to_local(instant: dt.datetime) -> dt.datetime:
    """``instant`` in Asia/Ho_Chi_Minh; raises ``NaiveDatetimeError`` for a naive datetime."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise NaiveDatetimeError(
            _("Thời điểm %(instant)s thiếu múi giờ; hãy ghi rõ, ví dụ +07:00.")
            % {"instant": instant.isoformat()}
        )
    return instant.astimezone(LOCAL_TZ)


def hours_to_micros(hours: Hours) -> int:
    """Exact hours → whole microseconds, rounded up (a sub-microsecond rest never
    makes a deadline earlier). Negative hours are refused."""
    exact = Fraction(hours) * _MICROS_PER_HOUR
    if exact < 0:
        raise CalendarError(_("Số giờ làm việc không được âm."))
    return math.ceil(exact)


def micros_to_hours(micros: int) -> Fraction:
    return Fraction(micros, _MICROS_PER_HOUR)


def _micros(delta: dt.timedelta) -> int:
    return delta // _ONE_MICROSECOND


_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def parse_clock(text: str) -> dt.time:
    """ "15:00" → ``time(15, 0)``; raises ``CalendarError`` with a Vietnamese message."""
    match = _CLOCK.match(text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise CalendarError(_("Không hiểu giờ «%(text)s»; cần dạng HH:MM.") % {"text": text})
    return dt.time(int(match.group(1)), int(match.group(2)))


def parse_office_periods(text: str) -> OfficePeriods:
    """ "07:00-11:30,13:30-17:00" → office periods; raises ``CalendarError`` when the
    text is unreadable or the periods are empty, reversed or overlapping."""
    periods: list[tuple[dt.time, dt.time]] = []
    for chunk in text.split(","):
        start, sep, end = chunk.partition("-")
        if not sep:
            raise CalendarError(
                _("Không hiểu buổi làm việc «%(text)s»; cần dạng 07:00-11:30.")
                % {"text": chunk.strip()}
            )
        periods.append((parse_clock(start), parse_clock(end)))
    result = tuple(periods)
    check_office_periods(result)
    return result


def check_office_periods(periods: OfficePeriods) -> None:
    if not periods:
        raise CalendarError(_("Cần ít nhất một buổi làm việc."))
    previous_end: dt.time | None = None
    for start, end in periods:
        if start >= end:
            raise CalendarError(
                _("Buổi làm việc %(start)s–%(end)s kết thúc trước khi bắt đầu.")
                % {"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}
            )
        if previous_end is not None and start < previous_end:
            raise CalendarError(_("Các buổi làm việc phải theo thứ tự và không chồng lên nhau."))
        previous_end = end


@dataclass(frozen=True, eq=False)
class WorkCalendar:
    """Working days and office periods (deadlines.md §1–§2).

    A date is a working day when it is a make-up day (and make-up days count, the
    policy ``count_make_up_days``), or when it is Monday–Friday and not a day off.
    ``days_off`` and ``make_up_days`` never share a date. The calendar covers
    ``official_years | estimated_years``; asking about any other year raises
    ``CalendarRangeError`` instead of pretending the year has no holidays.
    """

    days_off: Mapping[dt.date, DayOff]
    make_up_days: Mapping[dt.date, str]  # date → name of the make-up day
    official_years: frozenset[int]
    estimated_years: frozenset[int] = frozenset()
    office_periods: OfficePeriods = DEFAULT_OFFICE_PERIODS
    count_make_up_days: bool = True
    same_day_cutoff: dt.time = DEFAULT_SAME_DAY_CUTOFF

    def __post_init__(self) -> None:
        # Read-only views, so that a shared (cached) calendar cannot be edited in place.
        object.__setattr__(self, "days_off", MappingProxyType(dict(self.days_off)))
        object.__setattr__(self, "make_up_days", MappingProxyType(dict(self.make_up_days)))
        object.__setattr__(self, "official_years", frozenset(self.official_years))
        object.__setattr__(self, "estimated_years", frozenset(self.estimated_years))
        object.__setattr__(self, "office_periods", tuple(self.office_periods))
        # The dates in order, for ``days_off_between`` and ``make_up_days_between``.
        object.__setattr__(self, "_off_dates", tuple(sorted(self.days_off)))
        object.__setattr__(self, "_make_up_dates", tuple(sorted(self.make_up_days)))
        check_office_periods(self.office_periods)
        clash = self.days_off.keys() & self.make_up_days.keys()
        if clash:
            raise CalendarError(
                _("Ngày %(date)s vừa là ngày nghỉ vừa là ngày làm bù.")
                % {"date": format_date(min(clash))}
            )
        if self.official_years & self.estimated_years:
            raise CalendarError(_("Một năm không thể vừa chính thức vừa ước tính."))

    # --- days ------------------------------------------------------------------

    def covers(self, year: int) -> bool:
        return year in self.official_years or year in self.estimated_years

    def _check_covered(self, day: dt.date) -> None:
        if not self.covers(day.year):
            raise CalendarRangeError(
                _("Lịch làm việc chưa có năm %(year)s (ngày %(date)s).")
                % {"year": day.year, "date": format_date(day)}
            )

    def is_working_day(self, day: dt.date) -> bool:
        self._check_covered(day)
        if day in self.make_up_days:
            # Policy (deadlines.md §1): make-up Saturdays count by default.
            return self.count_make_up_days or day.weekday() < 5
        if day in self.days_off:
            return False
        return day.weekday() < 5

    def day_off(self, day: dt.date) -> DayOff | None:
        return self.days_off.get(day)

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        day += _ONE_DAY
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def days_off_between(self, first: dt.date, last: dt.date) -> tuple[DayOff, ...]:
        """Days off from ``first`` to ``last`` inclusive, by date."""
        dates: tuple[dt.date, ...] = self._off_dates  # type: ignore[attr-defined]
        found = dates[bisect.bisect_left(dates, first) : bisect.bisect_right(dates, last)]
        return tuple(self.days_off[d] for d in found)

    def make_up_days_between(self, first: dt.date, last: dt.date) -> tuple[dt.date, ...]:
        """Make-up days worked from ``first`` to ``last`` inclusive (none when the policy
        does not count them)."""
        if not self.count_make_up_days:
            return ()
        dates: tuple[dt.date, ...] = self._make_up_dates  # type: ignore[attr-defined]
        return dates[bisect.bisect_left(dates, first) : bisect.bisect_right(dates, last)]

    def estimated_years_touched(self, first: dt.date, last: dt.date) -> tuple[int, ...]:
        """Estimated years among the years of ``first``..``last``; datetimes are read as
        local dates. Callers show these as "lịch nghỉ năm … là ước tính"."""
        start, end = _local_date(first), _local_date(last)
        if end < start:
            start, end = end, start
        return tuple(y for y in range(start.year, end.year + 1) if y in self.estimated_years)

    # --- hours -----------------------------------------------------------------

    @cached_property
    def hours_per_day(self) -> Fraction:
        """One working day (deadlines.md §2): the total length of the office periods."""
        return micros_to_hours(
            sum(_micros(_wall(end) - _wall(start)) for start, end in self.office_periods)
        )

    @property
    def closing_time(self) -> dt.time:
        """End of the last office period (17:00 by default)."""
        return self.office_periods[-1][1]

    def at(self, day: dt.date, clock: dt.time) -> dt.datetime:
        """The local instant ``clock`` on ``day`` (e.g. 17:00 on a due date)."""
        return dt.datetime.combine(day, clock, tzinfo=LOCAL_TZ)

    def clock_start(self, instant: dt.datetime) -> dt.datetime:
        """When a time limit starts to run for something received at ``instant`` (§3).

        Inside an office period of a working day → ``instant`` itself. Otherwise the
        start of the next office period on a working day: before 07:00 → 07:00; lunch →
        13:30; from 17:00 on, weekends and days off → 07:00 of the next working day.
        Periods are half-open: at exactly 11:30 the office is closed, so 13:30.
        """
        local = to_local(instant)
        day, clock = local.date(), local.time()
        if self.is_working_day(day):
            for start, end in self.office_periods:
                if clock < start:
                    return self.at(day, start)
                if clock < end:
                    return local
        return self.at(self.next_working_day(day), self.office_periods[0][0])

    def add_working_hours(self, start: dt.datetime, hours: Hours) -> dt.datetime:
        """The earliest instant at which ``hours`` working hours have passed since ``start``.

        Walks forward through office periods of working days only. When the hours
        run out exactly at the end of a period, that end is the answer (11:30, not
        13:30; deadlines.md §4). Zero hours → ``start`` itself (in local time), so
        ``add(add(s, a), b) == add(s, a + b)`` always holds.
        """
        remaining = hours_to_micros(hours)
        cursor = to_local(start)
        if remaining == 0:
            return cursor
        day = cursor.date()
        while True:
            if self.is_working_day(day):
                for period_start, period_end in self.office_periods:
                    begin = max(self.at(day, period_start), cursor)
                    end = self.at(day, period_end)
                    if begin >= end:
                        continue
                    available = _micros(end - begin)
                    if remaining <= available:
                        return begin + dt.timedelta(microseconds=remaining)
                    remaining -= available
            day += _ONE_DAY

    def working_hours_between(self, first: dt.datetime, last: dt.datetime) -> Fraction:
        """Working hours inside office periods of working days between two instants.

        Exact (a ``Fraction`` of hours). Raises ``CalendarError`` when ``last`` is
        before ``first``: a negative wait is a data error worth seeing.
        """
        a, b = to_local(first), to_local(last)
        if b < a:
            raise CalendarError(
                _("Thời điểm kết thúc %(last)s trước thời điểm bắt đầu %(first)s.")
                % {"last": format_instant(b), "first": format_instant(a)}
            )
        total = 0
        day = a.date()
        while day <= b.date():
            if self.is_working_day(day):
                for period_start, period_end in self.office_periods:
                    low = max(self.at(day, period_start), a)
                    high = min(self.at(day, period_end), b)
                    if high > low:
                        total += _micros(high - low)
            day += _ONE_DAY
        return micros_to_hours(total)

    # --- variants --------------------------------------------------------------

    def with_policy(
        self,
        *,
        office_periods: OfficePeriods | None = None,
        count_make_up_days: bool | None = None,
        same_day_cutoff: dt.time | None = None,
    ) -> WorkCalendar:
        """The same days with other policy settings (None keeps the current value)."""
        return replace(
            self,
            office_periods=self.office_periods if office_periods is None else office_periods,
            count_make_up_days=(
                self.count_make_up_days if count_make_up_days is None else count_make_up_days
            ),
            same_day_cutoff=self.same_day_cutoff if same_day_cutoff is None else same_day_cutoff,
        )

    def with_changes(
        self, changes: Iterable[CalendarChange], *, confirmed_years: Iterable[int] = ()
    ) -> WorkCalendar:
        """The calendar after administrators' overrides (deadlines.md §1).

        Each change replaces whatever the date had (official or estimated). Years in
        ``confirmed_years`` stop being estimates: an administrator has recorded the
        official notice and corrected the estimate with overrides. Confirming a year
        the calendar does not cover has no effect.
        """
        days_off = dict(self.days_off)
        make_up = dict(self.make_up_days)
        for change in changes:
            days_off.pop(change.date, None)
            make_up.pop(change.date, None)
            if change.kind is ChangeKind.DAY_OFF:
                name = change.name or _("Ngày nghỉ")
                days_off[change.date] = DayOff(
                    change.date, name, DayOffKind.DAY_OFF, DayOffOrigin.OVERRIDE
                )
            elif change.kind is ChangeKind.WORKING_DAY:
                make_up[change.date] = change.name or _("Ngày làm bù")
        confirmed = frozenset(confirmed_years) & self.estimated_years
        return replace(
            self,
            days_off=days_off,
            make_up_days=make_up,
            official_years=self.official_years | confirmed,
            estimated_years=self.estimated_years - confirmed,
        )


def _local_date(value: dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        return to_local(value).date()
    return value


def _wall(clock: dt.time) -> dt.datetime:
    return dt.datetime.combine(dt.date(2000, 1, 3), clock)
