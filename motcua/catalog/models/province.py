"""How this province runs national procedures: which agency, how far online."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalog.choices import OnlineLevel
from motcua.catalog.models.procedures import Procedure
from motcua.org.models import Agency


class ProvinceProcedureSettingQuerySet(models.QuerySet["ProvinceProcedureSetting"]):
    def active(self) -> ProvinceProcedureSettingQuerySet:
        return self.filter(is_active=True, agency__is_active=True)

    def for_procedure(self, procedure: Procedure) -> ProvinceProcedureSettingQuerySet:
        """The agencies that run ``procedure``, with the agency loaded, by name."""
        return self.filter(procedure=procedure).select_related("agency").order_by("agency__name")


class ProvinceProcedureSetting(models.Model):
    """An agency of this province runs a procedure, at an online service level.

    Edited by administrators; the catalogue import never touches these rows. The
    setting is per procedure, not per version: a new national version keeps the
    province's arrangements.
    """

    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("thủ tục"),
        on_delete=models.CASCADE,
        related_name="agency_settings",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan thực hiện"),
        on_delete=models.CASCADE,
        related_name="procedure_settings",
    )
    online_level = models.CharField(
        _("mức độ dịch vụ công trực tuyến"),
        max_length=20,
        choices=OnlineLevel.choices,
        default=OnlineLevel.NONE,
    )
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    note = models.TextField(_("ghi chú"), blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = ProvinceProcedureSettingQuerySet.as_manager()

    class Meta:
        verbose_name = _("thủ tục áp dụng tại tỉnh")
        verbose_name_plural = _("thủ tục áp dụng tại tỉnh")
        ordering = ["procedure", "agency"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "agency"], name="province_setting_procedure_agency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} — {self.agency}"
