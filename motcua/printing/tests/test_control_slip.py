"""Form 06, Phiếu kiểm soát quá trình giải quyết hồ sơ: one row per handover, with the
early / on time / late label of the step handed over."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.dossiers import actions
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import World, local, result_file, submit_online
from motcua.printing import forms
from motcua.printing.handovers import Handover, handovers
from motcua.printing.tests.reading import assert_liberation_serif_only, text


def handled(world: World, dossier: Dossier) -> None:
    """5 working days from Mon 02/03 08:00: handling (60 %) is due Thu 05/03 08:00,
    the department head's review (15 %) six working hours after it starts."""
    actions.assign(dossier, actor=world.head, assignee=world.handler, at=local(2026, 3, 2, 9))
    actions.forward(dossier, actor=world.handler, opinion="Đủ điều kiện", at=local(2026, 3, 3, 10))
    actions.forward(dossier, actor=world.head, at=local(2026, 3, 5, 9))
    actions.approve_result(
        dossier,
        actor=world.leader,
        result_type_code="KQ.G15.000031",
        documents=result_file(),
        at=local(2026, 3, 5, 10),
    )


def test_each_handover_is_a_row(world: World, dossier: Dossier) -> None:
    handled(world, dossier)

    rows = handovers(dossier)

    assert rows == [
        Handover(
            giver_unit="Bộ phận TN&TKQ",
            receiver_unit="Sở Tư pháp (Thẩm định, xử lý hồ sơ)",
            at="08 giờ 00 phút, ngày 02/03/2026",
            giver="Motcua",
            receiver="Chuyenvien",
            result="Đúng hạn",
            notes="",
        ),
        Handover(
            giver_unit="Sở Tư pháp (Thẩm định, xử lý hồ sơ)",
            receiver_unit="Sở Tư pháp (Lãnh đạo phòng xem xét)",
            at="10 giờ 00 phút, ngày 03/03/2026",
            giver="Chuyenvien",
            receiver="Truongphong",
            result="Trước hạn",
            notes="Đủ điều kiện",
        ),
        Handover(
            giver_unit="Sở Tư pháp (Lãnh đạo phòng xem xét)",
            receiver_unit="Sở Tư pháp (Lãnh đạo cơ quan phê duyệt)",
            at="09 giờ 00 phút, ngày 05/03/2026",
            giver="Truongphong",
            receiver="Lanhdao",
            result="Quá hạn",
            notes="",
        ),
        Handover(
            giver_unit="Sở Tư pháp (Lãnh đạo cơ quan phê duyệt)",
            receiver_unit="Bộ phận TN&TKQ",
            at="10 giờ 00 phút, ngày 05/03/2026",
            giver="Lanhdao",
            receiver="",
            result="Đúng hạn",
            notes="",
        ),
        # The result waits at the counter: no handover yet, no label.
        Handover(
            giver_unit="Bộ phận TN&TKQ",
            receiver_unit="",
            at="",
            giver="",
            receiver="",
            result="",
            notes=rows[-1].notes,
        ),
    ]
    assert rows[-1].notes.startswith("Đang xử lý, hạn ")


def test_the_returned_result_goes_to_the_applicant(world: World, dossier: Dossier) -> None:
    handled(world, dossier)
    actions.return_result(dossier, actor=world.reception, at=local(2026, 3, 5, 11))

    last = handovers(dossier)[-1]

    assert (last.giver_unit, last.receiver_unit) == ("Bộ phận TN&TKQ", "Tổ chức, cá nhân")
    assert (last.giver, last.receiver, last.result) == ("Motcua", "Nguyễn Thị Hằng", "Đúng hạn")


def test_the_slip_prints_the_header_and_the_rows(world: World, dossier: Dossier) -> None:
    handled(world, dossier)

    pdf = forms.control_slip(dossier, printed_on=dt.date(2026, 3, 20))
    printed = text(pdf)

    for line in [
        "Số: H24.STP-260302-0001/PKS-TTPVHCC",
        "Bắc Ninh, ngày 20 tháng 3 năm 2026",
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        "Mã số hồ sơ: H24.STP-260302-0001",
        "Cơ quan (bộ phận) giải quyết hồ sơ: Sở Tư pháp",
        "Cơ quan phối hợp giải quyết hồ sơ: không có",
        "Ngày nhận: 02/03/2026",
        "Hẹn trả kết quả vào 08 giờ 00 phút, ngày 09 tháng 3 năm 2026",
        "1. Giao: Bộ phận TN&TKQ 2. Nhận: Sở Tư pháp (Thẩm định, xử lý hồ sơ)",
        "Kết quả giải quyết hồ sơ (trước hạn/đúng hạn/quá hạn)",
        "Trước hạn Đủ điều kiện",
        "Quá hạn",
        "Kết quả giải quyết hồ sơ do bên nhận nhập thông tin/ghi khi nhận bàn giao hồ sơ.",
    ]:
        assert line in printed, line
    assert_liberation_serif_only(pdf)


def test_inter_agency_handling_names_the_cooperating_agency(world: World, dossier: Dossier) -> None:
    actions.assign(dossier, actor=world.head, assignee=world.handler, at=local(2026, 3, 2, 9))
    actions.hand_over(
        dossier,
        actor=world.handler,
        to_agency=world.construction,
        reason="Xác minh hiện trạng công trình",
        at=local(2026, 3, 3, 9),
    )

    rows = handovers(dossier)
    printed = text(forms.control_slip(dossier, printed_on=dt.date(2026, 3, 3)))

    assert rows[1].receiver_unit == "Sở Xây dựng (Thẩm định, xử lý hồ sơ)"
    assert rows[1].notes == "Chuyển cơ quan khác; Xác minh hiện trạng công trình"
    assert "Cơ quan phối hợp giải quyết hồ sơ: Sở Xây dựng" in printed


def test_no_slip_before_reception(world: World) -> None:
    with pytest.raises(forms.FormNotAvailable, match="chưa được tiếp nhận"):
        forms.control_slip(submit_online(world))
