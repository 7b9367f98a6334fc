"""Public catalogue pages: search (/thu-tuc/) and one procedure (/thu-tuc/<code>/)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from motcua.catalog.choices import Channel, OnlineLevel
from motcua.catalog.forms import SearchForm
from motcua.catalog.models import (
    Component,
    ComponentCase,
    Field,
    Procedure,
    ProvinceProcedureSetting,
)
from motcua.catalog.search import (
    MAX_QUERY_LENGTH,
    online_level,
    procedures_in_order,
    search_procedures,
)
from motcua.org.models import Agency

PER_PAGE = 20
FILTER_NAMES = ("linh_vuc", "cap", "co_quan", "truc_tuyen")  # SearchForm's, besides q
_PROVINCIAL_CODE = re.compile(r"^(\d\.\d{6})\.[0-9A-Za-z.]+$")
# A form template the catalogue gives as an address can be downloaded from it; the
# national data mostly gives only a file name, shown as text.
_FORM_LINK = re.compile(r"^https?://\S+$")


@dataclass(frozen=True)
class DocumentRow:
    """One document to bring, with the address of its form template if any."""

    component: Component
    form_url: str


@dataclass(frozen=True)
class DocumentGroup:
    """A case's documents to bring, and its notes: the national data lists remarks
    ("Trường hợp …", "Lưu ý …") as documents with no original, no copy and no form."""

    case: ComponentCase
    rows: list[DocumentRow]
    notes: list[Component]


def search(request: HttpRequest) -> HttpResponse:
    fields = Field.objects.filter(Exists(Procedure.objects.filter(field=OuterRef("pk")))).order_by(
        "slug"
    )  # slugs are folded names: a diacritic-blind A–Z
    agencies = Agency.objects.active().filter(
        Exists(ProvinceProcedureSetting.objects.filter(agency=OuterRef("pk"), is_active=True))
    )
    form = SearchForm(request.GET, fields=fields, agencies=agencies)
    ids = search_procedures(form.query(), form.filters())
    page = _page(Paginator(ids, PER_PAGE), request.GET.get("trang"))
    context = {
        "form": form,
        "page": page,
        "procedures": procedures_in_order(list(page.object_list), with_online_level=True),
        "total": len(ids),
        "searched": any(value for value in request.GET.values()),
        "filtered": any(request.GET.get(name) for name in FILTER_NAMES),
        "max_query_length": MAX_QUERY_LENGTH,
    }
    return render(request, "catalog/search.html", context)


def detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure = (
        Procedure.objects.select_related("field", "current_version__field")
        .filter(code=code, current_version__isnull=False)
        .first()
    )
    if procedure is None or procedure.current_version is None:
        # Provincial portals print "1.001193.000.00.00.H29"; the national part finds it.
        provincial = _PROVINCIAL_CODE.match(code)
        if provincial and Procedure.objects.filter(code=provincial.group(1)).exists():
            return redirect("catalog:detail", code=provincial.group(1))
        return render(request, "catalog/not_found.html", {"code": code[:60]}, status=404)
    version = procedure.current_version
    channels = list(version.channels.all())
    agency_settings = list(ProvinceProcedureSetting.objects.active().for_procedure(procedure))
    level = online_level(
        (setting.online_level for setting in agency_settings),
        (channel.channel for channel in channels),
    )
    cases = version.component_cases.prefetch_related(
        Prefetch("components", queryset=Component.objects.order_by("order"))
    )
    context = {
        "procedure": procedure,
        "version": version,
        "channels": channels,
        "has_unknown_unit": any(channel.unit_unknown for channel in channels),
        "all_free": bool(channels) and all(channel.is_free for channel in channels),
        "by_post": any(channel.channel == Channel.POST for channel in channels),
        "groups": [_document_group(case) for case in cases],
        "results": list(version.results.all()),
        "agency_settings": agency_settings,
        "online_level": level,
        "files_online": level != OnlineLevel.NONE,
        "online_level_label": OnlineLevel(level).label,
    }
    return render(request, "catalog/detail.html", context)


def _document_group(case: ComponentCase) -> DocumentGroup:
    rows: list[DocumentRow] = []
    notes: list[Component] = []
    for component in case.components.all():
        form = component.form_file.strip()
        if not (component.originals or component.copies or form):
            notes.append(component)
        else:
            rows.append(DocumentRow(component, form if _FORM_LINK.match(form) else ""))
    return DocumentGroup(case, rows, notes)


def _page(paginator: Paginator[int], raw_number: str | None) -> Page[int]:
    """The requested page; a missing, malformed or out-of-range number gives page 1."""
    try:
        number = int(raw_number or 1)
    except ValueError:
        number = 1
    if not 1 <= number <= paginator.num_pages:
        number = 1
    return paginator.page(number)
