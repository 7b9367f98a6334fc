"""A published version and its rows never change; new content is a new version."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db.models import ProtectedError

from motcua.catalog.importer import import_catalog
from motcua.catalog.models import (
    ChannelRule,
    Component,
    ImmutableRowError,
    Procedure,
    ProcedureVersion,
)
from motcua.catalog.tests.catalog_files import record, write_jsonl
from motcua.catalog.tests.conftest import IMPORTED_AT

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(tmp_path: Path) -> ProcedureVersion:
    import_catalog(write_jsonl(tmp_path / "c.jsonl", [record()]), at=IMPORTED_AT)
    return ProcedureVersion.objects.get()


def test_saving_an_existing_version_raises(version: ProcedureVersion) -> None:
    version.name = "Đổi tên"

    with pytest.raises(ImmutableRowError):
        version.save()

    version.refresh_from_db()
    assert version.name == "Thủ tục đăng ký khai sinh"


def test_bulk_update_of_versions_or_their_rows_raises(version: ProcedureVersion) -> None:
    with pytest.raises(ImmutableRowError):
        ProcedureVersion.objects.filter(pk=version.pk).update(name="Đổi tên")
    with pytest.raises(ImmutableRowError):
        ChannelRule.objects.filter(version=version).update(limit_value=1)


def test_saving_an_existing_channel_or_component_raises(version: ProcedureVersion) -> None:
    rule = ChannelRule.objects.filter(version=version).first()
    component = Component.objects.filter(case__version=version).first()
    assert rule is not None and component is not None

    with pytest.raises(ImmutableRowError):
        rule.save()
    with pytest.raises(ImmutableRowError):
        component.save()


def test_a_procedure_with_versions_cannot_be_deleted(version: ProcedureVersion) -> None:
    Procedure.objects.update(current_version=None)  # only the versions hold it now

    with pytest.raises(ProtectedError):
        Procedure.objects.get().delete()


def test_the_current_version_cannot_be_deleted(version: ProcedureVersion) -> None:
    with pytest.raises(ProtectedError):
        version.delete()
