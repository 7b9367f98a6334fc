"""Status lookup without an account: ``/tra-cuu/?ma=<code>``, the address printed as a
QR code on the receipt slip (form 01). The code on the slip is how a dossier is
looked up (Decree 118/2025 Art. 17(3), 28).

Anyone holding the code sees where the dossier is — status, appointment, current
step and agency, the timeline — with the applicant's name masked. The full detail
(name, the reasons addressed to the applicant, what is missing) needs a second
factor: the applicant's phone number or identifier, since agencies keep applicants'
information confidential (Decree 118/2025 Art. 27(3)). That factor is sent by POST, so
it never lands in an address bar, a browser history or a server log.

Against enumeration, every lookup counts per client address (per minute, per day);
a wrong second factor counts again, per dossier and per client, much more strictly,
so an identifier cannot be guessed by trying.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import unicodedata
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.accounts.models import RateLimit
from motcua.accounts.ratelimit import client_address, hit, hit_all
from motcua.dossiers.models import Dossier, SupplementRequest
from motcua.dossiers.statuses import Status
from motcua.portal.masking import mask_name
from motcua.portal.timeline import current_step, dossier_tasks, plain_status, plain_timeline

MAX_CODE_LENGTH = 80  # Dossier.code's length
MAX_FACTOR_LENGTH = 40
# Wrong second factors: per dossier in an hour, and per client address in a day.
# An identifier has 10^12 values and a phone number 10^9: five tries an hour leave
# guessing hopeless while a citizen who mistypes twice still gets in.
WRONG_FACTOR_PER_HOUR = 5
WRONG_FACTOR_PER_DAY = 20
_DASHES = re.compile("[\u2010-\u2015\u2212]")
_SPACES = re.compile(r"\s+")


def normalise_code(raw: str) -> str:
    """What a citizen types or a QR reader passes, as the code is stored: full-width
    characters folded (phone keyboards), every space removed, dashes made "-",
    upper-case."""
    text = unicodedata.normalize("NFKC", raw)
    return _DASHES.sub("-", _SPACES.sub("", text)).upper()


def normalise_phone(value: str) -> str:
    """ "+84 912 345 678", "84912345678" and "0912.345.678" → "0912345678"."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", value))
    if value.strip().startswith("+84") or (digits.startswith("84") and len(digits) == 11):
        digits = "0" + digits[2:]
    return digits


def normalise_identifier(value: str) -> str:
    """A personal identifier or tax code without spaces, dots or dashes, upper-case."""
    return re.sub(r"[^0-9A-Z]", "", unicodedata.normalize("NFKC", value).upper())


def _same(typed: str, stored: str) -> bool:
    # Constant time, and an empty stored value never matches (a dossier without a
    # phone number must not open to an empty or junk entry).
    return bool(stored) and hmac.compare_digest(typed.encode(), stored.encode())


def second_factor_matches(dossier: Dossier, typed: str) -> bool:
    """Whether ``typed`` is the applicant's phone number or identifier. Both are
    compared every time, so the answer takes as long whichever one matched."""
    by_phone = _same(normalise_phone(typed), normalise_phone(dossier.applicant_phone))
    by_identifier = _same(
        normalise_identifier(typed), normalise_identifier(dossier.applicant_identifier)
    )
    return by_phone | by_identifier


def _over_limit(key: str, limit: int, window: dt.timedelta) -> bool:
    """Whether ``key`` has used up ``limit`` in its current window, without counting
    (``ratelimit.hit`` counts; a correct factor must not use up a try)."""
    return RateLimit.objects.filter(
        key=key[:200], count__gte=limit, window_start__gt=timezone.now() - window
    ).exists()


def _wrong_factor_keys(dossier: Dossier, address: str) -> list[tuple[str, int, dt.timedelta]]:
    return [
        (f"lookup:wrong:dossier:{dossier.pk}", WRONG_FACTOR_PER_HOUR, dt.timedelta(hours=1)),
        (f"lookup:wrong:client:{address}", WRONG_FACTOR_PER_DAY, dt.timedelta(days=1)),
    ]


def _lookups_refused(address: str) -> str:
    """Count one lookup from ``address``; the message when it is over a limit, else ""."""
    refused = hit_all(
        [
            (
                f"lookup:minute:{address}",
                settings.MOTCUA_LOOKUP_PER_MINUTE,
                dt.timedelta(minutes=1),
            ),
            (f"lookup:day:{address}", settings.MOTCUA_LOOKUP_PER_DAY, dt.timedelta(days=1)),
        ]
    )
    if refused == 0:
        return _("Bạn đã tra cứu quá nhiều lần trong một phút. Vui lòng thử lại sau ít phút.")
    if refused == 1:
        return _("Bạn đã tra cứu quá nhiều lần trong ngày hôm nay. Vui lòng thử lại vào ngày mai.")
    return ""


