"""Each record is imported whole or not at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError

from motcua.catalog.importer import import_catalog
from motcua.catalog.models import (
    ChannelRule,
    Component,
    ComponentCase,
    Field,
    Procedure,
    ProcedureResult,
    ProcedureVersion,
)
from motcua.catalog.tests.catalog_files import record, write_jsonl
from motcua.catalog.tests.conftest import IMPORTED_AT

pytestmark = pytest.mark.django_db


@pytest.fixture
def results_fail_for_poisoned_records(monkeypatch: pytest.MonkeyPatch) -> None:
    """The last child rows of a record named "poisoned" are refused by the database."""
    original = ProcedureResult.objects.bulk_create

    def bulk_create(objs: Any, *args: Any, **kwargs: Any) -> Any:
        objs = list(objs)
        if any(result.name == "poisoned" for result in objs):
            raise IntegrityError("simulated failure on ProcedureResult")
        return original(objs, *args, **kwargs)

    monkeypatch.setattr(ProcedureResult.objects, "bulk_create", bulk_create)


@pytest.mark.usefixtures("results_fail_for_poisoned_records")
def test_a_record_whose_child_row_fails_leaves_nothing(tmp_path: Path) -> None:
    poisoned = record(
        "1.000002", field="Lĩnh vực chỉ có ở bản ghi lỗi", ket_qua=[{"ten": "poisoned", "ma": ""}]
    )
    path = write_jsonl(tmp_path / "c.jsonl", [record("1.000001"), poisoned, record("1.000003")])

    summary = import_catalog(path, at=IMPORTED_AT, batch_size=10)

    assert [(r.line, r.reason) for r in summary.rejections] == [
        (2, "không ghi được: simulated failure on ProcedureResult")
    ]
    assert sorted(Procedure.objects.values_list("code", flat=True)) == ["1.000001", "1.000003"]
    assert not ProcedureVersion.objects.filter(procedure__code="1.000002").exists()
    assert not Field.objects.filter(name="Lĩnh vực chỉ có ở bản ghi lỗi").exists()
    assert ChannelRule.objects.count() == 6
    assert ComponentCase.objects.count() == 4
    assert Component.objects.count() == 6
    assert ProcedureResult.objects.count() == 2


@pytest.mark.usefixtures("results_fail_for_poisoned_records")
def test_a_failed_update_keeps_the_current_version(tmp_path: Path) -> None:
    import_catalog(write_jsonl(tmp_path / "v1.jsonl", [record("1.000001")]), at=IMPORTED_AT)
    poisoned = record("1.000001", name="Tên mới", ket_qua=[{"ten": "poisoned", "ma": ""}])

    summary = import_catalog(write_jsonl(tmp_path / "v2.jsonl", [poisoned]), at=IMPORTED_AT)

    assert (summary.updated, summary.rejected) == (0, 1)
    procedure = Procedure.objects.get()
    assert procedure.name == "Thủ tục đăng ký khai sinh"
    assert list(procedure.versions.values_list("number", flat=True)) == [1]
    assert procedure.current_version is not None
    assert procedure.current_version.number == 1


@pytest.mark.usefixtures("results_fail_for_poisoned_records")
def test_the_record_after_a_failure_can_create_the_same_field(tmp_path: Path) -> None:
    """The failed savepoint took its new field with it; the next record recreates it."""
    poisoned = record("1.000001", field="Mới", ket_qua=[{"ten": "poisoned", "ma": ""}])
    path = write_jsonl(tmp_path / "c.jsonl", [poisoned, record("1.000002", field="Mới")])

    summary = import_catalog(path, at=IMPORTED_AT)

    assert (summary.created, summary.rejected) == (1, 1)
    assert Procedure.objects.get().field.name == "Mới"
