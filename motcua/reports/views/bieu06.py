"""Biểu 06 pages: the report (form and table), the dossiers behind each number, and
the XLSX and PDF exports.

Every number is a link to the list of its dossiers: the link carries the period as
the form had it, the column (``cot``) and the row's filters (``co-quan``, ``cap``,
``linh-vuc``, ``thu-tuc``), and the list is ``bieu06.dossiers_behind`` under the same
rules the number was counted by, so the two agree by construction. An official sees
only the agencies of ``report_agencies``: another agency asked for by id is refused
(a message on the report form, 404 on the list), never shown.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.models import User
from motcua.backoffice.scope import desk_for
from motcua.catalog.models import Field, Procedure
from motcua.dossiers.models import Dossier
from motcua.org.models import Agency
from motcua.reports import export
from motcua.reports.bieu06 import (
    COLUMNS,
    NO_FIELD,
    WITHOUT_RESULT,
    Counts,
    Report,
    compute,
    dossiers_behind,
)
from motcua.reports.models import Outcome, ReportLevel
from motcua.reports.periods import Period, PeriodError, configured_cutoff_day, parse
from motcua.reports.scope import report_agencies

PERIOD_KEYS = ("ky", "nam", "thang", "quy", "tu", "den")
# ``theo``: the rows of the report (compute's ``by``).
GROUPINGS = {"co-quan": "agency", "cap": "level"}
PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What a number of each column counts, for the heading of its list.
MEANINGS = {
    "received": gettext_lazy("(3) Tổng số hồ sơ nhận giải quyết"),
    "online": gettext_lazy("(4) Hồ sơ nhận trong kỳ — trực tuyến"),
    "direct": gettext_lazy("(5) Hồ sơ nhận trong kỳ — trực tiếp, dịch vụ bưu chính"),
    "carried": gettext_lazy("(6) Hồ sơ từ kỳ trước chuyển sang"),
    "resolved": gettext_lazy("(7) Hồ sơ đã giải quyết"),
    "early": gettext_lazy("(8) Hồ sơ đã giải quyết trước hạn"),
    "on_time": gettext_lazy("(9) Hồ sơ đã giải quyết đúng hạn"),
    "late": gettext_lazy("(10) Hồ sơ đã giải quyết quá hạn"),
    "open": gettext_lazy("(11) Hồ sơ đang giải quyết"),
    "within": gettext_lazy("(12) Hồ sơ đang giải quyết trong hạn"),
    "overdue": gettext_lazy("(13) Hồ sơ đang giải quyết quá hạn"),
}
TIMELINESS = {
    "early": gettext_lazy("Trước hạn"),
    "on_time": gettext_lazy("Đúng hạn"),
    "late": gettext_lazy("Quá hạn"),
}


class BadRequest(Exception):
    """Input the official can correct; ``field`` names the parameter at fault."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message, self.field = message, field


class NotVisible(BadRequest):
    """An agency that does not exist or lies outside the official's scope."""


@dataclass
class Query:
    """What the form asked for: the period, the rows, the agencies counted, and the
    parameters that say so again in every link."""

    period: Period
    grouping: str
    agency: Agency | None
    agencies: list[int] | None
    params: dict[str, str] = field(default_factory=dict)

    @property
    def by(self) -> str:
        return GROUPINGS[self.grouping]

    def query_string(self) -> str:
        return urlencode(self.params)


ReportView = Callable[[HttpRequest, "list[int] | None"], HttpResponse]


def reports_view(view: ReportView) -> Callable[[HttpRequest], HttpResponse]:
    """Signed-in officials only, with ``report_agencies(user)`` passed to the view;
    a signed-in account without any agency (a citizen) is refused."""

    @login_required(login_url="backoffice:login")
    @functools.wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        user = request.user
        assert isinstance(user, User)
        scope = report_agencies(user)
        if scope == []:
            message = _("Tài khoản của bạn không thuộc cơ quan nào nên không xem được báo cáo.")
            return render(request, "backoffice/no_agency.html", {"message": message}, status=403)
        desk = desk_for(request)
        if desk.agencies:  # the back office's navigation (context processor)
            request.desk = desk  # type: ignore[attr-defined]
        return view(request, scope)

    return wrapper


# --- reading the request --------------------------------------------------------------


