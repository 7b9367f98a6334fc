"""Withdrawal and stop at the applicant's request (Decree 118/2025 Art. 21): any time
after submission until the decision is issued, never after; the history keeps it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from motcua.dossiers import actions
from motcua.dossiers.errors import InvalidInput, PermissionDenied, TransitionError
from motcua.dossiers.models import Dossier, TaskOutcome, Timeliness
from motcua.dossiers.statuses import Status
from motcua.dossiers.tests.conftest import (
    MONDAY,
    World,
    citizen,
    local,
    reach,
    snapshot,
    submit_online,
)


def test_the_one_stop_unit_records_a_withdrawal_during_handling(world: World) -> None:
    dossier = reach(world, "in_progress")

    actions.withdraw(
        dossier,
        actor=world.reception,
        reason="Người nộp có đơn xin rút hồ sơ",
        at=local(2026, 3, 4, 9, 0),
    )

    dossier.refresh_from_db()
    assert (dossier.status, dossier.national_code) == (Status.WITHDRAWN, 7)
    assert (dossier.ended_at, dossier.timeliness) == (local(2026, 3, 4, 9, 0), Timeliness.EARLY)
    assert not dossier.open_tasks().exists()
    assert dossier.tasks.get(step__order=2).outcome == TaskOutcome.CANCELLED
    event = dossier.events.last()
    assert event is not None
    assert (event.action, event.reason, event.actor_agency) == (
        "withdraw",
        "Người nộp có đơn xin rút hồ sơ",
        world.centre,
    )


def test_the_applicant_withdraws_an_online_submission_before_reception(world: World) -> None:
    dossier = submit_online(world)

    actions.withdraw(dossier, actor=citizen(), reason="Nộp nhầm thủ tục", at=local(2026, 3, 2, 9))

    dossier.refresh_from_db()
    assert (dossier.status, dossier.national_code) == (Status.WITHDRAWN, 7)
    # Never received: it ends without an early / on-time / late label.
    assert (dossier.ended_at, dossier.timeliness) == (local(2026, 3, 2, 9), "")
    event = dossier.events.last()
    assert event is not None
    assert (event.actor, event.actor_agency) == (citizen(), None)


@pytest.mark.parametrize("status", ["received", "awaiting_supplement", "awaiting_payment"])
def test_the_agency_leader_stops_handling_before_the_decision(world: World, status: str) -> None:
    dossier = reach(world, status)

    actions.stop(
        dossier,
        actor=world.leader,
        reason="Người nộp đề nghị dừng giải quyết",
        at=local(2026, 3, 4, 9, 0),
    )

    dossier.refresh_from_db()
    assert (dossier.status, dossier.national_code) == (Status.STOPPED, 8)
    assert dossier.ended_at == local(2026, 3, 4, 9, 0)
    assert not dossier.open_tasks().exists()
    assert dossier.events.last().actor_agency == world.justice  # type: ignore[union-attr]


def test_the_applicant_withdraws_but_does_not_issue_a_stop_notice(world: World) -> None:
    dossier = submit_online(world)
    before = snapshot(dossier)

    with pytest.raises(PermissionDenied, match="Người nộp chỉ có thể rút hồ sơ."):
        actions.stop(dossier, actor=citizen(), reason="Dừng", at=MONDAY)

    assert snapshot(dossier) == before


@pytest.mark.parametrize("status", ["processed", "returned"])
@pytest.mark.parametrize("end", [actions.withdraw, actions.stop])
def test_nothing_is_withdrawn_or_stopped_once_the_decision_is_issued(
    world: World, status: str, end: Callable[..., Dossier]
) -> None:
    dossier = reach(world, status)
    before = snapshot(dossier)

    with pytest.raises(TransitionError, match="khi hồ sơ đang ở trạng thái"):
        end(dossier, actor=world.leader, reason="Xin rút", at=local(2026, 3, 10, 9, 0))

    assert snapshot(dossier) == before


def test_a_withdrawal_needs_its_reason(world: World) -> None:
    dossier = reach(world, "received")
    before = snapshot(dossier)

    with pytest.raises(InvalidInput, match="Cần ghi rõ lý do."):
        actions.withdraw(dossier, actor=world.reception, reason=" ", at=MONDAY)

    assert snapshot(dossier) == before


def test_a_handling_officer_does_not_stop_the_dossier(world: World) -> None:
    dossier = reach(world, "in_progress")
    before = snapshot(dossier)

    with pytest.raises(PermissionDenied):
        actions.stop(dossier, actor=world.handler, reason="Dừng", at=local(2026, 3, 4, 9, 0))

    assert snapshot(dossier) == before


def test_an_applicant_withdraws_only_their_own_dossier(world: World) -> None:
    dossier = submit_online(world)
    before = snapshot(dossier)

    with pytest.raises(PermissionDenied, match="không thuộc cơ quan, đơn vị của bạn"):
        actions.withdraw(dossier, actor=citizen("nguoi-khac"), reason="Rút", at=MONDAY)

    assert snapshot(dossier) == before
