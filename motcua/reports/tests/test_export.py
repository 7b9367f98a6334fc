"""Biểu 06 as XLSX and PDF: laid out like the official form, numbers as numbers, the
totals right — read back with openpyxl, converted by LibreOffice when it is installed,
and the PDF's text extracted with pypdf."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from motcua.reports import export
from motcua.reports.bieu06 import Counts, Report, Row
from motcua.reports.periods import month
from motcua.reports.tests import test_bieu06_pages as pages
from motcua.reports.tests.test_bieu06_pages import EXPECTED, OCTOBER, TOTAL, October

TITLE = (
    "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC"
)
# The October 2026 of the page tests (fixtures).
world, october = pages.world, pages.october
HEADER_MERGES = {"A6:A7", "B6:B7", "C6:F6", "G6:J6", "K6:M6", "A2:M2", "A3:M3"}


def sheet(content: bytes) -> Worksheet:
    ws = load_workbook(io.BytesIO(content)).active
    assert isinstance(ws, Worksheet)
    return ws


def data_rows(ws: Worksheet) -> list[tuple[object, ...]]:
    """Rows from the first data row down to the total row, included."""
    rows = []
    for values in ws.iter_rows(min_row=export.FIRST_DATA_ROW, values_only=True):
        rows.append(values[:13])
        if values[1] == "Tổng cộng":
            return rows
    raise AssertionError("no total row")


def download(october: October, name: str, **params: str) -> bytes:
    response = october.client(october.province).get(reverse(name), {**OCTOBER, **params})
    assert response.status_code == 200, response.content[:300]
    return bytes(response.content)


# --- XLSX ---------------------------------------------------------------------------


def test_the_workbook_is_laid_out_like_the_form(october: October) -> None:
    content = download(october, "reports:bieu06_xlsx")
    ws = sheet(content)
    assert ws["A1"].value == "Biểu số 06/VPCP/KSTT"
    assert ws["A2"].value == TITLE
    assert ws["A3"].value == "Kỳ báo cáo: Tháng 10/2026 (01/10/2026 – 31/10/2026)"
    assert ws["A4"].value == "Đơn vị báo cáo: Toàn tỉnh"
    assert ws["J5"].value == "Đơn vị tính: Số hồ sơ TTHC"
    assert {str(r) for r in ws.merged_cells.ranges} >= HEADER_MERGES
    assert [ws.cell(6, c).value for c in (1, 2, 3, 7, 11)] == [
        "STT",
        "Cơ quan, đơn vị giải quyết",
        "Số hồ sơ nhận giải quyết",
        "Số hồ sơ đã giải quyết",
        "Số hồ sơ đang giải quyết",
    ]
    assert [ws.cell(7, c).value for c in range(3, 14)] == list(export.SUBHEADERS)
    assert [ws.cell(8, c).value for c in range(1, 14)] == [f"({n})" for n in range(1, 14)]


def test_the_workbook_numbers_are_numbers_and_add_up(october: October) -> None:
    ws = sheet(download(october, "reports:bieu06_xlsx"))
    rows = data_rows(ws)
    body, total = rows[:-1], rows[-1]
    assert list(total[2:]) == TOTAL
    by_name = {row[1]: list(row[2:]) for row in body}
    for key, expected in EXPECTED.items():
        assert by_name[october.agency(key).name] == expected
    for row in rows:
        assert all(type(v) is int for v in row[2:]), row
    assert [sum(col) for col in zip(*(row[2:] for row in body), strict=True)] == TOTAL
    # The breakdown of ends without a result, below the table.
    below = {
        r[1]: r[2]
        for r in ws.iter_rows(min_row=len(rows) + export.FIRST_DATA_ROW, values_only=True)
    }
    assert below["Từ chối giải quyết"] == 1
    assert below["Rút hồ sơ"] == 1
    assert below["Dừng xử lý"] == 1
    assert below["Đóng do không bổ sung"] == 0


def test_the_workbook_by_level_numbers_levels_fields_procedures(october: October) -> None:
    ws = sheet(download(october, "reports:bieu06_xlsx", theo="cap"))
    assert ws["B6"].value == "Lĩnh vực, công việc giải quyết theo cấp"
    rows = data_rows(ws)
    levels = [row for row in rows if row[0] in ("I", "II")]
    assert [row[1] for row in levels] == ["Cấp tỉnh", "Cấp xã"]
    assert [sum(col) for col in zip(*(r[2:] for r in levels), strict=True)] == TOTAL
    assert ws.cell(export.FIRST_DATA_ROW, 2).font.b


def test_libreoffice_opens_the_workbook_with_the_right_totals(
    october: October, tmp_path: Path
) -> None:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    source = tmp_path / "bieu06.xlsx"
    source.write_bytes(download(october, "reports:bieu06_xlsx"))
    subprocess.run(
        [
            office,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            # Comma-separated, double quotes, UTF-8 (76).
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    with (tmp_path / "bieu06.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0][0] == "Biểu số 06/VPCP/KSTT"
    total = next(row for row in rows if len(row) > 1 and row[1] == "Tổng cộng")
    assert [int(v.replace(",", "").replace(".", "")) for v in total[2:13]] == TOTAL


def test_an_invalid_period_gets_the_form_not_a_file(october: October) -> None:
    for name in ("reports:bieu06_xlsx", "reports:bieu06_pdf"):
        response = october.client(october.province).get(
            reverse(name), {"ky": "thang", "nam": "2026", "thang": "13"}
        )
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        assert "Tháng phải từ 1 đến 12." in response.content.decode()


def test_an_empty_report_is_still_a_complete_form() -> None:
    zero = Counts(without_result={})
    report = Report(period=month(2026, 1), by="level", rows=[], total=zero)
    ws = sheet(export.workbook(report, export.Heading(period="Tháng 1/2026", scope="Xã A")))
    rows = data_rows(ws)
    assert rows == [(None, "Tổng cộng") + (0,) * 11]


def test_stt_numbers_levels_in_roman_fields_and_procedures_in_arabic() -> None:
    def row(depth: int) -> Row:
        return Row(label="x", depth=depth, counts=Counts(), filters={})

    report = Report(
        period=month(2026, 1),
        by="level",
        rows=[row(0), row(1), row(2), row(2), row(1), row(2), row(0), row(1), row(2)],
        total=Counts(),
    )
    assert [stt for stt, _row in export.numbered(report)] == [
        "I",
        "1",
        "1.1",
        "1.2",
        "2",
        "2.1",
        "II",
        "1",
        "1.1",
    ]
    assert [export.roman(n) for n in (3, 4, 9, 14, 40)] == ["III", "IV", "IX", "XIV", "XL"]


# --- PDF ----------------------------------------------------------------------------


def test_the_pdf_has_the_form_header_and_the_totals(october: October) -> None:
    pytest.importorskip("weasyprint")
    from pypdf import PdfReader

    content = download(october, "reports:bieu06_pdf")
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages))
    flat = " ".join(text.split())
    assert "Biểu số 06/VPCP/KSTT" in flat
    assert "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in flat
    assert "Tháng 10/2026 (01/10/2026 – 31/10/2026)" in flat
    assert "Đơn vị tính: Số hồ sơ TTHC" in flat
    assert "Tổng cộng " + " ".join(str(n) for n in TOTAL) in flat
    # Only the fonts MotCua ships.
    fonts = {
        str(font["/BaseFont"])
        for p in reader.pages
        for font in p["/Resources"]["/Font"].values()  # type: ignore[index]
        for font in [font.get_object()]
    }
    assert fonts and all("Liberation-Serif" in f for f in fonts), fonts


def test_a_pdf_too_long_to_lay_out_is_refused_with_a_message(
    october: October, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "PDF_MAX_ROWS", 2)
    response = october.client(october.province).get(
        reverse("reports:bieu06_pdf"), {**OCTOBER, "theo": "cap"}
    )
    assert response.status_code == 409
    assert "quá 2 dòng để in dạng PDF" in response.content.decode()
    # The workbook has no such limit.
    assert download(october, "reports:bieu06_xlsx", theo="cap").startswith(b"PK")
