"""Two officials on the same dossier: the second to act on what they loaded gets a
conflict, not a lost update."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from motcua.dossiers import actions
from motcua.dossiers.errors import ConflictError, DossierError
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import MONDAY, World, local, snapshot


def test_the_second_official_acting_on_a_stale_screen_gets_a_conflict(world: World) -> None:
    dossier = world.receive(MONDAY)
    seen_by_head = Dossier.objects.get(pk=dossier.pk)
    seen_by_handler = Dossier.objects.get(pk=dossier.pk)
    assert seen_by_head.lock_version == seen_by_handler.lock_version

    actions.assign(
        seen_by_head,
        actor=world.head,
        assignee=world.handler,
        at=local(2026, 3, 2, 9, 0),
        expected_version=seen_by_head.lock_version,
    )
    before = snapshot(dossier)

    with pytest.raises(ConflictError) as conflict:
        actions.forward(
            seen_by_handler,
            actor=world.handler,
            at=local(2026, 3, 2, 9, 5),
            expected_version=seen_by_handler.lock_version,
        )

    assert str(conflict.value) == (
        f"Hồ sơ {dossier.code} vừa được người khác cập nhật. Vui lòng tải lại trang "
        "và thực hiện lại."
    )
    assert snapshot(dossier) == before


def test_after_reloading_the_official_acts_normally(world: World) -> None:
    dossier = world.receive(MONDAY)
    actions.assign(dossier, actor=world.head, assignee=world.handler, at=MONDAY)
    dossier.refresh_from_db()

    actions.forward(
        dossier,
        actor=world.handler,
        at=local(2026, 3, 2, 9, 5),
        expected_version=dossier.lock_version,
    )

    dossier.refresh_from_db()
    assert [e.action for e in dossier.events.all()][-1] == "forward"


def test_every_action_moves_the_version_on(world: World) -> None:
    dossier = world.receive(MONDAY)
    versions = [dossier.lock_version]

    actions.assign(dossier, actor=world.head, assignee=world.handler, at=MONDAY)
    dossier.refresh_from_db()
    versions.append(dossier.lock_version)
    actions.extend_deadline(
        dossier,
        actor=world.handler,
        new_due=local(2026, 3, 13, 17, 0),
        reason="Xác minh",
        at=local(2026, 3, 3, 9, 0),
    )
    dossier.refresh_from_db()
    versions.append(dossier.lock_version)

    assert versions == [2, 3, 4]  # reception is two events: submitted, then received


def test_a_stale_object_never_overwrites_a_colleague_s_change(world: World) -> None:
    dossier = world.receive(MONDAY)
    stale = Dossier.objects.get(pk=dossier.pk)
    actions.extend_deadline(
        dossier,
        actor=world.handler,
        new_due=local(2026, 3, 13, 17, 0),
        reason="Xác minh",
        at=local(2026, 3, 3, 9, 0),
    )

    # No expected version given: the action still works on the row as it is now.
    actions.request_payment(
        stale, actor=world.handler, amount_vnd=10_000, description="Lệ phí", at=MONDAY
    )

    dossier.refresh_from_db()
    assert dossier.due_at == local(2026, 3, 13, 17, 0)
    assert [e.action for e in dossier.events.all()][-2:] == ["extend", "request_payment"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a real row lock between two connections"
)
@pytest.mark.django_db(transaction=True)
def test_two_connections_at_once_one_wins_one_conflicts(world: World) -> None:
    dossier = world.receive(MONDAY)
    version = dossier.lock_version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(moment_minute: int) -> None:
        try:
            barrier.wait()
            actions.extend_deadline(
                dossier,
                actor=world.handler,
                new_due=local(2026, 3, 13, 17, moment_minute),
                reason="Xác minh",
                at=local(2026, 3, 3, 9, 0),
                expected_version=version,
            )
            outcomes.append("done")
        except DossierError as error:
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(m,)) for m in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ConflictError", "done"]
    assert Dossier.objects.get(pk=dossier.pk).events.filter(action="extend").count() == 1


def test_a_reminder_in_between_does_not_turn_an_officials_action_into_a_conflict(
    world: World,
) -> None:
    from motcua.dossiers.pollers import remind_due_soon
    from motcua.dossiers.tests.conftest import local

    dossier = world.receive(local(2026, 3, 2, 8, 0))  # due Mon 09/03 08:00
    seen = Dossier.objects.get(pk=dossier.pk).lock_version

    summary = remind_due_soon(local(2026, 3, 6, 9, 0))
    assert dossier.events.filter(action="remind").count() == 1, summary

    actions.assign(
        dossier,
        actor=world.head,
        assignee=world.handler,
        at=local(2026, 3, 6, 10, 0),
        expected_version=seen,
    )
    assert Dossier.objects.get(pk=dossier.pk).lock_version == seen + 1
