"""Form 07, the dossier tracking book (Sổ theo dõi hồ sơ): its rows and its Excel form.

legal-rules §4.2 "Dossier tracking book": STT, dossier code, procedure, organisation
or individual, address or phone, lead handling agency, then under "Nhận và trả kết
quả": received, appointment, returned, result-delivery method, signature of the
recipient. An electronic book replaces the paper one provided it holds every field.

A year of a busy centre is tens of thousands of dossiers: the rows are read in one
query (the procedure and agency joined, the procedure's raw catalogue record left
out) and streamed, and the workbook is written in openpyxl's write-only mode.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from motcua.dossiers.models import Dossier
from motcua.org.models import Agency
from motcua.printing.letterhead import Letterhead, letterhead, local, series, short_instant
from motcua.workdays.calendar import LOCAL_TZ

TITLE = "SỔ THEO DÕI HỒ SƠ"
NOTES = (
    "Ghi chú:",
    "- Sổ theo dõi hồ sơ được lập theo từng lĩnh vực hoặc nhóm lĩnh vực tại Bộ phận Một cửa.",
    "- Trường hợp áp dụng Sổ theo dõi hồ sơ điện tử thì theo dõi trực tiếp trên Hệ thống "
    "thông tin giải quyết thủ tục hành chính, không cần thực hiện in sổ giấy nhưng phải "
    "đảm bảo đầy đủ thông tin theo quy định.",
)
# (header, width in characters) of the columns; the last five sit under GROUP.
COLUMNS = (
    ("STT", 6),
    ("Mã hồ sơ", 24),
    ("Tên TTHC", 36),
    ("Tên tổ chức, cá nhân", 24),
    ("Địa chỉ/SĐT", 28),
    ("Cơ quan chủ trì giải quyết", 22),
    ("Nhận hồ sơ", 17),
    ("Hẹn trả kết quả", 17),
    ("Trả kết quả", 17),
    ("Phương thức nhận kết quả", 20),
    ("Ký nhận", 14),
)
GROUP = "Nhận và trả kết quả"
GROUP_FIRST = 7  # column G
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


@dataclass(frozen=True)
class BookRow:
    number: int
    code: str
    procedure: str
    applicant: str
    contact: str
    lead_agency: str
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    returned_at: dt.datetime | None
    delivery: str

    @property
    def received(self) -> str:
        return short_instant(self.received_at)

    @property
    def due(self) -> str:
        return short_instant(self.due_at)

    @property
    def returned(self) -> str:
        return short_instant(self.returned_at)


def bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants of local midnight opening ``start`` and closing ``end``."""
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=LOCAL_TZ)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL_TZ)
    return lo, hi


def dossiers(agency: Agency, start: dt.date, end: dt.date) -> QuerySet[Dossier]:
    """What ``agency`` received (its one-stop unit) on local dates ``start``..``end``."""
    lo, hi = bounds(start, end)
    return (
        Dossier.objects.filter(receiving_agency=agency, received_at__gte=lo, received_at__lt=hi)
        .select_related("procedure_version", "competent_agency")
        .only(
            "code",
            "applicant_name",
            "applicant_address",
            "applicant_phone",
            "received_at",
            "due_at",
            "returned_at",
            "delivery",
            "procedure_version__name",
            "competent_agency__name",
        )
        .order_by("received_at", "pk")
    )


def rows(agency: Agency, start: dt.date, end: dt.date) -> Iterator[BookRow]:
    for number, d in enumerate(dossiers(agency, start, end).iterator(chunk_size=2000), 1):
        yield BookRow(
            number=number,
            code=d.code,
            procedure=d.procedure_version.name,
            applicant=d.applicant_name,
            contact=" / ".join(p for p in (d.applicant_address, d.applicant_phone) if p),
            lead_agency=d.competent_agency.name,
            received_at=d.received_at,
            due_at=d.due_at,
            returned_at=d.returned_at,
            delivery=d.get_delivery_display(),
        )


