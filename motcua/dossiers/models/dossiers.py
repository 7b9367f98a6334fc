"""The dossier (hồ sơ) and what hangs off it: documents, tasks, supplement requests,
extensions, payments, results.

Rows are written only by the actions in ``motcua.dossiers.actions``; the model holds
single-row rules (``is_overdue``) and the QuerySet reusable filters (``visible_to``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import ChannelRule, Component, ProcedureVersion
from motcua.dossiers.models.workflows import Workflow, WorkflowStep
from motcua.dossiers.statuses import ENDED, OPEN, Status
from motcua.org.models import AdministrativeUnit, Agency, Membership, Role

if TYPE_CHECKING:
    from motcua.accounts.models import User


class IntakeChannel(models.TextChoices):
    COUNTER = "counter", _("Trực tiếp tại bộ phận một cửa")
    ONLINE = "online", _("Trực tuyến")
    POST = "post", _("Qua dịch vụ bưu chính")
    API = "api", _("Từ hệ thống khác")


class Delivery(models.TextChoices):
    COUNTER = "counter", _("Nhận tại bộ phận một cửa")
    POST = "post", _("Nhận qua dịch vụ bưu chính")
    ONLINE = "online", _("Nhận trực tuyến")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    ORGANISATION = "organisation", _("Tổ chức")


class Timeliness(models.TextChoices):
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class DossierQuerySet(models.QuerySet["Dossier"]):
    def visible_to(self, user: User) -> DossierQuerySet:
        """Dossiers of the agencies where ``user`` works: received there, decided
        there, or with a task there (inter-agency). Nothing else."""
        agency_ids = Membership.objects.filter(user=user, is_active=True).values("agency_id")
        return self.filter(
            Q(receiving_agency_id__in=agency_ids)
            | Q(competent_agency_id__in=agency_ids)
            | Q(pk__in=Task.objects.filter(agency_id__in=agency_ids).values("dossier_id"))
        )

    def open(self) -> DossierQuerySet:
        return self.filter(status__in=OPEN)

    def overdue(self, at: dt.datetime) -> DossierQuerySet:
        """Open dossiers past their due instant; a dossier awaiting a supplement is
        held by the applicant and is never overdue (deadlines.md §7)."""
        return self.filter(status__in=OPEN - {Status.AWAITING_SUPPLEMENT}, due_at__lt=at)


class Dossier(models.Model):
    code = models.CharField(_("mã hồ sơ"), max_length=80, unique=True)
    procedure_version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("thủ tục (phiên bản)"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    channel_rule = models.ForeignKey(
        ChannelRule,
        verbose_name=_("cách thức thực hiện"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    workflow = models.ForeignKey(
        Workflow, verbose_name=_("quy trình"), on_delete=models.PROTECT, related_name="dossiers"
    )
    channel = models.CharField(_("kênh nộp"), max_length=10, choices=IntakeChannel.choices)
    # Both agencies lead the indexes below (agency, status, due) and (agency, due, id):
    # an index of the agency alone would only cost every reception its upkeep.
    receiving_agency = models.ForeignKey(
        Agency,
        verbose_name=_("nơi tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="received_dossiers",
        db_index=False,
    )
    competent_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan giải quyết"),
        on_delete=models.PROTECT,
        related_name="competent_dossiers",
        db_index=False,
    )

    applicant_kind = models.CharField(
        _("loại người nộp"), max_length=12, choices=ApplicantKind.choices, default="person"
    )
    applicant_name = models.CharField(_("tên người nộp"), max_length=200)
    # 12-digit personal identifier (số định danh cá nhân) or an organisation's tax code.
    applicant_identifier = models.CharField(_("số định danh / mã số thuế"), max_length=20)
    applicant_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    applicant_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("xã, phường"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    principal_name = models.CharField(_("người ủy quyền"), max_length=200, blank=True)
    principal_identifier = models.CharField(
        _("số định danh người ủy quyền"), max_length=20, blank=True
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản công dân"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dossiers",
    )

    submitted_at = models.DateTimeField(_("nộp lúc"))
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    clock_started_at = models.DateTimeField(_("bắt đầu tính thời hạn"), null=True, blank=True)
    due_at = models.DateTimeField(_("hẹn trả"), null=True, blank=True, db_index=True)
    original_due_at = models.DateTimeField(_("hẹn trả ban đầu"), null=True, blank=True)
    ended_at = models.DateTimeField(_("kết thúc xử lý lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    timeliness = models.CharField(
        _("tiến độ"), max_length=10, choices=Timeliness.choices, blank=True
    )
    status = models.CharField(_("trạng thái"), max_length=24, choices=Status.choices)
    national_code = models.PositiveSmallIntegerField(_("mã trạng thái quốc gia"))
    delivery = models.CharField(
        _("hình thức nhận kết quả"), max_length=10, choices=Delivery.choices, default="counter"
    )
    fee_vnd = models.PositiveBigIntegerField(_("phí, lệ phí (đồng)"), default=0)
    is_digitised = models.BooleanField(_("đã số hóa"), default=False)
    reuses_data = models.BooleanField(_("có tái sử dụng dữ liệu"), default=False)
    completion_requested_at = models.DateTimeField(
        _("yêu cầu hoàn thiện lúc"), null=True, blank=True
    )
    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    # Optimistic lock: every action increments it; a caller that loaded version N and
    # finds N+1 gets a ConflictError instead of overwriting a colleague's work.
    lock_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["competent_agency", "status", "due_at"]),
            models.Index(fields=["receiving_agency", "status", "due_at"]),
            models.Index(fields=["received_at"]),
            models.Index(fields=["applicant_identifier"]),
            # The back-office worklists: an agency's dossiers in due order, all of them
            # and the open ones (keyset pagination on (due_at, id)).
            models.Index(fields=["receiving_agency", "due_at", "id"], name="dossier_receiving_due"),
            models.Index(fields=["competent_agency", "due_at", "id"], name="dossier_competent_due"),
            models.Index(
                fields=["receiving_agency", "due_at", "id"],
                condition=Q(status__in=sorted(OPEN)),
                name="dossier_open_receiving_due",
            ),
            models.Index(
                fields=["competent_agency", "due_at", "id"],
                condition=Q(status__in=sorted(OPEN)),
                name="dossier_open_competent_due",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def has_ended(self) -> bool:
        return self.status in ENDED

    def is_overdue(self, at: dt.datetime) -> bool:
        return (
            self.status in OPEN
            and self.status != Status.AWAITING_SUPPLEMENT
            and self.due_at is not None
            and self.due_at < at
        )

    def open_tasks(self) -> models.QuerySet[Task]:
        return self.tasks.filter(finished_at__isnull=True)


class DocumentOrigin(models.TextChoices):
    CITIZEN = "citizen", _("Người nộp tải lên")
    SCAN = "scan", _("Số hóa tại bộ phận một cửa")
    REUSED = "reused", _("Tái sử dụng dữ liệu đã có")
    SUPPLEMENT = "supplement", _("Hồ sơ bổ sung")
    RESULT = "result", _("Kết quả giải quyết")
    NOTICE = "notice", _("Văn bản, phiếu của cơ quan")


def _document_path(instance: Document, filename: str) -> str:
    return f"dossiers/{instance.dossier.code}/{filename}"


class Document(models.Model):
    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="documents"
    )
    component = models.ForeignKey(
        Component,
        verbose_name=_("thành phần hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    result = models.ForeignKey(
        "Result",
        verbose_name=_("kết quả"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    name = models.CharField(_("tên giấy tờ"), max_length=300)
    file = models.FileField(_("tệp"), upload_to=_document_path, max_length=300, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    origin = models.CharField(_("nguồn"), max_length=12, choices=DocumentOrigin.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"))

    class Meta:
        verbose_name = _("giấy tờ")
        verbose_name_plural = _("giấy tờ")
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return self.name


class TaskOutcome(models.TextChoices):
    FORWARDED = "forwarded", _("Đã chuyển bước tiếp theo")
    SENT_BACK = "sent_back", _("Trả lại bước trước")
    HANDED_OVER = "handed_over", _("Chuyển cơ quan khác")
    APPROVED = "approved", _("Đã phê duyệt")
    REFUSED = "refused", _("Từ chối giải quyết")
    RETURNED = "returned", _("Đã trả kết quả")
    RECEIVED = "received", _("Đã tiếp nhận")
    CANCELLED = "cancelled", _("Hủy do hồ sơ kết thúc")
    RESTARTED = "restarted", _("Tính lại sau bổ sung")


class TaskQuerySet(models.QuerySet["Task"]):
    def for_officer(self, user: User) -> TaskQuerySet:
        """The open steps waiting for ``user`` ("my tasks"): those assigned to them, and
        the unassigned ones of a role they hold in the step's agency — only while they
        still work there. Soonest due first; the dossier, step, agency and assignee come
        in the same query, so listing them costs one query however many there are."""
        works_there = Membership.objects.filter(
            user=user, is_active=True, agency_id=OuterRef("agency_id")
        )
        return (
            self.filter(finished_at__isnull=True)
            .alias(
                works_there=Exists(works_there),
                holds_role=Exists(works_there.filter(role=OuterRef("role"))),
            )
            .filter(Q(assignee=user, works_there=True) | Q(assignee=None, holds_role=True))
            .select_related("dossier", "step", "agency", "assignee")
            .order_by("due_at", "pk")
        )


class Task(models.Model):
    """One step of the workflow for one dossier, at one agency."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="tasks"
    )
    step = models.ForeignKey(
        WorkflowStep, verbose_name=_("bước"), on_delete=models.PROTECT, related_name="tasks"
    )
    # The agency and the assignee lead the indexes (…, finished_at, due_at) below.
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        related_name="tasks",
        db_index=False,
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        db_index=False,
    )
    allotted_hours = models.DecimalField(
        _("thời gian được giao (giờ làm việc)"), max_digits=8, decimal_places=2
    )
    started_at = models.DateTimeField(_("bắt đầu"))
    due_at = models.DateTimeField(_("hạn xử lý"), db_index=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("kết quả"), max_length=12, choices=TaskOutcome.choices, blank=True)
    timeliness = models.CharField(max_length=10, choices=Timeliness.choices, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("bước xử lý của hồ sơ")
        verbose_name_plural = _("bước xử lý của hồ sơ")
        ordering = ["dossier", "started_at", "id"]
        indexes = [
            models.Index(fields=["agency", "finished_at", "due_at"]),
            models.Index(fields=["assignee", "finished_at", "due_at"]),
            # Open steps in due order ("my tasks", the agency's open steps).
            models.Index(
                fields=["agency", "due_at", "id"],
                condition=Q(finished_at__isnull=True),
                name="task_open_agency_due",
            ),
            models.Index(
                fields=["assignee", "due_at", "id"],
                condition=Q(finished_at__isnull=True),
                name="task_open_assignee_due",
            ),
            # An agency's open steps of one role: the steps handed over to it
            # (worklists._elsewhere) among the many open steps of a centre.
            models.Index(
                fields=["agency", "role"],
                condition=Q(finished_at__isnull=True),
                name="task_open_agency_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier.code} — {self.step.name}"


class SupplementRequest(models.Model):
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="supplement_requests"
    )
    requested_at = models.DateTimeField(_("yêu cầu lúc"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("lý do"))
    missing = models.TextField(_("giấy tờ cần bổ sung"))
    late_warning = models.BooleanField(_("quá 3 ngày làm việc sau tiếp nhận"), default=False)
    completed_at = models.DateTimeField(_("bổ sung đủ lúc"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    policy = models.CharField(_("cách tính lại thời hạn"), max_length=10, blank=True)
    due_before = models.DateTimeField(null=True, blank=True)
    due_after = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(_("đóng hồ sơ lúc"), null=True, blank=True)
    close_after = models.DateTimeField(_("đóng nếu không bổ sung sau"), db_index=True)

    class Meta:
        verbose_name = _("yêu cầu bổ sung")
        verbose_name_plural = _("yêu cầu bổ sung")
        ordering = ["dossier", "requested_at"]

    def __str__(self) -> str:
        return f"{self.dossier} — {self.requested_at:%d/%m/%Y}"


class Extension(models.Model):
    """Decree 118/2025 Art. 19(6): one apology-and-extension per dossier."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="extension")
    recorded_at = models.DateTimeField(_("ghi nhận lúc"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("lý do"))
    previous_due = models.DateTimeField(_("hẹn trả cũ"))
    new_due = models.DateTimeField(_("hẹn trả mới"))
    late_warning = models.BooleanField(_("ít hơn 1 ngày làm việc trước hạn"), default=False)

    class Meta:
        verbose_name = _("gia hạn, xin lỗi")
        verbose_name_plural = _("gia hạn, xin lỗi")

    def __str__(self) -> str:
        return f"{self.dossier} — {self.new_due:%d/%m/%Y}"


class Payment(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="payments")
    amount_vnd = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    description = models.CharField(_("nội dung"), max_length=300)
    requested_at = models.DateTimeField(_("yêu cầu lúc"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    paid_at = models.DateTimeField(_("đã nộp lúc"), null=True, blank=True)
    method = models.CharField(_("hình thức nộp"), max_length=40, blank=True)
    receipt_number = models.CharField(_("số biên lai"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("nghĩa vụ tài chính")
        verbose_name_plural = _("nghĩa vụ tài chính")

    def __str__(self) -> str:
        return f"{self.dossier} — {self.amount_vnd} đ"


class ResultKind(models.TextChoices):
    DECISION = "decision", _("Kết quả giải quyết")
    REFUSAL = "refusal", _("Văn bản từ chối giải quyết")


class Result(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="results")
    kind = models.CharField(_("loại"), max_length=10, choices=ResultKind.choices)
    result_type_code = models.CharField(_("mã loại kết quả"), max_length=40, blank=True)
    # Decree 118/2025 Art. 22: e-result code = applicant identifier + result-type code.
    e_result_code = models.CharField(_("mã kết quả điện tử"), max_length=80, blank=True)
    summary = models.TextField(_("trích yếu"), blank=True)
    approved_at = models.DateTimeField(_("phê duyệt lúc"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by"
    )
    is_current = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("kết quả")
        verbose_name_plural = _("kết quả")
        ordering = ["dossier", "approved_at"]

    def __str__(self) -> str:
        return f"{self.dossier} — {self.get_kind_display()}"
