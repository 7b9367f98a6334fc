"""Reporting periods: whole local days, from a first day to a last day inclusive.

Counting uses the half-open range [start, stop) of instants; a dossier open at the
period's end E (23:59:59 of its last day, deadlines.md §7) is within deadline when
its due instant is ≥ E. One period's ``stop`` is the next one's ``start``, so what is
open at the end of one is exactly what is carried into the next.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.workdays.calendar import LOCAL_TZ


@dataclass(frozen=True)
class Period:
    first_day: dt.date
    last_day: dt.date
    label: str = ""

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first_day, dt.time(), tzinfo=LOCAL_TZ)

    @property
    def stop(self) -> dt.datetime:
        """The first instant after the period (exclusive bound)."""
        return dt.datetime.combine(self.last_day + dt.timedelta(days=1), dt.time(), tzinfo=LOCAL_TZ)

    @property
    def end_instant(self) -> dt.datetime:
        """E of deadlines.md §7: 23:59:59 of the last day."""
        return self.stop - dt.timedelta(seconds=1)


# --- Building periods -------------------------------------------------------------

# Legal-rules §7.2 (Decree 09/2019/NĐ-CP, UNVERIFIED there): with a cut-off day C a
# month runs from day C of the previous month to day C - 1 of the month itself, so
# "Tháng 10" with C = 15 is 15/09 – 14/10, and the year is 15/12 of the previous year
# – 14/12. Without a cut-off the periods are calendar months.
FIRST_YEAR = 2020  # Circular 01/2020/TT-VPCP introduced Biểu 06.
MAX_DAYS = 366
ROMAN = ("I", "II", "III", "IV")
KINDS = ("thang", "quy", "6-thang", "9-thang", "nam", "tuy-chon")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


class PeriodError(ValueError):
    """A period that cannot be built; ``message`` is for the official (translated),
    ``field`` names the request parameter at fault ("" when it is the whole range)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message, self.field = message, field


def configured_cutoff_day() -> int | None:
    """``MOTCUA_REPORT_CUTOFF_DAY``, or None for calendar months."""
    day = getattr(settings, "MOTCUA_REPORT_CUTOFF_DAY", 0)
    return day or None


