"""Internal workflows (quy trình nội bộ): the approved steps a procedure follows.

A workflow belongs to a procedure (optionally to one competent agency) and is
versioned: once a dossier follows a version, that version is never edited — an
administrator's change creates the next version (``motcua.dossiers.workflows``).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure
from motcua.org.models import Agency, Role


class WorkflowKind(models.TextChoices):
    SINGLE = "single", _("Một cơ quan")
    INTER_AGENCY = "inter_agency", _("Liên thông nhiều cơ quan")


class StepAgency(models.TextChoices):
    RECEIVING = "receiving", _("Bộ phận một cửa tiếp nhận")
    COMPETENT = "competent", _("Cơ quan có thẩm quyền")
    NAMED = "named", _("Cơ quan phối hợp được chỉ định")


class SupplementPolicy(models.TextChoices):
    # deadlines.md §5. Decree 118/2025 Art. 19(5): the time limit restarts from zero.
    RESTART = "restart", _("Tính lại từ đầu khi nhận đủ bổ sung (Điều 19 khoản 5 NĐ 118)")
    PAUSE = "pause", _("Tạm dừng trong thời gian chờ bổ sung (theo luật chuyên ngành)")


class Workflow(models.Model):
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="workflows"
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("áp dụng cho cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workflows",
        help_text=_("Để trống: áp dụng cho mọi cơ quan có thẩm quyền."),
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    kind = models.CharField(
        _("loại quy trình"), max_length=20, choices=WorkflowKind.choices, default="single"
    )
    lead_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan chủ trì (liên thông)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_workflows",
    )
    supplement_policy = models.CharField(
        _("thời hạn sau khi bổ sung"),
        max_length=10,
        choices=SupplementPolicy.choices,
        default=SupplementPolicy.RESTART,
    )
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    is_default = models.BooleanField(_("quy trình mặc định tự sinh"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("quy trình nội bộ")
        verbose_name_plural = _("quy trình nội bộ")
        ordering = ["procedure", "agency", "-version"]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.version}"

    def total_hours(self) -> Decimal:
        return sum((step.allotted_hours for step in self.steps.all()), Decimal(0))


class WorkflowStep(models.Model):
    """One step. Steps with the same ``order`` run in parallel (inter-agency)."""

    workflow = models.ForeignKey(
        Workflow, verbose_name=_("quy trình"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=200)
    role = models.CharField(_("vai trò thực hiện"), max_length=20, choices=Role.choices)
    agency_source = models.CharField(
        _("cơ quan thực hiện"), max_length=20, choices=StepAgency.choices, default="competent"
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan được chỉ định"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    allotted_hours = models.DecimalField(
        _("thời gian (giờ làm việc)"), max_digits=8, decimal_places=2
    )
    is_approval = models.BooleanField(_("bước phê duyệt kết quả"), default=False)
    is_return = models.BooleanField(_("bước trả kết quả"), default=False)

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["workflow", "order", "id"]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"
