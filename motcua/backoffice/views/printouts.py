"""The Circular 03/2025 forms of a dossier as PDF, and the tracking book (form 07) for
a date range as PDF or XLSX."""

from __future__ import annotations

import datetime as dt
from types import ModuleType
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.backoffice.scope import Desk, officer_view
from motcua.backoffice.views.dossier import find_dossier
from motcua.dossiers.models import Dossier
from motcua.workdays.calendar import LOCAL_TZ

MAX_BOOK_DAYS = 366


def lookup_url(request: HttpRequest, dossier: Dossier) -> str:
    """The public status-lookup address printed as a QR code on the receipt."""
    base = settings.MOTCUA_PUBLIC_URL or request.build_absolute_uri("/").rstrip("/")
    return f"{base}/tra-cuu/?ma={quote(dossier.code)}"


def _printing() -> ModuleType | None:
    """The forms module, or None when the server lacks the Pango library WeasyPrint
    needs (the rest of MotCua runs without it)."""
    try:
        from motcua.printing import forms
    except OSError:
        return None
    return forms


def _no_pdf(request: HttpRequest, dossier: Dossier | None) -> HttpResponse:
    message = _(
        "Máy chủ chưa cài thư viện Pango nên chưa tạo được tệp PDF. Quản trị hệ thống cần "
        "cài gói libpango-1.0-0 và libpangoft2-1.0-0."
    )
    return render(
        request,
        "backoffice/form_unavailable.html",
        {"message": message, "dossier": dossier},
        status=503,
    )


RENDERERS = {
    "02": "completion_request",
    "03": "refusal",
    "04": "apology",
    "05": "stop_notice",
    "06": "control_slip",
}


@officer_view
def dossier_form(request: HttpRequest, code: str, form: str) -> HttpResponse:
    desk: Desk = request.desk  # type: ignore[attr-defined]
    dossier = find_dossier(desk, code)
    official = _printing()
    if official is None:
        return _no_pdf(request, dossier)
    try:
        if form == "01":
            pdf = official.receipt(dossier, lookup_url=lookup_url(request, dossier))
        elif form in RENDERERS:
            pdf = getattr(official, RENDERERS[form])(dossier)
        else:
            raise Http404(_("Không có biểu mẫu số %(n)s.") % {"n": form})
    except official.FormNotAvailable as exc:
        return render(
            request,
            "backoffice/form_unavailable.html",
            {"message": str(exc), "dossier": dossier},
            status=409,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="mau-{form}-{dossier.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


class BookForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("Từ ngày"),
        input_formats=["%d/%m/%Y"],
        error_messages={"invalid": gettext_lazy("Nhập ngày dạng 01/11/2026.")},
    )
    end = forms.DateField(
        label=gettext_lazy("Đến ngày"),
        input_formats=["%d/%m/%Y"],
        error_messages={"invalid": gettext_lazy("Nhập ngày dạng 30/11/2026.")},
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, dt.date) and isinstance(end, dt.date):
            if end < start:
                self.add_error("end", _("Ngày kết thúc phải sau ngày bắt đầu."))
            elif (end - start).days >= MAX_BOOK_DAYS:
                self.add_error("end", _("Mỗi lần in tối đa một năm."))
        return data


@officer_view
def tracking_book(request: HttpRequest) -> HttpResponse:
    """Form 07 (sổ theo dõi hồ sơ) of the current agency for a date range."""
    desk: Desk = request.desk  # type: ignore[attr-defined]
    today = timezone.now().astimezone(LOCAL_TZ).date()
    initial = {
        "start": today.replace(day=1).strftime("%d/%m/%Y"),
        "end": today.strftime("%d/%m/%Y"),
    }
    form = BookForm(request.GET if "start" in request.GET else None, initial=initial)
    if form.is_bound and form.is_valid():
        official = _printing()
        if official is None:
            return _no_pdf(request, None)
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        try:
            return _book(request, official, desk, start, end)
        except official.FormNotAvailable as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "backoffice/tracking_book.html",
        {"form": form, "nav": "book"},
        status=400 if form.is_bound else 200,
    )


def _book(
    request: HttpRequest, official: ModuleType, desk: Desk, start: dt.date, end: dt.date
) -> HttpResponse:
    name = f"so-theo-doi-{start:%Y%m%d}-{end:%Y%m%d}"
    if request.GET.get("dang") == "xlsx":
        response = HttpResponse(
            official.tracking_book_xlsx(desk.agency, start, end),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    else:
        response = HttpResponse(
            official.tracking_book(desk.agency, start, end), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response
