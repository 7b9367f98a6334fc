"""The home page: search first, then the procedures people here file most."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from motcua.dossiers.models import Dossier

# Searches offered on the home page while this installation has no dossiers yet:
# what people come for most at commune and provincial counters (civil status,
# certification, construction, land).
COMMON_SEARCHES = [
    "đăng ký khai sinh",
    "chứng thực bản sao",
    "đăng ký kết hôn",
    "cấp giấy phép xây dựng",
    "đăng ký khai tử",
    "lý lịch tư pháp",
]

MOST_USED_COUNT = 6
MOST_USED_WINDOW = dt.timedelta(days=365)
# The ranking moves slowly; a few minutes' staleness spares the home page a GROUP BY
# over a year of dossiers on every visit.
MOST_USED_CACHE_SECONDS = 300
MOST_USED_CACHE_KEY = "portal:home:most-used:v1"


@dataclass(frozen=True)
class UsedProcedure:
    code: str
    name: str
    dossiers: int

    @property
    def url(self) -> str:
        return reverse("catalog:detail", args=[self.code])


def most_used_procedures(at: dt.datetime, limit: int = MOST_USED_COUNT) -> list[UsedProcedure]:
    """The procedures with the most dossiers submitted in the year before ``at``,
    most first (ties: by code); one query. Procedures no longer in the catalogue
    (no current version) are left out, since their page would be a 404."""
    rows = (
        Dossier.objects.filter(
            submitted_at__gt=at - MOST_USED_WINDOW,
            submitted_at__lte=at,
            procedure_version__procedure__current_version__isnull=False,
        )
        .values(
            "procedure_version__procedure",
            "procedure_version__procedure__code",
            "procedure_version__procedure__name",
        )
        .annotate(dossiers=Count("pk"))
        .order_by("-dossiers", "procedure_version__procedure__code")[:limit]
    )
    return [
        UsedProcedure(
            code=row["procedure_version__procedure__code"],
            name=row["procedure_version__procedure__name"],
            dossiers=row["dossiers"],
        )
        for row in rows
    ]


def cached_most_used_procedures() -> list[UsedProcedure]:
    """``most_used_procedures`` now, computed at most once per cache period."""
    found: list[UsedProcedure] | None = cache.get(MOST_USED_CACHE_KEY)
    if found is None:
        found = most_used_procedures(timezone.now())
        cache.set(MOST_USED_CACHE_KEY, found, MOST_USED_CACHE_SECONDS)
    return found


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {"most_used": cached_most_used_procedures(), "common_searches": COMMON_SEARCHES},
    )
