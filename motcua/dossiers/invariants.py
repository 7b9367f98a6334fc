"""What must hold for every dossier, whatever happened to it.

Used by the property-based tests after every action, and by ``check_dossiers`` on
simulated or production data. Each check returns readable violations, not booleans,
so a failure says what is wrong with which dossier.
"""

from __future__ import annotations

from collections.abc import Iterable

from motcua.dossiers.models import Dossier, DossierEvent, Extension
from motcua.dossiers.statuses import ENDED, OPEN, Status, national_code
from motcua.workdays.calendar import WorkCalendar
from motcua.workdays.deadlines import due_instant


def replay_status(events: Iterable[DossierEvent]) -> tuple[str, list[str]]:
    """The status the events lead to, and any break in their chain."""
    status, problems, expected_seq = "", [], 1
    for event in events:
        if event.seq != expected_seq:
            problems.append(f"event #{event.seq} where #{expected_seq} was expected")
        expected_seq = event.seq + 1
        if event.from_status != status:
            problems.append(f"event #{event.seq} starts from {event.from_status!r}, not {status!r}")
        if event.actor_id is None or event.at is None:
            problems.append(f"event #{event.seq} has no actor or no instant")
        if event.national_code != national_code(event.to_status):
            problems.append(f"event #{event.seq} carries national code {event.national_code}")
        status = event.to_status
    return status, problems


def check_dossier(dossier: Dossier, calendar: WorkCalendar) -> list[str]:
    problems: list[str] = []
    events = list(dossier.events.order_by("seq"))
    replayed, chain = replay_status(events)
    problems += chain
    if replayed != dossier.status:
        problems.append(f"status {dossier.status!r} but the events lead to {replayed!r}")
    if dossier.national_code != national_code(dossier.status):
        problems.append(f"national code {dossier.national_code} for {dossier.status!r}")

    open_tasks = list(dossier.tasks.filter(finished_at__isnull=True).select_related("step"))
    orders = {t.step.order for t in open_tasks}
    if dossier.status in OPEN:
        if not open_tasks:
            problems.append(f"open ({dossier.status}) with no open step")
        if len(orders) > 1:
            problems.append(f"open steps of several orders {sorted(orders)}")
        if any(t.step.is_return for t in open_tasks):
            problems.append("the return step is open before the result was approved")
    elif dossier.status == Status.PROCESSED:
        if not open_tasks or not all(t.step.is_return for t in open_tasks):
            problems.append("processed, but its open step is not the return step")
    elif open_tasks:
        problems.append(f"{dossier.status!r} still has open steps")

    if (dossier.status in ENDED) != (dossier.ended_at is not None):
        problems.append(f"ended_at {dossier.ended_at} does not match status {dossier.status!r}")
    limit = dossier.channel_rule.limit_at(dossier.received_at)
    if dossier.received_at is not None and limit is not None:
        expected = due_instant(dossier.received_at, limit, calendar).due
        if dossier.original_due_at != expected:
            problems.append(f"original due {dossier.original_due_at} is not {expected}")
        if dossier.due_at is None or dossier.clock_started_at is None:
            problems.append("received without a due instant")
        elif dossier.due_at < dossier.clock_started_at:
            problems.append("due before the clock started")
        extension = Extension.objects.filter(dossier=dossier).first()
        if (
            extension is not None
            and dossier.due_at is not None
            and dossier.due_at < extension.new_due
            and not (
                dossier.supplement_requests.filter(completed_at__gt=extension.recorded_at).exists()
            )
        ):
            problems.append("due earlier than the extension's new appointment")
        ended_and_received = dossier.status in ENDED and dossier.status != Status.NOT_RECEIVED
        if ended_and_received and not dossier.timeliness:
            problems.append("ended without an early / on-time / late label")
    if dossier.status == Status.SUBMITTED and dossier.received_at is not None:
        problems.append("submitted but has a reception instant")
    return problems
