"""What the statistics count, kept current from the dossiers' events.

``DossierFact`` is one row per dossier with everything Biểu 06 and the 766 indicators
group and count by; ``FactSegment`` cuts the dossier's open life (from reception to
its end, deadlines.md §7) into spans with one due instant each, so "within deadline or
overdue at instant E" is answered for any past E. Both are derived from the dossier
and its events by ``motcua.reports.facts.refresh`` inside the action's transaction;
``check_reports`` recomputes them from the dossiers and reports any difference.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Field, Procedure
from motcua.dossiers.models import Dossier
from motcua.org.models import Agency


class ChannelGroup(models.TextChoices):
    """Biểu 06 columns (4) and (5): KenhThucHien 2, and 1 or 3."""

    ONLINE = "online", _("Trực tuyến")
    DIRECT = "direct", _("Trực tiếp, dịch vụ bưu chính")


class ReportLevel(models.TextChoices):
    """Rows of Biểu 06 by level, after 1 July 2025: provincial and commune."""

    PROVINCE = "tinh", _("Cấp tỉnh")
    COMMUNE = "xa", _("Cấp xã")


class Outcome(models.TextChoices):
    """How a dossier ended (deadlines.md §7: each is an end)."""

    RESULT = "result", _("Có kết quả")
    REFUSED = "refused", _("Từ chối giải quyết")
    WITHDRAWN = "withdrawn", _("Rút hồ sơ")
    STOPPED = "stopped", _("Dừng xử lý")
    CLOSED = "closed", _("Đóng do không bổ sung")


class DossierFact(models.Model):
    dossier = models.OneToOneField(
        Dossier, primary_key=True, on_delete=models.CASCADE, related_name="fact"
    )
    # Counted under the competent agency (the one that decides), once. It leads the
    # indexes (agency, received_at) and (agency, ended_at) below.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", db_index=False)
    receiving_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=4, choices=ReportLevel.choices)
    field = models.ForeignKey(Field, null=True, on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+")
    channel_group = models.CharField(max_length=8, choices=ChannelGroup.choices)
    # Null: not received (online not yet accepted, or refused at intake) — such
    # dossiers are not "received" in statistics (deadlines.md §7).
    received_at = models.DateTimeField(null=True, db_index=True)
    # The end of deadlines.md §7 (for a dossier closed without the supplement, the
    # instant of the request); null while open.
    ended_at = models.DateTimeField(null=True, db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    timeliness = models.CharField(max_length=10, blank=True)  # early, on_time, late
    due_at = models.DateTimeField(null=True)
    supplement_count = models.PositiveSmallIntegerField(default=0)
    # 766: more than one supplement request counts as late (deadlines.md §7).
    late_766 = models.BooleanField(default=False)
    # Working hours from reception to the end (766 component 2.2), null while open.
    handling_hours = models.DecimalField(max_digits=10, decimal_places=2, null=True)
    has_e_result = models.BooleanField(default=False)
    is_digitised = models.BooleanField(default=False)
    reuses_data = models.BooleanField(default=False)
    uses_population_data = models.BooleanField(default=False)
    rating = models.CharField(max_length=16, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("dữ liệu thống kê của hồ sơ")
        verbose_name_plural = _("dữ liệu thống kê của hồ sơ")
        indexes = [
            models.Index(fields=["agency", "received_at"]),
            models.Index(fields=["agency", "ended_at"]),
        ]

    def __str__(self) -> str:
        return str(self.dossier_id)


class FactSegment(models.Model):
    """A span of a dossier's open life with one due instant; ``held`` while the
    applicant holds it (a supplement awaited: within deadline, deadlines.md §7)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    # It leads the index (agency, start) below.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", db_index=False)
    start = models.DateTimeField()
    end = models.DateTimeField(null=True)  # exclusive; null: still open
    due_at = models.DateTimeField(null=True)
    held = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("giai đoạn mở của hồ sơ")
        verbose_name_plural = _("giai đoạn mở của hồ sơ")
        indexes = [
            models.Index(fields=["start"]),
            models.Index(fields=["end"]),
            models.Index(fields=["agency", "start"]),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.start:%d/%m/%Y} →"


# The generator's bookkeeping (``generate_province``), in the reports app's registry.
from motcua.reports.generator.models import GeneratedDossier, GeneratorRun  # noqa: E402, F401
