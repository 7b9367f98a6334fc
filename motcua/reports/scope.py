"""Whose numbers an official may see: the whole province for the provincial centre's
supervisors and administrators (and superusers), otherwise the agencies of their own
memberships."""

from __future__ import annotations

from motcua.accounts.models import User
from motcua.org.models import AgencyKind, Membership, Role

PROVINCE_WIDE_ROLES = (Role.SUPERVISOR, Role.ADMINISTRATOR)


def report_agencies(user: User) -> list[int] | None:
    """Agency ids the user may report on; None means every agency of the province."""
    if user.is_superuser:
        return None
    memberships = Membership.objects.filter(user=user, is_active=True, agency__is_active=True)
    if memberships.filter(
        role__in=PROVINCE_WIDE_ROLES, agency__kind=AgencyKind.PROVINCIAL_CENTRE
    ).exists():
        return None
    return sorted(set(memberships.values_list("agency_id", flat=True)))
