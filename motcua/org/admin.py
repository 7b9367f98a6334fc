from django.contrib import admin

from motcua.org.models import (
    AdministrativeUnit,
    Agency,
    AgencyIdentifier,
    Membership,
    UnitConversion,
)


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "level", "era", "parent", "valid_from", "valid_to"]
    list_filter = ["level", "era", "kind"]
    search_fields = ["code", "name", "codename"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(UnitConversion)
class UnitConversionAdmin(admin.ModelAdmin):
    list_display = ["old_unit", "new_unit", "note"]
    search_fields = ["old_unit__name", "old_unit__code", "new_unit__name", "new_unit__code"]
    list_filter = ["note"]
    autocomplete_fields = ["old_unit", "new_unit"]
    list_select_related = ["old_unit", "new_unit"]


class AgencyIdentifierInline(admin.TabularInline):
    model = AgencyIdentifier
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "unit", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "identifiers__code"]
    autocomplete_fields = ["unit", "parent"]
    inlines = [AgencyIdentifierInline, MembershipInline]
    list_select_related = ["unit", "parent"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role", "title", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__full_name", "agency__name"]
    autocomplete_fields = ["user", "agency"]
    list_select_related = ["user", "agency"]
