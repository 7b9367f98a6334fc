from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Field
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.workdays.models import CalendarOverride, ConfirmedYear
from motcua.workdays.wording import weekday_name

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]

_APPLIES_LATER = _(
    "Điều chỉnh áp dụng cho các hạn xử lý tính từ lúc lưu trở đi; hạn đã hẹn trên các hồ sơ "
    "đã tiếp nhận không bị tính lại. Ngày làm bù (thứ Bảy) chỉ được tính là ngày làm việc khi "
    "cài đặt MOTCUA_MAKEUP_SATURDAYS_COUNT bật."
)


class _RecordsAuthor(admin.ModelAdmin):
    readonly_fields = ["created_at", "created_by"]

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        if not change and request.user.is_authenticated:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(_RecordsAuthor):
    list_display = ["date", "weekday", "kind", "name", "created_by", "created_at"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name", "note"]
    list_select_related = ["created_by"]
    fieldsets = [
        (None, {"fields": ["date", "kind", "name", "note"], "description": _APPLIES_LATER}),
        (_("Người ghi"), {"fields": ["created_at", "created_by"]}),
    ]

    def formfield_for_dbfield(
        self, db_field: Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "date" and isinstance(field, forms.DateField):
            # Django's Vietnamese locale has no input formats, so the fallback would
            # read "02/03/2026" as 3 February (US order). Accept only unambiguous forms.
            field.input_formats = DATE_INPUT_FORMATS
            field.error_messages["invalid"] = _(
                "Ngày không hợp lệ; hãy nhập dạng 2026-02-13 hoặc 13/02/2026."
            )
        return field

    @admin.display(description=_("thứ"), ordering="date")
    def weekday(self, obj: CalendarOverride) -> str:
        return weekday_name(obj.date)


@admin.register(ConfirmedYear)
class ConfirmedYearAdmin(_RecordsAuthor):
    list_display = ["year", "notice", "created_by", "created_at"]
    list_select_related = ["created_by"]
    fieldsets = [
        (
            None,
            {
                "fields": ["year", "notice", "note"],
                "description": _(
                    "Ghi năm khi đã nhập đủ các ngày nghỉ, ngày làm bù theo thông báo chính "
                    "thức (bằng điều chỉnh lịch); từ đó lịch năm này không còn bị đánh dấu "
                    "là ước tính."
                ),
            },
        ),
        (_("Người ghi"), {"fields": ["created_at", "created_by"]}),
    ]
