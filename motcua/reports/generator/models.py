"""What ``generate_province`` remembers about its runs, so that an interrupted run can
be resumed and any run removed cleanly.

A run is identified by what makes its plan: profile, year, scale and seed (the plan is
a pure function of them and of the reference data). ``done`` counts the dossiers
committed so far, in plan order; each batch's dossiers and the new ``done`` are
committed together, so ``done`` never disagrees with the database.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier


class GeneratorRun(models.Model):
    profile = models.CharField(_("hồ sơ mẫu"), max_length=60)
    year = models.PositiveSmallIntegerField(_("năm"))
    scale = models.DecimalField(_("tỷ lệ"), max_digits=12, decimal_places=6, default=Decimal(1))
    seed = models.BigIntegerField(_("hạt giống"))
    mode = models.CharField(_("cách ghi"), max_length=12, default="bulk")
    planned = models.PositiveIntegerField(_("số hồ sơ theo kế hoạch"), default=0)
    done = models.PositiveIntegerField(_("số hồ sơ đã ghi"), default=0)
    started_at = models.DateTimeField(_("bắt đầu lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        app_label = "reports"
        verbose_name = _("lượt sinh dữ liệu")
        verbose_name_plural = _("lượt sinh dữ liệu")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "year", "scale", "seed"], name="generator_run_plan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile} {self.year} ×{self.scale} #{self.seed}: {self.done}/{self.planned}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


class GeneratedDossier(models.Model):
    """A dossier written by a generator run (how ``--remove`` finds them)."""

    dossier = models.OneToOneField(
        Dossier, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    run = models.ForeignKey(GeneratorRun, on_delete=models.CASCADE, related_name="dossiers")

    class Meta:
        app_label = "reports"
        verbose_name = _("hồ sơ sinh tự động")
        verbose_name_plural = _("hồ sơ sinh tự động")

    def __str__(self) -> str:
        return f"{self.run_id}: {self.dossier_id}"
