"""Administration of the catalogue.

Catalogue content comes from ``import_catalog`` and is read-only here (versions are
immutable). Administrators edit only how this province runs each procedure
(``ProvinceProcedureSetting``) and confirm the unit of the channel times the national
portal gives without one (``admin_limits``).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.db import models
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.catalog import admin_limits  # noqa: F401  (registers the limit confirmation pages)
from motcua.catalog.choices import Level
from motcua.catalog.models import (
    ChannelRule,
    Component,
    ComponentCase,
    Field,
    ImportRun,
    Procedure,
    ProcedureQuerySet,
    ProcedureResult,
    ProcedureVersion,
    ProvinceProcedureSetting,
)


class ReadOnlyMixin:
    """Viewable, never added, changed or deleted through the admin."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LevelFilter(admin.SimpleListFilter):
    title = _("cấp thực hiện")
    parameter_name = "cap"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(Level.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value in Level.values:
            return cast(ProcedureQuerySet, queryset).at_level(str(value))
        return queryset


class UnknownUnitFilter(admin.SimpleListFilter):
    """Procedures whose current version gives a time without a unit (khac_khong_ro),
    still awaiting the province's confirmation or already confirmed."""

    title = _("đơn vị thời hạn")
    parameter_name = "don_vi"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("chua_ro", _("Chưa rõ đơn vị (cần xác nhận)")),
            ("da_xac_nhan", _("Chưa rõ đơn vị, đã xác nhận")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        awaiting = ChannelRule.objects.awaiting_confirmation().filter(
            version=OuterRef("current_version")
        )
        if self.value() == "chua_ro":
            return queryset.filter(Exists(awaiting))
        if self.value() == "da_xac_nhan":
            return cast(ProcedureQuerySet, queryset).with_unknown_unit().exclude(Exists(awaiting))
        return queryset


class ProvinceSettingInline(admin.TabularInline):
    model = ProvinceProcedureSetting
    extra = 0
    autocomplete_fields = ["agency"]
    fields = ["agency", "online_level", "is_active", "note"]


class VersionInline(ReadOnlyMixin, admin.TabularInline):
    model = ProcedureVersion
    fk_name = "procedure"
    extra = 0
    fields = readonly_fields = ("number", "imported_at", "content_hash", "decision")
    show_change_link = True


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    readonly_fields = ["name", "slug"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "field", "levels_display", "current_version"]
    list_filter = [LevelFilter, UnknownUnitFilter, "field"]
    search_fields = ["code", "name", "name_folded"]
    list_select_related = ["field", "current_version__procedure"]
    fields = readonly_fields = ("code", "name", "field", "levels_display", "current_version")
    inlines = [ProvinceSettingInline, VersionInline]

    @admin.display(description=_("cấp thực hiện"))
    def levels_display(self, obj: Procedure) -> str:
        return ", ".join(str(level.label) for level in obj.levels)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # procedures come from the national catalogue import

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ChannelInline(ReadOnlyMixin, admin.TabularInline):
    model = ChannelRule
    fields = readonly_fields = (
        "order",
        "channel",
        "limit_value",
        "limit_unit",
        "unit_unknown",
        "fee_vnd",
        "is_free",
    )


class ComponentCaseInline(ReadOnlyMixin, admin.TabularInline):
    model = ComponentCase
    fields = readonly_fields = ("order", "heading", "note")


class ResultInline(ReadOnlyMixin, admin.TabularInline):
    model = ProcedureResult
    fields = readonly_fields = ("order", "name", "code")


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["procedure", "number", "name", "imported_at", "decision"]
    list_filter = ["imported_at", "field"]
    search_fields = ["procedure__code", "name"]
    list_select_related = ["procedure"]
    inlines = [ChannelInline, ComponentCaseInline, ResultInline]


@admin.register(ChannelRule)
class ChannelRuleAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Channel rows as imported (filter "chưa rõ đơn vị" for the bare numbers); the
    unit of those is confirmed on the page "Thủ tục có đơn vị thời hạn chưa rõ"."""

    list_display = ["procedure_code", "version", "channel", "limit_value", "limit_unit"]
    list_filter = ["unit_unknown", "limit_unit", "channel"]
    search_fields = ["version__procedure__code", "version__name"]
    list_select_related = ["version__procedure"]

    @admin.display(description=_("mã thủ tục"), ordering="version__procedure__code")
    def procedure_code(self, obj: ChannelRule) -> str:
        return obj.version.procedure.code

    def get_queryset(self, request: HttpRequest) -> QuerySet[ChannelRule]:
        # Only the rows of current versions need attention; old ones are history.
        return ChannelRule.objects.current()


@admin.register(Component)
class ComponentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "case", "originals", "copies", "form_file"]
    search_fields = ["name", "form_file", "case__version__procedure__code"]
    list_select_related = ["case"]


@admin.register(ProvinceProcedureSetting)
class ProvinceProcedureSettingAdmin(admin.ModelAdmin):
    list_display = ["procedure", "agency", "online_level", "is_active", "updated_at"]
    list_filter = ["online_level", "is_active"]
    search_fields = ["procedure__code", "procedure__name", "procedure__name_folded", "agency__name"]
    autocomplete_fields = ["procedure", "agency"]
    list_select_related = ["procedure", "agency"]


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "started_at",
        "source",
        "created",
        "updated",
        "unchanged",
        "rejected",
        "unknown_unit_channels",
        "no_time_channels",
    ]
