"""Administration: catalogue read-only, province settings editable, unknown units listed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from motcua.catalog.models import ChannelRule, Procedure, ProcedureVersion, ProvinceProcedureSetting
from motcua.org.models import Agency

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sample_catalogue")]


def test_procedure_list_searches_without_diacritics_and_filters_by_level(
    admin_client: Client,
) -> None:
    url = reverse("admin:catalog_procedure_changelist")

    by_name = admin_client.get(url, {"q": "dang ky khai sinh"})
    by_level = admin_client.get(url, {"cap": "bo"})

    assert by_name.status_code == 200
    # every word anywhere in the folded name: the phrase three times, "đăng ký lại khai sinh"
    assert by_name.context["cl"].result_count == 4
    assert [p.code for p in by_level.context["cl"].result_list] == ["1.008590"]


def test_procedures_whose_time_unit_is_unknown_can_be_listed(admin_client: Client) -> None:
    version = ProcedureVersion.objects.get(procedure__code="1.001193")
    ChannelRule.objects.filter(version=version).delete()
    ChannelRule.objects.create(
        version=version,
        order=1,
        channel="truc_tiep",
        limit_value=1,
        limit_unit="khac_khong_ro",
        unit_unknown=True,
    )

    procedures = admin_client.get(
        reverse("admin:catalog_procedure_changelist"), {"don_vi": "chua_ro"}
    )
    channels = admin_client.get(
        reverse("admin:catalog_channelrule_changelist"), {"unit_unknown__exact": "1"}
    )

    assert [p.code for p in procedures.context["cl"].result_list] == ["1.001193"]
    assert [r.version.procedure.code for r in channels.context["cl"].result_list] == ["1.001193"]


def test_versions_are_read_only(admin_client: Client) -> None:
    version = ProcedureVersion.objects.get(procedure__code="1.001193")
    url = reverse("admin:catalog_procedureversion_change", args=[version.pk])

    page = admin_client.get(url)
    post = admin_client.post(url, {"name": "Đổi tên"})

    assert page.status_code == 200
    assert post.status_code == 403
    assert admin_client.get(reverse("admin:catalog_procedureversion_add")).status_code == 403


def test_an_administrator_assigns_a_procedure_to_an_agency(
    admin_client: Client, commune_centre: Agency
) -> None:
    procedure = Procedure.objects.get(code="1.001193")

    response = admin_client.post(
        reverse("admin:catalog_provinceproceduresetting_add"),
        {
            "procedure": procedure.pk,
            "agency": commune_centre.pk,
            "online_level": "full_process",
            "is_active": "on",
            "note": "",
        },
    )

    assert response.status_code == 302
    setting = ProvinceProcedureSetting.objects.get()
    assert (setting.agency, setting.online_level) == (commune_centre, "full_process")


def test_procedure_page_and_agency_autocomplete_load(
    admin_client: Client, commune_centre: Agency
) -> None:
    procedure = Procedure.objects.get(code="1.001193")

    change = admin_client.get(reverse("admin:catalog_procedure_change", args=[procedure.pk]))
    autocomplete = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Kinh Bắc",
            "app_label": "catalog",
            "model_name": "provinceproceduresetting",
            "field_name": "agency",
        },
    )

    assert change.status_code == 200
    assert [r["text"] for r in autocomplete.json()["results"]] == [commune_centre.name]


@pytest.mark.parametrize(
    "name",
    [
        "catalog_field_changelist",
        "catalog_procedureversion_changelist",
        "catalog_component_changelist",
        "catalog_importrun_changelist",
        "catalog_provinceproceduresetting_changelist",
    ],
)
def test_other_lists_load(admin_client: Client, name: str) -> None:
    assert admin_client.get(reverse(f"admin:{name}")).status_code == 200
