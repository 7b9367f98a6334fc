"""Receptions remember reference data per process (``motcua.dossiers.refcache``); a
change to that data, committed by anyone, must reach the very next reception."""

from __future__ import annotations

import datetime as dt
from typing import Any

from motcua.dossiers import refcache
from motcua.dossiers.models import Dossier, DossierCodeCounter, ReferenceStamp, WorkflowStep
from motcua.dossiers.tests.conftest import MONDAY, World
from motcua.org.models import AgencyIdentifier
from motcua.workdays.calendar import LOCAL_TZ
from motcua.workdays.models import CalendarOverride, OverrideKind


def _committed(world: World, capture: Any, at: dt.datetime = MONDAY) -> Dossier:
    with capture(execute=True):
        return world.receive(at)


def _warm(world: World, capture: Any) -> None:
    for _ in range(2):  # the first creates the default workflow (and raises the stamp)
        _committed(world, capture)
    assert refcache._memory, "nothing remembered after two committed receptions"


def test_a_new_agency_identifier_reaches_the_next_dossier_code(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _warm(world, django_capture_on_commit_callbacks)
    assert _committed(world, django_capture_on_commit_callbacks).code.startswith("H24.STP-")
    # As the admin pages do it: the old identifier ends, a new one starts.
    old = AgencyIdentifier.objects.get(agency=world.justice)
    old.valid_to = dt.date(2026, 3, 1)
    old.save()
    AgencyIdentifier.objects.create(
        agency=world.justice, code="H24.TP", valid_from=dt.date(2026, 3, 2)
    )
    # The memory still held the old identifier, but under an older stamp: the number
    # sent with the permission is not taken (``codes.send_next_sequence_if_current``),
    # and the old identifier's counter is left as it was.
    issued = _committed(world, django_capture_on_commit_callbacks)
    assert issued.code.startswith("H24.TP-") and issued.code.endswith("-0001")
    day = MONDAY.astimezone(LOCAL_TZ).date()
    old_codes = Dossier.objects.filter(code__startswith="H24.STP-").count()
    assert DossierCodeCounter.objects.get(identifier="H24.STP", day=day).last == old_codes


def test_a_day_off_recorded_moves_the_next_appointment(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _warm(world, django_capture_on_commit_callbacks)
    before = _committed(world, django_capture_on_commit_callbacks)
    assert before.due_at is not None
    due_day = before.due_at.astimezone(MONDAY.tzinfo).date()
    stamp = ReferenceStamp.objects.get().value
    CalendarOverride.objects.create(date=due_day, kind=OverrideKind.DAY_OFF, name="Nghỉ bù")
    assert ReferenceStamp.objects.get().value == stamp + 1

    after = _committed(world, django_capture_on_commit_callbacks)
    assert after.due_at is not None and after.due_at > before.due_at


def test_what_a_rolled_back_reception_read_is_not_remembered(world: World) -> None:
    # Without the commit (the test's transaction is never committed), nothing is kept.
    world.receive(MONDAY)
    world.receive(MONDAY)
    assert refcache._memory == {}


def test_the_command_tells_every_process_to_read_again(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from io import StringIO

    from django.core.management import call_command

    _warm(world, django_capture_on_commit_callbacks)
    before = ReferenceStamp.objects.get().value
    out = StringIO()
    call_command("forget_reference_memory", stdout=out)
    assert ReferenceStamp.objects.get().value == before + 1
    assert "đọc lại" in out.getvalue()
    refcache.Memo.under(ReferenceStamp.objects.get().value)
    assert refcache._memory == {}


def test_a_refused_reception_leaves_the_code_counter_as_it_was(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """With the memory warm, the number travels with the permission check: a refusal
    rolls it back, and the next dossier gets the next number."""
    import pytest

    from motcua.dossiers import actions
    from motcua.dossiers.errors import PermissionDenied

    _warm(world, django_capture_on_commit_callbacks)
    day = MONDAY.astimezone(LOCAL_TZ).date()
    before = DossierCodeCounter.objects.get(identifier="H24.STP", day=day).last
    with pytest.raises(PermissionDenied):
        actions.receive_at_counter(world.submission(), actor=world.handler, at=MONDAY)
    assert DossierCodeCounter.objects.get(identifier="H24.STP", day=day).last == before
    assert _committed(world, django_capture_on_commit_callbacks).code.endswith(f"-{before + 1:04d}")


def test_a_version_imported_since_the_memory_was_filled_is_received_with_its_components(
    world: World, django_capture_on_commit_callbacks: Any, tmp_path: Any
) -> None:
    """The catalogue import writes versions and components in bulk (no signals): it
    raises the stamp itself, so a warm process does not refuse the new version's
    documents as "not a component of the procedure"."""
    from motcua.catalog.importer import import_catalog
    from motcua.catalog.models import ChannelRule, Component, Procedure
    from motcua.catalog.tests.catalog_files import channel, record, write_jsonl
    from motcua.dossiers import actions

    _warm(world, django_capture_on_commit_callbacks)
    stamp = ReferenceStamp.objects.get().value
    path = write_jsonl(
        tmp_path / "new.jsonl",
        [record("9.999001", levels=("tinh",), cach_thuc_thuc_hien=[channel("truc_tiep", 5)])],
    )
    import_catalog(path, at=MONDAY)
    assert ReferenceStamp.objects.get().value > stamp
    version = Procedure.objects.get(code="9.999001").current_version
    component = Component.objects.filter(case__version=version).first()
    assert version is not None and component is not None
    with django_capture_on_commit_callbacks(execute=True):
        dossier = world.receive(
            MONDAY,
            version=version,
            channel_rule=ChannelRule.objects.get(version=version, channel="truc_tiep"),
            documents=[actions.DocumentInput(name=component.name[:200], component=component)],
        )
    assert dossier.documents.get().component == component


def test_an_outdated_default_workflow_is_replaced_at_the_counter(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    # A default workflow whose steps are not today's default shares (made by an
    # earlier release) is replaced by the next reception — inside the reception's
    # pipeline on PostgreSQL, where an update's count of rows is not known at once.
    _warm(world, django_capture_on_commit_callbacks)
    old = _committed(world, django_capture_on_commit_callbacks).workflow
    assert old.is_default
    WorkflowStep.objects.filter(workflow=old, order=2).update(allotted_hours=50)
    refcache.bump()  # as any writer that bypasses the signals must

    later = _committed(world, django_capture_on_commit_callbacks, MONDAY)

    old.refresh_from_db()
    assert later.workflow != old and later.workflow.is_default and later.workflow.is_active
    assert not old.is_active
    assert later.workflow.version == old.version + 1
