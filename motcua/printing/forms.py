"""The one-stop forms of Circular 03/2025/TT-VPCP, Appendix I, as PDF (legal-rules §4.1).

One function per form; each takes the dossier and returns the PDF bytes, or raises
``FormNotAvailable`` (its message says why, in the language of the official's
screen) when the form does not apply to the dossier in its current state. The forms
themselves are administrative documents and are always printed in Vietnamese.

The fields of each form follow legal-rules §4.2 (taken from the 2025 reproduction in
Decision 3621/QĐ-BYT; whether they match the Circular's appendix word for word is
UNVERIFIED there).

Nothing here writes: the data come from the dossier, its tasks, its supplement
request, its extension and its events (the timeline written by the actions).
Where a form asks for a register number that MotCua does not keep, the dossier code
stands in for it ("Số: <mã hồ sơ>/PBS-TTPVHCC").
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

import segno
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import (
    ApplicantKind,
    DocumentOrigin,
    Dossier,
    DossierEvent,
    Extension,
    SupplementRequest,
    Task,
    TaskOutcome,
)
from motcua.dossiers.statuses import Action, Status
from motcua.org.models import Agency
from motcua.printing import book
from motcua.printing.handovers import handovers
from motcua.printing.letterhead import (
    Letterhead,
    day_text,
    instant_text,
    letterhead,
    local,
    series,
    short_date,
)
from motcua.printing.pdf import render_pdf

# Form 04's title. Decision 3621/QĐ-BYT prints the 2025 wording; the Circular
# 01/2018 title was "Phiếu xin lỗi và hẹn lại ngày trả kết quả" (legal-rules §3.10,
# §4.1: the number and exact title under Circular 03/2025 are UNVERIFIED).
APOLOGY_TITLE = "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"
# Form 05: no series prefix was seen (legal-rules §4.2 "Stop notice": UNVERIFIED).
# "TB" is the usual abbreviation of a notice (thông báo) in document numbers.
STOP_NOTICE_PREFIX = "TB"
# Documents the applicant handed in (form 01 lists them); later additions are not.
SUBMITTED_ORIGINS = (DocumentOrigin.CITIZEN, DocumentOrigin.SCAN, DocumentOrigin.REUSED)
# An item of a "missing documents" text: one per line or per semicolon, without the
# numbering or bullet the official may have typed (the form numbers them itself).
ITEM_SEPARATORS = re.compile(r"[\n;]+")
ITEM_MARKER = re.compile(r"^\s*(?:[-–•*+]|\d{1,2}[.)/])\s*")
QR_SCALE = 8
QR_BORDER = 4
# Rows of the tracking book beyond which the PDF is refused (see ``tracking_book``).
BOOK_PDF_MAX_ROWS = 1500


class FormNotAvailable(Exception):
    """The form does not apply to the dossier; the message says why, for the official.

    The message is translated when it is read (``str(exc)``), so it follows the
    official's language although the form is built in Vietnamese.
    """

    def __init__(self, message: Promise | str, **params: object) -> None:
        super().__init__(message)
        self.message, self.params = message, params

    def __str__(self) -> str:
        return str(self.message) % self.params


class BookTooLarge(FormNotAvailable):
    """The tracking book has too many rows to be laid out as a PDF in one request."""


_P = ParamSpec("_P")
_R = TypeVar("_R")


def in_vietnamese(build: Callable[_P, _R]) -> Callable[_P, _R]:
    """Build the form in Vietnamese whatever language is active: the labels of choices
    (delivery method, outcome of a step) come from translations."""

    @functools.wraps(build)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with translation.override("vi"):
            return build(*args, **kwargs)

    return wrapper


def split_items(text: str) -> list[str]:
    """The items of a list typed as text, one per line or separated by semicolons."""
    items = (ITEM_MARKER.sub("", part).strip() for part in ITEM_SEPARATORS.split(text))
    return [item for item in items if item]


def split_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def qr_code(url: str) -> segno.QRCode:
    """The QR code printed on form 01: always a full QR symbol (never Micro QR), error
    correction level M."""
    return segno.make_qr(url, error="m")


def qr_data_uri(url: str) -> str:
    return str(qr_code(url).png_data_uri(scale=QR_SCALE, border=QR_BORDER))


def _latest_event(dossier: Dossier, *actions: str) -> DossierEvent | None:
    return (
        DossierEvent.objects.filter(dossier=dossier, action__in=actions)
        .select_related("actor", "actor_agency")
        .order_by("-seq")
        .first()
    )


@dataclass(frozen=True)
class Applicant:
    """The applicant block of the forms (legal-rules §4.2: name, identifier, address,
    phone, email; the principal when the dossier is filed by proxy)."""

    title: str
    name: str
    identifier_label: str
    identifier: str
    address: str
    phone: str
    email: str
    principal_name: str
    principal_identifier: str


def applicant(dossier: Dossier) -> Applicant:
    is_person = dossier.applicant_kind == ApplicantKind.PERSON
    unit = dossier.applicant_unit
    parts = [dossier.applicant_address.strip()]
    if unit is not None:
        parts.append(unit.name)
        if unit.parent is not None:
            parts.append(unit.parent.name)
    return Applicant(
        title="Ông/Bà" if is_person else "Tổ chức",
        name=dossier.applicant_name,
        identifier_label="Số định danh cá nhân" if is_person else "Mã số thuế / số định danh",
        identifier=dossier.applicant_identifier,
        address=", ".join(p for p in parts if p),
        phone=dossier.applicant_phone,
        email=dossier.applicant_email,
        principal_name=dossier.principal_name,
        principal_identifier=dossier.principal_identifier,
    )


@dataclass(frozen=True)
class Signature:
    role: str
    name: str
    # The 2025 forms add "(Chữ ký số của … nếu là biểu mẫu điện tử)" under officials.
    digital: str = ""


def _applicant_signs(dossier: Dossier) -> Signature:
    return Signature("NGƯỜI NỘP HỒ SƠ", dossier.applicant_name)


def _dossier_head(dossier: Dossier, agency: Agency, prefix: str, at: dt.datetime) -> Letterhead:
    return letterhead(
        agency, number=f"{dossier.code}/{series(agency, prefix)}", day=local(at).date()
    )


def _title(name: str, dossier: Dossier) -> str:
    return f"{name} — {dossier.code}"


@in_vietnamese
def receipt(dossier: Dossier, *, lookup_url: str) -> bytes:
    """Form 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả (legal-rules §4.2 "Receipt and
    appointment slip"; Decree 118/2025 Art. 17(3): the code and the appointment are
    printed on it). ``lookup_url`` is the absolute status-lookup address, printed with
    its QR code."""
    if dossier.received_at is None:
        raise FormNotAvailable(
            _("Hồ sơ %(code)s chưa được tiếp nhận nên chưa có giấy tiếp nhận và hẹn trả kết quả."),
            code=dossier.code,
        )
    agency = dossier.receiving_agency
    reception = _latest_event(dossier, Action.RECEIVE)
    documents = list(
        dossier.documents.filter(origin__in=SUBMITTED_ORIGINS, uploaded_at__lte=dossier.received_at)
        .order_by("pk")
        .values_list("name", flat=True)
    )
    limit = dossier.channel_rule.limit_at(dossier.received_at)
    return render_pdf(
        "printing/receipt.html",
        {
            "title": _title("Giấy tiếp nhận hồ sơ và hẹn trả kết quả", dossier),
            "head": _dossier_head(dossier, agency, "", dossier.received_at),
            "dossier": dossier,
            "agency": agency,
            "applicant": applicant(dossier),
            "procedure": dossier.procedure_version.name,
            "documents": documents,
            "time_limit": str(limit) if limit is not None else "Không quy định",
            "received": instant_text(dossier.received_at),
            # The appointment as given at reception; an extension has its own form (04).
            "appointment": instant_text(dossier.original_due_at or dossier.due_at),
            "delivery": dossier.get_delivery_display(),
            "signatures": [
                _applicant_signs(dossier),
                Signature(
                    "NGƯỜI TIẾP NHẬN HỒ SƠ",
                    reception.actor_name if reception else "",
                    "Chữ ký số của người tiếp nhận hồ sơ nếu là biểu mẫu điện tử",
                ),
            ],
            "lookup_url": lookup_url,
            "qr": qr_data_uri(lookup_url),
        },
    )


@in_vietnamese
def completion_request(dossier: Dossier) -> bytes:
    """Form 02, Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (legal-rules §4.2 "Supplement
    request"): after appraisal (Decree 118/2025 Art. 19(5), the supplement request) or
    at intake (Art. 17(1)(c), 17(2), the request for completion)."""
    request = (
        SupplementRequest.objects.filter(dossier=dossier)
        .select_related("requested_by")
        .order_by("-requested_at", "-pk")
        .first()
    )
    if request is not None:
        event = _latest_event(dossier, Action.REQUEST_SUPPLEMENT)
        reason, missing, at = request.reason, request.missing, request.requested_at
        officer = request.requested_by
        guide = event.actor_name if event else str(officer)
        contact_agency = event.actor_agency if event and event.actor_agency else None
    else:
        event = _latest_event(dossier, Action.REQUEST_COMPLETION)
        if event is None:
            raise FormNotAvailable(
                _("Hồ sơ %(code)s không có yêu cầu bổ sung, hoàn thiện nào."),
                code=dossier.code,
            )
        reason, missing, at = event.reason, str(event.changes.get("missing", "")), event.at
        officer, guide, contact_agency = event.actor, event.actor_name, event.actor_agency
    contact_agency = contact_agency or dossier.receiving_agency
    agency = dossier.receiving_agency
    return render_pdf(
        "printing/completion_request.html",
        {
            "title": _title("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", dossier),
            "head": _dossier_head(dossier, agency, "PBS", at),
            "dossier": dossier,
            "applicant": applicant(dossier),
            "procedure": dossier.procedure_version.name,
            "items": split_items(missing),
            "reason": reason,
            "guide": guide,
            "contact_phone": officer.phone or contact_agency.phone,
            "signatures": [
                None,
                Signature(
                    "NGƯỜI HƯỚNG DẪN",
                    guide,
                    "Chữ ký số của Người hướng dẫn nếu là biểu mẫu điện tử",
                ),
            ],
        },
    )


@in_vietnamese
def refusal(dossier: Dossier) -> bytes:
    """Form 03, Phiếu từ chối tiếp nhận giải quyết hồ sơ (legal-rules §4.2 "Refusal
    slip"): refused at intake (Decree 118/2025 Art. 17(1)(c)) or after appraisal
    (Art. 19(3)); the reason is the refusal event's."""
    event = _latest_event(dossier, Action.REFUSE_AT_INTAKE, Action.REFUSE)
    if event is None:
        raise FormNotAvailable(
            _("Hồ sơ %(code)s không bị từ chối tiếp nhận, giải quyết."),
            code=dossier.code,
        )
    agency = dossier.receiving_agency
    if event.action == Action.REFUSE_AT_INTAKE:
        decided_by, officer = agency, event.actor_name
    else:
        # After appraisal the competent agency refuses; the slip goes back through the
        # one-stop unit, where the officer who received the dossier signs it.
        reception = _latest_event(dossier, Action.RECEIVE)
        decided_by = event.actor_agency or dossier.competent_agency
        officer = reception.actor_name if reception else ""
    return render_pdf(
        "printing/refusal.html",
        {
            "title": _title("Phiếu từ chối tiếp nhận giải quyết hồ sơ", dossier),
            "head": _dossier_head(dossier, agency, "PTC", event.at),
            "dossier": dossier,
            "agency": agency,
            "applicant": applicant(dossier),
            "procedure": dossier.procedure_version.name,
            "decided_by": decided_by.name,
            "reasons": split_lines(event.reason),
            "signatures": [
                _applicant_signs(dossier),
                Signature(
                    "NGƯỜI TIẾP NHẬN HỒ SƠ",
                    officer,
                    "Chữ ký số của Người tiếp nhận hồ sơ nếu là biểu mẫu điện tử",
                ),
            ],
        },
    )


@in_vietnamese
def apology(dossier: Dossier) -> bytes:
    """Form 04, the apology with the new appointment (Decree 118/2025 Art. 19(6);
    legal-rules §3.10, §4.2 "Apology and extension request"), from the dossier's one
    extension. Issued by the competent agency, signed by its head."""
    extension = Extension.objects.filter(dossier=dossier).first()
    if extension is None:
        raise FormNotAvailable(
            _("Hồ sơ %(code)s chưa được gia hạn nên không có phiếu xin lỗi và hẹn lại ngày trả."),
            code=dossier.code,
        )
    agency = dossier.competent_agency
    received = dossier.received_at
    assert received is not None  # an extension needs a due date, set at reception
    return render_pdf(
        "printing/apology.html",
        {
            "title": _title(APOLOGY_TITLE.capitalize(), dossier),
            "form_title": APOLOGY_TITLE,
            "head": letterhead(
                agency, number=f"{dossier.code}/PXL", day=local(extension.recorded_at).date()
            ),
            "dossier": dossier,
            "agency": agency.name,
            "applicant": applicant(dossier),
            "procedure": dossier.procedure_version.name,
            "received_day": day_text(local(received).date()).capitalize(),
            "previous_due": instant_text(extension.previous_due),
            "new_due": instant_text(extension.new_due),
            "reasons": split_lines(extension.reason),
            # Signed by the head of the agency, whose name the system does not hold.
            "signatures": [
                None,
                Signature(
                    "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ",
                    "",
                    "Chữ ký số của Thủ trưởng cơ quan, đơn vị nếu là biểu mẫu điện tử",
                ),
            ],
        },
    )


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


@in_vietnamese
def stop_notice(dossier: Dossier) -> bytes:
    """Form 05, Thông báo dừng giải quyết hồ sơ (Decree 118/2025 Art. 21; Circular
    03/2025 Art. 7; legal-rules §3.12), issued by the one-stop unit that received the
    dossier after a withdrawal or stop at the applicant's request.

    The field list is UNVERIFIED (legal-rules §4.2 "Stop notice": the form was not
    seen): code, applicant, procedure, date of the request, stage reached, decision,
    return of papers and fees.
    """
    event = _latest_event(dossier, Action.WITHDRAW, Action.STOP)
    if event is None:
        raise FormNotAvailable(
            _("Hồ sơ %(code)s không bị dừng giải quyết hay rút theo yêu cầu."),
            code=dossier.code,
        )
    agency = dossier.receiving_agency
    # The stage reached: the steps that were open when it stopped (cancelled then).
    stopped = (
        Task.objects.filter(dossier=dossier, outcome=TaskOutcome.CANCELLED, finished_at=event.at)
        .select_related("step", "agency")
        .order_by("started_at", "pk")
    )
    stage = "; ".join(f"{t.step.name} ({t.agency.name})" for t in stopped) or str(
        Status(event.from_status).label
    )
    # The fee charged at filing plus what was paid later (Decree 118/2025 Art. 24);
    # whether and how it is refunded is for sector law (Art. 21).
    paid = dossier.payments.filter(paid_at__isnull=False).aggregate(total=Sum("amount_vnd"))
    fees = dossier.fee_vnd + (paid["total"] or 0)
    return render_pdf(
        "printing/stop_notice.html",
        {
            "title": _title("Thông báo dừng giải quyết hồ sơ", dossier),
            "head": _dossier_head(dossier, agency, STOP_NOTICE_PREFIX, event.at),
            "dossier": dossier,
            "agency": agency.name,
            "applicant": applicant(dossier),
            "procedure": dossier.procedure_version.name,
            "received": instant_text(dossier.received_at),
            "requested": instant_text(event.at),
            "withdrawn": event.action == Action.WITHDRAW,
            "reasons": split_lines(event.reason),
            "stage": stage,
            "fees": f"{_money(fees)} đồng" if fees else "",
            "signatures": [
                None,
                Signature((event.actor_title or "Người thông báo").upper(), event.actor_name),
            ],
        },
    )


@in_vietnamese
def control_slip(dossier: Dossier, *, printed_on: dt.date | None = None) -> bytes:
    """Form 06, Phiếu kiểm soát quá trình giải quyết hồ sơ (legal-rules §4.2 "Process
    control slip"), as the system tracks it: one row per handover. ``printed_on``:
    the date on the slip (today by default)."""
    if dossier.received_at is None:
        raise FormNotAvailable(
            _("Hồ sơ %(code)s chưa được tiếp nhận nên chưa có phiếu kiểm soát."),
            code=dossier.code,
        )
    agency = dossier.receiving_agency
    day = printed_on or local(timezone.now()).date()
    involved = (
        Agency.objects.filter(tasks__dossier=dossier)
        .exclude(pk__in=[dossier.receiving_agency_id, dossier.competent_agency_id])
        .distinct()
        .order_by("name")
    )
    return render_pdf(
        "printing/control_slip.html",
        {
            "title": _title("Phiếu kiểm soát quá trình giải quyết hồ sơ", dossier),
            "head": letterhead(agency, number=f"{dossier.code}/{series(agency, 'PKS')}", day=day),
            "dossier": dossier,
            "competent": dossier.competent_agency.name,
            "cooperating": ", ".join(a.name for a in involved),
            "received": short_date(dossier.received_at),
            "appointment": instant_text(dossier.due_at),
            "rows": handovers(dossier),
        },
    )


@in_vietnamese
def tracking_book(
    agency: Agency, start: dt.date, end: dt.date, *, printed_on: dt.date | None = None
) -> bytes:
    """Form 07, Sổ theo dõi hồ sơ (legal-rules §4.2 "Dossier tracking book"), A4
    landscape: the dossiers ``agency`` received from ``start`` to ``end`` (local
    dates, both included).

    WeasyPrint lays out some 60 rows a second, so a book longer than
    ``MOTCUA_BOOK_PDF_MAX_ROWS`` rows (default 1,500, about 25 s) raises
    ``BookTooLarge`` instead of holding a web worker for minutes; the workbook
    (``tracking_book_xlsx``, about 1 s per 1,000 rows) has no such limit.
    """
    count = book.dossiers(agency, start, end).count()
    limit = int(getattr(settings, "MOTCUA_BOOK_PDF_MAX_ROWS", BOOK_PDF_MAX_ROWS))
    if count > limit:
        raise BookTooLarge(
            _(
                "Từ ngày %(start)s đến ngày %(end)s có %(count)s hồ sơ, quá %(limit)s hồ sơ "
                "để in sổ dạng PDF. Hãy chọn khoảng thời gian ngắn hơn hoặc tải tệp Excel."
            ),
            start=f"{start:%d/%m/%Y}",
            end=f"{end:%d/%m/%Y}",
            count=count,
            limit=limit,
        )
    return render_pdf(
        "printing/tracking_book.html",
        {
            "title": f"Sổ theo dõi hồ sơ {start:%d/%m/%Y} - {end:%d/%m/%Y}",
            "head": book.book_letterhead(agency, printed_on),
            "period": book.period_text(start, end),
            "rows": book.rows(agency, start, end),
            "notes": book.NOTES[1:],
        },
    )


@in_vietnamese
def tracking_book_xlsx(
    agency: Agency, start: dt.date, end: dt.date, *, printed_on: dt.date | None = None
) -> bytes:
    """Form 07 as an Excel workbook: the same columns, dates as Excel dates."""
    return book.workbook(agency, start, end, printed_on=printed_on)
