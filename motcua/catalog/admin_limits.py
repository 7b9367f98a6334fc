"""Admin pages for the time limits the national catalogue gives without a unit.

* "Thủ tục có đơn vị thời hạn chưa rõ" (``UnconfirmedLimit``): the channel rows of
  current versions whose unit is unknown and not yet confirmed, each with a link to
  the confirmation form.
* "Xác nhận đơn vị thời hạn" (``LimitConfirmation``): the answers given, who gave
  them and when, with an action to revoke. Confirming goes through the form page
  ``xac-nhan/<rule>/`` of this admin, which calls ``confirm_limit``.

Only superusers and users with the role ``quan_tri`` see or use these pages
(``may_confirm_limits``), whatever their Django permissions.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.catalog.limit_confirmations import (
    ConfirmationError,
    confirm_limit,
    limit_errors,
    may_confirm_limits,
    revoke_confirmation,
)
from motcua.catalog.models import (
    CONFIRMABLE_UNIT_CHOICES,
    ChannelRule,
    LimitConfirmation,
    UnconfirmedLimit,
    prefetch_confirmations,
)


class _AdministratorsOnly:
    """Seen and used by superusers and ``quan_tri`` only; nothing added, changed or
    deleted through the standard forms."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_confirm_limits(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_confirm_limits(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ConfirmLimitForm(forms.Form):
    """Value, unit and basis; checked by the same rules as ``confirm_limit``."""

    value = forms.DecimalField(
        label=_("Thời hạn"),
        localize=True,  # "0,5" as well as "0.5"
        error_messages={
            "required": _("Nhập thời hạn."),
            "invalid": _("Thời hạn phải là một số, ví dụ 15 hoặc 0,5."),
        },
    )
    unit = forms.ChoiceField(
        label=_("Đơn vị"),
        choices=[("", "---------"), *CONFIRMABLE_UNIT_CHOICES],
        error_messages={
            "required": _("Chọn đơn vị của thời hạn."),
            "invalid_choice": _("Chọn một đơn vị trong danh sách."),
        },
    )
    note = forms.CharField(
        label=_("Căn cứ xác nhận"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_(
            "Văn bản và điều khoản quy định thời hạn, ví dụ: Luật Hộ tịch 2014 Điều 16 khoản 2."
        ),
        error_messages={
            "required": _(
                "Ghi căn cứ đã kiểm tra (văn bản, điều khoản) để người sau đối chiếu được."
            )
        },
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for error in limit_errors(data.get("value"), data.get("unit")):
            if error.field not in self.errors:  # "required" and the like come first
                self.add_error(error.field, error.message)
        return data


def _national(rule: ChannelRule) -> str:
    return str(rule.time_limit or "—")


@admin.register(UnconfirmedLimit)
class UnconfirmedLimitAdmin(_AdministratorsOnly, admin.ModelAdmin):
    change_list_template = "catalog/admin/unconfirmed_limits.html"
    list_display = ["procedure_code", "procedure_name", "channel", "national_text", "confirm_link"]
    list_display_links = None
    list_filter = [
        "channel",
        ("version__procedure__field", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "version__procedure__code",
        "version__procedure__name",
        "version__procedure__name_folded",
    ]
    list_select_related = ["version__procedure"]
    ordering = ["version__procedure__code", "order"]
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return ChannelRule.objects.awaiting_confirmation().select_related("version__procedure")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {"title": gettext("Thủ tục có đơn vị thời hạn chưa rõ"), **(extra_context or {})}
        return super().changelist_view(request, extra_context=context)

    @admin.display(description=_("mã thủ tục"), ordering="version__procedure__code")
    def procedure_code(self, obj: ChannelRule) -> str:
        return obj.version.procedure.code

    @admin.display(description=_("tên thủ tục"), ordering="version__procedure__name")
    def procedure_name(self, obj: ChannelRule) -> str:
        return obj.version.procedure.name

    @admin.display(description=_("danh mục quốc gia ghi"))
    def national_text(self, obj: ChannelRule) -> str:
        return _national(obj)

    @admin.display(description=_("xác nhận"))
    def confirm_link(self, obj: ChannelRule) -> str:
        url = reverse("admin:catalog_limitconfirmation_confirm", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, gettext("Xác nhận đơn vị"))


class ConfirmationStatusFilter(admin.SimpleListFilter):
    title = _("trạng thái")
    parameter_name = "trang_thai"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("dang_ap_dung", _("Đang áp dụng")), ("da_thu_hoi", _("Đã thu hồi"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "dang_ap_dung":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "da_thu_hoi":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(LimitConfirmation)
class LimitConfirmationAdmin(_AdministratorsOnly, admin.ModelAdmin):
    list_display = [
        "procedure_display",
        "channel",
        "confirmed_limit",
        "confirmed_by",
        "confirmed_at",
        "status",
        "note",
    ]
    list_filter = [ConfirmationStatusFilter, "unit", "channel"]
    search_fields = ["procedure__code", "procedure__name", "procedure__name_folded", "note"]
    list_select_related = ["procedure", "confirmed_by", "revoked_by"]
    ordering = ["-confirmed_at", "-pk"]
    fields = readonly_fields = (
        "procedure",
        "channel",
        "national_value",
        "value",
        "unit",
        "note",
        "confirmed_by",
        "confirmed_at",
        "revoked_by",
        "revoked_at",
    )
    actions = ["revoke_selected"]

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return may_confirm_limits(request.user)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {"title": gettext("Các thời hạn đã xác nhận đơn vị"), **(extra_context or {})}
        return super().changelist_view(request, extra_context=context)

    @admin.display(description=_("thủ tục"), ordering="procedure__code")
    def procedure_display(self, obj: LimitConfirmation) -> str:
        return str(obj.procedure)

    @admin.display(description=_("danh mục ghi → xác nhận"))
    def confirmed_limit(self, obj: LimitConfirmation) -> str:
        national = format(Decimal(obj.national_value).normalize(), "f").replace(".", ",")
        return f"{national} → {obj.time_limit}"

    @admin.display(description=_("trạng thái"), ordering="revoked_at")
    def status(self, obj: LimitConfirmation) -> str:
        if obj.revoked_at is None:
            return gettext("Đang áp dụng")
        return gettext("Đã thu hồi (%(who)s, %(at)s)") % {
            "who": obj.revoked_by,
            "at": date_format(timezone.localtime(obj.revoked_at), "DATETIME_FORMAT"),
        }

    @admin.action(description=_("Thu hồi các xác nhận đã chọn"), permissions=["revoke"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[LimitConfirmation]) -> None:
        actor = request.user
        assert isinstance(actor, User)
        at = timezone.now()
        revoked, skipped = 0, 0
        for confirmation in queryset.select_related("procedure"):
            try:
                revoke_confirmation(confirmation, actor=actor, at=at)
            except ConfirmationError:
                skipped += 1
                continue
            revoked += 1
            self.log_change(request, confirmation, gettext("Thu hồi xác nhận"))
        if revoked:
            self.message_user(
                request,
                ngettext(
                    "Đã thu hồi %(count)d xác nhận; hồ sơ tiếp nhận từ nay tính hạn theo danh "
                    "mục quốc gia cho đến khi xác nhận lại.",
                    "Đã thu hồi %(count)d xác nhận; hồ sơ tiếp nhận từ nay tính hạn theo danh "
                    "mục quốc gia cho đến khi xác nhận lại.",
                    revoked,
                )
                % {"count": revoked},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d xác nhận đã được thu hồi từ trước, bỏ qua.",
                    "%(count)d xác nhận đã được thu hồi từ trước, bỏ qua.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    def get_urls(self) -> list[URLPattern]:
        confirm = path(
            "xac-nhan/<int:rule_id>/",
            self.admin_site.admin_view(self.confirm_view),
            name="catalog_limitconfirmation_confirm",
        )
        return [confirm, *super().get_urls()]

    def confirm_view(self, request: HttpRequest, rule_id: int) -> HttpResponse:
        """The form for one channel row: GET shows it, POST confirms through
        ``confirm_limit``; a refused input is shown on the form and nothing is saved."""
        if not may_confirm_limits(request.user):
            raise PermissionDenied
        rule = (
            ChannelRule.objects.select_related("version__procedure__field")
            .filter(pk=rule_id)
            .first()
        )
        if rule is None:
            raise Http404(gettext("Không có dòng thời hạn này."))
        version = rule.version
        existing = next((c for c in rule.confirmations() if c.is_active), None)
        if request.method == "POST":
            form = ConfirmLimitForm(request.POST)
            if form.is_valid():
                actor = request.user
                assert isinstance(actor, User)
                try:
                    confirmation = confirm_limit(
                        rule,
                        value=form.cleaned_data["value"],
                        unit=form.cleaned_data["unit"],
                        note=form.cleaned_data["note"],
                        actor=actor,
                        at=timezone.now(),
                    )
                except ConfirmationError as error:
                    form.add_error(error.field, error.message)
                else:
                    self.log_addition(request, confirmation, gettext("Xác nhận đơn vị thời hạn"))
                    self.message_user(
                        request,
                        gettext(
                            "Đã xác nhận thời hạn %(limit)s cho thủ tục %(code)s (%(channel)s); "
                            "hồ sơ tiếp nhận từ nay tính hạn theo thời hạn này."
                        )
                        % {
                            "limit": confirmation.time_limit,
                            "code": version.procedure.code,
                            "channel": rule.get_channel_display(),
                        },
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:catalog_unconfirmedlimit_changelist")
                    )
        else:
            initial_value = (
                Decimal(rule.limit_value).normalize() if rule.limit_value is not None else None
            )
            form = ConfirmLimitForm(initial={"value": initial_value})
        others = [other for other in version.channels.order_by("order") if other.pk != rule.pk]
        prefetch_confirmations(others)
        siblings = [(other, other.limit_in_force) for other in others]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Xác nhận đơn vị thời hạn"),
            "rule": rule,
            "version": version,
            "procedure": version.procedure,
            "national": _national(rule),
            "siblings": siblings,
            "existing": existing,
            "form": form,
            "unconfirmed_url": reverse("admin:catalog_unconfirmedlimit_changelist"),
        }
        return TemplateResponse(request, "catalog/admin/confirm_limit.html", context)
