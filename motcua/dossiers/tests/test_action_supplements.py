"""Supplement requests after appraisal (Decree 118/2025 Art. 19(5), Art. 11(2)(c)):
asked once, warned when late, the clock restarted (or paused, per procedure) when
the supplement arrives, the dossier closed 15 days after an unanswered request.

The dates are deadlines.md §8's supplement example: received Mon 02/03/2026 08:00,
5 working days → due Mon 09/03/2026 08:00; supplement requested Tue 03/03 10:00,
completed Fri 06/03 16:00.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from motcua.dossiers import actions
from motcua.dossiers.actions.base import system_user
from motcua.dossiers.errors import InvalidInput, PermissionDenied
from motcua.dossiers.models import (
    DocumentOrigin,
    Dossier,
    SupplementPolicy,
    SupplementRequest,
    TaskOutcome,
    Timeliness,
    Workflow,
    WorkflowStep,
)
from motcua.dossiers.statuses import Status
from motcua.dossiers.tests.conftest import (
    MONDAY,
    World,
    citizen,
    local,
    pdf,
    snapshot,
    submit_online,
)
from motcua.dossiers.workflows import default_workflow, limit_hours, split_hours

REQUESTED = local(2026, 3, 3, 10, 0)
COMPLETED = local(2026, 3, 6, 16, 0)


def _request(world: World, dossier: Dossier, at: Any = REQUESTED) -> SupplementRequest:
    return actions.request_supplement(
        dossier,
        actor=world.handler,
        reason="Giấy chứng sinh là bản chụp không rõ",
        missing="Bản chính Giấy chứng sinh",
        at=at,
    )


def _supplement(world: World, dossier: Dossier, at: Any = COMPLETED) -> SupplementRequest:
    return actions.record_supplement(
        dossier,
        actor=world.reception,
        documents=[actions.DocumentInput(name="Giấy chứng sinh", file=pdf("chung-sinh.pdf"))],
        at=at,
    )


def _pausing_workflow(world: World) -> Workflow:
    """The procedure's own workflow, for a sector law that pauses the clock: the
    default steps, in working hours that add up to the 5-day limit."""
    default = default_workflow(world.version.procedure, world.counter_rule.time_limit)
    limit = limit_hours(world.counter_rule.time_limit)
    assert limit is not None
    hours = split_hours(limit)
    workflow = Workflow.objects.create(
        procedure=world.version.procedure, supplement_policy=SupplementPolicy.PAUSE
    )
    WorkflowStep.objects.bulk_create(
        WorkflowStep(
            workflow=workflow,
            order=step.order,
            name=step.name,
            role=step.role,
            agency_source=step.agency_source,
            allotted_hours=allotted,
            is_approval=step.is_approval,
            is_return=step.is_return,
        )
        for step, allotted in zip(default.steps.all(), hours, strict=True)
    )
    return workflow


def test_a_supplement_request_hands_the_dossier_to_the_applicant(world: World) -> None:
    dossier = world.receive(MONDAY)

    request = _request(world, dossier)

    dossier.refresh_from_db()
    assert (dossier.status, dossier.national_code) == (Status.AWAITING_SUPPLEMENT, 5)
    assert dossier.supplement_count == 1
    assert (request.requested_by, request.late_warning) == (world.handler, False)
    assert request.due_before == local(2026, 3, 9, 8, 0)
    # Art. 19(5): closed if nothing comes 15 days after the notice.
    assert request.close_after == local(2026, 3, 18, 10, 0)
    # The applicant holds the dossier: never overdue while it waits (deadlines.md §7).
    assert not dossier.is_overdue(local(2026, 3, 17, 9, 0))
    assert not Dossier.objects.overdue(local(2026, 3, 17, 9, 0)).exists()
    event = dossier.events.last()
    assert event is not None
    assert (event.action, event.reason, event.changes["missing"]) == (
        "request_supplement",
        "Giấy chứng sinh là bản chụp không rõ",
        "Bản chính Giấy chứng sinh",
    )


@pytest.mark.parametrize(
    ("requested_at", "late"),
    [
        (local(2026, 3, 5, 8, 0), False),  # exactly 3 working days after reception
        (local(2026, 3, 5, 8, 15), True),
    ],
)
def test_a_request_more_than_three_working_days_after_reception_is_flagged(
    world: World, requested_at: Any, late: bool
) -> None:
    dossier = world.receive(MONDAY)

    request = _request(world, dossier, requested_at)

    # Art. 19(5): the notice comes within 3 working days; later, it still goes out
    # (the applicant must be told) but the delay is on record.
    assert request.late_warning is late
    assert dossier.events.last().changes["late_warning"] is late  # type: ignore[union-attr]


def test_the_supplement_restarts_the_time_limit_from_zero(world: World) -> None:
    dossier = world.receive(MONDAY)
    _request(world, dossier)

    request = _supplement(world, dossier)

    dossier.refresh_from_db()
    assert (dossier.status, dossier.national_code) == (Status.IN_PROGRESS, 4)
    # deadlines.md §8, restart: the full 5 working days from Fri 06/03 16:00.
    assert dossier.due_at == local(2026, 3, 13, 16, 0)
    assert dossier.clock_started_at == COMPLETED
    assert dossier.original_due_at == local(2026, 3, 9, 8, 0)
    assert (request.completed_at, request.completed_by) == (COMPLETED, world.reception)
    assert (request.policy, request.due_after) == (SupplementPolicy.RESTART, dossier.due_at)
    # The open handling step gets its 24 working hours again from the restart.
    assert dossier.open_tasks().get().due_at == local(2026, 3, 11, 16, 0)
    assert dossier.documents.filter(origin=DocumentOrigin.SUPPLEMENT).count() == 1


def test_a_pausing_procedure_adds_the_waiting_time_to_the_due_instant(world: World) -> None:
    workflow = _pausing_workflow(world)
    dossier = world.receive(MONDAY)
    assert dossier.workflow == workflow
    _request(world, dossier)

    request = _supplement(world, dossier)

    dossier.refresh_from_db()
    # deadlines.md §8, pause: 28 working hours waited → Thu 12/03/2026 14:00.
    assert dossier.due_at == local(2026, 3, 12, 14, 0)
    assert dossier.clock_started_at == MONDAY
    assert request.policy == SupplementPolicy.PAUSE
    # The handling step (due Thu 05/03 08:00) moves by the same 28 working hours.
    assert dossier.open_tasks().get().due_at == local(2026, 3, 10, 14, 0)


def test_the_applicant_sends_the_supplement_online(world: World) -> None:
    dossier = submit_online(world)
    actions.accept_submission(dossier, actor=world.reception, at=MONDAY)
    _request(world, dossier)

    actions.record_supplement(
        dossier,
        actor=citizen(),
        documents=[actions.DocumentInput(name="Giấy chứng sinh", file=pdf())],
        at=COMPLETED,
    )

    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS
    event = dossier.events.last()
    assert event is not None
    assert (event.actor, event.actor_agency) == (citizen(), None)


def test_a_supplement_is_asked_for_only_once(world: World) -> None:
    dossier = world.receive(MONDAY)
    _request(world, dossier)
    _supplement(world, dossier)
    before = snapshot(dossier)

    with pytest.raises(InvalidInput, match="chỉ được yêu cầu bổ sung một lần"):
        _request(world, dossier, local(2026, 3, 9, 9, 0))

    assert snapshot(dossier) == before


def test_a_request_names_what_is_missing(world: World) -> None:
    dossier = world.receive(MONDAY)
    before = snapshot(dossier)

    with pytest.raises(InvalidInput, match="Cần ghi rõ lý do và đầy đủ các giấy tờ"):
        actions.request_supplement(
            dossier, actor=world.handler, reason="Thiếu giấy tờ", missing=" ", at=REQUESTED
        )

    assert snapshot(dossier) == before


def test_a_supplement_without_documents_is_not_recorded(world: World) -> None:
    dossier = world.receive(MONDAY)
    _request(world, dossier)
    before = snapshot(dossier)

    with pytest.raises(InvalidInput, match="Chưa có giấy tờ bổ sung nào"):
        actions.record_supplement(dossier, actor=world.reception, documents=[], at=COMPLETED)

    assert snapshot(dossier) == before


def test_an_unanswered_request_is_not_closed_before_fifteen_days(world: World) -> None:
    dossier = world.receive(MONDAY)
    _request(world, dossier)
    before = snapshot(dossier)

    with pytest.raises(InvalidInput, match=r"Chưa hết thời hạn bổ sung \(đến 10:00 18/03/2026\)"):
        actions.close_unanswered(dossier, actor=system_user(), at=local(2026, 3, 18, 9, 59))

    assert snapshot(dossier) == before


def test_fifteen_days_without_an_answer_close_the_dossier_at_the_request(
    world: World, settings: Any
) -> None:
    dossier = world.receive(MONDAY)
    request = _request(world, dossier)

    actions.close_unanswered(dossier, actor=system_user(), at=local(2026, 3, 18, 10, 0))

    dossier.refresh_from_db()
    request.refresh_from_db()
    assert dossier.status == Status.CLOSED
    assert dossier.national_code == settings.MOTCUA_CLOSED_NATIONAL_CODE == 8
    # deadlines.md §7: the end is the request's instant, so the agency is not counted
    # late for the applicant's silence.
    assert dossier.ended_at == REQUESTED
    assert dossier.timeliness == Timeliness.EARLY
    assert request.closed_at == local(2026, 3, 18, 10, 0)
    assert not dossier.open_tasks().exists()
    assert dossier.tasks.get(step__order=2).outcome == TaskOutcome.CANCELLED


def test_the_national_code_of_a_closed_dossier_is_a_setting(world: World, settings: Any) -> None:
    settings.MOTCUA_CLOSED_NATIONAL_CODE = 3
    dossier = world.receive(MONDAY)
    _request(world, dossier)

    actions.close_unanswered(dossier, actor=system_user(), at=local(2026, 3, 20, 9, 0))

    dossier.refresh_from_db()
    assert (dossier.status, dossier.national_code) == (Status.CLOSED, 3)
    assert dossier.events.last().national_code == 3  # type: ignore[union-attr]


def test_an_official_of_another_agency_does_not_close_it(world: World) -> None:
    dossier = world.receive(MONDAY)
    _request(world, dossier)
    before = snapshot(dossier)

    with pytest.raises(PermissionDenied):
        actions.close_unanswered(
            dossier, actor=world.commune_a_officer, at=local(2026, 3, 20, 9, 0)
        )

    assert snapshot(dossier) == before


def test_supplement_time_is_kept_for_both_measures(world: World) -> None:
    dossier = world.receive(MONDAY)
    _request(world, dossier)
    _supplement(world, dossier)

    # deadlines.md §5: every interval is kept, whatever the policy.
    request = dossier.supplement_requests.get()
    assert (request.requested_at, request.completed_at) == (REQUESTED, COMPLETED)
    assert (request.due_before, request.due_after) == (
        local(2026, 3, 9, 8, 0),
        local(2026, 3, 13, 16, 0),
    )
    assert dossier.open_tasks().get().allotted_hours == Decimal("24.00")
