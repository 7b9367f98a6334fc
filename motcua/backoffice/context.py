"""Template context for back-office pages: the desk and the worklist navigation."""

from __future__ import annotations

from django.http import HttpRequest


def office(request: HttpRequest) -> dict[str, object]:
    desk = getattr(request, "desk", None)
    if desk is None:
        return {}
    from motcua.backoffice.worklists import navigation

    return {"desk": desk, "worklist_nav": navigation(desk)}