def _day_text(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _labelled(first: dt.date, last: dt.date, name: str) -> Period:
    return Period(first, last, f"{name} ({_day_text(first)} – {_day_text(last)})")


def _months(
    year: int, first_month: int, last_month: int, cutoff_day: int | None
) -> tuple[dt.date, dt.date]:
    """The days of months ``first_month``..``last_month`` of ``year``, shifted by the
    cut-off: from day C of the month before the first to day C - 1 of the last."""
    if cutoff_day is None:
        first = dt.date(year, first_month, 1)
        after = dt.date(year + last_month // 12, last_month % 12 + 1, 1)
        return first, after - dt.timedelta(days=1)
    _check_cutoff(cutoff_day)
    before = (
        dt.date(year - 1, 12, cutoff_day)
        if first_month == 1
        else dt.date(year, first_month - 1, cutoff_day)
    )
    return before, dt.date(year, last_month, cutoff_day) - dt.timedelta(days=1)


def _check_cutoff(cutoff_day: int) -> None:
    # Day 1 would make "October" end on 30 September; from the 29th on, February
    # would have no cut-off day. Calendar months are "no cut-off", not day 1.
    if not 2 <= cutoff_day <= 28:
        raise ValueError(f"cut-off day {cutoff_day}: expected 2–28, or None for calendar months")


def month(year: int, m: int, cutoff_day: int | None = None) -> Period:
    first, last = _months(year, m, m, cutoff_day)
    return _labelled(first, last, _("Tháng %(m)d/%(y)d") % {"m": m, "y": year})


def quarter(year: int, q: int, cutoff_day: int | None = None) -> Period:
    first, last = _months(year, 3 * q - 2, 3 * q, cutoff_day)
    return _labelled(first, last, _("Quý %(q)s/%(y)d") % {"q": ROMAN[q - 1], "y": year})


def half(year: int, cutoff_day: int | None = None) -> Period:
    """The first six months of ``year`` (the six-monthly report)."""
    first, last = _months(year, 1, 6, cutoff_day)
    return _labelled(first, last, _("6 tháng đầu năm %(y)d") % {"y": year})


def nine_months(year: int, cutoff_day: int | None = None) -> Period:
    first, last = _months(year, 1, 9, cutoff_day)
    return _labelled(first, last, _("9 tháng đầu năm %(y)d") % {"y": year})


def year(year: int, cutoff_day: int | None = None) -> Period:
    first, last = _months(year, 1, 12, cutoff_day)
    return _labelled(first, last, _("Năm %(y)d") % {"y": year})


def custom(first: dt.date, last: dt.date) -> Period:
    """Any range of whole days, ``first`` to ``last`` inclusive (not checked here:
    ``parse`` refuses a reversed or too long range with a message)."""
    return Period(
        first, last, _("Từ %(a)s đến %(b)s") % {"a": _day_text(first), "b": _day_text(last)}
    )


# --- Reading a period from a request --------------------------------------------------


def parse(params: Mapping[str, str], *, today: dt.date | None = None) -> Period:
    """The period the GET parameters describe.

    ``ky`` is thang | quy | 6-thang | 9-thang | nam | tuy-chon; ``nam`` the year,
    ``thang`` the month, ``quy`` the quarter; ``tu`` and ``den`` the days of a custom
    range (dd/mm/yyyy or yyyy-mm-dd). The cut-off day is the setting's. Raises
    ``PeriodError`` with a message for the official on any bad or missing value.
    """
    today = today or timezone.localdate()
    kind = params.get("ky", "").strip()
    if kind not in KINDS:
        raise PeriodError(
            _("Chọn loại kỳ báo cáo: tháng, quý, 6 tháng, 9 tháng, năm hoặc tùy chọn."), "ky"
        )
    if kind == "tuy-chon":
        return _custom_range(params, today)
    y = _year(params, today)
    cutoff = configured_cutoff_day()
    if kind == "thang":
        return month(y, _number(params, "thang", 1, 12, _("Tháng phải từ 1 đến 12.")), cutoff)
    if kind == "quy":
        return quarter(y, _number(params, "quy", 1, 4, _("Quý phải từ 1 đến 4.")), cutoff)
    if kind == "6-thang":
        return half(y, cutoff)
    if kind == "9-thang":
        return nine_months(y, cutoff)
    return year(y, cutoff)


def _year_bounds(today: dt.date) -> tuple[int, int]:
    return FIRST_YEAR, today.year + 1


def _year(params: Mapping[str, str], today: dt.date) -> int:
    low, high = _year_bounds(today)
    return _number(
        params,
        "nam",
        low,
        high,
        _("Năm báo cáo phải từ %(low)d đến %(high)d.") % {"low": low, "high": high},
    )


def _number(params: Mapping[str, str], name: str, low: int, high: int, out_of_range: str) -> int:
    raw = params.get(name, "").strip()
    if not raw:
        missing = {
            "nam": _("Nhập năm báo cáo, ví dụ %(y)d.") % {"y": timezone.localdate().year},
            "thang": _("Chọn tháng báo cáo."),
            "quy": _("Chọn quý báo cáo."),
        }
        raise PeriodError(missing.get(name, out_of_range), name)
    if not (raw.isascii() and raw.isdigit()):
        raise PeriodError(
            _("“%(value)s” không phải là một số. %(rule)s") % {"value": raw, "rule": out_of_range},
            name,
        )
    # Six digits are more than any year; a longer string is out of range, not parsed.
    if len(raw) > 6 or not low <= int(raw) <= high:
        raise PeriodError(out_of_range, name)
    return int(raw)


def _date(params: Mapping[str, str], name: str) -> dt.date:
    raw = params.get(name, "").strip()
    if not raw:
        missing = {"tu": _("Nhập ngày bắt đầu."), "den": _("Nhập ngày kết thúc.")}
        raise PeriodError(missing[name], name)
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise PeriodError(
        _("Ngày “%(value)s” không hợp lệ: nhập theo dạng 15/09/2026.") % {"value": raw}, name
    )


def _custom_range(params: Mapping[str, str], today: dt.date) -> Period:
    first, last = _date(params, "tu"), _date(params, "den")
    low, high = _year_bounds(today)
    for name, day in (("tu", first), ("den", last)):
        if not low <= day.year <= high:
            raise PeriodError(
                _("Ngày %(day)s nằm ngoài khoảng được báo cáo (năm %(low)d đến năm %(high)d).")
                % {"day": _day_text(day), "low": low, "high": high},
                name,
            )
    if last < first:
        raise PeriodError(
            _("Ngày kết thúc (%(last)s) đứng trước ngày bắt đầu (%(first)s).")
            % {"last": _day_text(last), "first": _day_text(first)},
            "den",
        )
    days = (last - first).days + 1
    if days > MAX_DAYS:
        raise PeriodError(
            _("Mỗi báo cáo tối đa %(max)d ngày; khoảng đã chọn dài %(days)d ngày.")
            % {"max": MAX_DAYS, "days": days},
            "den",
        )
    return custom(first, last)
