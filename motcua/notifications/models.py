"""The outbox: every message MotCua sends (e-mail now; SMS and Zalo arrive with the
notifications issue) is first a row written in the same transaction as the change
that causes it, then delivered after commit and retried by ``deliver_outbox``."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MessageChannel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")
    ZALO = "zalo", _("Zalo")


class OutboxMessage(models.Model):
    channel = models.CharField(_("kênh"), max_length=10, choices=MessageChannel.choices)
    recipient = models.CharField(_("người nhận"), max_length=254)
    subject = models.CharField(_("tiêu đề"), max_length=200, blank=True)
    body = models.TextField(_("nội dung"))
    # A message carrying a secret (a one-time code) has its body blanked once it is
    # delivered or abandoned, so codes do not stay readable in the database.
    is_secret = models.BooleanField(_("chứa mã bí mật"), default=False)
    created_at = models.DateTimeField(_("tạo lúc"))
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    sent_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)
    failed_at = models.DateTimeField(_("ngừng gửi lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)

    class Meta:
        verbose_name = _("thư, tin nhắn đi")
        verbose_name_plural = _("thư, tin nhắn đi")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(sent_at__isnull=True, failed_at__isnull=True),
                name="outbox_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient}"
