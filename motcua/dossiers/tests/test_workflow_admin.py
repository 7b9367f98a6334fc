"""Administrators edit internal workflows in the admin: steps that do not fit the
procedure are refused with the reason, and a workflow that dossiers follow is never
edited under them — the change becomes the next version. Dossiers are read-only there.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from motcua.dossiers import actions
from motcua.dossiers.models import Dossier, Workflow, WorkflowStep
from motcua.dossiers.tests.conftest import World, local
from motcua.dossiers.workflows import STEP_FIELDS, revise_workflow

MONDAY = local(2026, 3, 2, 8, 0)
Step = dict[str, str | int]


def step(order: int, name: str, role: str, source: str, hours: str, **flags: str) -> Step:
    return {
        "order": order,
        "name": name,
        "role": role,
        "agency_source": source,
        "allotted_hours": hours,
        **flags,
    }


# The 5-working-day procedure (40 working hours): reception, handling, review by the
# department head, the leader's approval, return.
STEPS = [
    step(1, "Tiếp nhận", "tiep_nhan", "receiving", "2"),
    step(2, "Thẩm định", "chuyen_vien", "competent", "24"),
    step(3, "Xem xét", "lanh_dao_phong", "competent", "6"),
    step(4, "Phê duyệt", "lanh_dao_co_quan", "competent", "6", is_approval="on"),
    step(5, "Trả kết quả", "tiep_nhan", "receiving", "2", is_return="on"),
]
# The same, with two more days' appraisal and two fewer days' review.
LONGER_APPRAISAL = [
    {**step, "allotted_hours": hours}
    for step, hours in zip(STEPS, ["2", "28", "2", "6", "2"], strict=True)
]


def form_data(
    steps: list[Step],
    workflow: Workflow | None = None,
    **fields: str | int,
) -> dict[str, str | int]:
    """What the admin's form posts: the workflow's fields and its inline steps (the
    existing ones first, by id, when ``workflow`` is being changed)."""
    existing = list(workflow.steps.order_by("order", "id")) if workflow else []
    data: dict[str, str | int] = {
        "agency": "",
        "kind": "single",
        "lead_agency": "",
        "supplement_policy": "restart",
        "is_active": "on",
        "note": "",
        "steps-TOTAL_FORMS": max(len(steps), len(existing)),
        "steps-INITIAL_FORMS": len(existing),
        "steps-MIN_NUM_FORMS": 0,
        "steps-MAX_NUM_FORMS": 1000,
        **fields,
    }
    for index, step in enumerate(steps):
        data.update({f"steps-{index}-{name}": value for name, value in step.items()})
        data[f"steps-{index}-agency"] = step.get("agency", "")
        if index < len(existing):
            data[f"steps-{index}-id"] = existing[index].pk
            data[f"steps-{index}-workflow"] = workflow.pk if workflow else ""
    for index in range(len(steps), len(existing)):
        data[f"steps-{index}-id"] = existing[index].pk
        data[f"steps-{index}-workflow"] = existing[index].workflow_id
        data[f"steps-{index}-DELETE"] = "on"
    return data


def add_workflow(client: Client, world: World, steps: list[Step]) -> Workflow:
    response = client.post(
        reverse("admin:dossiers_workflow_add"),
        form_data(steps, procedure=world.version.procedure_id),
    )
    assert response.status_code == 302
    return Workflow.objects.get(procedure=world.version.procedure, is_default=False)


def change_workflow(client: Client, workflow: Workflow, **kwargs: object) -> object:
    return client.post(
        reverse("admin:dossiers_workflow_change", args=[workflow.pk]),
        form_data(workflow=workflow, **kwargs),  # type: ignore[arg-type]
        follow=True,
    )


def errors(response: object) -> list[str]:
    """The errors the admin shows about the steps as a whole."""
    formset = response.context["inline_admin_formsets"][0].formset  # type: ignore[attr-defined]
    return list(formset.non_form_errors())


def hours(workflow: Workflow) -> list[Decimal]:
    return list(workflow.steps.order_by("order").values_list("allotted_hours", flat=True))


@pytest.fixture
def staff(admin_client: Client, world: World) -> Client:
    return admin_client


@pytest.mark.parametrize(
    ("steps", "reason"),
    [
        (
            [{**s, "allotted_hours": "30"} if s["order"] == 2 else s for s in STEPS],
            "Tổng thời gian các bước (46 giờ) phải bằng thời hạn của thủ tục (40 giờ làm việc).",
        ),
        (
            [{k: v for k, v in s.items() if k != "is_approval"} for s in STEPS],
            "Quy trình phải có đúng một bước phê duyệt kết quả.",
        ),
        (
            [{**s, "order": 6} if s["order"] == 3 else s for s in STEPS],
            "Bước trả kết quả phải là bước cuối cùng, và chỉ có một.",
        ),
        (
            [{**s, "agency_source": "named"} if s["order"] == 3 else s for s in STEPS],
            "Bước “Xem xét” cần chỉ định cơ quan phối hợp.",
        ),
    ],
    ids=["times", "approval", "return last", "named agency"],
)
def test_steps_that_do_not_fit_the_procedure_are_refused_with_the_reason(
    staff: Client, world: World, steps: list[Step], reason: str
) -> None:
    response = staff.post(
        reverse("admin:dossiers_workflow_add"),
        form_data(steps, procedure=world.version.procedure_id),
    )

    assert response.status_code == 200
    assert errors(response) == [reason]
    assert escape(reason) in response.content.decode()  # shown above the steps
    assert not Workflow.objects.filter(is_default=False).exists()


def test_a_workflow_no_dossier_follows_is_edited_in_place(staff: Client, world: World) -> None:
    workflow = add_workflow(staff, world, STEPS)

    response = change_workflow(staff, workflow, steps=LONGER_APPRAISAL)

    assert response.status_code == 200  # type: ignore[attr-defined]
    workflow.refresh_from_db()
    assert Workflow.objects.filter(is_default=False).get() == workflow
    assert hours(workflow) == [2, 28, 2, 6, 2]


def test_a_workflow_dossiers_follow_becomes_a_new_version(staff: Client, world: World) -> None:
    workflow = add_workflow(staff, world, STEPS)
    following = world.receive(MONDAY)
    assert following.workflow == workflow

    response = change_workflow(staff, workflow, steps=LONGER_APPRAISAL)

    old, new = Workflow.objects.filter(is_default=False).order_by("version")
    assert old == workflow and (old.is_active, hours(old)) == (False, [2, 24, 6, 6, 2])
    assert (new.version, new.is_active, hours(new)) == (old.version + 1, True, [2, 28, 2, 6, 2])
    request = response.wsgi_request  # type: ignore[attr-defined]
    [warning] = [str(m) for m in get_messages(request) if m.level == messages.WARNING]
    assert warning.startswith(
        f"Quy trình phiên bản {old.version} đang được 1 hồ sơ áp dụng nên không sửa trực tiếp"
    )
    assert f"/quan-tri/dossiers/workflow/{new.pk}/change/'>phiên bản {new.version}</a>" in warning
    # The dossier already received keeps its workflow and its steps' times.
    following.refresh_from_db()
    assert following.workflow == old
    assert following.open_tasks().get().step.workflow == old


def test_a_dossier_received_after_the_change_follows_the_new_version(
    staff: Client, world: World
) -> None:
    workflow = add_workflow(staff, world, STEPS)
    world.receive(MONDAY)
    change_workflow(staff, workflow, steps=LONGER_APPRAISAL)

    later = world.receive(local(2026, 3, 3, 8, 0))

    assert later.workflow.version == workflow.version + 1
    handling = later.open_tasks().get()
    assert (handling.step.name, handling.allotted_hours) == ("Thẩm định", 28)


def test_a_note_on_a_workflow_in_use_is_written_in_place(staff: Client, world: World) -> None:
    workflow = add_workflow(staff, world, STEPS)
    world.receive(MONDAY)

    change_workflow(staff, workflow, steps=STEPS, note="Theo Quyết định 12/QĐ-UBND")

    workflow.refresh_from_db()
    assert Workflow.objects.filter(is_default=False).get() == workflow
    assert workflow.note == "Theo Quyết định 12/QĐ-UBND"


def test_changing_a_default_workflow_in_use_replaces_it_for_new_dossiers(
    staff: Client, world: World
) -> None:
    first = world.receive(MONDAY)
    default = first.workflow
    assert default.is_default

    change_workflow(staff, default, steps=LONGER_APPRAISAL)
    later = world.receive(local(2026, 3, 3, 8, 0))

    assert later.workflow != default and not later.workflow.is_default
    assert hours(later.workflow) == [2, 28, 2, 6, 2]
    assert hours(default) == [5, 60, 15, 15, 5]  # shares of the limit, out of 100


@pytest.fixture
def a_dossier_with_history(world: World) -> Dossier:
    """Received, a supplement asked for and brought, the deadline extended."""
    dossier = world.receive(MONDAY)
    actions.request_supplement(
        dossier, actor=world.handler, reason="Thiếu giấy tờ", missing="Bản sao", at=MONDAY
    )
    actions.record_supplement(
        dossier,
        actor=world.reception,
        documents=[actions.DocumentInput(name="Bản sao")],
        at=local(2026, 3, 3, 9, 0),
    )
    actions.extend_deadline(
        dossier,
        actor=world.handler,
        new_due=local(2026, 3, 20, 9, 0),
        reason="Chờ xác minh",
        at=local(2026, 3, 4, 9, 0),
    )
    return dossier


@pytest.mark.parametrize(
    "page",
    [
        "dossiers_workflow_changelist",
        "dossiers_workflow_add",
        "dossiers_workflow_change",
        "dossiers_dossier_changelist",
        "dossiers_dossier_change",
        "dossiers_supplementrequest_changelist",
        "dossiers_supplementrequest_change",
        "dossiers_extension_changelist",
        "dossiers_extension_change",
    ],
)
def test_the_admin_pages_load(staff: Client, a_dossier_with_history: Dossier, page: str) -> None:
    dossier = a_dossier_with_history
    objects = {
        "workflow": dossier.workflow_id,
        "dossier": dossier.pk,
        "supplementrequest": dossier.supplement_requests.get().pk,
        "extension": dossier.extension.pk,
    }
    args = [objects[page.split("_")[1]]] if page.endswith("_change") else []

    assert staff.get(reverse(f"admin:{page}", args=args)).status_code == 200


def test_dossiers_and_their_history_cannot_be_changed_in_the_admin(
    staff: Client, a_dossier_with_history: Dossier
) -> None:
    pk = a_dossier_with_history.pk
    url = reverse("admin:dossiers_dossier_change", args=[pk])

    page = staff.get(url)
    post = staff.post(url, {"status": "returned"})

    assert "Tiếp nhận hồ sơ" in page.content.decode()  # the history is shown
    assert post.status_code == 403
    assert staff.get(reverse("admin:dossiers_dossier_add")).status_code == 403
    assert staff.post(reverse("admin:dossiers_dossier_delete", args=[pk])).status_code == 403


def test_revising_with_steps_that_do_not_fit_writes_nothing(world: World) -> None:
    workflow = world.receive(MONDAY).workflow
    too_long = [
        WorkflowStep(**{**s, "allotted_hours": Decimal("9")}) for s in workflow_steps(workflow)
    ]

    with pytest.raises(ValidationError, match="phải bằng thời hạn của thủ tục"):
        revise_workflow(workflow, changes={"note": "Sửa"}, steps=too_long)

    assert list(Workflow.objects.all()) == [workflow]
    assert Workflow.objects.get().note == workflow.note
    assert hours(workflow) == [5, 60, 15, 15, 5]


def workflow_steps(workflow: Workflow) -> list[dict[str, object]]:
    return [{name: getattr(step, name) for name in STEP_FIELDS} for step in workflow.steps.all()]
