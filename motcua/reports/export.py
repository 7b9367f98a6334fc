"""Biểu số 06/VPCP/KSTT laid out like the official form, for the page, Excel and PDF.

legal-rules §7.1 (Circular 01/2020/TT-VPCP): columns (1) STT and (2) the row, then
(3)–(13) under three groups — received (total; in the period online, in person or by
post; carried over), resolved (total; early, on time, late) and in progress (total;
within deadline, overdue). The unit is the number of TTHC dossiers. The page, the
workbook and the PDF take their headers from here so the three never differ.

Dossiers that ended without a result are already in column (7) (deadlines.md §7); the
breakdown below the table shows them by how they ended so nothing is hidden.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from motcua.reports.bieu06 import COLUMNS, WITHOUT_RESULT, Counts, Report, Row
from motcua.reports.models import Outcome

FORM_NUMBER = "Biểu số 06/VPCP/KSTT"
TITLE = (
    "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC"
)
UNIT = "Đơn vị tính: Số hồ sơ TTHC"
ROW_HEADER = {
    "agency": "Cơ quan, đơn vị giải quyết",
    "level": "Lĩnh vực, công việc giải quyết theo cấp",
}
TOTAL = "Tổng cộng"
# The groups of the first header row: (title, first column, last column), columns
# numbered as on the form (3)…(13).
GROUPS = (
    ("Số hồ sơ nhận giải quyết", 3, 6),
    ("Số hồ sơ đã giải quyết", 7, 10),
    ("Số hồ sơ đang giải quyết", 11, 13),
)
# The second header row, one per column of COLUMNS.
SUBHEADERS = (
    "Tổng số",
    "Trong kỳ: Trực tuyến",
    "Trong kỳ: Trực tiếp, dịch vụ bưu chính",
    "Từ kỳ trước",
    "Tổng số",
    "Trước hạn",
    "Đúng hạn",
    "Quá hạn",
    "Tổng số",
    "Trong hạn",
    "Quá hạn",
)
BREAKDOWN_TITLE = "Trong số hồ sơ đã giải quyết (7): kết thúc không có kết quả"

assert len(SUBHEADERS) == len(COLUMNS) == 11


def roman(n: int) -> str:
    out = ""
    for value, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out, n = out + letters, n - value
    return out


def numbered(report: Report) -> Iterator[tuple[str, Row]]:
    """Each row with its STT: by agency 1, 2, 3…; by level the levels I, II, their
    fields 1, 2… and each field's procedures 1.1, 1.2…"""
    counters = [0, 0, 0]
    for row in report.rows:
        depth = min(max(row.depth, 0), 2)
        counters[depth] += 1
        for deeper in range(depth + 1, 3):
            counters[deeper] = 0
        if report.by != "level":
            yield str(counters[depth]), row
        elif depth == 0:
            yield roman(counters[0]), row
        elif depth == 1:
            yield str(counters[1]), row
        else:
            yield f"{counters[1]}.{counters[2]}", row


def values(counts: Counts) -> list[int]:
    """Columns (3)…(13) of one row."""
    return counts.values()


def without_result(counts: Counts) -> list[tuple[str, str, int]]:
    """(outcome, label, number) of each end without a result."""
    return [(o, str(Outcome(o).label), counts.without_result.get(o, 0)) for o in WITHOUT_RESULT]


@dataclass(frozen=True)
class Heading:
    """What the report covers, printed above the table."""

    period: str
    scope: str


# --- Excel ------------------------------------------------------------------------

FONT = "Times New Roman"
FIRST_DATA_ROW = 9  # rows 1-5 titles, 6-7 headers, 8 column numbers
WIDTHS = (6, 48) + (11,) * 11


def workbook(report: Report, heading: Heading) -> bytes:
    """The report as an .xlsx file laid out like the printed form: title rows, the two
    header rows in merged cells, the column numbers, one row per line with whole
    numbers (not text), the total row, then the breakdown of ends without a result."""
    with translation.override("vi"):
        return _workbook(report, heading)


