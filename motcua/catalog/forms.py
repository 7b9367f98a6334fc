"""The public search form: labels, choices and the clean-up of what people type."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.catalog.choices import Level, OnlineLevel
from motcua.catalog.models import Field
from motcua.catalog.search import MAX_QUERY_LENGTH, ONLINE_ANY, SearchFilters
from motcua.org.models import Agency


class SearchForm(forms.Form):
    """GET parameters of /thu-tuc/. An unknown filter value is reported and ignored."""

    q = forms.CharField(
        label=_("Tên hoặc mã thủ tục"),
        required=False,
        strip=True,
        widget=forms.SearchInput(attrs={"placeholder": _("Ví dụ: đăng ký khai sinh, 1.001193")}),
    )
    linh_vuc = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    cap = forms.ChoiceField(
        label=_("Cấp thực hiện"),
        required=False,
        choices=[("", _("Tất cả các cấp")), *Level.choices],
    )
    co_quan = forms.TypedChoiceField(
        label=_("Cơ quan thực hiện"), required=False, coerce=int, empty_value=None
    )
    truc_tuyen = forms.ChoiceField(
        label=_("Mức độ trực tuyến"),
        required=False,
        choices=[
            ("", _("Tất cả")),
            (ONLINE_ANY, _("Nộp được trực tuyến")),
            (OnlineLevel.FULL_PROCESS.value, _("Trực tuyến toàn trình")),
            (OnlineLevel.PARTIAL.value, _("Trực tuyến một phần")),
        ],
    )

    def __init__(self, data: Any, *, fields: Iterable[Field], agencies: Iterable[Agency]) -> None:
        super().__init__(data)
        self.query_truncated = False
        cast(forms.ChoiceField, self.fields["linh_vuc"]).choices = [
            ("", _("Tất cả lĩnh vực")),
            *((field.slug, field.name) for field in fields),
        ]
        cast(forms.ChoiceField, self.fields["co_quan"]).choices = [
            ("", _("Tất cả cơ quan")),
            *((agency.pk, agency.name) for agency in agencies),
        ]

    def full_clean(self) -> None:
        """Also point each field in error at its message, for screen readers."""
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}-loi"}
                )

    def clean_q(self) -> str:
        """Overlong queries are cut rather than refused (a pasted paragraph still works)."""
        query: str = self.cleaned_data["q"]
        if len(query) > MAX_QUERY_LENGTH:
            self.query_truncated = True
            query = query[:MAX_QUERY_LENGTH]
        return query

    def query(self) -> str:
        self.is_valid()
        return str(self.cleaned_data.get("q") or "")

    def filters(self) -> SearchFilters:
        """The valid filters; call after ``is_valid()``. Invalid ones count as unset."""
        self.is_valid()
        data = self.cleaned_data
        return SearchFilters(
            field=data.get("linh_vuc") or "",
            level=data.get("cap") or "",
            agency=data.get("co_quan"),
            online=data.get("truc_tuyen") or "",
        )