def _id(raw: str, name: str, message: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise BadRequest(message % {"value": raw}, name)
    return int(raw)


def _agency(raw: str, scope: list[int] | None) -> Agency | None:
    raw = raw.strip()
    if not raw:
        return None
    pk = _id(raw, "co-quan", _("Mã cơ quan “%(value)s” không hợp lệ."))
    agency = Agency.objects.filter(pk=pk).first()
    if agency is None or (scope is not None and pk not in scope):
        raise NotVisible(
            _("Không có cơ quan mã %(value)s trong các cơ quan bạn được xem báo cáo.")
            % {"value": pk},
            "co-quan",
        )
    return agency


def read_query(params: Mapping[str, str], scope: list[int] | None) -> Query:
    """The period, grouping and agency of the request; ``BadRequest`` on bad input."""
    try:
        period = parse(params)
    except PeriodError as exc:
        raise BadRequest(exc.message, exc.field) from exc
    grouping = params.get("theo", "").strip() or "co-quan"
    if grouping not in GROUPINGS:
        raise BadRequest(
            _("Chọn cách lập biểu: theo cơ quan, hoặc theo cấp, lĩnh vực, thủ tục."), "theo"
        )
    agency = _agency(params.get("co-quan", ""), scope)
    kept = {k: params.get(k, "").strip() for k in PERIOD_KEYS}
    kept = {k: v for k, v in kept.items() if v}
    kept["theo"] = grouping
    if agency is not None:
        kept["co-quan"] = str(agency.pk)
    return Query(
        period=period,
        grouping=grouping,
        agency=agency,
        agencies=[agency.pk] if agency is not None else scope,
        params=kept,
    )


def row_filters(params: Mapping[str, str]) -> dict[str, str]:
    """The level, field and procedure of a row, each checked to exist."""
    filters: dict[str, str] = {}
    level = params.get("cap", "").strip()
    if level:
        if level not in ReportLevel.values:
            raise BadRequest(_("Cấp “%(value)s” không có trong biểu.") % {"value": level}, "cap")
        filters["cap"] = level
    for name, model, message in (
        ("linh-vuc", Field, _("Không có lĩnh vực mã %(value)s.")),
        ("thu-tuc", Procedure, _("Không có thủ tục mã %(value)s.")),
    ):
        raw = params.get(name, "").strip()
        if name == "linh-vuc" and raw == NO_FIELD:  # procedures without a field
            filters[name] = raw
        elif raw:
            pk = _id(raw, name, message)
            if not model.objects.filter(pk=pk).exists():  # type: ignore[attr-defined]
                raise BadRequest(message % {"value": raw}, name)
            filters[name] = str(pk)
    return filters


def initial_params(today: dt.date) -> dict[str, str]:
    """The form's first values: the current month (with a cut-off day C, from the
    C-th on it is already the next month's period)."""
    year, month = today.year, today.month
    cutoff = configured_cutoff_day()
    if cutoff is not None and today.day >= cutoff:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return {"ky": "thang", "nam": str(year), "thang": str(month), "theo": "co-quan"}


def visible_agencies(scope: list[int] | None) -> list[Agency]:
    agencies = (
        Agency.objects.filter(is_active=True)
        if scope is None
        else Agency.objects.filter(pk__in=scope)
    )
    return list(agencies.only("pk", "name").order_by("name"))


def scope_name(query: Query, scope: list[int] | None) -> str:
    if query.agency is not None:
        return query.agency.name
    if scope is None:
        return _("Toàn tỉnh")
    return ", ".join(a.name for a in visible_agencies(scope))


# --- the report -----------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    value: int
    url: str


@dataclass(frozen=True)
class Line:
    stt: str
    label: str
    depth: int
    cells: list[Cell]
    ends: list[Cell]  # ends without a result, in WITHOUT_RESULT order

    @property
    def has_ends(self) -> bool:
        return any(c.value for c in self.ends)


def _line(
    query: Query,
    base: str,
    stt: str,
    label: str,
    depth: int,
    counts: Counts,
    filters: dict[str, str],
) -> Line:
    def link(column: str, number: int) -> str:
        params = {**query.params, **filters, "cot": column, "so": str(number)}
        return f"{base}?{urlencode(params)}"

    numbers = export.values(counts)
    return Line(
        stt=stt,
        label=label,
        depth=depth,
        cells=[Cell(n, link(c, n)) for c, n in zip(COLUMNS, numbers, strict=True)],
        ends=[Cell(n, link(o, n)) for o, _label, n in export.without_result(counts)],
    )


def table(result: Report, query: Query) -> tuple[list[Line], Line]:
    base = reverse("reports:bieu06_dossiers")
    lines = [
        _line(query, base, stt, row.label, row.depth, row.counts, row.filters)
        for stt, row in export.numbered(result)
    ]
    return lines, _line(query, base, "", _("Tổng cộng"), 0, result.total, {})


def _page(
    request: HttpRequest,
    scope: list[int] | None,
    values: Mapping[str, str],
    *,
    error: BadRequest | None = None,
    status: int = 200,
    **context: Any,
) -> HttpResponse:
    return render(
        request,
        "reports/bieu06.html",
        {
            "nav": "bieu06",
            "values": values,
            "selected_agency": values.get("co-quan", ""),
            "error": error,
            "agencies": visible_agencies(scope),
            "months": range(1, 13),
            "quarters": [(q, export.roman(q)) for q in range(1, 5)],
            "outcomes": [Outcome(o).label for o in WITHOUT_RESULT],
            **context,
        },
        status=status,
    )


@reports_view
def report(request: HttpRequest, scope: list[int] | None) -> HttpResponse:
    if not request.GET:
        return _page(request, scope, initial_params(timezone.localdate()))
    values = request.GET.dict()
    try:
        query = read_query(values, scope)
    except BadRequest as exc:
        return _page(request, scope, values, error=exc, status=400)
    result = compute(query.period, by=query.by, agencies=query.agencies)
    lines, total = table(result, query)
    return _page(
        request,
        scope,
        values,
        query=query,
        result=result,
        lines=lines,
        total=total,
        ends=[line for line in lines if line.has_ends],
        empty=result.total.received == 0,
        scope_name=scope_name(query, scope),
    )


# --- the dossiers behind a number -----------------------------------------------------


@dataclass(frozen=True)
class Listed:
    code: str
    url: str
    procedure: str
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    ended_at: dt.datetime | None
    state: str


@dataclass
class ListRequest:
    query: Query
    column: str  # one of COLUMNS, or an outcome of WITHOUT_RESULT (the breakdown)
    filters: dict[str, str]
    number: int | None  # the number clicked, as the report link carried it
    after: int | None  # keyset cursor: the last dossier id of the previous page
    page: int

    def params(self, **extra: str) -> dict[str, str]:
        params = {**self.query.params, **self.filters, "cot": self.column}
        if self.number is not None:
            params["so"] = str(self.number)
        return {**params, **extra}


def _state(outcome: str, timeliness: str, ended: bool) -> str:
    if not ended:
        return _("Chưa kết thúc")
    label = str(TIMELINESS.get(timeliness, "—"))
    if outcome in WITHOUT_RESULT:
        return f"{label} · {Outcome(outcome).label}"
    return label


def describe(query: Query, filters: Mapping[str, str]) -> list[str]:
    """The row a list belongs to, in words: agency, level, field, procedure."""
    parts = [query.agency.name] if query.agency is not None else []
    if "cap" in filters:
        parts.append(str(ReportLevel(filters["cap"]).label))
    if filters.get("linh-vuc") == NO_FIELD:
        parts.append(_("Chưa xác định lĩnh vực"))
    elif "linh-vuc" in filters:
        parts.append(Field.objects.get(pk=filters["linh-vuc"]).name)
    if "thu-tuc" in filters:
        procedure = Procedure.objects.get(pk=filters["thu-tuc"])
        parts.append(f"{procedure.code} — {procedure.name}")
    return parts


def meaning(column: str) -> str:
    if column in WITHOUT_RESULT:
        return _("(7) Hồ sơ đã giải quyết — %(outcome)s") % {"outcome": Outcome(column).label}
    return str(MEANINGS[column])


def read_list_request(params: Mapping[str, str], scope: list[int] | None) -> ListRequest:
    query = read_query(params, scope)
    column = params.get("cot", "").strip()
    if column not in COLUMNS and column not in WITHOUT_RESULT:
        raise BadRequest(_("Chọn một cột của biểu, từ (3) đến (13)."), "cot")
    filters = row_filters(params)
    if query.agency is not None:
        filters["co-quan"] = str(query.agency.pk)
    number = params.get("so", "").strip()
    after = params.get("sau", "").strip()
    page = params.get("trang", "").strip()
    bad_page = _("Trang “%(value)s” không hợp lệ.")
    return ListRequest(
        query=query,
        column=column,
        filters=filters,
        number=_id(number, "so", _("Số hồ sơ “%(value)s” không hợp lệ.")) if number else None,
        after=_id(after, "sau", bad_page) if after else None,
        page=max(_id(page, "trang", bad_page), 1) if page and after else 1,
    )


def _page_of(asked: ListRequest) -> tuple[list[Dossier], bool]:
    """One page of the list in ``dossiers_behind``'s order (reception, then id), from
    just after the cursor; and whether more follow."""
    found = dossiers_behind(asked.query.period, asked.column, asked.filters, asked.query.agencies)
    if asked.after is not None:
        cursor = Dossier.objects.filter(pk=asked.after).values_list("received_at", flat=True)
        received = cursor.first()
        if received is not None:
            found = found.filter(
                Q(received_at__gt=received) | Q(received_at=received, pk__gt=asked.after)
            )
    rows = list(
        found.select_related("procedure_version", "fact").order_by("received_at", "pk")[
            : PAGE_SIZE + 1
        ]
    )
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


@reports_view
def dossiers(request: HttpRequest, scope: list[int] | None) -> HttpResponse:
    """The dossiers behind one number, 50 a page (keyset: ``sau`` is the last id of
    the page before), without counting them again: the heading shows the number the
    report's link carried (``so``)."""
    try:
        asked = read_list_request(request.GET.dict(), scope)
    except NotVisible as exc:
        raise Http404(exc.message) from exc
    except BadRequest as exc:
        return render(
            request, "reports/bieu06_dossiers.html", {"error": exc, "nav": "bieu06"}, status=400
        )
    page, more = _page_of(asked)
    listed = [
        Listed(
            code=d.code,
            url=reverse("backoffice:dossier", args=[d.code]),
            procedure=d.procedure_version.name,
            received_at=d.fact.received_at,
            due_at=d.fact.due_at,
            ended_at=d.fact.ended_at,
            state=_state(d.fact.outcome, d.fact.timeliness, d.fact.ended_at is not None),
        )
        for d in page
    ]
    number = asked.number
    if number is None and asked.after is None and not more:
        number = len(listed)  # the whole list is on this page
    first = (asked.page - 1) * PAGE_SIZE + 1
    return render(
        request,
        "reports/bieu06_dossiers.html",
        {
            "nav": "bieu06",
            "query": asked.query,
            "meaning": meaning(asked.column),
            "row": describe(asked.query, asked.filters),
            "number": number,
            "listed": listed,
            "first": first,
            "last": first + len(listed) - 1,
            "next_url": "?"
            + urlencode(asked.params(sau=str(page[-1].pk), trang=str(asked.page + 1)))
            if more
            else "",
            "first_url": "?" + urlencode(asked.params()) if asked.after is not None else "",
            "report_url": f"{reverse('reports:bieu06')}?{asked.query.query_string()}",
        },
    )


# --- exports --------------------------------------------------------------------------


def _export(
    request: HttpRequest, scope: list[int] | None
) -> tuple[Query, Report, export.Heading] | HttpResponse:
    values = request.GET.dict()
    try:
        query = read_query(values, scope)
    except BadRequest as exc:
        return _page(request, scope, values, error=exc, status=400)
    result = compute(query.period, by=query.by, agencies=query.agencies)
    return query, result, export.Heading(period=query.period.label, scope=scope_name(query, scope))


def _filename(query: Query, extension: str) -> str:
    p = query.period
    return f"bieu-06-{p.first_day:%Y%m%d}-{p.last_day:%Y%m%d}.{extension}"


@reports_view
def export_xlsx(request: HttpRequest, scope: list[int] | None) -> HttpResponse:
    built = _export(request, scope)
    if isinstance(built, HttpResponse):
        return built
    query, result, heading = built
    response = HttpResponse(export.workbook(result, heading), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(query, "xlsx")}"'
    return response


@reports_view
def export_pdf(request: HttpRequest, scope: list[int] | None) -> HttpResponse:
    built = _export(request, scope)
    if isinstance(built, HttpResponse):
        return built
    query, result, heading = built
    if len(result.rows) > export.PDF_MAX_ROWS:
        too_long = _(
            "Biểu có %(rows)s dòng, quá %(max)s dòng để in dạng PDF. Hãy lập biểu theo cơ quan, "
            "chọn một cơ quan, hoặc tải tệp Excel."
        ) % {"rows": len(result.rows), "max": export.PDF_MAX_ROWS}
        return _page(request, scope, request.GET.dict(), error=BadRequest(too_long), status=409)
    try:
        data = export.pdf(result, heading, printed_at=timezone.now())
    except OSError:  # WeasyPrint without the Pango library
        message = _(
            "Máy chủ chưa cài thư viện Pango nên chưa tạo được tệp PDF. Quản trị hệ thống cần "
            "cài gói libpango-1.0-0 và libpangoft2-1.0-0."
        )
        return render(request, "backoffice/form_unavailable.html", {"message": message}, status=503)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_filename(query, "pdf")}"'
    return response