def _workbook(report: Report, heading: Heading) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Biểu 06"
    last = get_column_letter(13)
    for index, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "6:8"
    ws.freeze_panes = f"C{FIRST_DATA_ROW}"

    plain, bold = Font(name=FONT, size=12), Font(name=FONT, size=12, bold=True)
    italic = Font(name=FONT, size=12, italic=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)

    def put(row: int, column: int, value: object, font: Font = plain, **style: object) -> None:
        cell = ws.cell(row=row, column=column, value=value)  # type: ignore[arg-type]
        cell.font = font
        for name, attr in style.items():
            setattr(cell, name, attr)

    def merge(first: str, last_cell: str) -> None:
        ws.merge_cells(f"{first}:{last_cell}")

    put(1, 1, FORM_NUMBER, bold)
    merge("A1", "D1")
    put(2, 1, TITLE, Font(name=FONT, size=14, bold=True), alignment=centre)
    merge("A2", f"{last}2")
    ws.row_dimensions[2].height = 36
    put(3, 1, f"Kỳ báo cáo: {heading.period}", italic, alignment=centre)
    merge("A3", f"{last}3")
    put(4, 1, f"Đơn vị báo cáo: {heading.scope}", plain, alignment=centre)
    merge("A4", f"{last}4")
    put(5, 10, UNIT, italic, alignment=Alignment(horizontal="right"))
    merge("J5", "M5")

    # Rows 6-7: (1) and (2) span both rows; each group spans its columns in row 6.
    for column, text in ((1, "STT"), (2, ROW_HEADER.get(report.by, ROW_HEADER["agency"]))):
        put(6, column, text, bold, alignment=centre, border=box)
        put(7, column, None, bold, alignment=centre, border=box)
        letter = get_column_letter(column)
        merge(f"{letter}6", f"{letter}7")
    for title, first, last_column in GROUPS:
        for column in range(first, last_column + 1):
            put(6, column, title if column == first else None, bold, alignment=centre, border=box)
        merge(f"{get_column_letter(first)}6", f"{get_column_letter(last_column)}6")
    for column, text in enumerate(SUBHEADERS, 3):
        put(7, column, text, bold, alignment=centre, border=box)
    ws.row_dimensions[7].height = 48
    for column in range(1, 14):
        put(8, column, f"({column})", italic, alignment=centre, border=box)

    row_number = FIRST_DATA_ROW
    for stt, row in numbered(report):
        font = bold if row.depth == 0 and report.by == "level" else plain
        put(row_number, 1, stt, font, alignment=centre, border=box)
        put(
            row_number,
            2,
            row.label,
            font,
            alignment=Alignment(wrap_text=True, vertical="top", indent=row.depth),
            border=box,
        )
        for column, value in enumerate(values(row.counts), 3):
            put(row_number, column, value, font, border=box, number_format="#,##0")
        row_number += 1
    put(row_number, 1, None, bold, border=box)
    put(row_number, 2, TOTAL, bold, alignment=centre, border=box)
    for column, value in enumerate(values(report.total), 3):
        put(row_number, column, value, bold, border=box, number_format="#,##0")

    row_number += 2
    put(row_number, 2, BREAKDOWN_TITLE, italic)
    for _outcome, label, number in without_result(report.total):
        row_number += 1
        put(row_number, 2, label, plain, border=box)
        put(row_number, 3, number, plain, border=box, number_format="#,##0")

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- PDF --------------------------------------------------------------------------

# WeasyPrint lays out some 60 table rows a second (``printing.forms.tracking_book``):
# a report by procedure for a whole province is offered as a workbook instead of
# holding a web worker for minutes.
PDF_MAX_ROWS = 1500


def pdf(report: Report, heading: Heading, *, printed_at: dt.datetime) -> bytes:
    """The report as an A4 landscape PDF in the fonts MotCua ships (``printing.pdf``).

    Raises OSError when the server lacks the Pango library WeasyPrint needs."""
    from motcua.printing.pdf import render_pdf

    return render_pdf("reports/bieu06_pdf.html", pdf_context(report, heading, printed_at))


def pdf_context(report: Report, heading: Heading, printed_at: dt.datetime) -> dict[str, object]:
    return {
        "form_number": FORM_NUMBER,
        "title": TITLE,
        "unit": UNIT,
        "heading": heading,
        "row_header": ROW_HEADER.get(report.by, ROW_HEADER["agency"]),
        "groups": [(title, last - first + 1) for title, first, last in GROUPS],
        "subheaders": SUBHEADERS,
        "column_numbers": [f"({n})" for n in range(1, 14)],
        "rows": [(stt, row, values(row.counts)) for stt, row in numbered(report)],
        "by_level": report.by == "level",
        "total_label": TOTAL,
        "total": values(report.total),
        "breakdown_title": BREAKDOWN_TITLE,
        "breakdown": without_result(report.total),
        "printed_at": printed_at,
    }
