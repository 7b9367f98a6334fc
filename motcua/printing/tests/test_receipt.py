"""Form 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả."""

from __future__ import annotations

from typing import Any

import pytest
import segno
from django.utils import translation

from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import MONDAY, World, submit_online
from motcua.printing import forms
from motcua.printing.tests.reading import (
    assert_liberation_serif_only,
    qr_modules,
    reader,
    text,
)


def lookup(dossier: Dossier) -> str:
    return f"https://motcua.bacninh.gov.vn/tra-cuu/?ma={dossier.code}"


def test_the_receipt_prints_the_reception_and_the_appointment(dossier: Dossier) -> None:
    printed = text(forms.receipt(dossier, lookup_url=lookup(dossier)))

    assert dossier.code == "H24.STP-260302-0001"
    for line in [
        # The common header.
        "ỦY BAN NHÂN DÂN TỈNH BẮC NINH",
        "TRUNG TÂM PVHCC TỈNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: H24.STP-260302-0001/TTPVHCC",
        "Bắc Ninh, ngày 02 tháng 3 năm 2026",
        # The form.
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Mã hồ sơ: H24.STP-260302-0001",
        "Trung tâm PVHCC tỉnh tiếp nhận hồ sơ của Ông/Bà: Nguyễn Thị Hằng",
        "Số định danh cá nhân: 001190001234",
        "Địa chỉ: Số 5 phố Lý Thái Tổ, Phường Kinh Bắc, Tỉnh Bắc Ninh",
        "Số điện thoại: 0912345678 Email: hang@example.vn",
        "Người ủy quyền: Trần Văn Bình; số định danh: 001080009999",
        "Nội dung yêu cầu giải quyết: Thủ tục đăng ký khai sinh",
        "Thành phần hồ sơ nộp gồm: 1. Tờ khai đăng ký khai sinh 2. Giấy chứng sinh",
        "Số lượng hồ sơ: 01 (bộ)",
        "Thời gian giải quyết hồ sơ theo quy định là: 5 ngày làm việc",
        "Thời gian nhận hồ sơ: 08 giờ 00 phút, ngày 02 tháng 3 năm 2026.",
        "Thời gian trả kết quả giải quyết hồ sơ: 08 giờ 00 phút, ngày 09 tháng 3 năm 2026.",
        "Đăng ký nhận kết quả tại: Nhận qua dịch vụ bưu chính.",
        "https://motcua.bacninh.gov.vn/tra-cuu/?ma=H24.STP-260302-0001",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "(Chữ ký số của người tiếp nhận hồ sơ nếu là biểu mẫu điện tử)",
    ]:
        assert line in printed, line
    # The receiving officer signs under their own name, the applicant under hers.
    assert printed.index("Nguyễn Thị Hằng Motcua") > printed.index("NGƯỜI TIẾP NHẬN HỒ SƠ")


def test_the_receipt_is_one_a4_page_in_liberation_serif(dossier: Dossier) -> None:
    pdf = forms.receipt(dossier, lookup_url=lookup(dossier))

    pages = reader(pdf).pages
    assert len(pages) == 1
    width, height = (float(v) for v in pages[0].mediabox.upper_right)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    assert_liberation_serif_only(pdf)


def test_the_qr_code_holds_the_lookup_address(dossier: Dossier) -> None:
    url = lookup(dossier)
    pdf = forms.receipt(dossier, lookup_url=url)

    printed = qr_modules(pdf, scale=forms.QR_SCALE, border=forms.QR_BORDER)

    assert printed == [list(row) for row in segno.make_qr(url, error="m").matrix]
    assert printed != [list(row) for row in segno.make_qr(url + "x", error="m").matrix]
    # Drawn with hard module edges, not smoothed when scaled up.
    image = reader(pdf).pages[0].images[0]
    assert image.indirect_reference is not None
    stream: Any = image.indirect_reference.get_object()
    assert stream["/Interpolate"].value is False


def test_the_receipt_is_in_vietnamese_whatever_the_screen_language(dossier: Dossier) -> None:
    with translation.override("en"):
        printed = text(forms.receipt(dossier, lookup_url=lookup(dossier)))

    assert "Đăng ký nhận kết quả tại: Nhận qua dịch vụ bưu chính." in printed


def test_no_receipt_before_reception(world: World) -> None:
    submitted = submit_online(world, MONDAY)

    with pytest.raises(forms.FormNotAvailable, match="chưa được tiếp nhận"):
        forms.receipt(submitted, lookup_url=lookup(submitted))
