"""Form 03, Phiếu từ chối tiếp nhận giải quyết hồ sơ: refused at intake or after
appraisal."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.dossiers import actions
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import MONDAY, World, reach, result_file
from motcua.printing import forms
from motcua.printing.tests.reading import assert_liberation_serif_only, text


def test_refused_at_intake(world: World) -> None:
    refused = reach(world, "not_received")

    pdf = forms.refusal(refused)
    printed = text(pdf)

    for line in [
        f"Số: {refused.code}/PTC-TTPVHCC",
        "Bắc Ninh, ngày 03 tháng 3 năm 2026",
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        "Trung tâm PVHCC tỉnh tiếp nhận hồ sơ của: Nguyễn Văn An",
        "Số định danh cá nhân: 001090001234",
        f"Mã hồ sơ (nếu có): {refused.code}",
        "Qua xem xét, Trung tâm PVHCC tỉnh thông báo không tiếp nhận, giải quyết hồ sơ này "
        "với lý do cụ thể như sau: Không thuộc thẩm quyền",
        "Xin thông báo cho Ông/Bà được biết và thực hiện./.",
    ]:
        assert line in printed, line
    assert printed.endswith("Nguyễn Văn An Motcua")
    assert_liberation_serif_only(pdf)


def test_refused_after_appraisal(world: World, dossier: Dossier) -> None:
    actions.refuse(
        dossier,
        actor=world.leader,
        reason="Người yêu cầu không thuộc đối tượng đăng ký.\nĐã quá thời hạn đăng ký.",
        documents=result_file("tu-choi.pdf"),
        at=MONDAY + dt.timedelta(days=2),
    )

    printed = text(forms.refusal(dossier))

    assert (
        "Qua xem xét, Sở Tư pháp thông báo không tiếp nhận, giải quyết hồ sơ này với lý do "
        "cụ thể như sau: Người yêu cầu không thuộc đối tượng đăng ký. "
        "Đã quá thời hạn đăng ký." in printed
    )
    assert "Bắc Ninh, ngày 04 tháng 3 năm 2026" in printed
    # The one-stop officer who received the dossier hands the slip over.
    assert printed.endswith("Nguyễn Thị Hằng Motcua")


def test_a_dossier_being_handled_has_no_refusal(dossier: Dossier) -> None:
    with pytest.raises(forms.FormNotAvailable, match="không bị từ chối"):
        forms.refusal(dossier)
