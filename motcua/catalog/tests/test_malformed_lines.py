"""A line that cannot be read is skipped and reported with its number and reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from motcua.catalog.importer import Rejection, import_catalog
from motcua.catalog.models import Procedure
from motcua.catalog.tests.catalog_files import channel, record, write_jsonl
from motcua.catalog.tests.conftest import IMPORTED_AT

pytestmark = pytest.mark.django_db


def _import(tmp_path: Path, *lines: dict[str, object] | str) -> list[Rejection]:
    path = write_jsonl(tmp_path / "catalog.jsonl", [record("9.000000"), *lines])
    summary = import_catalog(path, at=IMPORTED_AT)
    assert Procedure.objects.filter(code="9.000000").exists()  # good lines still import
    return summary.rejections


def test_bad_json_is_reported_with_its_line_number(tmp_path: Path) -> None:
    [rejection] = _import(tmp_path, '{"ma_thu_tuc": "1.000001", ')

    assert rejection.line == 2
    assert rejection.reason.startswith("JSON sai cú pháp")


def test_missing_code_or_name_is_refused(tmp_path: Path) -> None:
    no_code = record()
    del no_code["ma_thu_tuc"]
    rejections = _import(tmp_path, no_code, record("1.000002", name="  "))

    assert [(r.line, r.reason) for r in rejections] == [
        (2, "ma_thu_tuc: thiếu"),
        (3, "ten_thu_tuc: đang để trống"),
    ]


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"ten_thu_tuc": 12}, "ten_thu_tuc: cần chuỗi ký tự, không phải số"),
        ({"cap_thuc_hien": "xa"}, "cap_thuc_hien: cần danh sách, không phải chuỗi"),
        ({"cap_thuc_hien": ["huyen"]}, "cap_thuc_hien[0]: cấp «huyen» không thuộc"),
        (
            {"cach_thuc_thuc_hien": [channel(thoi_han="5")]},  # type: ignore[arg-type]
            "cach_thuc_thuc_hien[0].thoi_han: cần một số, không phải chuỗi",
        ),
        (
            {"cach_thuc_thuc_hien": [channel(don_vi="tuan")]},
            "cach_thuc_thuc_hien[0].thoi_han: Không hiểu đơn vị thời hạn «tuan».",
        ),
        (
            {"cach_thuc_thuc_hien": [channel(hinh_thuc="fax")]},
            "cach_thuc_thuc_hien[0].hinh_thuc: hình thức «fax» không hợp lệ",
        ),
        (
            {
                "thanh_phan_ho_so": [
                    {"truong_hop": None, "giay_to": [{"ten": "A", "ban_chinh": -1}]}
                ]
            },
            "thanh_phan_ho_so[0].giay_to[0].ban_chinh: cần số nguyên không âm",
        ),
        ({"ket_qua": [{"ten": "Giấy phép", "ma": 7}]}, "ket_qua[0].ma: cần chuỗi ký tự"),
        ({"nguon_url": "javascript:alert(1)"}, "nguon_url: «javascript:alert(1)» không phải"),
    ],
)
def test_wrong_types_are_refused(tmp_path: Path, overrides: dict[str, Any], reason: str) -> None:
    [rejection] = _import(tmp_path, record("1.000002", **overrides))

    assert rejection.line == 2
    assert rejection.reason.startswith(reason)
    assert not Procedure.objects.filter(code="1.000002").exists()


def test_a_line_that_is_not_an_object_is_refused(tmp_path: Path) -> None:
    [rejection] = _import(tmp_path, "[1, 2]")

    assert rejection.reason == "dòng phải là một đối tượng JSON, không phải danh sách"


def test_nan_is_refused_rather_than_stored(tmp_path: Path) -> None:
    line = '{"ma_thu_tuc": "1.000002", "ten_thu_tuc": "A", "linh_vuc": "B", "x": NaN}'

    [rejection] = _import(tmp_path, line)

    assert rejection.reason == "giá trị NaN không hợp lệ trong JSON"


def test_a_repeated_code_keeps_the_first_line(tmp_path: Path) -> None:
    [rejection] = _import(tmp_path, record("9.000000", name="Bản trùng"))

    assert rejection == Rejection(2, "mã thủ tục 9.000000 đã có ở dòng 1")
    assert Procedure.objects.get(code="9.000000").name == "Thủ tục đăng ký khai sinh"


def test_blank_lines_are_ignored_and_numbering_follows_the_file(tmp_path: Path) -> None:
    [rejection] = _import(tmp_path, "", "   ", "not json")

    assert rejection.line == 4
