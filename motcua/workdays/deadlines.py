"""Due instants (ngày hẹn trả) for time limits, supplements and extensions.

deadlines.md §3–§6, over an explicit ``WorkCalendar``; pass instants in, nothing
here reads the clock or the database. Results are small immutable values that
can explain themselves in one Vietnamese sentence (``explain()``).
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from django.utils.translation import gettext as _

from motcua.workdays.calendar import CalendarError, DayOff, WorkCalendar, to_local
from motcua.workdays.limits import LimitUnit, TimeLimit
from motcua.workdays.wording import (
    format_date,
    format_day_runs,
    format_hours,
    format_instant,
    format_named_days,
    format_years,
)


class DeadlineError(CalendarError):
    """A time limit that cannot be turned into a due instant (Vietnamese message)."""


class DueBasis(StrEnum):
    RECEPTION = "reception"
    SUPPLEMENT_RESTART = "supplement_restart"


_WORKING_HOUR_UNITS = {LimitUnit.HOURS, LimitUnit.WORKING_DAYS, LimitUnit.UNKNOWN}
_CALENDAR_UNITS = {LimitUnit.CALENDAR_DAYS, LimitUnit.MONTHS}


@dataclass(frozen=True)
class Deadline:
    """A computed due instant and what it rests on (instants in local time).

    ``days_off_skipped`` are the days off that pushed the due instant later: for
    working-hour units and "trong ngày", those between the clock start and the due
    date; for calendar days and months, those the last day was moved over
    (``moved_from`` is then the last day before moving). ``make_up_days_worked``
    are make-up Saturdays counted as working days in the same span.
    """

    received_at: dt.datetime
    clock_start: dt.datetime
    due: dt.datetime
    limit: TimeLimit
    basis: DueBasis
    estimated_years: tuple[int, ...]
    days_off_skipped: tuple[DayOff, ...]
    make_up_days_worked: tuple[dt.date, ...]
    moved_from: dt.date | None = None

    @property
    def unit_unknown(self) -> bool:
        """The limit had no unit and was counted as working days (deadlines.md §4):
        the procedure needs an administrator to confirm its unit."""
        return self.limit.unit is LimitUnit.UNKNOWN

    @property
    def estimated(self) -> bool:
        """An estimated (not yet official) year's days off were used."""
        return bool(self.estimated_years)

    def explain(self) -> str:
        """One Vietnamese sentence: why the due instant is what it is."""
        limit = _describe_limit(self.limit)
        if self.basis is DueBasis.SUPPLEMENT_RESTART:
            # Decree 118/2025 Art. 19(5): the clock restarts from zero.
            parts = [
                _("Nhận đủ hồ sơ bổ sung lúc %(at)s, thời hạn %(limit)s tính lại từ đầu")
                % {"at": format_instant(self.received_at), "limit": limit}
            ]
        else:
            parts = [
                _("Tiếp nhận lúc %(at)s, thời hạn %(limit)s")
                % {"at": format_instant(self.received_at), "limit": limit}
            ]
        if self.clock_start != self.received_at:
            parts.append(
                _("bắt đầu tính từ %(start)s") % {"start": format_instant(self.clock_start)}
            )
        parts.append(_("hẹn trả %(due)s") % {"due": format_instant(self.due)})
        sentence = ", ".join(parts)

        notes: list[str] = []
        if self.moved_from is not None:
            notes.append(
                _("ngày cuối thời hạn %(day)s là ngày nghỉ nên hẹn sang ngày làm việc kế tiếp")
                % {"day": format_date(self.moved_from)}
            )
        if self.days_off_skipped:
            named = format_named_days((d.name, d.date) for d in self.days_off_skipped)
            if self.limit.unit in _CALENDAR_UNITS:
                notes.append(_("ngày nghỉ: %(days)s") % {"days": named})
            else:
                notes.append(_("không tính ngày nghỉ: %(days)s") % {"days": named})
        if self.make_up_days_worked:
            notes.append(
                _("có tính ngày làm bù %(days)s")
                % {"days": format_day_runs(self.make_up_days_worked)}
            )
        if self.unit_unknown:
            notes.append(_("đơn vị thời hạn chưa rõ nên tạm tính là ngày làm việc"))
        if self.estimated:
            notes.append(
                _("lịch nghỉ năm %(years)s là ước tính, chưa có thông báo chính thức")
                % {"years": format_years(self.estimated_years)}
            )
        return "; ".join([sentence, *notes]) + "."


def _describe_limit(limit: TimeLimit) -> str:
    if limit.unit is LimitUnit.SAME_DAY:
        return _("trong ngày")
    return str(limit)


