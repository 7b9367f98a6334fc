"""Building catalogue records and files for tests, in the national format."""

from __future__ import annotations

import copy
import gzip
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from motcua.catalog.models import (
    ChannelRule,
    Field,
    ImportRun,
    Procedure,
    ProcedureVersion,
)


def channel(
    hinh_thuc: str = "truc_tiep",
    thoi_han: float | None = 5,
    don_vi: str | None = "ngay_lam_viec",
    phi_le_phi: str | None = "Miễn phí",
    mien_phi: bool | None = True,
    so_tien_vnd: list[int] | None = None,
) -> dict[str, Any]:
    return {
        "hinh_thuc": hinh_thuc,
        "thoi_han": thoi_han,
        "don_vi": don_vi,
        "phi_le_phi": phi_le_phi,
        "mien_phi": mien_phi,
        "so_tien_vnd": [0] if so_tien_vnd is None else so_tien_vnd,
    }


def record(
    code: str = "1.000001",
    name: str = "Thủ tục đăng ký khai sinh",
    field: str = "Hộ tịch",
    levels: Iterable[str] = ("xa",),
    **overrides: Any,
) -> dict[str, Any]:
    """A complete, valid record; keyword arguments replace top-level keys."""
    base: dict[str, Any] = {
        "ma_thu_tuc": code,
        "ten_thu_tuc": name,
        "linh_vuc": field,
        "cap_thuc_hien": list(levels),
        "cap_thuc_hien_goc": ", ".join(f"Cấp {level}" for level in levels),
        "loai_thu_tuc": "TTHC được giao luật quy định chi tiết",
        "co_quan_cong_bo": "Bộ Tư pháp",
        "so_quyet_dinh_cong_bo": "163/QĐ-BTP",
        "co_quan_thuc_hien": "Ủy ban nhân dân cấp xã",
        "co_quan_co_tham_quyen": None,
        "co_quan_duoc_uy_quyen": None,
        "co_quan_phoi_hop": None,
        "dia_chi_tiep_nhan": None,
        "doi_tuong_thuc_hien": ["Công dân Việt Nam"],
        "cach_thuc_thuc_hien": [
            channel("truc_tiep"),
            channel("truc_tuyen"),
            channel("buu_chinh"),
        ],
        "thoi_han_giai_quyet_tom_tat": {"so": 5, "don_vi": "ngay_lam_viec"},
        "phi_le_phi_vnd": [0],
        "thanh_phan_ho_so": [
            {
                "truong_hop": "* Giấy tờ phải nộp:",
                "giay_to": [
                    {
                        "ten": "Tờ khai đăng ký khai sinh",
                        "mau_don": "To khai dang ky khai sinh.docx",
                        "ban_chinh": 1,
                        "ban_sao": 0,
                    },
                    {
                        "ten": "Giấy chứng sinh",
                        "mau_don": None,
                        "ban_chinh": 1,
                        "ban_sao": 2,
                    },
                ],
            },
            {
                "truong_hop": "* Giấy tờ phải xuất trình:",
                "giay_to": [{"ten": "Thẻ căn cước", "mau_don": None, "ban_chinh": 1, "ban_sao": 0}],
            },
        ],
        "trinh_tu_thuc_hien": "Bước 1: Nộp hồ sơ.\nBước 2: Nhận kết quả.",
        "yeu_cau_dieu_kien": None,
        "ket_qua": [{"ten": "Giấy khai sinh", "ma": "KQ.G15.000031"}],
        "can_cu_phap_ly": [
            {"ten": "Luật Hộ tịch", "so_hieu": "60/2014/QH13"},
            {
                "ten": "Nghị định 123/2015/NĐ-CP phần không tách được",
                "so_hieu": None,
                "chua_tach_duoc": True,
            },
        ],
        "thu_tuc_lien_quan": None,
        "nguon_url": f"https://dichvucong.gov.vn/thu-tuc-hanh-chinh/{code}",
        "nguon_file": f"scripts/crawler/data/raw/bo-tu-phap/{code}.json",
    }
    base.update(copy.deepcopy(overrides))
    return base


def write_jsonl(path: Path, lines: Iterable[dict[str, Any] | str]) -> Path:
    """Write records (dicts) or raw text lines; ``.gz`` paths are compressed."""
    text = "".join(
        (line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n"
        for line in lines
    )
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode("utf-8")))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def wipe_catalogue() -> None:
    """Delete every catalogue row (versions are protected, so in the right order)."""
    Procedure.objects.update(current_version=None)
    ChannelRule.objects.all().delete()
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()
    Field.objects.all().delete()
    ImportRun.objects.all().delete()
