"""The dossier page: everything about one dossier, and the actions allowed now.

The actions offered follow the status table (``statuses.TRANSITIONS``) and the same
role rules the engine applies; the engine checks again when the form is sent, with the
``lock_version`` the page showed, so a colleague's earlier action gives a clear
conflict message instead of a lost update.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.accounts.models import User
from motcua.backoffice.scope import Desk, officer_view
from motcua.catalog.models import ProcedureResult
from motcua.dossiers import actions
from motcua.dossiers.actions.base import SUPERIOR_ROLES, superiors_of
from motcua.dossiers.actions.intake import validate_file
from motcua.dossiers.errors import ConflictError, DossierError
from motcua.dossiers.models import Delivery, Dossier, DossierEvent, Task, WorkflowStep
from motcua.dossiers.statuses import TRANSITIONS, Action, Status
from motcua.org.models import Agency, Membership, Role
from motcua.workdays.calendar import LOCAL_TZ

HANDLING_ROLES = (Role.HANDLER, Role.DEPARTMENT_HEAD, Role.LEADER)


def find_dossier(desk: Desk, code: str) -> Dossier:
    """The dossier with ``code`` if the official's agencies concern it; otherwise 404,
    the same answer as for a code that does not exist."""
    ids = desk.agency_ids
    dossier = (
        Dossier.objects.select_related(
            "procedure_version__procedure",
            "procedure_version__field",
            "channel_rule",
            "receiving_agency",
            "competent_agency",
            "workflow",
            "citizen",
        )
        .filter(code=code)
        .filter(
            Q(receiving_agency_id__in=ids)
            | Q(competent_agency_id__in=ids)
            | Q(pk__in=Task.objects.filter(agency_id__in=ids, dossier__code=code).values("dossier"))
        )
        .first()
    )
    if dossier is None:
        raise Http404(_("Không tìm thấy hồ sơ trong phạm vi cơ quan của bạn."))
    return dossier


# ---------------------------------------------------------------- forms of the actions


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class CompletionForm(ReasonForm):
    missing = forms.CharField(
        label=gettext_lazy("Giấy tờ cần bổ sung, hoàn thiện (mỗi dòng một mục)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class OpinionForm(forms.Form):
    opinion = forms.CharField(
        label=gettext_lazy("Ý kiến xử lý"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=gettext_lazy("Giao cho"), queryset=User.objects.none(), empty_label=None
    )


class SendBackForm(ReasonForm):
    to_step = forms.ModelChoiceField(
        label=gettext_lazy("Trả về bước"), queryset=WorkflowStep.objects.none(), empty_label=None
    )


class HandOverForm(ReasonForm):
    to_agency = forms.ModelChoiceField(
        label=gettext_lazy("Chuyển cho cơ quan"), queryset=Agency.objects.none(), empty_label=None
    )


class FilesForm(forms.Form):
    """Uploads are read from request.FILES (several per field); this form holds text."""

    note = forms.CharField(
        label=gettext_lazy("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PaymentRequestForm(forms.Form):
    amount_vnd = forms.IntegerField(
        label=gettext_lazy("Số tiền (đồng)"),
        min_value=1,
        max_value=10_000_000_000,
        error_messages={
            "invalid": gettext_lazy("Số tiền phải là số đồng, không có dấu chấm."),
            "min_value": gettext_lazy("Số tiền phải lớn hơn 0."),
        },
    )
    description = forms.CharField(label=gettext_lazy("Nội dung khoản phải nộp"), max_length=300)


class PaymentRecordForm(forms.Form):
    method = forms.CharField(
        label=gettext_lazy("Hình thức nộp"),
        max_length=40,
        initial=gettext_lazy("Tiền mặt tại bộ phận một cửa"),
    )
    receipt_number = forms.CharField(
        label=gettext_lazy("Số biên lai"), max_length=60, required=False
    )


class ExtendForm(ReasonForm):
    new_due = forms.DateTimeField(
        label=gettext_lazy("Hẹn trả mới (ngày/tháng/năm giờ:phút)"),
        input_formats=["%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%dT%H:%M"],
        error_messages={
            "invalid": gettext_lazy("Nhập ngày giờ dạng 25/12/2026 16:30."),
        },
        widget=forms.DateTimeInput(
            format="%d/%m/%Y %H:%M", attrs={"placeholder": "25/12/2026 16:30"}
        ),
    )


class ResultForm(forms.Form):
    result_type_code = forms.ChoiceField(label=gettext_lazy("Loại kết quả"), required=False)
    summary = forms.CharField(
        label=gettext_lazy("Trích yếu kết quả"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class RefuseForm(ReasonForm):
    pass


class ReturnForm(forms.Form):
    delivery = forms.ChoiceField(label=gettext_lazy("Hình thức trả"), choices=Delivery.choices)
    note = forms.CharField(label=gettext_lazy("Ghi chú"), required=False, max_length=500)


class CorrectForm(ReasonForm):
    reported_at = forms.DateField(
        label=gettext_lazy("Ngày người nộp phát hiện, báo sai sót"),
        input_formats=["%d/%m/%Y"],
        error_messages={"invalid": gettext_lazy("Nhập ngày dạng 25/12/2026.")},
    )
    result_type_code = forms.ChoiceField(label=gettext_lazy("Loại kết quả"), required=False)


class ConfirmForm(forms.Form):
    pass


# ---------------------------------------------------------------- what may be done now


@dataclass
class Offer:
    slug: str
    action: str
    title: str
    form: forms.Form
    files: str = ""  # label of the file input, if the action takes documents
    files_required: bool = False
    task: Task | None = None
    danger: bool = False


@dataclass
class Situation:
    desk: Desk
    dossier: Dossier
    tasks: list[Task]

    def holds(self, agency_id: int | None, *roles: str) -> bool:
        return bool(self.desk.roles.get(agency_id or 0, set()) & set(roles))

    @property
    def open_tasks(self) -> list[Task]:
        return [t for t in self.tasks if t.finished_at is None]

    def my_task(self, approval: bool | None = None) -> Task | None:
        """The first open step this official can act on."""
        for t in self.open_tasks:
            if approval is not None and t.step.is_approval != approval:
                continue
            if t.step.is_return:
                continue
            if not self.holds(t.agency_id, t.role, *superiors_of(t.role)):
                continue
            mine = t.assignee_id in (None, self.desk.user.pk)
            if mine or self.holds(t.agency_id, *superiors_of(t.role)):
                return t
        return None

    def handles(self) -> bool:
        d = self.dossier
        agencies = {t.agency_id for t in self.open_tasks} | {d.competent_agency_id}
        return any(self.holds(a, *HANDLING_ROLES) for a in agencies) or self.holds(
            d.receiving_agency_id, Role.RECEPTION
        )


def _allowed(action: str, status: str) -> bool:
    return status in TRANSITIONS[action][0]


def offers(sit: Situation, data: Any = None, files_for: str = "") -> list[Offer]:
    """The actions this official may take now, each with its (bound, if posted) form."""
    d = sit.dossier
    status = d.status
    out: list[Offer] = []
    form: forms.Form

    def bound(slug: str) -> Any:
        return data if files_for == slug else None

    reception = sit.holds(d.receiving_agency_id, Role.RECEPTION)
    if status == Status.SUBMITTED and reception:
        out.append(
            Offer(
                "tiep-nhan", Action.RECEIVE, _("Tiếp nhận hồ sơ"), ConfirmForm(bound("tiep-nhan"))
            )
        )
        out.append(
            Offer(
                "huong-dan-bo-sung",
                Action.REQUEST_COMPLETION,
                _("Hướng dẫn bổ sung, hoàn thiện (phiếu 02)"),
                CompletionForm(bound("huong-dan-bo-sung")),
            )
        )
        out.append(
            Offer(
                "tu-choi-tiep-nhan",
                Action.REFUSE_AT_INTAKE,
                _("Từ chối tiếp nhận (phiếu 03)"),
                ReasonForm(bound("tu-choi-tiep-nhan")),
                danger=True,
            )
        )
    handling_status = _allowed(Action.FORWARD, status)
    task = sit.my_task(approval=False)
    if handling_status and task is not None:
        out.append(
            Offer(
                "chuyen-buoc",
                Action.FORWARD,
                _("Hoàn thành bước «%(step)s», chuyển bước tiếp theo") % {"step": task.step.name},
                OpinionForm(bound("chuyen-buoc")),
                task=task,
            )
        )
    any_task = sit.my_task()
    if handling_status and any_task is not None:
        if sit.holds(any_task.agency_id, *superiors_of(any_task.role)):
            form = AssignForm(bound("phan-cong"))
            field = form.fields["assignee"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = (
                User.objects.filter(
                    memberships__agency_id=any_task.agency_id,
                    memberships__role=any_task.role,
                    memberships__is_active=True,
                    is_active=True,
                )
                .distinct()
                .order_by("full_name")
            )
            out.append(Offer("phan-cong", Action.ASSIGN, _("Phân công xử lý"), form, task=any_task))
        earlier = WorkflowStep.objects.filter(
            workflow_id=d.workflow_id, order__lt=any_task.step.order
        ).order_by("order", "pk")
        if earlier.exists():
            form = SendBackForm(bound("tra-lai"))
            field = form.fields["to_step"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = earlier
            out.append(
                Offer("tra-lai", Action.SEND_BACK, _("Trả lại bước trước"), form, task=any_task)
            )
        form = HandOverForm(bound("chuyen-co-quan"))
        field = form.fields["to_agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Agency.objects.filter(is_active=True).exclude(pk=any_task.agency_id).order_by("name")
        )
        out.append(
            Offer(
                "chuyen-co-quan",
                Action.HAND_OVER,
                _("Chuyển cơ quan khác xử lý (liên thông)"),
                form,
                task=any_task,
            )
        )
    handles = sit.handles()
    if _allowed(Action.REQUEST_SUPPLEMENT, status) and handles:
        out.append(
            Offer(
                "yeu-cau-bo-sung",
                Action.REQUEST_SUPPLEMENT,
                _("Yêu cầu bổ sung hồ sơ (phiếu 02)"),
                CompletionForm(bound("yeu-cau-bo-sung")),
            )
        )
    if _allowed(Action.RECORD_SUPPLEMENT, status) and reception:
        out.append(
            Offer(
                "nhan-bo-sung",
                Action.RECORD_SUPPLEMENT,
                _("Nhận hồ sơ bổ sung"),
                FilesForm(bound("nhan-bo-sung")),
                files=_("Giấy tờ bổ sung"),
                files_required=True,
            )
        )
    if _allowed(Action.REQUEST_PAYMENT, status) and handles:
        out.append(
            Offer(
                "yeu-cau-nop-phi",
                Action.REQUEST_PAYMENT,
                _("Yêu cầu nộp phí, lệ phí, nghĩa vụ tài chính"),
                PaymentRequestForm(bound("yeu-cau-nop-phi")),
            )
        )
    if _allowed(Action.RECORD_PAYMENT, status) and handles:
        out.append(
            Offer(
                "ghi-nhan-nop-phi",
                Action.RECORD_PAYMENT,
                _("Ghi nhận đã nộp"),
                PaymentRecordForm(bound("ghi-nhan-nop-phi")),
            )
        )
    if _allowed(Action.EXTEND, status) and handles and not hasattr_extension(d):
        out.append(
            Offer(
                "gia-han",
                Action.EXTEND,
                _("Gia hạn và xin lỗi (phiếu 04)"),
                ExtendForm(bound("gia-han")),
            )
        )
    approval = sit.my_task(approval=True)
    if _allowed(Action.APPROVE_RESULT, status) and approval is not None:
        form = ResultForm(bound("phe-duyet"))
        _result_choices(form, d)
        out.append(
            Offer(
                "phe-duyet",
                Action.APPROVE_RESULT,
                _("Phê duyệt, ký kết quả"),
                form,
                files=_("Văn bản kết quả (đã ký)"),
                files_required=True,
                task=approval,
            )
        )
    if _allowed(Action.REFUSE, status) and sit.holds(d.competent_agency_id, Role.LEADER):
        out.append(
            Offer(
                "tu-choi-giai-quyet",
                Action.REFUSE,
                _("Từ chối giải quyết"),
                RefuseForm(bound("tu-choi-giai-quyet")),
                files=_("Văn bản từ chối (nếu có)"),
                danger=True,
            )
        )
    if _allowed(Action.RETURN_RESULT, status) and reception:
        form = ReturnForm(bound("tra-ket-qua"), initial={"delivery": d.delivery})
        out.append(Offer("tra-ket-qua", Action.RETURN_RESULT, _("Trả kết quả"), form))
    ends = sit.holds(d.receiving_agency_id, Role.RECEPTION, *SUPERIOR_ROLES) or sit.holds(
        d.competent_agency_id, *SUPERIOR_ROLES
    )
    if _allowed(Action.WITHDRAW, status) and status != Status.SUBMITTED and ends:
        out.append(
            Offer(
                "rut-ho-so",
                Action.WITHDRAW,
                _("Rút hồ sơ theo yêu cầu người nộp"),
                ReasonForm(bound("rut-ho-so")),
                danger=True,
            )
        )
        out.append(
            Offer(
                "dung-xu-ly",
                Action.STOP,
                _("Dừng xử lý (phiếu 05)"),
                ReasonForm(bound("dung-xu-ly")),
                danger=True,
            )
        )
    if _allowed(Action.CORRECT_RESULT, status) and sit.holds(d.competent_agency_id, Role.LEADER):
        form = CorrectForm(bound("dinh-chinh"))
        _result_choices(form, d)
        out.append(
            Offer(
                "dinh-chinh",
                Action.CORRECT_RESULT,
                _("Đính chính kết quả"),
                form,
                files=_("Kết quả đã đính chính"),
                files_required=True,
            )
        )
    for offer in out:
        # Several forms share the page: give each its own element ids, so every label
        # points at its own field (screen readers, and clicking a label).
        offer.form.auto_id = f"{offer.slug}-%s"
    return out


def hasattr_extension(dossier: Dossier) -> bool:
    try:
        return dossier.extension is not None
    except Dossier.extension.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return False


def _result_choices(form: forms.Form, dossier: Dossier) -> None:
    results = ProcedureResult.objects.filter(version_id=dossier.procedure_version_id).order_by(
        "order"
    )
    choices = [(r.code, f"{r.code} — {r.name[:120]}") for r in results if r.code]
    field = form.fields["result_type_code"]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices or [("", _("(danh mục không có mã loại kết quả)"))]
    field.required = bool(choices)


# ---------------------------------------------------------------- performing an action


def _documents(request: HttpRequest, name: str, default_name: str) -> list[actions.DocumentInput]:
    docs = []
    for upload in request.FILES.getlist("tep"):
        if upload.name:
            validate_file(upload)
            docs.append(actions.DocumentInput(name or default_name, file=upload))
    return docs


def _local(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=LOCAL_TZ) if value.tzinfo is None else value


PERFORM: dict[str, Callable[[Dossier, User, dict[str, Any], Offer, HttpRequest, int], object]] = {
    Action.RECEIVE: lambda d, u, c, o, r, v: actions.accept_submission(
        d, actor=u, expected_version=v
    ),
    Action.REQUEST_COMPLETION: lambda d, u, c, o, r, v: actions.request_completion(
        d, actor=u, reason=c["reason"], missing=c["missing"], expected_version=v
    ),
    Action.REFUSE_AT_INTAKE: lambda d, u, c, o, r, v: actions.refuse_at_intake(
        d, actor=u, reason=c["reason"], expected_version=v
    ),
    Action.FORWARD: lambda d, u, c, o, r, v: actions.forward(
        d, actor=u, task=o.task, opinion=c["opinion"], expected_version=v
    ),
    Action.ASSIGN: lambda d, u, c, o, r, v: actions.assign(
        d, actor=u, assignee=c["assignee"], task=o.task, expected_version=v
    ),
    Action.SEND_BACK: lambda d, u, c, o, r, v: actions.send_back(
        d, actor=u, to_step=c["to_step"], reason=c["reason"], task=o.task, expected_version=v
    ),
    Action.HAND_OVER: lambda d, u, c, o, r, v: actions.hand_over(
        d, actor=u, to_agency=c["to_agency"], reason=c["reason"], task=o.task, expected_version=v
    ),
    Action.REQUEST_SUPPLEMENT: lambda d, u, c, o, r, v: actions.request_supplement(
        d, actor=u, reason=c["reason"], missing=c["missing"], expected_version=v
    ),
    Action.RECORD_SUPPLEMENT: lambda d, u, c, o, r, v: actions.record_supplement(
        d,
        actor=u,
        documents=_documents(r, "", _("Giấy tờ bổ sung")),
        note=c["note"],
        expected_version=v,
    ),
    Action.REQUEST_PAYMENT: lambda d, u, c, o, r, v: actions.request_payment(
        d, actor=u, amount_vnd=c["amount_vnd"], description=c["description"], expected_version=v
    ),
    Action.RECORD_PAYMENT: lambda d, u, c, o, r, v: actions.record_payment(
        d, actor=u, method=c["method"], receipt_number=c["receipt_number"], expected_version=v
    ),
    Action.EXTEND: lambda d, u, c, o, r, v: actions.extend_deadline(
        d, actor=u, new_due=_local(c["new_due"]), reason=c["reason"], expected_version=v
    ),
    Action.APPROVE_RESULT: lambda d, u, c, o, r, v: actions.approve_result(
        d,
        actor=u,
        result_type_code=c["result_type_code"],
        documents=_documents(r, "", _("Kết quả giải quyết")),
        summary=c["summary"],
        task=o.task,
        expected_version=v,
    ),
    Action.REFUSE: lambda d, u, c, o, r, v: actions.refuse(
        d,
        actor=u,
        reason=c["reason"],
        documents=_documents(r, "", _("Văn bản từ chối")),
        expected_version=v,
    ),
    Action.RETURN_RESULT: lambda d, u, c, o, r, v: actions.return_result(
        d, actor=u, delivery=c["delivery"], note=c["note"], expected_version=v
    ),
    Action.WITHDRAW: lambda d, u, c, o, r, v: actions.withdraw(
        d, actor=u, reason=c["reason"], expected_version=v
    ),
    Action.STOP: lambda d, u, c, o, r, v: actions.stop(
        d, actor=u, reason=c["reason"], expected_version=v
    ),
    Action.CORRECT_RESULT: lambda d, u, c, o, r, v: actions.correct_result(
        d,
        actor=u,
        reason=c["reason"],
        reported_at=dt.datetime.combine(c["reported_at"], dt.time(8, 0), tzinfo=LOCAL_TZ),
        documents=_documents(r, "", _("Kết quả đã đính chính")),
        result_type_code=c["result_type_code"] or None,
        expected_version=v,
    ),
}

# Which printed form follows an action (the page offers it at once).
FORM_AFTER: dict[str, str] = {
    Action.RECEIVE: "01",
    Action.REQUEST_COMPLETION: "02",
    Action.REQUEST_SUPPLEMENT: "02",
    Action.REFUSE_AT_INTAKE: "03",
    Action.EXTEND: "04",
    Action.STOP: "05",
    Action.WITHDRAW: "05",
}


def _page(
    request: HttpRequest,
    dossier: Dossier,
    sit: Situation,
    available: list[Offer],
    *,
    failed: str = "",
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    events = list(
        DossierEvent.objects.filter(dossier=dossier).select_related("actor_agency").order_by("seq")
    )
    documents = list(dossier.documents.select_related("component").order_by("uploaded_at", "pk"))
    printable = [
        ("01", _("Giấy tiếp nhận và hẹn trả kết quả")),
        ("06", _("Phiếu kiểm soát quá trình")),
    ]
    actions_done = {e.action for e in events}
    if actions_done & {Action.REQUEST_COMPLETION, Action.REQUEST_SUPPLEMENT}:
        printable.append(("02", _("Phiếu yêu cầu bổ sung, hoàn thiện")))
    if actions_done & {Action.REFUSE_AT_INTAKE, Action.REFUSE}:
        printable.append(("03", _("Phiếu từ chối")))
    if Action.EXTEND in actions_done:
        printable.append(("04", _("Phiếu xin lỗi và hẹn lại ngày trả")))
    if actions_done & {Action.STOP, Action.WITHDRAW}:
        printable.append(("05", _("Thông báo dừng giải quyết")))
    if dossier.received_at is None:
        printable = [p for p in printable if p[0] not in {"01", "06"}]
    print_now = request.GET.get("in", "")
    return render(
        request,
        "backoffice/dossier.html",
        {
            "dossier": dossier,
            "limit": dossier.channel_rule.limit_at(dossier.received_at or dossier.submitted_at),
            "tasks": sit.tasks,
            "events": events,
            "documents": documents,
            "offers": available,
            "failed": failed,
            "error": error,
            "printable": printable,
            "print_now": print_now if print_now in {p[0] for p in printable} else "",
            "supplements": list(dossier.supplement_requests.order_by("requested_at")),
            "payments": list(dossier.payments.order_by("requested_at")),
            "results": list(dossier.results.select_related("approved_by").order_by("approved_at")),
            "extension": dossier.extension if hasattr_extension(dossier) else None,
            "nav": "",
        },
        status=status,
    )


def _situation(desk: Desk, dossier: Dossier) -> Situation:
    tasks = list(
        Task.objects.filter(dossier=dossier)
        .select_related("step", "agency", "assignee", "finished_by")
        .order_by("started_at", "pk")
    )
    return Situation(desk=desk, dossier=dossier, tasks=tasks)


@officer_view
def dossier_page(request: HttpRequest, code: str) -> HttpResponse:
    desk: Desk = request.desk  # type: ignore[attr-defined]
    dossier = find_dossier(desk, code)
    sit = _situation(desk, dossier)
    return _page(request, dossier, sit, offers(sit))


@require_POST
@officer_view
def act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    desk: Desk = request.desk  # type: ignore[attr-defined]
    dossier = find_dossier(desk, code)
    sit = _situation(desk, dossier)
    available = offers(sit, request.POST, files_for=action)
    offer = next((o for o in available if o.slug == action), None)
    try:
        version = int(request.POST.get("lock_version", ""))
    except ValueError:
        version = -1
    if offer is None:
        # Not allowed now: most often a colleague acted first; say so plainly.
        message = (
            _(
                "Hồ sơ %(code)s vừa được người khác cập nhật; thao tác này không còn thực "
                "hiện được. Xem lại tình trạng hồ sơ dưới đây."
            )
            % {"code": dossier.code}
            if version != dossier.lock_version
            else _(
                "Thao tác này không được phép với hồ sơ ở trạng thái hiện tại hoặc với "
                "vai trò của bạn."
            )
        )
        return _page(request, dossier, sit, offers(sit), failed=action, error=message, status=409)
    if not offer.form.is_valid():
        return _page(
            request,
            dossier,
            sit,
            available,
            failed=action,
            error=_("Kiểm tra lại các mục được đánh dấu."),
            status=400,
        )
    if offer.files_required and not any(f.name for f in request.FILES.getlist("tep")):
        return _page(
            request,
            dossier,
            sit,
            available,
            failed=action,
            error=_("Cần đính kèm tệp văn bản."),
            status=400,
        )
    user = request.user
    assert isinstance(user, User)
    try:
        PERFORM[offer.action](dossier, user, offer.form.cleaned_data, offer, request, version)
    except ConflictError as exc:
        dossier = find_dossier(desk, code)
        sit = _situation(desk, dossier)
        return _page(
            request, dossier, sit, offers(sit), failed=action, error=exc.message, status=409
        )
    except DossierError as exc:
        return _page(request, dossier, sit, available, failed=action, error=exc.message, status=400)
    messages.success(request, _("Đã thực hiện: %(title)s.") % {"title": offer.title})
    target = redirect("backoffice:dossier", code=dossier.code)
    form = FORM_AFTER.get(offer.action)
    if form:
        target["Location"] += f"?in={form}"
    return target


@officer_view
def document(request: HttpRequest, code: str, pk: int) -> HttpResponseBase:
    """A document of the dossier, shown in the browser (never another dossier's)."""
    desk: Desk = request.desk  # type: ignore[attr-defined]
    dossier = find_dossier(desk, code)
    doc = dossier.documents.filter(pk=pk).first()
    if doc is None or not doc.file:
        raise Http404(_("Không tìm thấy giấy tờ."))
    response = FileResponse(
        doc.file.open("rb"), content_type=doc.content_type or "application/octet-stream"
    )
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


__all__ = ["Membership", "act", "document", "dossier_page"]
