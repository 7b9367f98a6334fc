"""Form 04, the apology with the new appointment (Decree 118/2025 Art. 19(6))."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.dossiers import actions
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import MONDAY, World, local
from motcua.printing import forms
from motcua.printing.tests.reading import assert_liberation_serif_only, text


def test_the_apology_gives_the_old_and_the_new_appointment(world: World, dossier: Dossier) -> None:
    actions.extend_deadline(
        dossier,
        actor=world.leader,
        new_due=local(2026, 3, 12, 16, 0),
        reason="Cần xác minh thông tin với Ủy ban nhân dân xã nơi cư trú trước đây",
        at=MONDAY + dt.timedelta(days=2),
    )

    pdf = forms.apology(dossier)
    printed = text(pdf)

    for line in [
        "ỦY BAN NHÂN DÂN TỈNH BẮC NINH SỞ TƯ PHÁP",
        "Số: H24.STP-260302-0001/PXL",
        "Bắc Ninh, ngày 04 tháng 3 năm 2026",
        "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
        "Kính gửi: Ông/Bà Nguyễn Thị Hằng",
        "Ngày 02 tháng 3 năm 2026, Sở Tư pháp tiếp nhận giải quyết hồ sơ đề nghị giải quyết "
        "thủ tục hành chính Thủ tục đăng ký khai sinh của Ông/Bà Nguyễn Thị Hằng; "
        "số định danh: 001190001234; mã số hồ sơ: H24.STP-260302-0001.",
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: 08 giờ 00 phút, ngày 09 tháng 3 năm 2026.",
        "Lý do: Cần xác minh thông tin với Ủy ban nhân dân xã nơi cư trú trước đây",
        "sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà vào 16 giờ 00 phút, ngày 12 tháng 3 năm 2026.",
        "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ",
    ]:
        assert line in printed, line
    assert_liberation_serif_only(pdf)


def test_no_extension_no_apology(dossier: Dossier) -> None:
    with pytest.raises(forms.FormNotAvailable, match="chưa được gia hạn") as raised:
        forms.apology(dossier)

    assert dossier.code in str(raised.value)
