"""Who is at the desk: the signed-in official, the agencies of their memberships, the
agency they are working for now (switchable) and their roles there.

Every back-office view starts from ``Desk``; it never shows an agency the official
does not belong to (the engine's actions check the same again when they act).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.org.models import Agency, Membership, Role

SESSION_AGENCY = "backoffice_agency"
SUPERVISING = {Role.SUPERVISOR, Role.LEADER, Role.DEPARTMENT_HEAD}


@dataclass
class Desk:
    user: User
    agencies: list[Agency]
    roles: dict[int, set[str]] = field(default_factory=dict)
    titles: dict[int, str] = field(default_factory=dict)
    agency: Agency | None = None

    @property
    def agency_ids(self) -> list[int]:
        return [a.pk for a in self.agencies]

    def roles_here(self) -> set[str]:
        return self.roles.get(self.agency.pk, set()) if self.agency else set()

    def has(self, *roles: str) -> bool:
        return bool(self.roles_here() & set(roles))

    @property
    def receives(self) -> bool:
        return self.has(Role.RECEPTION)

    @property
    def supervises(self) -> bool:
        """Supervisors and leaders see the worklists of all their agencies."""
        return any(self.roles.get(pk, set()) & SUPERVISING for pk in self.agency_ids)

    @property
    def administers(self) -> bool:
        return self.user.is_superuser or any(
            Role.ADMINISTRATOR in roles for roles in self.roles.values()
        )

    @property
    def title(self) -> str:
        return self.titles.get(self.agency.pk, "") if self.agency else ""


def desk_for(request: HttpRequest) -> Desk:
    user = request.user
    assert isinstance(user, User)
    memberships = (
        Membership.objects.filter(user=user, is_active=True, agency__is_active=True)
        .select_related("agency")
        .order_by("agency__name", "role")
    )
    agencies: dict[int, Agency] = {}
    roles: dict[int, set[str]] = {}
    titles: dict[int, str] = {}
    for m in memberships:
        agencies.setdefault(m.agency_id, m.agency)
        roles.setdefault(m.agency_id, set()).add(m.role)
        if m.title and m.agency_id not in titles:
            titles[m.agency_id] = m.title
    desk = Desk(user=user, agencies=list(agencies.values()), roles=roles, titles=titles)
    chosen = request.session.get(SESSION_AGENCY)
    desk.agency = agencies.get(chosen) if isinstance(chosen, int) else None
    if desk.agency is None and desk.agencies:
        desk.agency = desk.agencies[0]
    return desk


def officer_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Signed-in officials with at least one membership; sets ``request.desk``."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), "backoffice:login")
        desk = desk_for(request)
        if not desk.agencies:
            return render(
                request,
                "backoffice/no_agency.html",
                {
                    "message": _(
                        "Tài khoản của bạn chưa được phân công vào cơ quan nào. "
                        "Liên hệ quản trị hệ thống của tỉnh."
                    )
                },
                status=403,
            )
        request.desk = desk  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
