"""Moving a dossier through its internal workflow (Decree 118/2025 Art. 18–20):
assign, forward, send back to an earlier step, hand over to another agency, and
parallel steps of an inter-agency workflow."""

from __future__ import annotations

from decimal import Decimal

import pytest

from motcua.dossiers import actions
from motcua.dossiers.errors import InvalidInput, PermissionDenied
from motcua.dossiers.models import (
    Dossier,
    StepAgency,
    TaskOutcome,
    Workflow,
    WorkflowKind,
    WorkflowStep,
)
from motcua.dossiers.statuses import Status
from motcua.dossiers.tests.conftest import MONDAY, World, local, result_file, snapshot
from motcua.dossiers.workflows import validate_steps
from motcua.org.models import Membership, Role


def test_the_head_assigns_the_handling_step(world: World) -> None:
    dossier = world.receive(MONDAY)

    task = actions.assign(
        dossier, actor=world.head, assignee=world.handler, at=local(2026, 3, 2, 9, 0)
    )

    dossier.refresh_from_db()
    assert (dossier.status, dossier.national_code) == (Status.IN_PROGRESS, 4)
    assert task.assignee == world.handler
    event = dossier.events.last()
    assert event is not None
    assert (event.action, event.actor, event.actor_title, event.task) == (
        "assign",
        world.head,
        "Trưởng phòng",
        task,
    )
    assert (event.step_name, event.step_due_at) == ("Thẩm định, xử lý hồ sơ", task.due_at)


def test_an_officer_takes_the_step_for_themselves(world: World) -> None:
    dossier = world.receive(MONDAY)

    task = actions.assign(dossier, actor=world.handler, assignee=world.handler, at=MONDAY)

    assert task.assignee == world.handler


def test_a_step_is_assigned_only_to_someone_holding_its_role_there(world: World) -> None:
    dossier = world.receive(MONDAY)
    before = snapshot(dossier)

    with pytest.raises(InvalidInput, match="không có vai trò “Chuyên viên xử lý” tại Sở Tư pháp"):
        actions.assign(dossier, actor=world.head, assignee=world.construction_handler, at=MONDAY)

    assert snapshot(dossier) == before


def test_an_officer_does_not_assign_a_step_to_a_colleague(world: World) -> None:
    colleague = Membership.objects.create(
        user=world.construction_handler, agency=world.justice, role=Role.HANDLER
    ).user
    dossier = world.receive(MONDAY)
    before = snapshot(dossier)

    with pytest.raises(PermissionDenied):
        actions.assign(dossier, actor=world.handler, assignee=colleague, at=MONDAY)

    assert snapshot(dossier) == before


def test_forwarding_finishes_the_step_and_starts_the_next_with_its_allotted_time(
    world: World,
) -> None:
    dossier = world.receive(MONDAY)

    (head_step,) = actions.forward(
        dossier, actor=world.handler, opinion="Đủ điều kiện", at=local(2026, 3, 3, 9, 0)
    )

    handling = dossier.tasks.get(step__order=2)
    assert (handling.outcome, handling.finished_by) == (TaskOutcome.FORWARDED, world.handler)
    assert handling.timeliness == "early"  # due Thu 05/03 08:00
    # The department head's 6 working hours from Tue 09:00 run out at 17:00.
    assert (head_step.agency, head_step.role) == (world.justice, "lanh_dao_phong")
    assert head_step.due_at == local(2026, 3, 3, 17, 0)
    event = dossier.events.last()
    assert event is not None
    assert (event.action, event.reason, event.changes) == (
        "forward",
        "Đủ điều kiện",
        {"next": ["Lãnh đạo phòng xem xét"]},
    )


def test_a_step_given_to_one_officer_is_not_forwarded_by_another(world: World) -> None:
    colleague = Membership.objects.create(
        user=world.construction_handler, agency=world.justice, role=Role.HANDLER
    ).user
    dossier = world.receive(MONDAY)
    actions.assign(dossier, actor=world.head, assignee=world.handler, at=MONDAY)
    before = snapshot(dossier)

    with pytest.raises(PermissionDenied, match="Bước này đã được giao cho Chuyenvien"):
        actions.forward(dossier, actor=colleague, at=MONDAY)

    assert snapshot(dossier) == before


