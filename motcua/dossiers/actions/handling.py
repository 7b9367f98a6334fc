"""Moving a dossier through its workflow: assign, forward, send back, hand over
(Decree 118/2025 Art. 18–20)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.dossiers.actions.base import (
    allotment_scale,
    finish_task,
    hours,
    instant,
    iso,
    lock,
    record,
    require_role,
    require_task_actor,
    start_steps,
    superiors_of,
)
from motcua.dossiers.errors import InvalidInput
from motcua.dossiers.models import Dossier, Task, TaskOutcome, WorkflowStep
from motcua.dossiers.statuses import Action, check_transition
from motcua.org.models import Agency, Membership, Role
from motcua.workdays.services import get_calendar


def open_task(dossier: Dossier, task: Task | int | None) -> Task:
    """The open task the caller means (the only one, when not given)."""
    tasks = list(dossier.open_tasks().select_related("step", "agency", "assignee"))
    if task is not None:
        pk = task.pk if isinstance(task, Task) else task
        for candidate in tasks:
            if candidate.pk == pk:
                return candidate
        raise InvalidInput(_("Bước xử lý này đã kết thúc hoặc không thuộc hồ sơ."))
    if len(tasks) != 1:
        raise InvalidInput(_("Hồ sơ đang có nhiều bước song song; hãy chọn bước cần xử lý."))
    return tasks[0]


def steps_after(task: Task) -> list[WorkflowStep]:
    """The steps of the next order after ``task``'s step (several when parallel)."""
    steps = list(task.step.workflow.steps.filter(order__gt=task.step.order).order_by("order"))
    if not steps:
        return []
    return [s for s in steps if s.order == steps[0].order]


@transaction.atomic
def assign(
    dossier: Dossier,
    *,
    actor: User,
    assignee: User,
    task: Task | int | None = None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Task:
    """A superior assigns the step to an officer of the same agency and role (or an
    officer takes it for themselves)."""
    at = instant(at)
    dossier = lock(dossier, expected_version, actor)
    check_transition(Action.ASSIGN, dossier.status)
    current = open_task(dossier, task)
    superiors = superiors_of(current.role)
    if assignee.pk == actor.pk:
        membership = require_role(actor, current.agency, current.role, *superiors)
    else:
        membership = require_role(actor, current.agency, *superiors)
    if not Membership.objects.filter(
        user=assignee, agency=current.agency, role=current.role, is_active=True
    ).exists():
        raise InvalidInput(
            _("%(name)s không có vai trò “%(role)s” tại %(agency)s.")
            % {
                "name": str(assignee),
                "role": Role(current.role).label,
                "agency": current.agency.name,
            }
        )
    current.assignee = assignee
    current.save(update_fields=["assignee"])
    record(
        dossier,
        actor=actor,
        action=Action.ASSIGN,
        at=at,
        agency=current.agency,
        title=membership.title,
        task=current,
        changes={"assignee": assignee.username},
    )
    return current


@transaction.atomic
def forward(
    dossier: Dossier,
    *,
    actor: User,
    task: Task | int | None = None,
    opinion: str = "",
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> list[Task]:
    """Finish the current step and start the next one. Parallel steps wait for each
    other: the next step starts when the last of them is finished."""
    at = instant(at)
    dossier = lock(dossier, expected_version, actor)
    check_transition(Action.FORWARD, dossier.status)
    current = open_task(dossier, task)
    membership = require_task_actor(actor, current)
    if current.step.is_approval:
        raise InvalidInput(_("Bước phê duyệt kết thúc bằng việc phê duyệt hoặc từ chối kết quả."))
    if current.step.is_return:
        raise InvalidInput(_("Bước trả kết quả kết thúc bằng việc trả kết quả."))
    finish_task(current, actor=actor, at=at, outcome=TaskOutcome.FORWARDED)
    started: list[Task] = []
    if not dossier.open_tasks().exists():
        started = start_steps(
            dossier, steps_after(current), at, get_calendar(), allotment_scale(dossier)
        )
    record(
        dossier,
        actor=actor,
        action=Action.FORWARD,
        at=at,
        agency=current.agency,
        title=membership.title,
        reason=opinion,
        task=current,
        changes={"next": [t.step.name for t in started]},
    )
    return started


@transaction.atomic
def send_back(
    dossier: Dossier,
    *,
    actor: User,
    to_step: WorkflowStep,
    reason: str,
    task: Task | int | None = None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> list[Task]:
    """Return the dossier to an earlier step, with a reason."""
    at = instant(at)
    dossier = lock(dossier, expected_version, actor)
    check_transition(Action.SEND_BACK, dossier.status)
    current = open_task(dossier, task)
    membership = require_task_actor(actor, current)
    if not reason.strip():
        raise InvalidInput(_("Cần ghi lý do trả lại."))
    if to_step.workflow_id != dossier.workflow_id or to_step.order >= current.step.order:
        raise InvalidInput(_("Chỉ trả lại về một bước trước của cùng quy trình."))
    if to_step.order == min(s.order for s in dossier.workflow.steps.all()):
        raise InvalidInput(_("Không trả lại về bước tiếp nhận; hãy yêu cầu bổ sung hồ sơ."))
    for other in dossier.open_tasks():
        finish_task(other, actor=actor, at=at, outcome=TaskOutcome.SENT_BACK)
    steps = [s for s in dossier.workflow.steps.all() if s.order == to_step.order]
    started = start_steps(dossier, steps, at, get_calendar(), allotment_scale(dossier))
    record(
        dossier,
        actor=actor,
        action=Action.SEND_BACK,
        at=at,
        agency=current.agency,
        title=membership.title,
        reason=reason,
        task=current,
        changes={"to_step": to_step.name},
    )
    return started


@transaction.atomic
def hand_over(
    dossier: Dossier,
    *,
    actor: User,
    to_agency: Agency,
    reason: str,
    task: Task | int | None = None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Task:
    """Inter-agency handling (Art. 20): pass the current step to another agency, which
    gets the time the step had left; one dossier, one code."""
    at = instant(at)
    dossier = lock(dossier, expected_version, actor)
    check_transition(Action.HAND_OVER, dossier.status)
    current = open_task(dossier, task)
    membership = require_task_actor(actor, current)
    if to_agency.pk == current.agency_id:
        raise InvalidInput(_("Chọn một cơ quan khác với cơ quan đang xử lý."))
    if not to_agency.is_active:
        raise InvalidInput(_("Cơ quan nhận không còn hoạt động."))
    if not reason.strip():
        raise InvalidInput(_("Cần ghi nội dung, yêu cầu khi chuyển cơ quan khác."))
    calendar = get_calendar()
    left = (
        max(Fraction(0), calendar.working_hours_between(at, current.due_at))
        if (current.due_at > at)
        else Fraction(0)
    )
    finish_task(current, actor=actor, at=at, outcome=TaskOutcome.HANDED_OVER)
    handed = Task.objects.create(
        dossier=dossier,
        step=current.step,
        agency=to_agency,
        role=Role.HANDLER,
        allotted_hours=hours(left),
        started_at=at,
        due_at=calendar.add_working_hours(at, left),
    )
    record(
        dossier,
        actor=actor,
        action=Action.HAND_OVER,
        at=at,
        agency=current.agency,
        title=membership.title,
        reason=reason,
        task=current,
        changes={"to_agency": to_agency.name, "due_at": iso(handed.due_at)},
    )
    return handed
