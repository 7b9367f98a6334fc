"""The log of catalogue imports: one row per run of ``import_catalog``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """What one import did; ``rejections`` lists ``{"line": n, "reason": "…"}``."""

    started_at = models.DateTimeField(_("bắt đầu lúc"))
    finished_at = models.DateTimeField(_("kết thúc lúc"))
    source = models.CharField(_("tệp nguồn"), max_length=500)
    created = models.PositiveIntegerField(_("thủ tục mới"), default=0)
    updated = models.PositiveIntegerField(_("phiên bản mới"), default=0)
    unchanged = models.PositiveIntegerField(_("không đổi"), default=0)
    rejected = models.PositiveIntegerField(_("bị loại"), default=0)
    unknown_unit_channels = models.PositiveIntegerField(
        _("dòng thời hạn chưa rõ đơn vị"), default=0
    )
    no_time_channels = models.PositiveIntegerField(_("dòng không có thời hạn"), default=0)
    rejections = models.JSONField(_("các dòng bị loại"), default=list)

    class Meta:
        verbose_name = _("lần nhập danh mục")
        verbose_name_plural = _("các lần nhập danh mục")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} — {self.source}"
