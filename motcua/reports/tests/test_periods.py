"""Reporting periods: the builders with and without a cut-off day (legal-rules §7.2),
and reading a period from the report form, with a clear message for each bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from motcua.reports import periods
from motcua.reports.periods import PeriodError, parse
from motcua.workdays.calendar import LOCAL_TZ

D = dt.date
TODAY = D(2026, 10, 20)


def days(p: periods.Period) -> tuple[dt.date, dt.date]:
    return p.first_day, p.last_day


# --- builders -----------------------------------------------------------------------


def test_calendar_months_quarters_halves_and_years() -> None:
    assert days(periods.month(2026, 2)) == (D(2026, 2, 1), D(2026, 2, 28))
    assert days(periods.month(2028, 2)) == (D(2028, 2, 1), D(2028, 2, 29))
    assert days(periods.month(2026, 12)) == (D(2026, 12, 1), D(2026, 12, 31))
    assert days(periods.quarter(2026, 1)) == (D(2026, 1, 1), D(2026, 3, 31))
    assert days(periods.quarter(2026, 4)) == (D(2026, 10, 1), D(2026, 12, 31))
    assert days(periods.half(2026)) == (D(2026, 1, 1), D(2026, 6, 30))
    assert days(periods.nine_months(2026)) == (D(2026, 1, 1), D(2026, 9, 30))
    assert days(periods.year(2026)) == (D(2026, 1, 1), D(2026, 12, 31))


def test_cutoff_15_follows_legal_rules_7_2_across_the_year_boundary() -> None:
    # Monthly: 15th of the previous month to the 14th.
    assert days(periods.month(2026, 10, 15)) == (D(2026, 9, 15), D(2026, 10, 14))
    assert days(periods.month(2026, 1, 15)) == (D(2025, 12, 15), D(2026, 1, 14))
    assert days(periods.month(2026, 3, 15)) == (D(2026, 2, 15), D(2026, 3, 14))
    # Quarterly: 15th of the month before the quarter to the 14th of its last month.
    assert days(periods.quarter(2026, 1, 15)) == (D(2025, 12, 15), D(2026, 3, 14))
    assert days(periods.quarter(2026, 4, 15)) == (D(2026, 9, 15), D(2026, 12, 14))
    # Six months: 15/12 of the previous year to 14/06; nine: to 14/09; year: to 14/12.
    assert days(periods.half(2026, 15)) == (D(2025, 12, 15), D(2026, 6, 14))
    assert days(periods.nine_months(2026, 15)) == (D(2025, 12, 15), D(2026, 9, 14))
    assert days(periods.year(2026, 15)) == (D(2025, 12, 15), D(2026, 12, 14))


@pytest.mark.parametrize("cutoff", [None, 2, 15, 28])
def test_consecutive_months_tile_the_year_without_gap_or_overlap(cutoff: int | None) -> None:
    months = [periods.month(2026, m, cutoff) for m in range(1, 13)]
    for before, after in zip(months, months[1:], strict=False):
        assert before.stop == after.start
    whole = periods.year(2026, cutoff)
    assert (months[0].start, months[-1].stop) == (whole.start, whole.stop)
    # And December of one year runs into January of the next.
    assert periods.month(2025, 12, cutoff).stop == periods.month(2026, 1, cutoff).start


def test_instants_are_local_midnights_and_e_is_the_last_second() -> None:
    p = periods.month(2026, 10, 15)
    assert p.start == dt.datetime(2026, 9, 15, tzinfo=LOCAL_TZ)
    assert p.stop == dt.datetime(2026, 10, 15, tzinfo=LOCAL_TZ)
    assert p.end_instant == dt.datetime(2026, 10, 14, 23, 59, 59, tzinfo=LOCAL_TZ)


def test_labels_are_vietnamese_and_show_the_days() -> None:
    assert periods.month(2026, 10, 15).label == "Tháng 10/2026 (15/09/2026 – 14/10/2026)"
    assert periods.quarter(2026, 1, 15).label == "Quý I/2026 (15/12/2025 – 14/03/2026)"
    assert periods.half(2026).label == "6 tháng đầu năm 2026 (01/01/2026 – 30/06/2026)"
    assert periods.nine_months(2026).label == "9 tháng đầu năm 2026 (01/01/2026 – 30/09/2026)"
    assert periods.year(2026, 15).label == "Năm 2026 (15/12/2025 – 14/12/2026)"
    assert periods.custom(D(2026, 10, 1), D(2026, 10, 9)).label == "Từ 01/10/2026 đến 09/10/2026"


def test_a_cutoff_day_that_does_not_exist_every_month_is_refused() -> None:
    for bad in (1, 29, 31):
        with pytest.raises(ValueError, match="cut-off day"):
            periods.month(2026, 3, bad)


# --- parse --------------------------------------------------------------------------


def test_parse_reads_each_kind(settings: Any) -> None:
    settings.MOTCUA_REPORT_CUTOFF_DAY = 0
    assert parse({"ky": "thang", "nam": "2026", "thang": "10"}, today=TODAY) == periods.month(
        2026, 10
    )
    assert parse({"ky": "quy", "nam": "2026", "quy": "3"}, today=TODAY) == periods.quarter(2026, 3)
    assert parse({"ky": "6-thang", "nam": "2025"}, today=TODAY) == periods.half(2025)
    assert parse({"ky": "9-thang", "nam": "2025"}, today=TODAY) == periods.nine_months(2025)
    assert parse({"ky": "nam", "nam": " 2024 "}, today=TODAY) == periods.year(2024)
    custom = parse({"ky": "tuy-chon", "tu": "15/09/2026", "den": "2026-10-14"}, today=TODAY)
    assert days(custom) == (D(2026, 9, 15), D(2026, 10, 14))


def test_parse_applies_the_configured_cutoff(settings: Any) -> None:
    settings.MOTCUA_REPORT_CUTOFF_DAY = 15
    p = parse({"ky": "thang", "nam": "2026", "thang": "10"}, today=TODAY)
    assert p.label == "Tháng 10/2026 (15/09/2026 – 14/10/2026)"
    q1 = parse({"ky": "quy", "nam": "2026", "quy": "1"}, today=TODAY)
    assert days(q1) == (D(2025, 12, 15), D(2026, 3, 14))
    # A custom range is taken as typed, whatever the cut-off.
    assert days(
        parse({"ky": "tuy-chon", "tu": "01/10/2026", "den": "31/10/2026"}, today=TODAY)
    ) == (
        D(2026, 10, 1),
        D(2026, 10, 31),
    )


def test_one_full_leap_year_is_allowed_but_not_a_day_more() -> None:
    p = parse({"ky": "tuy-chon", "tu": "01/01/2024", "den": "31/12/2024"}, today=TODAY)
    assert (p.last_day - p.first_day).days + 1 == 366
    with pytest.raises(PeriodError) as error:
        parse({"ky": "tuy-chon", "tu": "01/01/2024", "den": "01/01/2025"}, today=TODAY)
    assert error.value.message == "Mỗi báo cáo tối đa 366 ngày; khoảng đã chọn dài 367 ngày."
    assert error.value.field == "den"


BAD = [
    ({}, "ky", "Chọn loại kỳ báo cáo: tháng, quý, 6 tháng, 9 tháng, năm hoặc tùy chọn."),
    (
        {"ky": "tuan"},
        "ky",
        "Chọn loại kỳ báo cáo: tháng, quý, 6 tháng, 9 tháng, năm hoặc tùy chọn.",
    ),
    ({"ky": "thang", "thang": "10"}, "nam", "Nhập năm báo cáo, ví dụ "),
    ({"ky": "thang", "nam": "2026"}, "thang", "Chọn tháng báo cáo."),
    ({"ky": "thang", "nam": "2026", "thang": "13"}, "thang", "Tháng phải từ 1 đến 12."),
    ({"ky": "thang", "nam": "2026", "thang": "0"}, "thang", "Tháng phải từ 1 đến 12."),
    (
        {"ky": "thang", "nam": "2026", "thang": "mười"},
        "thang",
        "“mười” không phải là một số. Tháng phải từ 1 đến 12.",
    ),
    ({"ky": "quy", "nam": "2026"}, "quy", "Chọn quý báo cáo."),
    ({"ky": "quy", "nam": "2026", "quy": "5"}, "quy", "Quý phải từ 1 đến 4."),
    ({"ky": "nam", "nam": "2019"}, "nam", "Năm báo cáo phải từ 2020 đến 2027."),
    ({"ky": "nam", "nam": "2028"}, "nam", "Năm báo cáo phải từ 2020 đến 2027."),
    ({"ky": "nam", "nam": "9" * 5000}, "nam", "Năm báo cáo phải từ 2020 đến 2027."),
    (
        {"ky": "6-thang", "nam": "２０２６"},
        "nam",
        "“２０２６” không phải là một số. Năm báo cáo phải từ 2020 đến 2027.",
    ),
    ({"ky": "9-thang", "nam": "-1"}, "nam", "“-1” không phải là một số."),
    ({"ky": "tuy-chon", "den": "14/10/2026"}, "tu", "Nhập ngày bắt đầu."),
    ({"ky": "tuy-chon", "tu": "15/09/2026"}, "den", "Nhập ngày kết thúc."),
    (
        {"ky": "tuy-chon", "tu": "32/01/2026", "den": "14/10/2026"},
        "tu",
        "Ngày “32/01/2026” không hợp lệ: nhập theo dạng 15/09/2026.",
    ),
    (
        {"ky": "tuy-chon", "tu": "15/09/2026", "den": "2026-02-30"},
        "den",
        "Ngày “2026-02-30” không hợp lệ: nhập theo dạng 15/09/2026.",
    ),
    (
        {"ky": "tuy-chon", "tu": "hôm qua", "den": "14/10/2026"},
        "tu",
        "Ngày “hôm qua” không hợp lệ",
    ),
    (
        {"ky": "tuy-chon", "tu": "15/10/2026", "den": "14/09/2026"},
        "den",
        "Ngày kết thúc (14/09/2026) đứng trước ngày bắt đầu (15/10/2026).",
    ),
    (
        {"ky": "tuy-chon", "tu": "01/01/2019", "den": "31/01/2019"},
        "tu",
        "Ngày 01/01/2019 nằm ngoài khoảng được báo cáo (năm 2020 đến năm 2027).",
    ),
    (
        {"ky": "tuy-chon", "tu": "01/12/2027", "den": "15/01/2028"},
        "den",
        "Ngày 15/01/2028 nằm ngoài khoảng được báo cáo (năm 2020 đến năm 2027).",
    ),
    (
        {"ky": "tuy-chon", "tu": "01/01/2025", "den": "31/12/2026"},
        "den",
        "Mỗi báo cáo tối đa 366 ngày; khoảng đã chọn dài 730 ngày.",
    ),
]


@pytest.mark.parametrize(("params", "field", "message"), BAD)
def test_each_bad_input_has_its_own_message(
    params: dict[str, str], field: str, message: str
) -> None:
    with pytest.raises(PeriodError) as error:
        parse(params, today=TODAY)
    assert error.value.message.startswith(message)
    assert error.value.field == field
