"""The one-stop counter (tiếp nhận hồ sơ, Decree 118/2025 Art. 16–17).

One page, keyboard first: choose the procedure (diacritic-insensitive search by name
or code), look up the applicant by ID number or tax code (earlier dossiers prefill
the fields), tick the checklist of the procedure version and attach scans per
component, choose channel, result delivery and fee, see the appointment and why, then
receive (slip 01), guide the applicant to complete the dossier (slip 02) or refuse it
(slip 03). Every path calls the engine's action; its message is shown on the page,
and the typed fields are kept.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from motcua.accounts.models import User
from motcua.backoffice.scope import Desk, officer_view
from motcua.catalog.checklist import checklist, offered_agencies
from motcua.catalog.choices import Channel
from motcua.catalog.models import (
    ChannelRule,
    Procedure,
    ProcedureVersion,
    ProvinceProcedureSetting,
)
from motcua.catalog.search import procedures_in_order, search_procedures
from motcua.dossiers import actions
from motcua.dossiers.actions.intake import PERSONAL_ID, PHONE, TAX_CODE, validate_file
from motcua.dossiers.errors import DossierError
from motcua.dossiers.models import (
    ApplicantKind,
    Delivery,
    DocumentOrigin,
    Dossier,
    IntakeChannel,
)
from motcua.org.models import Agency, Role
from motcua.workdays.deadlines import DeadlineError, due_instant
from motcua.workdays.services import get_calendar

# The catalogue's channel for each counter channel.
CATALOG_CHANNEL: dict[str, str] = {
    IntakeChannel.COUNTER: Channel.IN_PERSON,
    IntakeChannel.POST: Channel.POST,
}
SUGGESTIONS = 12


class ApplicantForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Người nộp là"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.PERSON,
        widget=forms.RadioSelect,
    )
    identifier = forms.CharField(
        label=gettext_lazy("Số định danh cá nhân / mã số thuế"),
        max_length=14,
        help_text=gettext_lazy("Cá nhân: 12 chữ số. Tổ chức: mã số thuế 10 chữ số."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(label=gettext_lazy("Họ tên / tên tổ chức"), max_length=200)
    phone = forms.CharField(label=gettext_lazy("Điện thoại"), max_length=20, required=False)
    email = forms.EmailField(
        label=gettext_lazy("Thư điện tử"),
        required=False,
        error_messages={"invalid": gettext_lazy("Địa chỉ thư điện tử không hợp lệ.")},
    )
    address = forms.CharField(label=gettext_lazy("Địa chỉ"), max_length=300, required=False)
    principal_name = forms.CharField(
        label=gettext_lazy("Nộp thay cho (người ủy quyền)"), max_length=200, required=False
    )
    principal_identifier = forms.CharField(
        label=gettext_lazy("Số định danh người ủy quyền"), max_length=14, required=False
    )

    def clean_identifier(self) -> str:
        return "".join(self.cleaned_data["identifier"].split())

    def clean_phone(self) -> str:
        phone = "".join(self.cleaned_data["phone"].split())
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(
                _("Số điện thoại không hợp lệ (10–11 chữ số, bắt đầu bằng 0 hoặc +84).")
            )
        return phone

    def clean_principal_identifier(self) -> str:
        value = "".join(self.cleaned_data["principal_identifier"].split())
        if value and not (PERSONAL_ID.match(value) or TAX_CODE.match(value)):
            raise forms.ValidationError(_("Số định danh của người ủy quyền không hợp lệ."))
        return value

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        identifier, kind = data.get("identifier"), data.get("kind")
        if isinstance(identifier, str) and identifier:
            if kind == ApplicantKind.PERSON and not PERSONAL_ID.match(identifier):
                self.add_error(
                    "identifier",
                    _("Số định danh cá nhân phải gồm đúng 12 chữ số (đang có %(n)s ký tự).")
                    % {"n": len(identifier)},
                )
            if kind == ApplicantKind.ORGANISATION and not TAX_CODE.match(identifier):
                self.add_error(
                    "identifier",
                    _("Mã số thuế phải gồm 10 chữ số (chi nhánh: 10 chữ số-3 chữ số)."),
                )
        if data.get("principal_name") and not data.get("principal_identifier"):
            self.add_error("principal_identifier", _("Cần số định danh của người ủy quyền."))
        return data


class IntakeForm(forms.Form):
    competent_agency = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan giải quyết"),
        queryset=Agency.objects.none(),
        empty_label=None,
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Hình thức nộp"),
        choices=[
            (IntakeChannel.COUNTER.value, IntakeChannel.COUNTER.label),
            (IntakeChannel.POST.value, IntakeChannel.POST.label),
        ],
        initial=IntakeChannel.COUNTER,
        widget=forms.RadioSelect,
    )
    delivery = forms.ChoiceField(
        label=gettext_lazy("Nhận kết quả"), choices=Delivery.choices, initial=Delivery.COUNTER
    )
    fee_vnd = forms.IntegerField(
        label=gettext_lazy("Phí, lệ phí (đồng)"),
        min_value=0,
        max_value=10_000_000_000,
        required=False,
        error_messages={
            "invalid": gettext_lazy("Phí, lệ phí phải là số đồng, không có dấu chấm."),
            "min_value": gettext_lazy("Phí, lệ phí không thể âm."),
        },
    )
    note_reason = forms.CharField(
        label=gettext_lazy("Lý do (khi yêu cầu bổ sung hoặc từ chối)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    missing = forms.CharField(
        label=gettext_lazy("Giấy tờ cần bổ sung, hoàn thiện (mỗi dòng một mục)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: object, agencies: list[Agency], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["competent_agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies]).order_by("name")
        if len(agencies) == 1:
            field.initial = agencies[0].pk


def rule_for(version: ProcedureVersion, channel: str) -> ChannelRule | None:
    wanted = CATALOG_CHANNEL.get(channel, Channel.IN_PERSON)
    rules = list(ChannelRule.objects.filter(version=version).order_by("order"))
    return next((r for r in rules if r.channel == wanted), None) or next(
        (r for r in rules if r.channel == Channel.IN_PERSON), None
    )


def appointment_sentence(rule: ChannelRule | None) -> tuple[str, bool]:
    """(sentence, ok): the appointment if received now, and why."""
    if rule is None:
        return _("Thủ tục không có cách thức nộp này."), False
    now = timezone.now()
    # The limit in force for a dossier received now: the national one, or the unit an
    # administrator confirmed when the catalogue gives none (catalog LimitConfirmation).
    limit = rule.limit_at(now)
    if limit is None:
        return (
            _(
                "Danh mục thủ tục không quy định thời hạn giải quyết cho cách thức này; "
                "hồ sơ sẽ không có ngày hẹn trả."
            ),
            True,
        )
    try:
        deadline = due_instant(now, limit, get_calendar())
    except DeadlineError as exc:
        return str(exc), False
    return deadline.explain(), True


def _procedure(code: str) -> Procedure | None:
    if not code:
        return None
    return (
        Procedure.objects.select_related("current_version", "field")
        .filter(code=code.strip(), current_version__isnull=False)
        .first()
    )


def earlier_applicant(desk: Desk, identifier: str) -> dict[str, str] | None:
    """The applicant's details from their latest dossier this official may see, or from
    a citizen account with that personal identifier."""
    identifier = "".join(identifier.split())
    if not identifier:
        return None
    found = (
        Dossier.objects.filter(applicant_identifier=identifier)
        .filter(
            Q(receiving_agency_id__in=desk.agency_ids) | Q(competent_agency_id__in=desk.agency_ids)
        )
        .order_by("-submitted_at")
        .first()
    )
    if found is not None:
        return {
            "kind": found.applicant_kind,
            "identifier": identifier,
            "name": found.applicant_name,
            "phone": found.applicant_phone,
            "email": found.applicant_email,
            "address": found.applicant_address,
        }
    person = User.objects.filter(personal_id=identifier, is_active=True).first()
    if person is not None:
        return {
            "kind": ApplicantKind.PERSON,
            "identifier": identifier,
            "name": person.full_name,
            "phone": person.phone,
            "email": person.email,
            "address": "",
        }
    return None


def _uploads(request: HttpRequest, key: str) -> list[UploadedFile]:
    return [f for f in request.FILES.getlist(key) if f.name]


@officer_view
def counter(request: HttpRequest) -> HttpResponse:
    desk: Desk = request.desk  # type: ignore[attr-defined]
    if not desk.receives:
        messages.error(
            request,
            _("Bạn không có vai trò cán bộ một cửa tại %(agency)s.") % {"agency": desk.agency},
        )
        return redirect("backoffice:home")
    source = request.POST if request.method == "POST" else request.GET
    code = source.get("thu_tuc", "")
    procedure = _procedure(code)
    context: dict[str, object] = {"nav": "counter", "query": source.get("q", "")}
    if code and procedure is None:
        context["procedure_error"] = _("Không tìm thấy thủ tục có mã «%(code)s».") % {"code": code}
    if procedure is None:
        if context["query"]:
            context["suggestions"] = _suggest(str(context["query"]))
        return render(request, "backoffice/counter.html", context)

    version = procedure.current_version
    assert version is not None
    agencies = offered_agencies(procedure)
    rows = checklist(version)
    prefill = None
    if request.method == "GET" and request.GET.get("so"):
        prefill = earlier_applicant(desk, request.GET["so"])
        if prefill is None:
            context["lookup_note"] = _(
                "Chưa có hồ sơ nào của số định danh này; nhập thông tin người nộp."
            )
    applicant_form = ApplicantForm(
        request.POST if request.method == "POST" else None,
        initial=prefill or {"identifier": request.GET.get("so", "")},
        prefix="nn",
    )
    intake_form = IntakeForm(
        request.POST if request.method == "POST" else None,
        agencies=agencies,
        initial={"fee_vnd": None},
    )
    channel = (
        request.POST.get("channel") if request.method == "POST" else None
    ) or IntakeChannel.COUNTER
    rule = rule_for(version, channel)
    sentence, _ok = appointment_sentence(rule)
    context.update(
        procedure=procedure,
        version=version,
        agencies=agencies,
        rows=rows,
        applicant_form=applicant_form,
        intake_form=intake_form,
        rule=rule,
        appointment=sentence,
        prefilled=prefill is not None,
    )
    if not agencies:
        context["procedure_error"] = _(
            "Thủ tục này chưa được giao cho cơ quan nào của tỉnh; liên hệ quản trị hệ thống."
        )
        return render(request, "backoffice/counter.html", context, status=200)
    if request.method != "POST":
        return render(request, "backoffice/counter.html", context)

    decision = request.POST.get("decision", "receive")
    ok = applicant_form.is_valid() & intake_form.is_valid()
    documents: list[actions.DocumentInput] = []
    for row in rows:
        key = f"tp-{row.component.pk}"
        files = _uploads(request, f"tep-{row.component.pk}")
        row.ticked = bool(request.POST.get(key)) or bool(files)
        for upload in files:
            try:
                validate_file(upload)
            except DossierError as exc:
                row.error, ok = exc.message, False
        if row.ticked:
            name = row.component.name.strip().splitlines()[0][:280]
            if files:
                for i, upload in enumerate(files, start=1):
                    label = name if len(files) == 1 else f"{name} ({i}/{len(files)})"
                    documents.append(
                        actions.DocumentInput(label, component=row.component, file=upload)
                    )
            else:
                documents.append(
                    actions.DocumentInput(name, component=row.component, origin=DocumentOrigin.SCAN)
                )
    extra_name = request.POST.get("khac_ten", "").strip()
    extra_files = _uploads(request, "khac-tep")
    for upload in extra_files:
        try:
            validate_file(upload)
        except DossierError as exc:
            context["extra_error"], ok = exc.message, False
    if extra_files and not extra_name:
        context["extra_error"], ok = _("Ghi tên giấy tờ khác đã đính kèm."), False
    for upload in extra_files:
        documents.append(actions.DocumentInput(extra_name[:280], file=upload))

    if decision == "receive":
        missing = [r for r in rows if r.required and not r.ticked]
        for r in missing:
            r.error = _("Thành phần bắt buộc chưa được đánh dấu đã nhận.")
        if missing:
            ok = False
            context["form_error"] = _(
                "Thiếu %(n)s thành phần hồ sơ bắt buộc. Nếu người nộp chưa có, hãy chọn "
                "«Hướng dẫn bổ sung, hoàn thiện» (phiếu 02) thay vì tiếp nhận."
            ) % {"n": len(missing)}
        if not documents and not missing:
            ok = False
            context["form_error"] = _("Hồ sơ chưa có giấy tờ nào.")
    elif decision in ("complete", "refuse"):
        if not intake_form.data.get("note_reason", "").strip():
            intake_form.add_error("note_reason", _("Cần ghi rõ lý do."))
            ok = False
        if decision == "complete" and not intake_form.data.get("missing", "").strip():
            intake_form.add_error("missing", _("Cần ghi rõ những giấy tờ phải bổ sung."))
            ok = False
        if not documents:
            # Slip 02/03 list what was handed in; a dossier with nothing at all still
            # records that the applicant came for this procedure.
            documents.append(
                actions.DocumentInput(_("Đơn, tờ khai (chưa đủ)"), origin=DocumentOrigin.SCAN)
            )
    else:
        ok = False
        context["form_error"] = _("Thao tác không hợp lệ.")
    if not ok:
        context.setdefault(
            "form_error", _("Hồ sơ chưa được lưu. Sửa các mục được đánh dấu rồi thực hiện lại.")
        )
        if request.FILES:
            # Browsers never refill a file input; say so rather than lose scans silently.
            context["files_note"] = _(
                "Trình duyệt không giữ lại tệp đã chọn: hãy chọn lại các bản quét trước khi "
                "gửi lại."
            )
        return render(request, "backoffice/counter.html", context, status=400)

    a = applicant_form.cleaned_data
    intake = intake_form.cleaned_data
    assert desk.agency is not None
    assert rule is not None
    submission = actions.Submission(
        version=version,
        channel_rule=rule,
        applicant=actions.Applicant(
            name=a["name"],
            identifier=a["identifier"],
            kind=a["kind"],
            phone=a["phone"],
            email=a["email"],
            address=a["address"],
            principal_name=a["principal_name"],
            principal_identifier=a["principal_identifier"],
        ),
        receiving_agency=desk.agency,
        competent_agency=intake["competent_agency"],
        channel=intake["channel"],
        delivery=intake["delivery"],
        documents=documents,
        fee_vnd=intake["fee_vnd"],
    )
    user = request.user
    assert isinstance(user, User)
    try:
        with transaction.atomic():
            if decision == "receive":
                dossier = actions.receive_at_counter(submission, actor=user)
            else:
                dossier = actions.hand_back_at_counter(
                    submission,
                    actor=user,
                    refuse=decision == "refuse",
                    reason=intake["note_reason"],
                    missing=intake["missing"],
                )
    except DossierError as exc:
        context["form_error"] = exc.message
        if request.FILES:
            context["files_note"] = _(
                "Trình duyệt không giữ lại tệp đã chọn: hãy chọn lại các bản quét trước khi "
                "gửi lại."
            )
        return render(request, "backoffice/counter.html", context, status=400)
    if decision == "receive":
        messages.success(
            request,
            _("Đã tiếp nhận hồ sơ %(code)s. In giấy tiếp nhận và hẹn trả kết quả cho người nộp.")
            % {"code": dossier.code},
        )
        return redirect(_with_print(dossier, "01"))
    form = "03" if decision == "refuse" else "02"
    messages.success(
        request,
        _("Đã lập phiếu %(form)s cho hồ sơ %(code)s; hồ sơ không được tiếp nhận.")
        % {"form": form, "code": dossier.code},
    )
    return redirect(_with_print(dossier, form))


def _with_print(dossier: Dossier, form: str) -> str:
    from django.urls import reverse

    return reverse("backoffice:dossier", args=[dossier.code]) + f"?in={form}"


def _suggest(query: str) -> list[Procedure]:
    ids = search_procedures(query)[:200]
    offered = set(
        ProvinceProcedureSetting.objects.active()
        .filter(procedure_id__in=ids)
        .values_list("procedure_id", flat=True)
    )
    return procedures_in_order([pk for pk in ids if pk in offered][:SUGGESTIONS])


@require_GET
@officer_view
def procedure_search(request: HttpRequest) -> HttpResponse:
    """htmx: suggestions while typing (links that also work without JavaScript)."""
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "backoffice/_procedure_suggestions.html",
        {"suggestions": _suggest(query) if query else [], "query": query},
    )


@require_GET
@officer_view
def applicant_lookup(request: HttpRequest) -> HttpResponse:
    """htmx: the applicant fieldset prefilled from earlier dossiers."""
    desk: Desk = request.desk  # type: ignore[attr-defined]
    identifier = request.GET.get("nn-identifier", "") or request.GET.get("so", "")
    prefill = earlier_applicant(desk, identifier)
    form = ApplicantForm(initial=prefill or {"identifier": identifier}, prefix="nn")
    note = (
        _("Đã điền thông tin từ hồ sơ trước của người nộp; kiểm tra lại trước khi tiếp nhận.")
        if prefill
        else _("Chưa có hồ sơ nào của số định danh này; nhập thông tin người nộp.")
    )
    return render(
        request,
        "backoffice/_applicant.html",
        {"applicant_form": form, "lookup_note": note, "prefilled": prefill is not None},
    )


@require_GET
@officer_view
def appointment_preview(request: HttpRequest) -> HttpResponse:
    """htmx: the appointment for the chosen channel, received now."""
    procedure = _procedure(request.GET.get("thu_tuc", ""))
    if procedure is None or procedure.current_version is None:
        return HttpResponse(_("Chưa chọn thủ tục."))
    rule = rule_for(procedure.current_version, request.GET.get("channel", IntakeChannel.COUNTER))
    sentence, _ok = appointment_sentence(rule)
    return render(request, "backoffice/_appointment.html", {"appointment": sentence, "rule": rule})


__all__ = ["Role", "appointment_preview", "applicant_lookup", "counter", "procedure_search"]
