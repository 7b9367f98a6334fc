"""The extension with apology (Decree 118/2025 Art. 19(6), deadlines.md §6): once per
dossier, the original appointment kept, a warning when it comes less than one
working day before the due instant.

The dossier is received Mon 02/03/2026 08:00 and due Mon 09/03/2026 08:00.
"""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.dossiers import actions
from motcua.dossiers.errors import InvalidInput
from motcua.dossiers.models import Dossier, Extension
from motcua.dossiers.statuses import Status
from motcua.dossiers.tests.conftest import MONDAY, World, local, result_file, snapshot

DUE = local(2026, 3, 9, 8, 0)
NEW_DUE = local(2026, 3, 13, 17, 0)


def _extend(
    world: World, dossier: Dossier, at: dt.datetime, new_due: dt.datetime = NEW_DUE
) -> Extension:
    return actions.extend_deadline(
        dossier,
        actor=world.handler,
        new_due=new_due,
        reason="Cần xác minh thông tin hộ tịch tại địa phương khác",
        at=at,
    )


def test_an_extension_moves_the_appointment_and_keeps_the_original(world: World) -> None:
    dossier = world.receive(MONDAY)

    extension = _extend(world, dossier, local(2026, 3, 5, 9, 0))

    dossier.refresh_from_db()
    assert (dossier.due_at, dossier.original_due_at) == (NEW_DUE, DUE)
    assert (dossier.status, dossier.national_code) == (Status.RECEIVED, 2)
    assert (extension.previous_due, extension.new_due, extension.late_warning) == (
        DUE,
        NEW_DUE,
        False,
    )
    event = dossier.events.last()
    assert event is not None
    assert (event.action, event.reason) == (
        "extend",
        "Cần xác minh thông tin hộ tịch tại địa phương khác",
    )
    assert event.changes["new_due"] == NEW_DUE.isoformat()


@pytest.mark.parametrize(
    ("recorded_at", "late"),
    [
        (local(2026, 3, 6, 8, 0), False),  # exactly one working day (8 h) before
        (local(2026, 3, 6, 8, 30), True),
        (local(2026, 3, 9, 10, 0), True),  # after the due instant
    ],
)
def test_an_extension_later_than_one_working_day_before_the_due_instant_is_flagged(
    world: World, recorded_at: dt.datetime, late: bool
) -> None:
    dossier = world.receive(MONDAY)

    extension = _extend(world, dossier, recorded_at)

    assert extension.late_warning is late
    assert dossier.events.last().changes["late_warning"] is late  # type: ignore[union-attr]


def test_the_appointment_is_moved_only_once(world: World) -> None:
    dossier = world.receive(MONDAY)
    _extend(world, dossier, local(2026, 3, 5, 9, 0))
    before = snapshot(dossier)

    with pytest.raises(InvalidInput, match="chỉ được hẹn lại ngày trả kết quả một lần"):
        _extend(world, dossier, local(2026, 3, 12, 9, 0), local(2026, 3, 20, 17, 0))

    assert snapshot(dossier) == before


@pytest.mark.parametrize(
    ("new_due", "message"),
    [
        (local(2026, 3, 9, 8, 0), "Ngày hẹn mới phải sau ngày hẹn hiện tại."),
        (local(2026, 3, 6, 17, 0), "Ngày hẹn mới phải sau ngày hẹn hiện tại."),
        (local(2026, 3, 15, 10, 0), "Ngày hẹn mới phải là ngày làm việc."),  # a Sunday
    ],
)
def test_the_new_appointment_is_a_later_working_day(
    world: World, new_due: dt.datetime, message: str
) -> None:
    dossier = world.receive(MONDAY)
    before = snapshot(dossier)

    with pytest.raises(InvalidInput, match=message):
        _extend(world, dossier, local(2026, 3, 5, 9, 0), new_due)

    assert snapshot(dossier) == before


def test_an_extension_needs_its_reason(world: World) -> None:
    dossier = world.receive(MONDAY)
    before = snapshot(dossier)

    with pytest.raises(InvalidInput, match="Cần ghi rõ lý do gia hạn"):
        actions.extend_deadline(dossier, actor=world.handler, new_due=NEW_DUE, reason=" ")

    assert snapshot(dossier) == before


def test_a_dossier_waiting_for_payment_can_be_extended(world: World) -> None:
    dossier = world.receive(MONDAY)
    actions.request_payment(
        dossier, actor=world.handler, amount_vnd=50_000, description="Lệ phí", at=MONDAY
    )

    _extend(world, dossier, local(2026, 3, 5, 9, 0))

    dossier.refresh_from_db()
    assert (dossier.status, dossier.due_at) == (Status.AWAITING_PAYMENT, NEW_DUE)


def test_a_result_after_the_original_but_before_the_new_appointment_is_on_time(
    world: World,
) -> None:
    dossier = world.receive(MONDAY)
    _extend(world, dossier, local(2026, 3, 5, 9, 0))
    actions.forward(dossier, actor=world.handler, at=local(2026, 3, 10, 9, 0))
    actions.forward(dossier, actor=world.head, at=local(2026, 3, 11, 9, 0))

    actions.approve_result(
        dossier,
        actor=world.leader,
        result_type_code="KQ.G15.000031",
        documents=result_file(),
        at=local(2026, 3, 13, 9, 0),
    )

    dossier.refresh_from_db()
    assert dossier.timeliness == "on_time"


def test_an_overdue_dossier_cannot_be_given_an_appointment_already_past(world: World) -> None:
    dossier = world.receive(MONDAY)  # due Mon 09/03 08:00
    before = snapshot(dossier)

    with pytest.raises(InvalidInput, match="phải sau thời điểm gia hạn"):
        _extend(world, dossier, local(2026, 3, 12, 9, 0), new_due=local(2026, 3, 10, 17, 0))

    assert snapshot(dossier) == before
