"""The 766 dashboard (Decision 766/QĐ-TTg, legal-rules §8): the scope's components
with rate, points and target, the agencies ranked, the monthly trend as server-drawn
SVG, and the dossiers (or procedures) behind every rate.

Officials see only ``report_agencies(user)``; another agency asked for by id is
refused with a message. The numbers come from ``motcua.reports.indicators``; the list
behind a number uses the same filters (``indicators.facts_behind``), so the two agree.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.models import User
from motcua.backoffice.scope import desk_for
from motcua.org.models import Agency
from motcua.reports import indicators
from motcua.reports.indicators import Result
from motcua.reports.models import Outcome
from motcua.reports.periods import Period, PeriodError, parse
from motcua.reports.scope import report_agencies

PERIOD_KEYS = ("ky", "nam", "thang", "quy", "tu", "den")
PAGE_SIZE = 50
PROVINCE_WIDE = None


class BadRequest(Exception):
    """Input the official can correct; ``field`` names the parameter at fault."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message, self.field = message, field


Scope = list[int] | None
ScopedView = Callable[[HttpRequest, Scope], HttpResponse]


def scoped(view: ScopedView) -> Callable[[HttpRequest], HttpResponse]:
    """Signed-in officials only, with the agencies they may report on; an account
    with no agency is refused."""

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


# --- Reading the request ----------------------------------------------------------------


def _agency(raw: str, scope: Scope) -> Agency | None:
    raw = raw.strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise BadRequest(_("Mã cơ quan “%(value)s” không hợp lệ.") % {"value": raw}, "co-quan")
    agency = Agency.objects.filter(pk=int(raw)).first()
    if agency is None or (scope is not None and agency.pk not in scope):
        raise BadRequest(
            _("Không có cơ quan mã %(value)s trong các cơ quan bạn được xem báo cáo.")
            % {"value": raw},
            "co-quan",
        )
    return agency


@dataclass(frozen=True)
class Asked:
    period: Period
    agency: Agency | None
    agencies: Scope

    def params(self) -> dict[str, str]:
        kept = {
            "ky": "tuy-chon",
            "tu": f"{self.period.first_day:%d/%m/%Y}",
            "den": f"{self.period.last_day:%d/%m/%Y}",
        }
        if self.agency is not None:
            kept["co-quan"] = str(self.agency.pk)
        return kept


def read(params: Mapping[str, str], scope: Scope) -> Asked:
    try:
        period = parse(params)
    except PeriodError as exc:
        raise BadRequest(exc.message, exc.field) from exc
    agency = _agency(params.get("co-quan", ""), scope)
    return Asked(period, agency, [agency.pk] if agency is not None else scope)


def _visible_agencies(scope: Scope) -> list[Agency]:
    agencies = Agency.objects.filter(is_active=True) if scope is None else Agency.objects
    if scope is not None:
        agencies = agencies.filter(pk__in=scope)
    return list(agencies.only("pk", "name").order_by("name"))


# --- The trend charts ------------------------------------------------------------------

WIDTH, HEIGHT = 360, 190
LEFT, RIGHT, TOP, BOTTOM = 38, 10, 12, 28


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str
    rate: Decimal
    url: str


@dataclass(frozen=True)
class Chart:
    """A line chart of one component over the twelve months, 0–100 %. Months without
    dossiers have no dot, and the line breaks there (never drawn as zero)."""

    id: str
    title: str
    months: list[tuple[float, str]]
    dots: list[Dot]
    lines: list[str]  # SVG polyline points, one per unbroken run
    grid: list[tuple[float, str]]
    target_y: float | None
    target: Decimal | None

    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_x: int = WIDTH - RIGHT
    axis_y: int = HEIGHT - BOTTOM
    label_y: int = HEIGHT - 8


def _x(i: int) -> float:
    return round(LEFT + i * (WIDTH - LEFT - RIGHT) / 11, 1)


def _y(rate: Decimal) -> float:
    share = min(max(float(rate), 0.0), 100.0) / 100
    return round(TOP + (1 - share) * (HEIGHT - TOP - BOTTOM), 1)


