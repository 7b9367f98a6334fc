"""Form 02, Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: after appraisal (the supplement
request) or at intake (the request for completion)."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.dossiers import actions
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import MONDAY, World, submit_online
from motcua.printing import forms
from motcua.printing.tests.reading import assert_liberation_serif_only, text

TUESDAY = MONDAY + dt.timedelta(days=1)


def test_the_supplement_request_lists_what_is_missing(world: World, dossier: Dossier) -> None:
    world.handler.phone = "0222 3822 111"
    world.handler.save(update_fields=["phone"])
    actions.request_supplement(
        dossier,
        actor=world.handler,
        reason="Giấy tờ chưa hợp lệ",
        missing="1. Giấy chứng sinh bản chính\n- Bản sao giấy chứng nhận kết hôn; "
        "Giấy tờ chứng minh nơi cư trú",
        at=TUESDAY,
    )

    pdf = forms.completion_request(dossier)
    printed = text(pdf)

    for line in [
        "Số: H24.STP-260302-0001/PBS-TTPVHCC",
        "Bắc Ninh, ngày 03 tháng 3 năm 2026",
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "Hồ sơ của: Nguyễn Thị Hằng",
        "Nội dung yêu cầu giải quyết: Thủ tục đăng ký khai sinh",
        "Địa chỉ: Số 5 phố Lý Thái Tổ, Phường Kinh Bắc, Tỉnh Bắc Ninh",
        "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau: "
        "1. Giấy chứng sinh bản chính "
        "2. Bản sao giấy chứng nhận kết hôn "
        "3. Giấy tờ chứng minh nơi cư trú "
        "Lý do: Giấy tờ chưa hợp lệ",
        "Ông/Bà liên hệ với Chuyenvien, số điện thoại 0222 3822 111 để được hướng dẫn./.",
        "NGƯỜI HƯỚNG DẪN",
    ]:
        assert line in printed, line
    assert_liberation_serif_only(pdf)


def test_the_request_for_completion_at_intake(world: World) -> None:
    submitted = submit_online(world, MONDAY)
    actions.request_completion(
        submitted,
        actor=world.reception,
        reason="Tờ khai chưa ký",
        missing="Tờ khai đăng ký khai sinh có chữ ký của người đi khai",
        at=MONDAY + dt.timedelta(hours=3),
    )

    printed = text(forms.completion_request(submitted))

    assert "Hồ sơ của: Nguyễn Văn An" in printed
    assert "1. Tờ khai đăng ký khai sinh có chữ ký của người đi khai" in printed
    assert "Lý do: Tờ khai chưa ký" in printed
    assert "liên hệ với Motcua" in printed
    assert "Bắc Ninh, ngày 02 tháng 3 năm 2026" in printed


def test_no_request_no_form(dossier: Dossier) -> None:
    with pytest.raises(forms.FormNotAvailable, match="không có yêu cầu bổ sung"):
        forms.completion_request(dossier)


@pytest.mark.parametrize(
    ("typed", "items"),
    [
        ("Giấy chứng sinh", ["Giấy chứng sinh"]),
        ("a; b;; c", ["a", "b", "c"]),
        ("1. a\n2) b\n- c\n• d\n\n", ["a", "b", "c", "d"]),
        ("Sổ hộ khẩu số 12/2020", ["Sổ hộ khẩu số 12/2020"]),
    ],
)
def test_missing_documents_are_split_into_items(typed: str, items: list[str]) -> None:
    assert forms.split_items(typed) == items
