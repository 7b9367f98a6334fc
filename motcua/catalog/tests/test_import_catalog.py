"""Importing catalogue files: new procedures, idempotency and new versions."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from motcua.catalog.importer import import_catalog
from motcua.catalog.models import (
    ChannelRule,
    Component,
    ComponentCase,
    Field,
    ImportRun,
    Procedure,
    ProcedureResult,
    ProcedureVersion,
)
from motcua.catalog.tests.catalog_files import channel, record, write_jsonl
from motcua.catalog.tests.conftest import IMPORTED_AT

pytestmark = pytest.mark.django_db


def test_new_records_become_procedures_with_version_one(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "catalog.jsonl",
        [record("1.000001"), record("2.000002", "Thủ tục đăng ký kết hôn", levels=["tinh", "xa"])],
    )

    summary = import_catalog(path, at=IMPORTED_AT)

    assert (summary.created, summary.updated, summary.unchanged, summary.rejected) == (2, 0, 0, 0)
    procedure = Procedure.objects.get(code="2.000002")
    version = procedure.current_version
    assert version is not None
    assert version.number == 1
    assert version.imported_at == IMPORTED_AT
    assert procedure.name_folded == "thu tuc dang ky ket hon"
    assert procedure.level_codes == ",tinh,xa,"
    assert procedure.field.name == "Hộ tịch"
    assert procedure.field.slug == "ho-tich"
    assert version.legal_bases[1] == {
        "name": "Nghị định 123/2015/NĐ-CP phần không tách được",
        "number": "",
        "chua_tach_duoc": True,
    }
    assert version.raw["ma_thu_tuc"] == "2.000002"


def test_channels_components_and_results_are_stored_in_order(tmp_path: Path) -> None:
    fee = "50,000 VNĐ(50.000 đồng/lần (Thông tư 281/2016/TT-BTC))Nộp tại bộ phận một cửa."
    path = write_jsonl(
        tmp_path / "catalog.jsonl",
        [
            record(
                cach_thuc_thuc_hien=[
                    channel("truc_tiep", 1.5, "ngay", fee, None, [50000, 25000]),
                    channel("truc_tuyen", 4, "gio"),
                ]
            )
        ],
    )

    import_catalog(path, at=IMPORTED_AT)

    version = ProcedureVersion.objects.get()
    in_person, online = version.channels.all()
    assert (in_person.channel, in_person.limit_value, in_person.limit_unit) == (
        "truc_tiep",
        Decimal("1.5"),
        "ngay",
    )
    assert str(in_person.time_limit) == "1,5 ngày"
    assert in_person.fee_text == fee
    assert in_person.fee_note == "50.000 đồng/lần (Thông tư 281/2016/TT-BTC)"
    assert (in_person.fee_amounts, in_person.fee_vnd, in_person.is_free) == (
        [50000, 25000],
        50000,
        False,
    )
    assert (online.order, online.is_free, str(online.time_limit)) == (2, True, "4 giờ làm việc")
    cases = list(version.component_cases.all())
    assert [case.heading for case in cases] == [
        "* Giấy tờ phải nộp:",
        "* Giấy tờ phải xuất trình:",
    ]
    assert [(c.name, c.form_file, c.originals, c.copies) for c in cases[0].components.all()] == [
        ("Tờ khai đăng ký khai sinh", "To khai dang ky khai sinh.docx", 1, 0),
        ("Giấy chứng sinh", "", 1, 2),
    ]
    assert [(r.name, r.code) for r in version.results.all()] == [
        ("Giấy khai sinh", "KQ.G15.000031")
    ]


def test_second_run_of_the_same_file_changes_nothing(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "catalog.jsonl", [record("1.000001"), record("1.000002")])
    import_catalog(path, at=IMPORTED_AT)
    counts = [
        m.objects.count()
        for m in (ProcedureVersion, ChannelRule, ComponentCase, Component, ProcedureResult)
    ]

    summary = import_catalog(path, at=IMPORTED_AT)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert counts == [
        m.objects.count()
        for m in (ProcedureVersion, ChannelRule, ComponentCase, Component, ProcedureResult)
    ]


def test_reordered_keys_are_the_same_content(tmp_path: Path) -> None:
    original = record("1.000001")
    import_catalog(write_jsonl(tmp_path / "a.jsonl", [original]), at=IMPORTED_AT)
    reordered = dict(reversed(list(original.items())))

    summary = import_catalog(write_jsonl(tmp_path / "b.jsonl", [reordered]), at=IMPORTED_AT)

    assert summary.unchanged == 1


def test_changed_record_adds_a_version_and_leaves_the_old_one_untouched(
    tmp_path: Path,
) -> None:
    import_catalog(write_jsonl(tmp_path / "v1.jsonl", [record("1.000001")]), at=IMPORTED_AT)
    first = ProcedureVersion.objects.get()
    first_channels = list(first.channels.values_list("pk", "limit_value", "limit_unit"))
    changed = record(
        "1.000001",
        name="Thủ tục đăng ký khai sinh (sửa đổi)",
        field="Hộ tịch và quốc tịch",
        cach_thuc_thuc_hien=[channel("truc_tiep", 3, "ngay_lam_viec")],
    )

    summary = import_catalog(write_jsonl(tmp_path / "v2.jsonl", [changed]), at=IMPORTED_AT)

    assert (summary.created, summary.updated) == (0, 1)
    procedure = Procedure.objects.get(code="1.000001")
    second = procedure.current_version
    assert second is not None
    assert second.number == 2
    assert procedure.name == "Thủ tục đăng ký khai sinh (sửa đổi)"
    assert procedure.field.name == "Hộ tịch và quốc tịch"
    assert [(c.limit_value, c.limit_unit) for c in second.channels.all()] == [
        (Decimal(3), "ngay_lam_viec")
    ]
    first.refresh_from_db()
    assert first.name == "Thủ tục đăng ký khai sinh"
    assert first.field.name == "Hộ tịch"
    assert list(first.channels.values_list("pk", "limit_value", "limit_unit")) == first_channels
    assert Field.objects.count() == 2


def test_unknown_unit_is_kept_flagged_and_counted(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "catalog.jsonl",
        [
            record(
                cach_thuc_thuc_hien=[
                    channel("truc_tiep", 1, "khac_khong_ro"),
                    channel("truc_tuyen", 2, None),
                    channel("buu_chinh", None, None),
                ]
            )
        ],
    )

    summary = import_catalog(path, at=IMPORTED_AT)

    assert (summary.unknown_unit_channels, summary.no_time_channels) == (2, 1)
    rows = list(ChannelRule.objects.values_list("limit_value", "limit_unit", "unit_unknown"))
    assert rows == [
        (Decimal(1), "khac_khong_ro", True),
        (Decimal(2), "khac_khong_ro", True),
        (None, "", False),
    ]
    assert Procedure.objects.with_unknown_unit().count() == 1
    assert Procedure.objects.get().limit_varies is True


def test_summary_limit_when_every_channel_agrees(tmp_path: Path) -> None:
    import_catalog(write_jsonl(tmp_path / "c.jsonl", [record()]), at=IMPORTED_AT)

    procedure = Procedure.objects.get()

    assert str(procedure.time_limit_summary) == "5 ngày làm việc"
    assert procedure.limit_varies is False


def test_gzip_and_plain_files_are_both_read(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "a.jsonl.gz", [record("1.000001")])
    write_jsonl(tmp_path / "b.jsonl", [record("1.000002")])

    import_catalog(tmp_path / "a.jsonl.gz", at=IMPORTED_AT)
    import_catalog(tmp_path / "b.jsonl", at=IMPORTED_AT)

    assert set(Procedure.objects.values_list("code", flat=True)) == {"1.000001", "1.000002"}


def test_each_run_is_logged(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "catalog.jsonl", [record(), "{oops"])

    import_catalog(path, at=IMPORTED_AT)

    run = ImportRun.objects.get()
    assert (run.created, run.rejected, run.started_at) == (1, 1, IMPORTED_AT)
    assert run.rejections[0]["line"] == 2


def test_progress_is_reported_per_record_written(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "catalog.jsonl", [record("1.000001"), record("1.000002")])
    calls: list[tuple[int, int]] = []

    import_catalog(path, at=IMPORTED_AT, progress=lambda done, total: calls.append((done, total)))

    assert calls == [(1, 2), (2, 2)]