def chart(
    component_id: str, board: indicators.Dashboard, base: str, extra: Mapping[str, str]
) -> Chart:
    runs: list[list[str]] = [[]]
    dots = []
    component = board.config.components[component_id]
    for i, month in enumerate(board.months):
        result = month.card.get(component_id)
        if result is None or result.rate is None:
            if runs[-1]:
                runs.append([])
            continue
        x, y = _x(i), _y(result.rate)
        runs[-1].append(f"{x},{y}")
        url = f"{base}?{urlencode({**extra, **result.filters, 'phan': _main_part(result)})}"
        dots.append(Dot(x, y, month.period.label, result.rate, url))
    target = component.target_percent
    return Chart(
        id=component_id.replace(".", "-"),
        title=f"{component_id}. {component.name_vi}",
        months=[(_x(i), _("T%(m)d") % {"m": i + 1}) for i in range(len(board.months))],
        dots=dots,
        lines=[" ".join(run) for run in runs if len(run) > 1],
        grid=[(_y(Decimal(v)), f"{v}%") for v in (0, 50, 100)],
        target_y=_y(target) if target is not None else None,
        target=target,
    )


# --- The dashboard --------------------------------------------------------------------


def _main_part(result: Result) -> str:
    """The list a rate opens: its numerator, or (5.4, whose numerator is a difference
    of shares) the dossiers it is taken over."""
    return indicators.DENOMINATOR if result.parts else indicators.NUMERATOR


@dataclass(frozen=True)
class Row:
    result: Result
    rate_url: str = ""
    numerator_url: str = ""
    denominator_url: str = ""
    part_urls: tuple[tuple[str, int, str], ...] = ()


def _row(result: Result, base: str, extra: Mapping[str, str]) -> Row:
    """Links for a result; ``extra`` (the agency the page is limited to) applies
    where the result itself names none."""
    if not result.available or result.rate is None:
        return Row(result)

    def url(part: str) -> str:
        return f"{base}?{urlencode({**extra, **result.filters, 'phan': part})}"

    parts = tuple((p.label, p.count, url(p.key)) for p in result.parts)
    return Row(
        result,
        rate_url=url(_main_part(result)),
        numerator_url="" if result.parts else url(indicators.NUMERATOR),
        denominator_url=url(indicators.DENOMINATOR),
        part_urls=parts,
    )


def _groups(
    board: indicators.Dashboard, base: str, extra: Mapping[str, str]
) -> list[dict[str, Any]]:
    groups = []
    for group in board.config.groups.values():
        results = [r for r in board.card.results if r.component.group == group.id]
        groups.append({"group": group, "rows": [_row(r, base, extra) for r in results]})
    return groups


def default_params(today: dt.date) -> dict[str, str]:
    """The year so far, when the page is opened without a period."""
    return {"ky": "nam", "nam": str(today.year)}


@scoped
def dashboard(request: HttpRequest, scope: Scope) -> HttpResponse:
    params: Mapping[str, str] = request.GET
    if not any(params.get(k) for k in PERIOD_KEYS):
        params = {**default_params(timezone.localdate()), **request.GET.dict()}
    values = {k: params.get(k, "") for k in (*PERIOD_KEYS, "co-quan")}
    context: dict[str, Any] = {
        "nav": "dashboard",
        "values": values,
        "selected_agency": values["co-quan"],
        "agencies": _visible_agencies(scope),
        "months": range(1, 13),
        "quarters": [(1, "I"), (2, "II"), (3, "III"), (4, "IV")],
    }
    try:
        asked = read(params, scope)
    except BadRequest as error:
        context["error"] = error
        return render(request, "reports/dashboard.html", context, status=400)
    board = indicators.compute(asked.period, asked.agencies)
    base = reverse("reports:dashboard_dossiers")
    extra = {"co-quan": str(asked.agency.pk)} if asked.agency else {}
    ranked = [
        {
            "agency": a,
            "url": "?" + urlencode({**asked.params(), "co-quan": str(a.agency_id)}),
            "rows": [
                _row(r, base, extra) for r in a.card.results if r.id in indicators.TREND_COMPONENTS
            ],
        }
        for a in board.agencies
    ]
    trend_rows = [
        {"period": m.period, "rows": [_row(r, base, extra) for r in m.card.results]}
        for m in board.months
    ]
    context.update(
        asked=asked,
        board=board,
        scope_name=asked.agency.name
        if asked.agency
        else (_("Toàn tỉnh") if scope is PROVINCE_WIDE else _("Các cơ quan của bạn")),
        groups=_groups(board, base, extra),
        ranked=ranked if asked.agency is None else [],
        trend_components=[board.config.components[c] for c in indicators.TREND_COMPONENTS],
        trend_rows=trend_rows,
        charts=[chart(c, board, base, extra) for c in indicators.TREND_COMPONENTS],
        unavailable_points=sum(r.component.max_points for r in board.card.unavailable),
    )
    return render(request, "reports/dashboard.html", context)


