"""Financial obligations assessed after reception (Decree 118/2025 Art. 24): the
dossier waits for payment (national status 6) and goes on when it is recorded."""

from __future__ import annotations

import pytest

from motcua.dossiers import actions
from motcua.dossiers.actions.base import system_user
from motcua.dossiers.errors import InvalidInput
from motcua.dossiers.statuses import Status
from motcua.dossiers.tests.conftest import MONDAY, World, local, snapshot


def test_a_payment_request_makes_the_dossier_wait_for_payment(world: World) -> None:
    dossier = world.receive(MONDAY)

    payment = actions.request_payment(
        dossier,
        actor=world.handler,
        amount_vnd=250_000,
        description="Lệ phí cấp bản sao trích lục",
        at=local(2026, 3, 3, 9, 0),
    )

    dossier.refresh_from_db()
    assert (dossier.status, dossier.national_code) == (Status.AWAITING_PAYMENT, 6)
    assert (payment.amount_vnd, payment.requested_by, payment.paid_at) == (
        250_000,
        world.handler,
        None,
    )
    event = dossier.events.last()
    assert event is not None
    assert (event.action, event.actor_agency, event.changes) == (
        "request_payment",
        world.justice,
        {"amount_vnd": 250_000},
    )


def test_a_recorded_payment_puts_the_dossier_back_in_progress(world: World) -> None:
    dossier = world.receive(MONDAY)
    actions.request_payment(
        dossier, actor=world.handler, amount_vnd=250_000, description="Lệ phí", at=MONDAY
    )

    payment = actions.record_payment(
        dossier,
        actor=world.reception,
        method="Tiền mặt",
        receipt_number="BL-000123",
        at=local(2026, 3, 3, 14, 0),
    )

    dossier.refresh_from_db()
    assert (dossier.status, dossier.national_code) == (Status.IN_PROGRESS, 4)
    assert (payment.paid_at, payment.method, payment.receipt_number) == (
        local(2026, 3, 3, 14, 0),
        "Tiền mặt",
        "BL-000123",
    )
    assert dossier.events.last().actor_agency == world.centre  # type: ignore[union-attr]


def test_an_online_payment_is_recorded_by_the_system(world: World) -> None:
    dossier = world.receive(MONDAY)
    actions.request_payment(
        dossier, actor=world.handler, amount_vnd=250_000, description="Lệ phí", at=MONDAY
    )

    actions.record_payment(
        dossier, actor=system_user(), method="Cổng DVCQG", at=local(2026, 3, 3, 21, 0)
    )

    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS
    event = dossier.events.last()
    assert event is not None
    assert (event.actor.username, event.actor_agency) == ("he-thong", None)


@pytest.mark.parametrize(
    ("amount", "description", "message"),
    [
        (0, "Lệ phí", "Số tiền phải lớn hơn 0."),
        (-5_000, "Lệ phí", "Số tiền phải lớn hơn 0."),
        (50_000, " ", "Cần ghi nội dung khoản phải nộp."),
    ],
)
def test_a_payment_request_needs_an_amount_and_what_it_is_for(
    world: World, amount: int, description: str, message: str
) -> None:
    dossier = world.receive(MONDAY)
    before = snapshot(dossier)

    with pytest.raises(InvalidInput, match=message):
        actions.request_payment(
            dossier, actor=world.handler, amount_vnd=amount, description=description, at=MONDAY
        )

    assert snapshot(dossier) == before


def test_a_payment_is_recorded_with_how_it_was_paid(world: World) -> None:
    dossier = world.receive(MONDAY)
    actions.request_payment(
        dossier, actor=world.handler, amount_vnd=250_000, description="Lệ phí", at=MONDAY
    )
    before = snapshot(dossier)

    with pytest.raises(InvalidInput, match="Cần ghi hình thức nộp tiền."):
        actions.record_payment(dossier, actor=world.reception, method="", at=MONDAY)

    assert snapshot(dossier) == before
