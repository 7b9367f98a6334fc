"""The outbox in the admin: read-only, and a secret message's body never shown."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.notifications.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "channel",
        "recipient",
        "subject",
        "created_at",
        "attempts",
        "state",
        "next_attempt_at",
    ]
    list_filter = ["channel", "is_secret", "sent_at", "failed_at"]
    search_fields = ["recipient", "subject"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    fields = (
        "channel",
        "recipient",
        "subject",
        "shown_body",
        "is_secret",
        "created_at",
        "next_attempt_at",
        "attempts",
        "sent_at",
        "failed_at",
        "last_error",
    )
    readonly_fields = fields

    @admin.display(description=_("trạng thái"))
    def state(self, obj: OutboxMessage) -> str:
        if obj.sent_at:
            return str(_("Đã gửi"))
        if obj.failed_at:
            return str(_("Ngừng gửi"))
        return str(_("Đang chờ gửi"))

    @admin.display(description=_("nội dung"))
    def shown_body(self, obj: OutboxMessage) -> str:
        if obj.is_secret:
            return str(_("(Ẩn: tin nhắn chứa mã xác thực)"))
        return obj.body

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False