# --- The list behind a rate -------------------------------------------------------------

PART_LABELS = {
    indicators.NUMERATOR: gettext_lazy("Tử số"),
    indicators.DENOMINATOR: gettext_lazy("Mẫu số"),
    "tre-han": gettext_lazy("Hồ sơ trễ hạn"),
    "khong-hai-long": gettext_lazy("Hồ sơ bị đánh giá không hài lòng"),
}
STATES = {
    "early": gettext_lazy("Trước hạn"),
    "on_time": gettext_lazy("Đúng hạn"),
    "late": gettext_lazy("Quá hạn"),
}


def _state(outcome: str, timeliness: str, late_766: bool) -> str:
    if not outcome:
        return _("Đang giải quyết")
    label = str(STATES.get(timeliness, ""))
    if outcome != Outcome.RESULT:
        label = str(Outcome(outcome).label) + (f" — {label}" if label else "")
    if late_766 and timeliness != "late":
        label += " " + _("(trễ hạn theo 766: quá một lần yêu cầu bổ sung)")
    return label


@scoped
def dossiers(request: HttpRequest, scope: Scope) -> HttpResponse:
    params = request.GET
    context: dict[str, Any] = {"nav": "dashboard"}
    try:
        asked = read(params, scope)
        config = indicators.config_for(asked.period.last_day)
        key = params.get("chi-so", "").strip()
        component = config.components.get(key)
        if component is None:
            raise BadRequest(_("Không có chỉ số “%(c)s” trong Bộ chỉ số 766.") % {"c": key})
        if not component.available:
            raise BadRequest(
                _("Chỉ số %(c)s chưa có dữ liệu: %(reason)s")
                % {"c": key, "reason": component.reason_unavailable}
            )
        part = params.get("phan", "").strip()
        if key in indicators.PROCEDURE_COMPONENTS:
            listed: Any = indicators.procedures_behind(asked.period, key, part, asked.agencies)
        else:
            listed = indicators.facts_behind(asked.period, key, part, asked.agencies)
    except (BadRequest, indicators.DrillError) as error:
        context["error"] = error
        return render(request, "reports/dashboard_dossiers.html", context, status=400)
    paginator = Paginator(listed, PAGE_SIZE)
    page = paginator.get_page(params.get("trang"))
    kept = {**asked.params(), "chi-so": key, "phan": part}
    context.update(
        asked=asked,
        component=component,
        part_label=PART_LABELS.get(part, part),
        lists_procedures=key in indicators.PROCEDURE_COMPONENTS,
        page=page,
        count=paginator.count,
        rows=[
            {
                "fact": f,
                "state": _state(f.outcome, f.timeliness, f.late_766),
                "days": (f.handling_hours / 8).quantize(Decimal("0.01"))
                if f.handling_hours is not None
                else None,
            }
            for f in page.object_list
        ]
        if key not in indicators.PROCEDURE_COMPONENTS
        else [],
        back_url=reverse("reports:dashboard") + "?" + urlencode(asked.params()),
        previous_url="?" + urlencode({**kept, "trang": str(page.number - 1)})
        if page.has_previous()
        else "",
        next_url="?" + urlencode({**kept, "trang": str(page.number + 1)})
        if page.has_next()
        else "",
    )
    return render(request, "reports/dashboard_dossiers.html", context)
