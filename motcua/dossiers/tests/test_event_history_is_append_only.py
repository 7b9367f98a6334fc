"""The processing history cannot lie: dossier events are never changed or deleted —
not through the model, not through a QuerySet, and on PostgreSQL not even by SQL."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from motcua.dossiers.models import Dossier, DossierEvent, ImmutableEventError
from motcua.dossiers.tests.conftest import MONDAY, World


def _history(dossier: Dossier) -> list[Mapping[str, object]]:
    return list(DossierEvent.objects.filter(dossier=dossier).order_by("seq").values())


def test_an_event_is_not_saved_again(world: World) -> None:
    dossier = world.receive(MONDAY)
    before = _history(dossier)
    event = dossier.events.last()
    assert event is not None
    event.reason = "Sửa lại cho đẹp"

    with pytest.raises(ImmutableEventError):
        event.save()

    assert _history(dossier) == before


def test_an_event_is_not_deleted(world: World) -> None:
    dossier = world.receive(MONDAY)
    before = _history(dossier)

    with pytest.raises(ImmutableEventError):
        dossier.events.first().delete()  # type: ignore[union-attr]

    assert _history(dossier) == before


@pytest.mark.parametrize(
    "change",
    [
        lambda events: events.update(reason="Sửa hàng loạt"),
        lambda events: events.delete(),
        lambda events: DossierEvent.objects.bulk_update(
            [_reworded(event) for event in events], ["reason"]
        ),
        lambda events: events.update_or_create(pk=events[0].pk, defaults={"reason": "x"}),
    ],
    ids=["update", "delete", "bulk_update", "update_or_create"],
)
def test_events_are_not_changed_in_bulk(world: World, change: object) -> None:
    dossier = world.receive(MONDAY)
    before = _history(dossier)

    # Its own savepoint: bulk_update refuses inside a transaction it then leaves broken.
    with pytest.raises(ImmutableEventError), transaction.atomic():
        change(DossierEvent.objects.filter(dossier=dossier))  # type: ignore[operator]

    assert _history(dossier) == before


def _reworded(event: DossierEvent) -> DossierEvent:
    event.reason = "Sửa hàng loạt"
    return event


def test_a_dossier_with_a_history_is_not_deleted(world: World) -> None:
    dossier = world.receive(MONDAY)
    before = _history(dossier)

    with pytest.raises(ProtectedError):
        Dossier.objects.filter(pk=dossier.pk).delete()

    assert _history(dossier) == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE dossiers_dossierevent SET reason = 'sửa' WHERE dossier_id = %s",
        "DELETE FROM dossiers_dossierevent WHERE dossier_id = %s",
    ],
    ids=["UPDATE", "DELETE"],
)
def test_postgresql_refuses_raw_sql_that_changes_an_event(world: World, sql: str) -> None:
    dossier = world.receive(MONDAY)
    before = _history(dossier)

    with (
        pytest.raises(DatabaseError, match="dossier events are append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [dossier.pk])

    assert _history(dossier) == before
