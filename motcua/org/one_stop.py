"""Where applicants file for an agency (its one-stop unit)."""

from __future__ import annotations

from motcua.org.models import Agency, AgencyKind


def one_stop_unit(agency: Agency) -> Agency | None:
    """Where applicants file for ``agency``: its commune's centre, or the provincial one."""
    centres = Agency.objects.filter(is_active=True).order_by("name", "pk")
    if agency.kind == AgencyKind.COMMUNE_COMMITTEE:
        return (
            centres.filter(kind=AgencyKind.COMMUNE_CENTRE, parent=agency).first()
            or centres.filter(kind=AgencyKind.COMMUNE_CENTRE, unit=agency.unit).first()
        )
    return centres.filter(kind=AgencyKind.PROVINCIAL_CENTRE).first()