def book_letterhead(agency: Agency, printed_on: dt.date | None) -> Letterhead:
    # The book has no number of its own in MotCua: the form's "Số: …" stays blank.
    day = printed_on or local(timezone.now()).date()
    return letterhead(agency, number=f"……/{series(agency, 'STD')}", day=day)


def period_text(start: dt.date, end: dt.date) -> str:
    return f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


def _naive(at: dt.datetime | None) -> dt.datetime | None:
    # Excel has no time zones: write the local wall-clock time.
    return local(at).replace(tzinfo=None) if at is not None else None


def workbook(
    agency: Agency, start: dt.date, end: dt.date, *, printed_on: dt.date | None = None
) -> bytes:
    """The book as an .xlsx file: letterhead and title in merged cells, two header
    rows, one row per dossier with real numbers and dates, the printed notes below."""
    wb = Workbook(write_only=True)
    ws: WriteOnlyWorksheet = wb.create_sheet(title="Sổ theo dõi hồ sơ")
    last = get_column_letter(len(COLUMNS))
    for index, (_header, width) in enumerate(COLUMNS, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "7:8"
    ws.freeze_panes = "A9"

    plain, bold = Font(name="Times New Roman", size=12), Font(name="Times New Roman", bold=True)
    italic = Font(name="Times New Roman", size=12, italic=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap = Alignment(vertical="top", wrap_text=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)

    def cell(value: object, font: Font = plain, align: Alignment = wrap, **extra: object) -> object:
        c = WriteOnlyCell(ws, value=value)
        c.font, c.alignment = font, align
        for name, attr in extra.items():
            setattr(c, name, attr)
        return c

    head = book_letterhead(agency, printed_on)
    width = len(COLUMNS)
    # Rows 1-3: issuer on the left (A-D), nation on the right (G-K).
    left, right = "A{0}:D{0}", f"G{{0}}:{last}{{0}}"
    for row, (issuer, nation, fonts) in enumerate(
        (
            (head.governing, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", (plain, bold)),
            (head.unit, "Độc lập - Tự do - Hạnh phúc", (bold, bold)),
            (head.number, head.place_date, (plain, italic)),
        ),
        1,
    ):
        ws.append(
            [cell(issuer, fonts[0], centre), None, None, None, None, None]
            + [cell(nation, fonts[1], centre)]
            + [None] * (width - GROUP_FIRST)
        )
        ws.merged_cells.add(left.format(row))
        ws.merged_cells.add(right.format(row))
    ws.append([])
    ws.append([cell(TITLE, Font(name="Times New Roman", size=14, bold=True), centre)])
    ws.merged_cells.add(f"A5:{last}5")
    ws.append([cell(period_text(start, end), italic, centre)])
    ws.merged_cells.add(f"A6:{last}6")
    # Rows 7-8: the two header rows; the first six headers span both.
    top, bottom = [], []
    for index, (header, _width) in enumerate(COLUMNS, 1):
        if index < GROUP_FIRST:
            top.append(cell(header, bold, centre, border=box))
            bottom.append(cell(None, bold, centre, border=box))
            ws.merged_cells.add(f"{get_column_letter(index)}7:{get_column_letter(index)}8")
        else:
            top.append(cell(GROUP if index == GROUP_FIRST else None, bold, centre, border=box))
            bottom.append(cell(header, bold, centre, border=box))
    ws.merged_cells.add(f"{get_column_letter(GROUP_FIRST)}7:{last}7")
    ws.append(top)
    ws.append(bottom)
    for r in rows(agency, start, end):
        values: list[object] = [
            r.number,
            r.code,
            r.procedure,
            r.applicant,
            r.contact,
            r.lead_agency,
            _naive(r.received_at),
            _naive(r.due_at),
            _naive(r.returned_at),
            r.delivery,
            None,
        ]
        ws.append(
            [
                cell(v, border=box, number_format=DATETIME_FORMAT)
                if isinstance(v, dt.datetime)
                else cell(v, border=box)
                for v in values
            ]
        )
    ws.append([])
    for note in NOTES:
        ws.append([cell(note, italic if note == NOTES[0] else plain, Alignment(wrap_text=False))])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
