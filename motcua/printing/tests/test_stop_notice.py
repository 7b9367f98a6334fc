"""Form 05, Thông báo dừng giải quyết hồ sơ (Decree 118/2025 Art. 21); its fields are
UNVERIFIED (legal-rules §4.2)."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.dossiers import actions
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import MONDAY, World, local, submit_online
from motcua.printing import forms
from motcua.printing.tests.reading import assert_liberation_serif_only, text


def test_a_stopped_dossier(world: World, dossier: Dossier) -> None:
    day = dt.timedelta(days=1)
    actions.assign(dossier, actor=world.head, assignee=world.handler, at=MONDAY + day)
    actions.request_payment(
        dossier, actor=world.handler, amount_vnd=50_000, description="Lệ phí", at=MONDAY + day
    )
    actions.record_payment(dossier, actor=world.handler, method="Tiền mặt", at=MONDAY + day)
    actions.stop(
        dossier,
        actor=world.leader,
        reason="Người nộp đề nghị dừng để bổ sung giấy tờ khác",
        at=local(2026, 3, 4, 14, 30),
    )

    pdf = forms.stop_notice(dossier)
    printed = text(pdf)

    for line in [
        "Số: H24.STP-260302-0001/TB-TTPVHCC",
        "Bắc Ninh, ngày 04 tháng 3 năm 2026",
        "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
        "Kính gửi: Ông/Bà Nguyễn Thị Hằng",
        "Mã hồ sơ: H24.STP-260302-0001",
        "Người nộp hồ sơ: Nguyễn Thị Hằng; số định danh cá nhân: 001190001234",
        "Thủ tục hành chính: Thủ tục đăng ký khai sinh",
        "Thời gian tiếp nhận hồ sơ: 08 giờ 00 phút, ngày 02 tháng 3 năm 2026.",
        "Thời gian đề nghị dừng giải quyết: 14 giờ 30 phút, ngày 04 tháng 3 năm 2026.",
        "Lý do: Người nộp đề nghị dừng để bổ sung giấy tờ khác",
        "Hồ sơ đã được xử lý đến bước: Thẩm định, xử lý hồ sơ (Sở Tư pháp).",
        "Trung tâm PVHCC tỉnh thông báo dừng giải quyết hồ sơ nêu trên theo đề nghị của Ông/Bà.",
        "Phí, lệ phí đã nộp: 50.000 đồng.",
        "PHÓ GIÁM ĐỐC SỞ (Ký và ghi rõ họ tên) Lanhdao",
    ]:
        assert line in printed, line
    assert_liberation_serif_only(pdf)


def test_an_online_submission_withdrawn_before_reception(world: World) -> None:
    submitted = submit_online(world, MONDAY)
    actions.withdraw(
        submitted,
        actor=world.reception,
        reason="Nộp nhầm thủ tục",
        at=MONDAY + dt.timedelta(hours=1),
    )

    printed = text(forms.stop_notice(submitted))

    assert "Thời gian đề nghị rút hồ sơ: 09 giờ 00 phút, ngày 02 tháng 3 năm 2026." in printed
    assert "Thời gian tiếp nhận hồ sơ" not in printed
    assert "Hồ sơ đã được xử lý đến bước: Mới đăng ký, chờ tiếp nhận." in printed
    assert "theo đề nghị rút hồ sơ của Ông/Bà." in printed
    assert "Phí, lệ phí đã nộp: không có." in printed


def test_a_dossier_still_handled_has_no_stop_notice(dossier: Dossier) -> None:
    with pytest.raises(forms.FormNotAvailable, match="không bị dừng"):
        forms.stop_notice(dossier)