def due_instant(
    received_at: dt.datetime,
    limit: TimeLimit,
    calendar: WorkCalendar,
    *,
    basis: DueBasis = DueBasis.RECEPTION,
) -> Deadline:
    """The due instant for ``limit`` received at ``received_at`` (deadlines.md §3–§4).

    The clock starts per ``calendar.clock_start`` (Decree 118/2025 Art. 17(3): the
    time runs from reception of a complete dossier). Then, by unit:

    - ``gio``: clock start + n working hours;
    - ``ngay_lam_viec`` (n may be fractional) and ``khac_khong_ro`` (flagged): clock
      start + n × one working day (8 h by default);
    - ``ngay`` / ``thang``: closing time (17:00) of date(clock start) + n days /
      months (day clamped to the month's end); if that date is not a working day,
      closing time of the next working day. n must be whole (``DeadlineError``);
    - ``trong_ngay``: clock start before ``calendar.same_day_cutoff`` (15:00) →
      closing time that day, otherwise closing time of the next working day.

    Raises ``DeadlineError`` for a negative or non-whole calendar limit,
    ``NaiveDatetimeError`` for a naive instant and ``CalendarRangeError`` when the
    computation leaves the years the calendar covers.
    """
    received = to_local(received_at)
    if limit.value < 0:
        raise DeadlineError(_("Thời hạn không được âm."))
    start = calendar.clock_start(received)
    start_day = start.date()
    moved_from: dt.date | None = None

    if limit.unit in _WORKING_HOUR_UNITS:
        hours = Fraction(limit.value)
        if limit.unit is not LimitUnit.HOURS:
            hours *= calendar.hours_per_day
        due = calendar.add_working_hours(start, hours)
        first_counted = start_day
    elif limit.unit is LimitUnit.SAME_DAY:
        due_day = start_day
        if start.time() >= calendar.same_day_cutoff:
            due_day = calendar.next_working_day(start_day)
        due = calendar.at(due_day, calendar.closing_time)
        first_counted = start_day
    else:
        count = _whole(limit)
        if limit.unit is LimitUnit.CALENDAR_DAYS:
            last_day = start_day + dt.timedelta(days=count)
        else:
            last_day = add_months(start_day, count)
        due_day = last_day
        if not calendar.is_working_day(last_day):
            due_day = calendar.next_working_day(last_day)
            moved_from = last_day
        due = calendar.at(due_day, calendar.closing_time)
        first_counted = last_day

    return Deadline(
        received_at=received,
        clock_start=start,
        due=due,
        limit=limit,
        basis=basis,
        estimated_years=calendar.estimated_years_touched(received.date(), due.date()),
        days_off_skipped=calendar.days_off_between(first_counted, due.date()),
        make_up_days_worked=calendar.make_up_days_between(first_counted, due.date()),
        moved_from=moved_from,
    )


def _whole(limit: TimeLimit) -> int:
    if limit.value != limit.value.to_integral_value():
        raise DeadlineError(
            _("Thời hạn «%(limit)s»: số ngày, số tháng theo lịch phải là số nguyên.")
            % {"limit": limit}
        )
    return int(limit.value)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` + ``months`` calendar months, the day clamped to the month's last day
    (31/01 + 1 month → 28/02 or 29/02)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, monthrange(year, month)[1]))


# --- §5 supplements ---------------------------------------------------------------


def restart_after_supplement(
    completed_at: dt.datetime, limit: TimeLimit, calendar: WorkCalendar
) -> Deadline:
    """Policy ``restart`` (the default, the law). Decree 118/2025 Art. 19(5): "thời
    hạn giải quyết được tính lại từ đầu sau khi nhận đủ hồ sơ" — the full limit runs
    again, the clock starting at the complete supplement's arrival (§3–§4 rules)."""
    return due_instant(completed_at, limit, calendar, basis=DueBasis.SUPPLEMENT_RESTART)


@dataclass(frozen=True)
class PausedDeadline:
    """A due instant moved later by the applicant's waiting time (policy ``pause``)."""

    previous_due: dt.datetime
    requested_at: dt.datetime
    completed_at: dt.datetime
    waited_hours: Fraction
    due: dt.datetime
    estimated_years: tuple[int, ...]

    @property
    def estimated(self) -> bool:
        return bool(self.estimated_years)

    def explain(self) -> str:
        sentence = _(
            "Hồ sơ chờ bổ sung từ %(requested)s đến %(completed)s (%(hours)s giờ làm việc) "
            "nên hạn trả lùi từ %(previous)s đến %(due)s"
        ) % {
            "requested": format_instant(self.requested_at),
            "completed": format_instant(self.completed_at),
            "hours": format_hours(self.waited_hours),
            "previous": format_instant(self.previous_due),
            "due": format_instant(self.due),
        }
        if self.estimated:
            sentence += _("; lịch nghỉ năm %(years)s là ước tính, chưa có thông báo chính thức") % {
                "years": format_years(self.estimated_years)
            }
        return sentence + "."


def pause_after_supplement(
    old_due: dt.datetime,
    requested_at: dt.datetime,
    completed_at: dt.datetime,
    calendar: WorkCalendar,
) -> PausedDeadline:
    """Policy ``pause`` (per procedure, for sector laws that pause; also the 766
    index's measure): new due = ``old_due`` + the working hours between the request
    and the complete supplement. Raises ``CalendarError`` when the supplement is
    completed before it was requested."""
    waited = calendar.working_hours_between(requested_at, completed_at)
    due = calendar.add_working_hours(old_due, waited)
    requested, completed, previous = (
        to_local(requested_at),
        to_local(completed_at),
        to_local(old_due),
    )
    # Both intervals use the calendar: the wait (request → completion) and the shift
    # (old due → new due). A request made after the old due can complete after the
    # new due, so the span covers all four instants.
    instants = (requested, completed, previous, due)
    return PausedDeadline(
        previous_due=previous,
        requested_at=requested,
        completed_at=completed,
        waited_hours=waited,
        due=due,
        estimated_years=calendar.estimated_years_touched(
            min(instants).date(), max(instants).date()
        ),
    )


# --- §6 extension -----------------------------------------------------------------


def extension_is_late(
    current_due: dt.datetime, recorded_at: dt.datetime, calendar: WorkCalendar
) -> bool:
    """Whether an extension with apology recorded at ``recorded_at`` is too late.

    Decree 118/2025 Art. 19(6): the apology and new appointment come at least one
    day before the deadline; deadlines.md §6 makes that one *working* day, i.e. at
    least ``calendar.hours_per_day`` working hours (8 h) must remain until
    ``current_due``. The system only warns: the extension is still recorded.
    """
    if to_local(recorded_at) >= to_local(current_due):
        return True
    return calendar.working_hours_between(recorded_at, current_due) < calendar.hours_per_day