def test_the_approval_step_is_not_forwarded(world: World) -> None:
    dossier = world.receive(MONDAY)
    actions.forward(dossier, actor=world.handler, at=local(2026, 3, 3, 9, 0))
    actions.forward(dossier, actor=world.head, at=local(2026, 3, 3, 10, 0))
    before = snapshot(dossier)

    with pytest.raises(InvalidInput, match="Bước phê duyệt kết thúc bằng việc phê duyệt"):
        actions.forward(dossier, actor=world.leader, at=local(2026, 3, 3, 11, 0))

    assert snapshot(dossier) == before


def test_a_department_head_does_not_sign_in_the_leader_s_place(world: World) -> None:
    dossier = world.receive(MONDAY)
    actions.forward(dossier, actor=world.handler, at=local(2026, 3, 3, 9, 0))
    actions.forward(dossier, actor=world.head, at=local(2026, 3, 3, 10, 0))
    before = snapshot(dossier)

    with pytest.raises(PermissionDenied):
        actions.approve_result(
            dossier,
            actor=world.head,
            result_type_code="KQ.G15.000031",
            documents=result_file(),
            at=local(2026, 3, 3, 11, 0),
        )

    assert snapshot(dossier) == before


def test_sending_back_reopens_an_earlier_step_with_its_full_time(world: World) -> None:
    dossier = world.receive(MONDAY)
    actions.forward(dossier, actor=world.handler, at=local(2026, 3, 3, 9, 0))
    handling_step = dossier.workflow.steps.get(order=2)

    (again,) = actions.send_back(
        dossier,
        actor=world.head,
        to_step=handling_step,
        reason="Bổ sung ý kiến thẩm định",
        at=local(2026, 3, 4, 9, 0),
    )

    head_task = dossier.tasks.get(step__order=3)
    assert (head_task.outcome, head_task.finished_at) == (
        TaskOutcome.SENT_BACK,
        local(2026, 3, 4, 9, 0),
    )
    # 24 working hours again from Wed 09:00.
    assert (again.step, again.due_at) == (handling_step, local(2026, 3, 9, 9, 0))
    event = dossier.events.last()
    assert event is not None
    assert (event.action, event.reason, event.changes) == (
        "send_back",
        "Bổ sung ý kiến thẩm định",
        {"to_step": "Thẩm định, xử lý hồ sơ"},
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS


@pytest.mark.parametrize(
    ("order", "message"),
    [
        (1, "Không trả lại về bước tiếp nhận"),
        (3, "Chỉ trả lại về một bước trước"),
        (4, "Chỉ trả lại về một bước trước"),
    ],
)
def test_sending_back_goes_only_to_an_earlier_step_after_reception(
    world: World, order: int, message: str
) -> None:
    dossier = world.receive(MONDAY)
    actions.forward(dossier, actor=world.handler, at=local(2026, 3, 3, 9, 0))
    before = snapshot(dossier)

    with pytest.raises(InvalidInput, match=message):
        actions.send_back(
            dossier,
            actor=world.head,
            to_step=dossier.workflow.steps.get(order=order),
            reason="Xem lại",
            at=local(2026, 3, 4, 9, 0),
        )

    assert snapshot(dossier) == before


def test_sending_back_needs_a_reason(world: World) -> None:
    dossier = world.receive(MONDAY)
    actions.forward(dossier, actor=world.handler, at=local(2026, 3, 3, 9, 0))
    before = snapshot(dossier)

    with pytest.raises(InvalidInput, match="Cần ghi lý do trả lại"):
        actions.send_back(
            dossier, actor=world.head, to_step=dossier.workflow.steps.get(order=2), reason=""
        )

    assert snapshot(dossier) == before


def _handed_to_construction(world: World) -> Dossier:
    dossier = world.receive(MONDAY)
    actions.hand_over(
        dossier,
        actor=world.handler,
        to_agency=world.construction,
        reason="Đề nghị Sở Xây dựng thẩm định hiện trạng công trình",
        at=local(2026, 3, 3, 8, 0),
    )
    return dossier


def test_a_hand_over_gives_the_other_agency_the_time_the_step_had_left(world: World) -> None:
    dossier = _handed_to_construction(world)

    justice, construction = dossier.tasks.filter(step__order=2).order_by("pk")
    assert (justice.outcome, justice.finished_at) == (
        TaskOutcome.HANDED_OVER,
        local(2026, 3, 3, 8, 0),
    )
    assert (construction.agency, construction.role, construction.finished_at) == (
        world.construction,
        Role.HANDLER,
        None,
    )
    # 16 of the step's 24 working hours were left: the same due instant, Thu 08:00.
    assert construction.allotted_hours == Decimal("16.00")
    assert construction.due_at == justice.due_at == local(2026, 3, 5, 8, 0)
    dossier.refresh_from_db()
    assert dossier.code.startswith("H24.STP-")  # one dossier, one code


def test_only_the_agency_handed_the_dossier_forwards_its_step(world: World) -> None:
    dossier = _handed_to_construction(world)
    before = snapshot(dossier)

    for outsider in (world.handler, world.head, world.commune_a_officer):
        with pytest.raises(PermissionDenied):
            actions.forward(dossier, actor=outsider, at=local(2026, 3, 4, 9, 0))
        assert snapshot(dossier) == before

    (head_step,) = actions.forward(
        dossier, actor=world.construction_handler, at=local(2026, 3, 4, 9, 0)
    )
    # Back at the competent agency for the department head's review.
    assert head_step.agency == world.justice
    event = dossier.events.last()
    assert event is not None
    assert (event.actor, event.actor_agency) == (world.construction_handler, world.construction)


def test_a_hand_over_needs_another_agency_and_a_request(world: World) -> None:
    dossier = world.receive(MONDAY)
    before = snapshot(dossier)

    with pytest.raises(InvalidInput, match="Chọn một cơ quan khác"):
        actions.hand_over(dossier, actor=world.handler, to_agency=world.justice, reason="x")
    with pytest.raises(InvalidInput, match="Cần ghi nội dung"):
        actions.hand_over(dossier, actor=world.handler, to_agency=world.construction, reason="")

    assert snapshot(dossier) == before


def _inter_agency_workflow(world: World) -> Workflow:
    """Justice leads; construction appraises in parallel (Decree 118/2025 Art. 20(2)(b))."""
    workflow = Workflow.objects.create(
        procedure=world.version.procedure,
        kind=WorkflowKind.INTER_AGENCY,
        lead_agency=world.justice,
    )
    rows = [
        (1, "Tiếp nhận", Role.RECEPTION, StepAgency.RECEIVING, None, "2", False, False),
        (2, "Sở Tư pháp thẩm định", Role.HANDLER, StepAgency.COMPETENT, None, "20", False, False),
        (
            2,
            "Sở Xây dựng cho ý kiến",
            Role.HANDLER,
            StepAgency.NAMED,
            world.construction,
            "16",
            False,
            False,
        ),
        (3, "Phê duyệt", Role.LEADER, StepAgency.COMPETENT, None, "16", True, False),
        (4, "Trả kết quả", Role.RECEPTION, StepAgency.RECEIVING, None, "2", False, True),
    ]
    steps = [
        WorkflowStep(
            workflow=workflow,
            order=order,
            name=name,
            role=role,
            agency_source=source,
            agency=agency,
            allotted_hours=Decimal(hours),
            is_approval=approval,
            is_return=is_return,
        )
        for order, name, role, source, agency, hours, approval, is_return in rows
    ]
    validate_steps(workflow, steps, world.counter_rule.time_limit)
    WorkflowStep.objects.bulk_create(steps)
    return workflow


def test_parallel_steps_each_have_their_deadline_and_wait_for_each_other(world: World) -> None:
    workflow = _inter_agency_workflow(world)

    dossier = world.receive(MONDAY)

    # Art. 28(2)(a): an inter-agency dossier carries the receiving unit's identifier.
    assert dossier.workflow == workflow and dossier.code == "H24.TT-260302-0001"
    justice, construction = dossier.open_tasks().order_by("agency__name")
    assert (justice.agency, justice.due_at) == (world.justice, local(2026, 3, 4, 14, 0))
    assert (construction.agency, construction.due_at) == (
        world.construction,
        local(2026, 3, 4, 8, 0),
    )
    with pytest.raises(InvalidInput, match="nhiều bước song song"):
        actions.forward(dossier, actor=world.handler, at=local(2026, 3, 3, 9, 0))

    started = actions.forward(
        dossier, actor=world.construction_handler, task=construction, at=local(2026, 3, 3, 9, 0)
    )
    assert started == []
    assert list(dossier.open_tasks()) == [justice]
    (approval,) = actions.forward(
        dossier, actor=world.handler, task=justice, at=local(2026, 3, 4, 9, 0)
    )
    assert (approval.step.name, approval.agency) == ("Phê duyệt", world.justice)
    assert Dossier.objects.visible_to(world.construction_handler).get() == dossier
