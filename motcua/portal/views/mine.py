"""The citizen's own dossiers and documents: follow a dossier, answer a supplement
request, withdraw, download results, rate the service.

Every lookup here is filtered by ``citizen=`` the signed-in user; another person's
dossier or document answers "not found", exactly like one that does not exist, so a
changed URL tells nothing (Decree 118/2025 Art. 27(3): applicants' information is
kept confidential).
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.dossiers import actions
from motcua.dossiers.errors import ConflictError, DossierError
from motcua.dossiers.models import DocumentOrigin, Dossier
from motcua.dossiers.statuses import BEFORE_DECISION, Status
from motcua.portal.accounts_flow import small_int
from motcua.portal.citizen import citizen, citizen_required, documents_of
from motcua.portal.models import Draft, Rating
from motcua.portal.ratings import CRITERIA, RatingError, save_rating
from motcua.portal.timeline import current_step, dossier_tasks, plain_timeline

PER_PAGE = 30
# A rating is asked for once the result exists (Decree 118/2025 Art. 33: the
# applicant rates the handling and its result).
RATABLE = frozenset({Status.PROCESSED, Status.RETURNED})


def _own_dossier(request: HttpRequest, code: str) -> Dossier:
    dossier = (
        Dossier.objects.select_related(
            "procedure_version__procedure", "receiving_agency", "competent_agency"
        )
        .filter(code=code.strip(), citizen=citizen(request))
        .first()
    )
    if dossier is None:
        raise Http404(_("Không tìm thấy hồ sơ trong tài khoản của bạn."))
    return dossier


@citizen_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    user = citizen(request)
    dossiers = list(
        Dossier.objects.filter(citizen=user)
        .select_related("procedure_version__procedure", "competent_agency")
        .order_by("-submitted_at", "-pk")[:PER_PAGE]
    )
    drafts = list(
        Draft.objects.filter(citizen=user, dossier__isnull=True).select_related(
            "version__procedure", "competent_agency"
        )
    )
    return render(
        request,
        "portal/mine/dossiers.html",
        {"dossiers": dossiers, "drafts": drafts, "now": timezone.now()},
    )


def _page(
    request: HttpRequest,
    dossier: Dossier,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    typed: dict[str, Any] | None = None,
) -> HttpResponse:
    documents = list(dossier.documents.order_by("uploaded_at", "pk"))
    supplement = (
        dossier.supplement_requests.filter(completed_at__isnull=True, closed_at__isnull=True)
        .order_by("-requested_at")
        .first()
    )
    rating = Rating.objects.filter(dossier=dossier).prefetch_related("scores").first()
    tasks = dossier_tasks(dossier)
    context = {
        "dossier": dossier,
        "procedure": dossier.procedure_version.procedure,
        "entries": plain_timeline(dossier, full=True, tasks=tasks),
        "step": current_step(dossier, tasks),
        "results": [d for d in documents if d.origin == DocumentOrigin.RESULT and d.file],
        "submitted": [d for d in documents if d.origin != DocumentOrigin.RESULT],
        "supplement": supplement if dossier.status == Status.AWAITING_SUPPLEMENT else None,
        "can_withdraw": dossier.status in BEFORE_DECISION,
        "can_rate": dossier.status in RATABLE and rating is None,
        "rating": rating,
        "criteria": CRITERIA,
        "levels": Rating._meta.get_field("overall").choices,
        "now": timezone.now(),
        "errors": errors or {},
        "typed": typed or {},
        "max_mb": settings.MOTCUA_MAX_UPLOAD_MB,
    }
    return render(request, "portal/mine/dossier.html", context, status=status)


@citizen_required
def my_dossier(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, _own_dossier(request, code))


def _expected_version(request: HttpRequest) -> int | None:
    raw = request.POST.get("phien-ban", "")
    return small_int(raw)


def _failed(
    request: HttpRequest, dossier: Dossier, key: str, exc: DossierError, typed: dict[str, Any]
) -> HttpResponse:
    """The engine's message next to the form, what was typed kept; nothing was saved."""
    dossier.refresh_from_db()
    status = 409 if isinstance(exc, ConflictError) else 400
    return _page(request, dossier, status=status, errors={key: str(exc)}, typed=typed)


@require_POST
@citizen_required
def supplement(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _own_dossier(request, code)
    note = request.POST.get("ghi-chu", "").strip()[:2000]
    uploads: list[UploadedFile] = request.FILES.getlist("tep")
    documents = [
        actions.DocumentInput(
            name=os.path.splitext(os.path.basename(upload.name or ""))[0][:300]
            or _("Giấy tờ bổ sung"),
            file=upload,
        )
        for upload in uploads
    ]
    try:
        actions.record_supplement(
            dossier,
            actor=citizen(request),
            documents=documents,
            note=note,
            expected_version=_expected_version(request),
        )
    except DossierError as exc:
        return _failed(request, dossier, "supplement", exc, {"note": note})
    messages.success(request, _("Đã gửi hồ sơ bổ sung. Thời hạn giải quyết được tính lại."))
    return redirect("portal:my_dossier", code=dossier.code)


@require_POST
@citizen_required
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _own_dossier(request, code)
    reason = request.POST.get("ly-do", "").strip()[:2000]
    try:
        actions.withdraw(
            dossier,
            actor=citizen(request),
            reason=reason,
            expected_version=_expected_version(request),
        )
    except DossierError as exc:
        return _failed(request, dossier, "withdraw", exc, {"reason": reason})
    messages.success(request, _("Đã rút hồ sơ."))
    return redirect("portal:my_dossier", code=dossier.code)


@require_POST
@citizen_required
def rate(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _own_dossier(request, code)
    typed = {"overall": request.POST.get("chung", ""), "comment": request.POST.get("gop-y", "")}
    typed.update({f"c-{c.code}": request.POST.get(f"tieu-chi-{c.code}", "") for c in CRITERIA})
    if dossier.status not in RATABLE:
        return _page(
            request,
            dossier,
            status=400,
            errors={"rating": _("Hồ sơ chưa có kết quả nên chưa đánh giá được.")},
            typed=typed,
        )
    try:
        with transaction.atomic():
            save_rating(
                dossier,
                by=citizen(request),
                overall=typed["overall"],
                scores={c.code: typed[f"c-{c.code}"] for c in CRITERIA},
                comment=typed["comment"],
                at=timezone.now(),
            )
    except RatingError as exc:
        return _page(request, dossier, status=400, errors={"rating": str(exc)}, typed=typed)
    except IntegrityError:
        return _page(
            request,
            dossier,
            status=409,
            errors={"rating": _("Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần.")},
        )
    messages.success(request, _("Cảm ơn bạn đã đánh giá."))
    return redirect("portal:my_dossier", code=dossier.code)


@citizen_required
def my_documents(request: HttpRequest) -> HttpResponse:
    documents = list(
        documents_of(citizen(request))
        .select_related("dossier__procedure_version__procedure", "result")
        .order_by("-uploaded_at", "-pk")[:300]
    )
    return render(
        request,
        "portal/mine/documents.html",
        {
            "results": [d for d in documents if d.origin == DocumentOrigin.RESULT],
            "papers": [d for d in documents if d.origin != DocumentOrigin.RESULT],
        },
    )


@citizen_required
def document_file(request: HttpRequest, document_id: int) -> FileResponse:
    document = documents_of(citizen(request)).filter(pk=document_id).first()
    if document is None:
        raise Http404(_("Không tìm thấy giấy tờ trong tài khoản của bạn."))
    download = request.GET.get("tai") == "1"
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=download,
        filename=os.path.basename(document.file.name or "giay-to"),
        content_type=document.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response
