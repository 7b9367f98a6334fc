"""The ``import_catalog`` management command: arguments, messages and summary."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from motcua.catalog.models import Procedure
from motcua.catalog.tests.catalog_files import channel, record, write_jsonl

pytestmark = pytest.mark.django_db


def test_missing_file_names_the_expected_path(tmp_path: Path) -> None:
    missing = tmp_path / "khong-co.jsonl.gz"

    with pytest.raises(CommandError, match=f"Không tìm thấy tệp danh mục: {missing}"):
        call_command("import_catalog", file=str(missing))


def test_a_corrupt_gzip_file_is_refused_whole(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl.gz", [record("1.000001"), record("1.000002")])
    path.write_bytes(path.read_bytes()[:-20])  # cut off the end, as an interrupted copy does

    with pytest.raises(CommandError, match="Không đọc được tệp danh mục"):
        call_command("import_catalog", file=str(path), stdout=StringIO(), stderr=StringIO())

    assert not Procedure.objects.exists()


def test_summary_lists_every_count_and_each_rejected_line(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "c.jsonl",
        [
            record(cach_thuc_thuc_hien=[channel(don_vi="khac_khong_ro"), channel(thoi_han=None)]),
            "{broken",
        ],
    )
    out, err = StringIO(), StringIO()

    call_command("import_catalog", file=str(path), stdout=out, stderr=err)

    assert Procedure.objects.count() == 1
    assert "Thủ tục mới: 1" in out.getvalue()
    assert "Không thay đổi: 0" in out.getvalue()
    assert "Dòng bị loại: 1" in out.getvalue()
    assert "Dòng thời hạn chưa rõ đơn vị (cần quản trị viên xác nhận): 1" in out.getvalue()
    assert "Dòng không có thời hạn: 1" in out.getvalue()
    assert "Dòng 2 bị loại: JSON sai cú pháp" in err.getvalue()
    assert "Đang ghi danh mục: 100% (1/1)" in err.getvalue()


def test_quiet_run_prints_no_progress(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [record()])
    err = StringIO()

    call_command("import_catalog", file=str(path), verbosity=0, stdout=StringIO(), stderr=err)

    assert err.getvalue() == ""
