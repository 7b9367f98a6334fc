"""Filing online: choose where, fill the form generated from the procedure version,
attach files per component (or reuse earlier ones), save as a draft, submit.

Submitting calls the engine's ``submit_dossier``: the dossier gets its code and the
status "submitted" (national code 1); the one-stop unit then accepts it or asks for
completion (Decree 118/2025 Art. 17). A draft belongs to one citizen; any other
visitor gets the same "not found" as for a draft that does not exist.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.models import User
from motcua.catalog.checklist import ChecklistRow, checklist
from motcua.catalog.choices import Channel, OnlineLevel
from motcua.catalog.models import ChannelRule, Procedure, ProvinceProcedureSetting
from motcua.dossiers import actions
from motcua.dossiers.actions.intake import validate_file
from motcua.dossiers.errors import DossierError
from motcua.dossiers.models import (
    ApplicantKind,
    Delivery,
    Document,
    DocumentOrigin,
    IntakeChannel,
)
from motcua.org.models import Agency
from motcua.org.one_stop import one_stop_unit
from motcua.portal.accounts_flow import small_int
from motcua.portal.citizen import citizen, citizen_required, documents_of
from motcua.portal.models import Draft, DraftFile

APPLICANT_FIELDS = ("kind", "name", "identifier", "phone", "email", "address", "delivery")
MAX_LENGTHS = {"name": 200, "identifier": 20, "phone": 20, "email": 254, "address": 300}


@dataclass
class Offer:
    """Where a procedure can be filed online in this province."""

    procedure: Procedure
    rule: ChannelRule
    agencies: list[tuple[Agency, str]]  # (competent agency, online level)


def online_offer(procedure: Procedure) -> Offer | None:
    """The online channel of the current version and the agencies that run it online
    (Decree 42/2022 Art. 11: partial or full-process); None when it is not online here."""
    version = procedure.current_version
    if version is None:
        return None
    rule = ChannelRule.objects.filter(version=version, channel=Channel.ONLINE).order_by("order")
    online_rule = rule.first()
    if online_rule is None:
        return None
    running = (
        ProvinceProcedureSetting.objects.active()
        .for_procedure(procedure)
        .exclude(online_level=OnlineLevel.NONE)
    )
    agencies = [(s.agency, s.get_online_level_display()) for s in running]
    if not agencies:
        return None
    return Offer(procedure, online_rule, agencies)


def _own_draft(request: HttpRequest, draft_id: int) -> Draft:
    draft = (
        Draft.objects.select_related(
            "version__procedure", "channel_rule", "competent_agency", "dossier"
        )
        .filter(pk=draft_id, citizen=citizen(request))
        .first()
    )
    if draft is None:
        raise Http404(_("Không tìm thấy hồ sơ nháp."))
    return draft


@citizen_required
def start(request: HttpRequest, code: str) -> HttpResponse:
    procedure = (
        Procedure.objects.select_related("current_version").filter(code=code.strip()).first()
    )
    if procedure is None or procedure.current_version is None:
        raise Http404(_("Không tìm thấy thủ tục."))
    offer = online_offer(procedure)
    user = citizen(request)
    drafts = list(
        Draft.objects.filter(
            citizen=user, version__procedure=procedure, dossier__isnull=True
        ).select_related("competent_agency")
    )
    error = ""
    if request.method == "POST" and offer is not None:
        chosen = request.POST.get("co-quan", "")
        agency = next((a for a, _level in offer.agencies if str(a.pk) == chosen), None)
        if agency is None and len(offer.agencies) == 1:
            agency = offer.agencies[0][0]
        if agency is None:
            error = _("Chọn cơ quan giải quyết hồ sơ.")
        else:
            draft = _new_draft(user, offer, agency)
            return redirect("portal:draft", draft_id=draft.pk)
    return render(
        request,
        "portal/filing/start.html",
        {"procedure": procedure, "offer": offer, "drafts": drafts, "error": error},
        status=200 if offer is not None else 404,
    )


def _new_draft(user: User, offer: Offer, agency: Agency) -> Draft:
    """A draft prefilled from the account (Decree 118/2025 Art. 17(1)(b): data the
    applicant already gave is not asked for again)."""
    now = timezone.now()
    earlier = user.dossiers.order_by("-submitted_at").first()
    data = {
        "kind": ApplicantKind.PERSON,
        "name": user.full_name or (earlier.applicant_name if earlier else ""),
        "identifier": user.personal_id or (earlier.applicant_identifier if earlier else ""),
        "phone": user.phone or (earlier.applicant_phone if earlier else ""),
        "email": user.email or (earlier.applicant_email if earlier else ""),
        "address": earlier.applicant_address if earlier else "",
        "delivery": Delivery.ONLINE,
    }
    assert offer.procedure.current_version is not None
    return Draft.objects.create(
        citizen=user,
        version=offer.procedure.current_version,
        channel_rule=offer.rule,
        competent_agency=agency,
        data=data,
        created_at=now,
        updated_at=now,
    )


@dataclass
class ComponentRow:
    row: ChecklistRow
    files: list[DraftFile] = field(default_factory=list)
    reusable: list[Document] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@citizen_required
def edit_draft(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _own_draft(request, draft_id)
    if draft.dossier is not None:
        messages.info(request, _("Hồ sơ này đã được nộp."))
        return redirect("portal:my_dossier", code=draft.dossier.code)
    user = citizen(request)
    listed = checklist(draft.version, online=True)
    # The national data lists remarks among the components, asking for no original and
    # no copy: they are shown as notes, not as papers to upload.
    rows = {
        r.component.pk: ComponentRow(r)
        for r in listed
        if r.component.originals + r.component.copies > 0
    }
    notes = [r for r in listed if r.component.pk not in rows]
    form_errors: list[str] = []
    if request.method == "POST":
        draft.data = _typed(request, draft.data)
        draft.updated_at = timezone.now()
        draft.save(update_fields=["data", "updated_at"])
        _remove_file(request, draft)
        _attach(request, draft, rows, user)
        if request.POST.get("hanh-dong") == "nop":
            if not any(row.errors for row in rows.values()):
                submitted = _submit(request, draft, rows, user, form_errors)
                if submitted is not None:
                    return submitted
        elif not any(row.errors for row in rows.values()):
            messages.success(request, _("Đã lưu hồ sơ nháp."))
            return redirect("portal:draft", draft_id=draft.pk)
    _fill(draft, rows, user)
    any_errors = bool(form_errors) or any(row.errors for row in rows.values())
    return render(
        request,
        "portal/filing/draft.html",
        {
            "draft": draft,
            "data": draft.data,
            "procedure": draft.version.procedure,
            "rule": draft.channel_rule,
            "limit": draft.channel_rule.limit_at(timezone.now()),
            "rows": list(rows.values()),
            "notes": notes,
            "orphans": [f for f in draft.files.all() if f.component_id not in rows],
            "form_errors": form_errors,
            "deliveries": Delivery.choices,
            "kinds": ApplicantKind.choices,
            "max_mb": _max_mb(),
        },
        status=400 if any_errors else 200,
    )


def _max_mb() -> int:
    return int(settings.MOTCUA_MAX_UPLOAD_MB)


def _typed(request: HttpRequest, data: dict[str, str]) -> dict[str, str]:
    """What the citizen typed, kept as typed (trimmed, bounded) even when invalid, so
    nothing is lost; validation happens at submission."""
    typed = dict(data)
    for name in APPLICANT_FIELDS:
        if name in request.POST:
            typed[name] = request.POST.get(name, "").strip()[: MAX_LENGTHS.get(name, 40)]
    if typed.get("delivery") not in Delivery.values:
        typed["delivery"] = Delivery.ONLINE
    if typed.get("kind") not in ApplicantKind.values:
        typed["kind"] = ApplicantKind.PERSON
    return typed


def _remove_file(request: HttpRequest, draft: Draft) -> None:
    pk = small_int(request.POST.get("xoa-tep", ""))
    if pk is None:
        return
    found = draft.files.filter(pk=pk).first()
    if found is not None:
        if found.file:
            found.file.delete(save=False)
        found.delete()


def _attach(request: HttpRequest, draft: Draft, rows: dict[int, ComponentRow], user: User) -> None:
    """Save the files chosen for each component; a bad file is named in an error next
    to its component and the others are kept."""
    now = timezone.now()
    for pk, row in rows.items():
        uploads: list[UploadedFile] = request.FILES.getlist(f"tep-{pk}")
        for upload in uploads:
            try:
                content_type, _sha = validate_file(upload)
            except DossierError as exc:
                row.errors.append(str(exc))
                continue
            saved = DraftFile(
                draft=draft,
                component=row.row.component,
                name=(upload.name or "tep")[:300],
                content_type=content_type,
                size=upload.size or 0,
                added_at=now,
            )
            saved.file.save(os.path.basename(upload.name or "tep"), upload, save=True)
        reused = request.POST.get(f"dung-lai-{pk}", "")
        reused_pk = small_int(reused)
        if reused and reused_pk is None:
            row.errors.append(_("Không tìm thấy giấy tờ đã chọn trong kho của bạn."))
        elif reused_pk is not None:
            document = documents_of(user).filter(pk=reused_pk).first()
            if document is None:
                row.errors.append(_("Không tìm thấy giấy tờ đã chọn trong kho của bạn."))
            elif not draft.files.filter(component=row.row.component, reused=document).exists():
                DraftFile.objects.create(
                    draft=draft,
                    component=row.row.component,
                    name=document.name,
                    reused=document,
                    content_type=document.content_type,
                    size=document.size,
                    added_at=now,
                )


def _fill(draft: Draft, rows: dict[int, ComponentRow], user: User) -> None:
    for attached in draft.files.select_related("reused"):
        if attached.component_id in rows:
            rows[attached.component_id].files.append(attached)
    mine = list(documents_of(user).select_related("dossier").order_by("-uploaded_at")[:200])
    for row in rows.values():
        same = [d for d in mine if d.component_id == row.row.component.pk]
        named = [d for d in mine if d.name == row.row.component.name and d not in same]
        row.reusable = (same + named)[:20]


def _submit(
    request: HttpRequest,
    draft: Draft,
    rows: dict[int, ComponentRow],
    user: User,
    form_errors: list[str],
) -> HttpResponse | None:
    missing = [r for r in rows.values() if r.row.required and not _has_files(draft, r)]
    for row in missing:
        row.errors.append(_("Thành phần hồ sơ bắt buộc: cần tải lên hoặc chọn giấy tờ."))
    if missing:
        form_errors.append(_("Hồ sơ còn thiếu thành phần bắt buộc; xem các mục được đánh dấu."))
        return None
    receiving = one_stop_unit(draft.competent_agency)
    if receiving is None:
        form_errors.append(
            _("Chưa có bộ phận một cửa tiếp nhận hồ sơ cho %(agency)s.")
            % {"agency": draft.competent_agency.name}
        )
        return None
    data = draft.data
    opened: list[File] = []
    try:
        documents = [_document_input(f, opened) for f in draft.files.select_related("reused")]
        submission = actions.Submission(
            version=draft.version,
            channel_rule=draft.channel_rule,
            applicant=actions.Applicant(
                name=data.get("name", ""),
                identifier=data.get("identifier", "").replace(" ", ""),
                kind=data.get("kind", ApplicantKind.PERSON),
                phone=data.get("phone", ""),
                email=data.get("email", ""),
                address=data.get("address", ""),
            ),
            receiving_agency=receiving,
            competent_agency=draft.competent_agency,
            channel=IntakeChannel.ONLINE,
            delivery=data.get("delivery", Delivery.ONLINE),
            documents=documents,
            citizen=user,
        )
        with transaction.atomic():
            dossier = actions.submit_dossier(submission, actor=user)
            draft.dossier = dossier
            draft.save(update_fields=["dossier"])
            # The dossier now holds its own copies; the draft's uploads go after commit.
            stored = [f.file.name or "" for f in draft.files.all() if f.file]
            transaction.on_commit(lambda: _delete_stored(draft, stored))
    except DossierError as exc:
        form_errors.append(str(exc))
        return None
    finally:
        for handle in opened:
            handle.close()
    messages.success(
        request,
        _(
            "Đã nộp hồ sơ, mã hồ sơ %(code)s. Bộ phận một cửa sẽ kiểm tra và tiếp nhận; "
            "mọi thay đổi hiện ở trang này."
        )
        % {"code": dossier.code},
    )
    return redirect("portal:my_dossier", code=dossier.code)


def _has_files(draft: Draft, row: ComponentRow) -> bool:
    return draft.files.filter(component=row.row.component).exists()


def _document_input(attached: DraftFile, opened: list[File]) -> actions.DocumentInput:
    source = attached.reused.file if attached.reused is not None else attached.file
    handle = File(source.open("rb"), name=os.path.basename(source.name or attached.name))
    opened.append(handle)
    return actions.DocumentInput(
        name=attached.component.name[:300] if attached.component else attached.name,
        component=attached.component,
        file=handle,
        origin=DocumentOrigin.REUSED if attached.reused is not None else DocumentOrigin.CITIZEN,
    )


def _delete_stored(draft: Draft, names: list[str]) -> None:
    for attached in draft.files.all():
        if attached.file and attached.file.name in names:
            attached.file.delete(save=False)


@require_POST
@citizen_required
def delete_draft(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _own_draft(request, draft_id)
    if draft.dossier is not None:
        messages.error(request, _("Hồ sơ đã nộp không xóa được; bạn có thể rút hồ sơ."))
        return redirect("portal:my_dossier", code=draft.dossier.code)
    for attached in draft.files.all():
        if attached.file:
            attached.file.delete(save=False)
    draft.delete()
    messages.success(request, _("Đã xóa hồ sơ nháp."))
    return redirect("portal:my_dossiers")
