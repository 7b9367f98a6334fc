"""The rows of form 06, Phiếu kiểm soát quá trình giải quyết hồ sơ (legal-rules §4.2
"Process control slip"): one row per handover, from the dossier's steps (tasks) and
the events that ended them.
"""

from __future__ import annotations

from dataclasses import dataclass

from motcua.dossiers.models import Dossier, DossierEvent, Task, TaskOutcome
from motcua.dossiers.statuses import Action
from motcua.org.models import Role
from motcua.printing.letterhead import local


@dataclass(frozen=True)
class Handover:
    """One row of form 06: a step handed from one unit to the next."""

    giver_unit: str
    receiver_unit: str
    at: str
    giver: str
    receiver: str
    result: str
    notes: str


# Events that end a step (the others with a task, such as assign, do not).
FINISHING = frozenset(
    {
        Action.RECEIVE,
        Action.FORWARD,
        Action.SEND_BACK,
        Action.HAND_OVER,
        Action.APPROVE_RESULT,
        Action.RETURN_RESULT,
    }
)
# Outcomes worth a note; a plain forward or reception needs none.
NOTED_OUTCOMES = frozenset(
    {
        TaskOutcome.SENT_BACK,
        TaskOutcome.HANDED_OVER,
        TaskOutcome.REFUSED,
        TaskOutcome.CANCELLED,
        TaskOutcome.RESTARTED,
    }
)


def _unit(task: Task, dossier: Dossier) -> str:
    if task.agency_id == dossier.receiving_agency_id and task.role == Role.RECEPTION:
        return "Bộ phận TN&TKQ"
    return f"{task.agency.name} ({task.step.name})"


def handovers(dossier: Dossier) -> list[Handover]:
    """The rows of form 06 from the dossier's steps in order: each step hands over to
    the steps that started when it finished (the next ones in the workflow, or the
    applicant when the result was returned). The result at each step is the step's
    own early / on time / late label (legal-rules §4.2, §5.3); an open step has none
    yet."""
    tasks = list(
        Task.objects.filter(dossier=dossier)
        .select_related("step", "agency", "assignee", "finished_by")
        .order_by("started_at", "pk")
    )
    finished_by_event: dict[int, DossierEvent] = {}
    for event in DossierEvent.objects.filter(
        dossier=dossier, task__isnull=False, action__in=FINISHING
    ).order_by("seq"):
        assert event.task_id is not None
        finished_by_event[event.task_id] = event

    def doer(task: Task) -> str:
        event = finished_by_event.get(task.pk)
        if event is not None:
            return event.actor_name
        person = task.assignee or task.finished_by
        return str(person) if person else ""

    rows = []
    for index, task in enumerate(tasks):
        ending = finished_by_event.get(task.pk)
        notes = []
        if task.outcome in NOTED_OUTCOMES:
            notes.append(task.get_outcome_display())
        if ending is not None and ending.reason and ending.action != Action.RECEIVE:
            notes.append(ending.reason)
        if task.finished_at is None:
            rows.append(
                Handover(
                    giver_unit=_unit(task, dossier),
                    receiver_unit="",
                    at="",
                    giver="",
                    receiver="",
                    result="",
                    notes=f"Đang xử lý, hạn {local(task.due_at):%H:%M %d/%m/%Y}",
                )
            )
            continue
        later = [t for t in tasks[index + 1 :] if t.started_at >= task.finished_at]
        first_start = min((t.started_at for t in later), default=None)
        receivers = [t for t in later if t.started_at == first_start]
        if task.outcome == TaskOutcome.RETURNED:
            receiver_unit, receiver = "Tổ chức, cá nhân", dossier.applicant_name
        else:
            receiver_unit = "; ".join(_unit(t, dossier) for t in receivers)
            receiver = "; ".join(name for name in (doer(t) for t in receivers) if name)
        rows.append(
            Handover(
                giver_unit=_unit(task, dossier),
                receiver_unit=receiver_unit,
                at=f"{local(task.finished_at):%H} giờ {local(task.finished_at):%M} phút, "
                f"ngày {local(task.finished_at):%d/%m/%Y}",
                giver=doer(task),
                receiver=receiver,
                result=task.get_timeliness_display() if task.timeliness else "",
                notes="; ".join(notes),
            )
        )
    return rows
