"""Form 07, Sổ theo dõi hồ sơ: what the agency received in a period, as PDF and XLSX."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from motcua.dossiers import actions
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import World, local, reach
from motcua.printing import forms
from motcua.printing.tests.reading import assert_liberation_serif_only, reader, text

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


@pytest.fixture
def march(world: World, dossier: Dossier) -> list[Dossier]:
    """Three dossiers the centre received in March 2026 (the first and last instants
    included), and others it must leave out."""
    returned = reach(world, "returned", at=local(2026, 3, 10, 8))
    late_night = world.receive(local(2026, 3, 31, 23, 59))
    world.receive(local(2026, 2, 28, 23, 59))
    world.receive(local(2026, 4, 1, 0, 0))
    actions.receive_at_counter(
        world.submission(receiving_agency=world.commune_a),
        actor=world.commune_a_officer,
        at=local(2026, 3, 10, 9),
    )
    return [dossier, returned, late_night]


def test_the_book_lists_the_period_s_receptions(world: World, march: list[Dossier]) -> None:
    pdf = forms.tracking_book(world.centre, *MARCH, printed_on=dt.date(2026, 4, 1))
    printed = text(pdf)
    compact = printed.replace(" ", "")

    for line in [
        "TRUNG TÂM PVHCC TỈNH",
        "Số: ……/STD-TTPVHCC",
        "Bắc Ninh, ngày 01 tháng 4 năm 2026",
        "SỔ THEO DÕI HỒ SƠ",
        "Từ ngày 01/03/2026 đến ngày 31/03/2026",
        "Nhận và trả kết quả",
        "Phương thức nhận kết quả",
        "Sổ theo dõi hồ sơ được lập theo từng lĩnh vực hoặc nhóm lĩnh vực tại Bộ phận Một cửa.",
    ]:
        assert line in printed, line
    # Long codes may break at their hyphens in the narrow column.
    received = set(Dossier.objects.values_list("code", flat=True))
    listed = {code for code in received if code in compact}
    assert listed == {d.code for d in march}
    assert (
        compact.index(march[0].code) < compact.index(march[1].code) < compact.index(march[2].code)
    )
    page = reader(pdf).pages[0]
    assert page.mediabox.width > page.mediabox.height  # A4 landscape
    assert_liberation_serif_only(pdf)


def test_an_empty_period(world: World) -> None:
    printed = text(forms.tracking_book(world.centre, *MARCH))

    assert "Không có hồ sơ nào được tiếp nhận trong thời gian này." in printed


def test_the_workbook_has_the_form_s_headers_and_real_dates(
    world: World, march: list[Dossier]
) -> None:
    data = forms.tracking_book_xlsx(world.centre, *MARCH, printed_on=dt.date(2026, 4, 1))
    ws = load_workbook(io.BytesIO(data)).active
    assert ws is not None
    assert ws.title == "Sổ theo dõi hồ sơ"

    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:D1", "G1:K1", "A5:K5", "A6:K6", "A7:A8", "F7:F8", "G7:K7"} <= merged
    assert ws["A1"].value == "ỦY BAN NHÂN DÂN TỈNH BẮC NINH"
    assert ws["G2"].value == "Độc lập - Tự do - Hạnh phúc"
    assert ws["A5"].value == "SỔ THEO DÕI HỒ SƠ"
    assert ws["A6"].value == "Từ ngày 01/03/2026 đến ngày 31/03/2026"
    assert [c.value for c in ws[7]][:7] == [
        "STT",
        "Mã hồ sơ",
        "Tên TTHC",
        "Tên tổ chức, cá nhân",
        "Địa chỉ/SĐT",
        "Cơ quan chủ trì giải quyết",
        "Nhận và trả kết quả",
    ]
    assert [c.value for c in ws[8]][6:] == [
        "Nhận hồ sơ",
        "Hẹn trả kết quả",
        "Trả kết quả",
        "Phương thức nhận kết quả",
        "Ký nhận",
    ]
    data_rows = [row for row in ws.iter_rows(min_row=9) if isinstance(row[0].value, int)]
    assert len(data_rows) == len(march) == 3
    first, returned, last = data_rows
    assert [c.value for c in first[:6]] == [
        1,
        "H24.STP-260302-0001",
        "Thủ tục đăng ký khai sinh",
        "Nguyễn Thị Hằng",
        "Số 5 phố Lý Thái Tổ / 0912345678",
        "Sở Tư pháp",
    ]
    # Local wall-clock times as Excel dates.
    assert first[6].value == dt.datetime(2026, 3, 2, 8, 0)
    assert first[6].number_format == "dd/mm/yyyy hh:mm"
    assert first[7].value == dt.datetime(2026, 3, 9, 8, 0)
    assert first[8].value is None
    assert first[9].value == "Nhận qua dịch vụ bưu chính"
    assert returned[8].value == dt.datetime(2026, 3, 13, 8, 0)
    assert (last[0].value, last[6].value) == (3, dt.datetime(2026, 3, 31, 23, 59))
    assert ws.cell(row=last[0].row + 2, column=1).value == "Ghi chú:"


def test_the_book_costs_the_same_queries_however_many_rows(
    world: World, march: list[Dossier]
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            forms.tracking_book_xlsx(world.centre, *MARCH, printed_on=dt.date(2026, 4, 1))
        return len(captured)

    before = queries()
    for day in (11, 12, 13):
        world.receive(local(2026, 3, day, 9))

    assert queries() == before


def test_a_book_too_long_for_a_pdf_asks_for_a_shorter_period(
    world: World, march: list[Dossier], settings: object
) -> None:
    setattr(settings, "MOTCUA_BOOK_PDF_MAX_ROWS", 2)  # noqa: B010

    with pytest.raises(forms.BookTooLarge) as raised:
        forms.tracking_book(world.centre, *MARCH)

    assert str(raised.value) == (
        "Từ ngày 01/03/2026 đến ngày 31/03/2026 có 3 hồ sơ, quá 2 hồ sơ để in sổ dạng PDF. "
        "Hãy chọn khoảng thời gian ngắn hơn hoặc tải tệp Excel."
    )
    assert isinstance(raised.value, forms.FormNotAvailable)
    # The workbook has no such limit.
    assert forms.tracking_book_xlsx(world.centre, *MARCH).startswith(b"PK")
