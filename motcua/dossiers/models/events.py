"""The append-only history of every dossier, and the dossier-code counter.

``DossierEvent`` rows are the audit trail, the source of the processing history
shown to officials and synchronised to the national portal (legal-rules §3.15:
who, title, when, unit, action, status, step start, step statutory end), the
reporting source, and the outbox that later notification and sync workers read.
They are never updated or deleted: the model and its QuerySet refuse, and on
PostgreSQL a trigger refuses as well (migration 0002).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models.dossiers import Dossier, Task
from motcua.dossiers.statuses import Action, Status
from motcua.org.models import Agency


class ImmutableEventError(RuntimeError):
    pass


class DossierEventQuerySet(models.QuerySet["DossierEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableEventError("Dossier events are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableEventError("Dossier events are append-only.")


class DossierEvent(models.Model):
    # The dossier leads the unique index (dossier, seq) below.
    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("hồ sơ"),
        on_delete=models.PROTECT,
        related_name="events",
        db_index=False,
    )
    seq = models.PositiveIntegerField(_("thứ tự"))
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("họ tên"), max_length=200)
    actor_title = models.CharField(_("chức danh"), max_length=200, blank=True)
    actor_agency = models.ForeignKey(
        Agency,
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("nội dung xử lý"), max_length=24, choices=Action.choices)
    from_status = models.CharField(max_length=24, choices=Status.choices, blank=True)
    to_status = models.CharField(_("trạng thái"), max_length=24, choices=Status.choices)
    national_code = models.PositiveSmallIntegerField(_("mã trạng thái quốc gia"))
    reason = models.TextField(_("lý do, ý kiến"), blank=True)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    step_name = models.CharField(_("bước"), max_length=200, blank=True)
    step_started_at = models.DateTimeField(_("bắt đầu bước"), null=True, blank=True)
    step_due_at = models.DateTimeField(_("hạn của bước"), null=True, blank=True)

    objects = DossierEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = _("lịch sử xử lý hồ sơ")
        ordering = ["dossier", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "seq"], name="dossier_event_seq"),
        ]
        indexes = [models.Index(fields=["action", "at"])]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableEventError("Dossier events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableEventError("Dossier events are append-only.")


class DossierCodeCounter(models.Model):
    """Last sequence number used per agency identifier per reception day."""

    identifier = models.CharField(max_length=50)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["identifier", "day"], name="dossier_code_counter"),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} {self.day}: {self.last}"


class ReferenceStamp(models.Model):
    """One counter, raised in the same transaction as any change to the reference data
    that receptions keep in memory (``motcua.dossiers.refcache``): a process that
    reads another value than the one its memory was filled under forgets it all."""

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.value)