def _page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    response = render(request, "portal/lookup.html", context, status=status)
    # The page may carry personal data and always carries a dossier's state: no
    # shared cache keeps it, no browser stores it, no search engine lists it.
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# What the page reads of a dossier and its related rows (the template, the timeline's
# wording, the second factor). A procedure version carries the whole catalogue entry
# (steps, conditions, its source as JSON: several kilobytes) that a lookup never shows;
# reading only these columns keeps every lookup from fetching and decoding it. A test
# counts the page's queries, so a field added to the page but not here (one more
# query, loaded on first use) is caught.
_FIELDS = (
    "code",
    "status",
    "channel",
    "delivery",
    "applicant_name",
    "applicant_address",
    "applicant_phone",
    "applicant_identifier",
    "submitted_at",
    "received_at",
    "due_at",
    "ended_at",
    "returned_at",
    "completion_requested_at",
    "procedure_version__name",
    "receiving_agency__name",
    "receiving_agency__kind",
)


def _find(code: str, typed: str) -> Dossier | None:
    # Codes are stored upper-case; the code as typed is tried as well in case an
    # agency identifier holds lower-case letters. Both hit the unique index.
    return (
        Dossier.objects.select_related("procedure_version", "receiving_agency")
        .only(*_FIELDS)
        .filter(code__in={code, _SPACES.sub("", typed)})
        .first()
    )


def _dossier_context(dossier: Dossier, *, full: bool) -> dict[str, Any]:
    missing = ""
    if full and dossier.status == Status.AWAITING_SUPPLEMENT:
        request = (
            SupplementRequest.objects.filter(
                dossier=dossier, completed_at__isnull=True, closed_at__isnull=True
            )
            .order_by("-requested_at")
            .first()
        )
        missing = request.missing if request else ""
    tasks = dossier_tasks(dossier)
    return {
        "dossier": dossier,
        "full": full,
        "status_text": plain_status(dossier),
        "waiting_for_reception": dossier.status in ("", Status.SUBMITTED),
        "applicant_name": dossier.applicant_name if full else mask_name(dossier.applicant_name),
        "step": current_step(dossier, tasks),
        "entries": plain_timeline(dossier, full=full, tasks=tasks),
        "missing": missing,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """GET ``?ma=``: the dossier with the applicant masked. POST ``ma`` and
    ``xac_minh`` (phone number or identifier): the full detail when it matches.
    404 for an unknown code, 429 over a rate limit; nothing is ever written but the
    rate-limit counters."""
    data = request.POST if request.method == "POST" else request.GET
    typed = data.get("ma", "")[:200]
    context: dict[str, Any] = {"typed_code": typed.strip()}
    if not typed.strip():
        if "ma" in data:
            context["error"] = _("Vui lòng nhập mã hồ sơ in trên giấy tiếp nhận.")
        return _page(request, context)
    address = client_address(request)
    refused = _lookups_refused(address)
    if refused:
        context["error"] = refused
        return _page(request, context, status=429)
    code = normalise_code(typed)
    if len(code) > MAX_CODE_LENGTH:
        context["error"] = _("Mã hồ sơ quá dài. Vui lòng kiểm tra lại mã trên giấy tiếp nhận.")
        return _page(request, context, status=404)
    dossier = _find(code, typed)
    if dossier is None:
        context["error"] = _(
            "Không tìm thấy hồ sơ có mã “%(code)s”. Vui lòng kiểm tra lại mã in trên giấy "
            "tiếp nhận hồ sơ và hẹn trả kết quả."
        ) % {"code": code}
        return _page(request, context, status=404)
    context["typed_code"] = dossier.code
    full = False
    if request.method == "POST":
        factor = data.get("xac_minh", "")[:MAX_FACTOR_LENGTH]
        context["typed_factor"] = factor
        keys = _wrong_factor_keys(dossier, address)
        if any(_over_limit(*key) for key in keys):
            context["error"] = _(
                "Số điện thoại hoặc số định danh đã bị nhập sai quá nhiều lần. Để bảo vệ "
                "thông tin của người nộp, vui lòng thử lại sau một giờ, hoặc đăng nhập "
                "tài khoản để xem hồ sơ của bạn."
            )
            context["typed_factor"] = ""
            return _page(request, context, status=429)
        if not factor.strip():
            context["factor_error"] = _("Vui lòng nhập số điện thoại hoặc số định danh.")
        elif second_factor_matches(dossier, factor):
            full = True
        else:
            for key, limit, window in keys:
                hit(key, limit=limit, window=window)
            context["factor_error"] = _(
                "Số điện thoại hoặc số định danh không khớp với hồ sơ. Hãy nhập đúng số đã "
                "khai khi nộp hồ sơ."
            )
    context.update(_dossier_context(dossier, full=full))
    return _page(request, context)
