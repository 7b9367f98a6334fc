"""What an applicant brings for a procedure version, and where it can be handled —
shared by the counter and the portal's online form."""

from __future__ import annotations

from dataclasses import dataclass

from motcua.catalog.models import Component, Procedure, ProcedureVersion, ProvinceProcedureSetting
from motcua.org.models import Agency


@dataclass
class ChecklistRow:
    component: Component
    heading: str
    required: bool
    ticked: bool = False
    error: str = ""


def checklist(version: ProcedureVersion, *, online: bool = False) -> list[ChecklistRow]:
    """The components of the version, by case. The national catalogue does not say
    which are required; a component asked for in originals or copies outside a
    "Trường hợp …" (particular case) group, and not itself conditional, is treated as
    required, so the counter officer confirms it was handed in before receiving
    (Decree 118/2025 Art. 17(1)); ``online`` leaves out the papers only to be shown."""
    rows = []
    for component in (
        Component.objects.filter(case__version=version)
        .select_related("case")
        .order_by("case__order", "order")
    ):
        heading = component.case.heading.strip()
        particular = heading.lower().lstrip("*- ").startswith("trường hợp")
        counted = component.originals + component.copies > 0
        # Online, papers that are only shown (“giấy tờ phải xuất trình”, such as the
        # identity card) are not uploaded: the account's identity stands for them.
        shown_only = online and "xuất trình" in heading.lower()
        # "… trong trường hợp ủy quyền", "(nếu nộp trực tiếp)": a paper asked for only in
        # some cases, said in its first sentence, is not required of everyone.
        first_sentence = component.name.split(". ")[0].lower()
        conditional = "trường hợp" in first_sentence or "nếu" in first_sentence
        rows.append(
            ChecklistRow(
                component,
                heading,
                required=counted and not (particular or shown_only or conditional),
            )
        )
    return rows


def offered_agencies(procedure: Procedure) -> list[Agency]:
    """Agencies of the province that run ``procedure``: any of them can be the competent
    one, whichever centre receives (Decree 118/2025 Art. 3(7), 14(2))."""
    ids = ProvinceProcedureSetting.objects.active().filter(procedure=procedure).values("agency_id")
    return list(Agency.objects.filter(pk__in=ids, is_active=True).order_by("name"))
