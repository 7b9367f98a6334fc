"""Which agencies of the province run a procedure, and at which online level."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import IntegrityError

from motcua.catalog.choices import OnlineLevel
from motcua.catalog.importer import import_catalog
from motcua.catalog.models import Procedure, ProvinceProcedureSetting
from motcua.catalog.tests.catalog_files import record, write_jsonl
from motcua.catalog.tests.conftest import IMPORTED_AT
from motcua.org.models import Agency

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sample_catalogue")]


def test_agencies_running_a_procedure_are_listed_with_their_level(
    commune_centre: Agency, justice_department: Agency
) -> None:
    birth = Procedure.objects.get(code="1.001193")
    ProvinceProcedureSetting.objects.create(
        procedure=birth, agency=justice_department, online_level=OnlineLevel.PARTIAL
    )
    ProvinceProcedureSetting.objects.create(
        procedure=birth, agency=commune_centre, online_level=OnlineLevel.FULL_PROCESS
    )

    listed = ProvinceProcedureSetting.objects.active().for_procedure(birth)

    assert [(s.agency.name, s.get_online_level_display()) for s in listed] == [
        ("Sở Tư pháp", "Một phần"),
        ("Trung tâm Phục vụ hành chính công phường Kinh Bắc", "Toàn trình"),
    ]


def test_inactive_settings_and_inactive_agencies_do_not_count(
    commune_centre: Agency, justice_department: Agency
) -> None:
    birth = Procedure.objects.get(code="1.001193")
    ProvinceProcedureSetting.objects.create(procedure=birth, agency=commune_centre, is_active=False)
    ProvinceProcedureSetting.objects.create(procedure=birth, agency=justice_department)
    justice_department.is_active = False
    justice_department.save()

    assert not ProvinceProcedureSetting.objects.active().for_procedure(birth).exists()
    assert not Procedure.objects.run_by(commune_centre.pk).exists()


def test_procedures_run_by_an_agency(commune_centre: Agency) -> None:
    for code in ("1.001193", "1.000894"):
        ProvinceProcedureSetting.objects.create(
            procedure=Procedure.objects.get(code=code), agency=commune_centre
        )

    assert sorted(Procedure.objects.run_by(commune_centre.pk).values_list("code", flat=True)) == [
        "1.000894",
        "1.001193",
    ]


def test_one_setting_per_procedure_and_agency(commune_centre: Agency) -> None:
    birth = Procedure.objects.get(code="1.001193")
    ProvinceProcedureSetting.objects.create(procedure=birth, agency=commune_centre)

    with pytest.raises(IntegrityError):
        ProvinceProcedureSetting.objects.create(procedure=birth, agency=commune_centre)


def test_settings_survive_a_new_version(commune_centre: Agency, tmp_path: Path) -> None:
    """Settings belong to the procedure, not to one version of it."""
    birth = Procedure.objects.get(code="1.001193")
    ProvinceProcedureSetting.objects.create(procedure=birth, agency=commune_centre)
    changed = record("1.001193", name="Thủ tục đăng ký khai sinh (mới)")

    import_catalog(write_jsonl(tmp_path / "v2.jsonl", [changed]), at=IMPORTED_AT)

    birth.refresh_from_db()
    assert birth.current_version is not None and birth.current_version.number == 2
    assert [s.agency for s in ProvinceProcedureSetting.objects.active().for_procedure(birth)] == [
        commune_centre
    ]
