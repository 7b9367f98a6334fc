"""The worklist pages (``danh-sach/<slug>/``): a GET filter form that works without
JavaScript; htmx only swaps the form and table in place (``HX-Request``).

Rows are turned into plain strings here (``Line``) rather than in the template: the
template language costs about a millisecond per row for labels of choices, local
times and links, which at 50 rows was most of the page's time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import now
from django.utils.translation import gettext as _

from motcua.backoffice import worklists as w
from motcua.backoffice.scope import Desk, officer_view
from motcua.catalog.models import Field
from motcua.dossiers.models import IntakeChannel, Task
from motcua.dossiers.statuses import Status
from motcua.workdays.calendar import to_local
from motcua.workdays.services import get_calendar

PROCEDURE_NAME_MAX = 90  # characters shown; the whole name is in the title attribute


@officer_view
def worklist(request: HttpRequest, slug: str) -> HttpResponse:
    desk: Desk = request.desk  # type: ignore[attr-defined]
    chosen = w.LISTS.get(slug)
    if chosen is None or not chosen.offered_to(desk):
        raise Http404
    fields = list(Field.objects.order_by("name").values_list("pk", "slug", "name"))
    filters = w.read_filters(request.GET, desk, fields)
    after = w.Cursor.parse(request.GET.get(w.AFTER, ""))
    ids = w.scope_ids(chosen, desk, filters.everywhere)
    page = w.load_page(
        chosen,
        user=desk.user,
        agency_ids=ids,
        filters=filters,
        after=after,
        when=w.When.at(now(), get_calendar()),
    )
    context = {
        "nav": slug,
        "worklist": chosen,
        "lines": lines(chosen, page),
        "filters": filters,
        "inputs": filter_inputs(chosen, desk, filters, fields),
        "everywhere": filters.everywhere,
        "scope_size": len(ids),
        "first_url": f"{request.path}?{filters.query()}" if after else "",
        "next_url": f"{request.path}?{filters.query(**{w.AFTER: str(page.next)})}"
        if page.next
        else "",
    }
    partial = request.headers.get("HX-Request") and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "backoffice/_worklist_body.html" if partial else "backoffice/worklist.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@dataclass
class Line:
    """One row of the table, as printed."""

    code: str
    url: str
    procedure_code: str
    procedure_name: str
    procedure_short: str
    applicant: str
    identifier: str
    channel: str
    received: str  # local "dd/mm/yyyy HH:MM", or empty when not received yet
    submitted: str
    due: str
    due_note: str  # what the instant is, when it is not what the column says
    urgency: str
    status: str
    steps: list[str]
    waiting_at: str  # for a submission not received yet: the unit it waits at


def local_time(instant: dt.datetime | None) -> str:
    """Asia/Ho_Chi_Minh wall-clock time, the way officials read it (deadlines.md)."""
    return to_local(instant).strftime("%d/%m/%Y %H:%M") if instant else ""


def lines(chosen: w.Worklist, page: w.Page) -> list[Line]:
    statuses = {value: str(label) for value, label in Status.choices}
    channels: dict[str, str] = {
        IntakeChannel.COUNTER: _("Trực tiếp"),
        IntakeChannel.ONLINE: _("Trực tuyến"),
        IntakeChannel.POST: _("Bưu chính"),
        IntakeChannel.API: _("Hệ thống khác"),
    }
    link = reverse("backoffice:dossier", args=["~"])
    due_label = _("hạn")
    result = []
    for row in page.rows:
        d = row.dossier
        name = d.procedure_version.name
        note = ""
        if chosen.of_tasks and d.due_at:
            note = _("hẹn trả %(when)s") % {"when": local_time(d.due_at)}
        elif d.status == Status.SUBMITTED and chosen.sort != "submitted_at":
            note = _("hạn tiếp nhận")
        result.append(
            Line(
                code=d.code,
                url=link.replace("~", quote(d.code)),
                procedure_code=d.procedure_version.procedure.code,
                procedure_name=name,
                procedure_short=name
                if len(name) <= PROCEDURE_NAME_MAX
                else name[: PROCEDURE_NAME_MAX - 1] + "…",
                applicant=d.applicant_name,
                identifier=d.applicant_identifier,
                channel=channels.get(d.channel, d.channel),
                received=local_time(d.received_at),
                submitted=local_time(d.submitted_at),
                due=local_time(row.due),
                due_note=note,
                urgency=row.urgency,
                status=statuses.get(d.status, d.status),
                steps=[step_text(t, due_label if not chosen.of_tasks else "") for t in row.steps],
                waiting_at=(d.receiving_agency.short_name or d.receiving_agency.name)
                if d.status == Status.SUBMITTED
                else "",
            )
        )
    return result


def step_text(task: Task, due_label: str) -> str:
    """ "Thẩm định, xử lý hồ sơ — STP, Phạm Thị Hoa, hạn 05/03/2026 08:00" """
    parts = [task.agency.short_name or task.agency.name]
    if task.assignee is not None:
        parts.append(task.assignee.full_name or task.assignee.username)
    if due_label:
        parts.append(f"{due_label} {local_time(task.due_at)}")
    return f"{task.step.name} — {', '.join(parts)}"


def filter_inputs(
    chosen: w.Worklist, desk: Desk, filters: w.Filters, fields: list[tuple[int, str, str]]
) -> list[dict[str, object]]:
    """The filter form's inputs, each with what was typed and its error, in the order
    they are tabbed through. Options are rendered here: the fields' list is long."""
    anything = [("", _("Tất cả"))]
    dated = _("Nộp") if chosen.date_field == "submitted_at" else _("Tiếp nhận")
    inputs: list[dict[str, object]] = [
        {"name": w.SEARCH, "label": _("Mã hồ sơ, số định danh hoặc tên người nộp"), "wide": True},
        {"name": w.PROCEDURE, "label": _("Mã thủ tục"), "placeholder": "1.001193"},
        {
            "name": w.FIELD,
            "label": _("Lĩnh vực"),
            "options": anything + [(slug, name) for _pk, slug, name in fields],
        },
        {"name": w.CHANNEL, "label": _("Kênh nộp"), "options": anything + IntakeChannel.choices},
        {"name": w.DATE_FROM, "label": _("%(what)s từ ngày") % {"what": dated}},
        {"name": w.DATE_TO, "label": _("đến ngày")},
    ]
    for item in inputs[-2:]:
        item["placeholder"] = "dd/mm/yyyy"
        item["inputmode"] = "numeric"
    if w.can_widen(desk):
        assert desk.agency is not None
        inputs.append(
            {
                "name": w.SCOPE,
                "label": _("Phạm vi"),
                "options": [("", desk.agency.name), (w.EVERYWHERE, _("Tất cả cơ quan của tôi"))],
            }
        )
    for item in inputs:
        name = str(item["name"])
        item["id"] = f"loc-{name}"
        item["value"] = value = filters.values.get(name, "")
        item["error"] = filters.errors.get(name, "")
        if "options" in item:
            item["options"] = options(item["options"], value)  # type: ignore[arg-type]
    return inputs


def options(choices: list[tuple[str, str]], chosen: str) -> SafeString:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == chosen else "", text) for value, text in choices),
    )
