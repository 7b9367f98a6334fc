"""Checks on administrators' calendar changes, before they are saved (deadlines.md §1).

Pure: the caller passes the calendar the change would apply to.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from motcua.workdays.calendar import CalendarChange, ChangeKind, WorkCalendar
from motcua.workdays.wording import format_date, weekday_name


def change_problem(calendar: WorkCalendar, change: CalendarChange) -> str | None:
    """Why ``change`` would be pointless or wrong on ``calendar`` (which must not
    already contain it), as a Vietnamese sentence; None when it is fine.

    Judged on the published data, not the make-up-Saturday policy: a make-up
    Saturday is a "make-up day" whether or not this province counts it.
    """
    day = change.date
    if not calendar.covers(day.year):
        return _("Lịch làm việc chưa có năm %(year)s.") % {"year": day.year}
    weekend = day.weekday() >= 5
    off = calendar.day_off(day)
    make_up = calendar.make_up_days.get(day)
    names = {"date": format_date(day), "weekday": weekday_name(day)}
    if change.kind is ChangeKind.DAY_OFF:
        if off is not None:
            return _("Ngày %(date)s đã là ngày nghỉ (%(name)s).") % {**names, "name": off.name}
        if weekend and make_up is None:
            return _("Ngày %(date)s là %(weekday)s, vốn đã là ngày nghỉ hằng tuần.") % names
    elif change.kind is ChangeKind.WORKING_DAY:
        if make_up is not None:
            return _("Ngày %(date)s đã là ngày làm bù (%(name)s).") % {**names, "name": make_up}
        if not weekend and off is None:
            return _("Ngày %(date)s (%(weekday)s) đã là ngày làm việc.") % names
        if not weekend and off is not None:
            return _(
                "Ngày %(date)s là ngày nghỉ (%(name)s); muốn đi làm ngày này, hãy chọn "
                "loại «Theo lịch thường»."
            ) % {**names, "name": off.name}
    elif off is None and make_up is None:
        return _("Ngày %(date)s không có ngày nghỉ hay ngày làm bù nào để huỷ.") % names
    return None
