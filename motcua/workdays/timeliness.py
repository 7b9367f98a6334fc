"""Early, on time, late (trước hạn / đúng hạn / trễ hạn) — deadlines.md §7.

The law names the categories but gives no formula (legal-rules §5.3); these are
the national portal's defaults. Which instant is a dossier's *end* (result ready,
returned, refused, stopped, withdrawn, closed; for a dossier closed because a
supplement never came, the request instant) is decided by the caller.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.utils.translation import gettext as _

from motcua.workdays.calendar import LOCAL_TZ, to_local


class Timeliness(StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"

    @property
    def label(self) -> str:
        return {
            Timeliness.EARLY: _("Trước hạn"),
            Timeliness.ON_TIME: _("Đúng hạn"),
            Timeliness.LATE: _("Trễ hạn"),
        }[self]


class OpenState(StrEnum):
    WITHIN_DEADLINE = "within_deadline"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return {
            OpenState.WITHIN_DEADLINE: _("Trong hạn"),
            OpenState.OVERDUE: _("Quá hạn"),
        }[self]


def classify_end(end: dt.datetime, due: dt.datetime) -> Timeliness:
    """An ended dossier: late if ``end`` > ``due`` (an end exactly at the due instant
    is on time, as on the national portal: "≤ appointment"); early if the end's local
    date is before the due instant's local date; otherwise on time. Dates are read
    in Asia/Ho_Chi_Minh, so 23:30 UTC is already the next day."""
    local_end, local_due = to_local(end), to_local(due)
    if local_end > local_due:
        return Timeliness.LATE
    if local_end.date() < local_due.date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME


def open_state(
    due: dt.datetime, period_end: dt.datetime, *, awaiting_supplement: bool = False
) -> OpenState:
    """An open dossier at a report's end ``period_end`` (see ``report_period_end``):
    within deadline if ``due`` ≥ ``period_end``, else overdue. While a supplement is
    awaited the applicant holds the dossier and its clock is stopped, so it counts as
    within deadline whatever its old due instant (deadlines.md §7)."""
    if awaiting_supplement:
        return OpenState.WITHIN_DEADLINE
    if to_local(due) >= to_local(period_end):
        return OpenState.WITHIN_DEADLINE
    return OpenState.OVERDUE


def report_period_end(last_day: dt.date) -> dt.datetime:
    """23:59:59 local time of a reporting period's last day (deadlines.md §7)."""
    return dt.datetime.combine(last_day, dt.time(23, 59, 59), tzinfo=LOCAL_TZ)
