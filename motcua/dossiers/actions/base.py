"""What every action shares: locking, permission checks, tasks and the event row.

Every action follows the same shape (style.md habit 2): open a transaction, lock
the dossier row, check the version the caller saw, check the actor's role in the
agency concerned, check the transition (``statuses.check_transition``), write the
change and exactly one ``DossierEvent``. Nothing is written when a check fails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.common import rows
from motcua.dossiers.codes import (
    CodeGuess,
    send_next_sequence_if_current,
    with_next_sequence_if_current,
)
from motcua.dossiers.errors import ConflictError, PermissionDenied
from motcua.dossiers.models import (
    Dossier,
    DossierEvent,
    StepAgency,
    Task,
    TaskOutcome,
    Timeliness,
    WorkflowStep,
)
from motcua.dossiers.statuses import Action, check_transition, national_code
from motcua.dossiers.workflows import limit_hours
from motcua.org.models import Agency, Membership, Role
from motcua.reports.facts import CHANGING_ACTIONS as FACT_ACTIONS
from motcua.reports.facts import refresh as refresh_facts
from motcua.workdays.calendar import WorkCalendar
from motcua.workdays.services import get_calendar
from motcua.workdays.timeliness import Timeliness as WorkdaysTimeliness
from motcua.workdays.timeliness import classify_end

SYSTEM_USERNAME = "he-thong"
# Superiors may act on the steps of their agency's officers.
SUPERIOR_ROLES = (Role.DEPARTMENT_HEAD, Role.LEADER)


def system_user() -> User:
    """The account that pollers and other automatic work act as ("Hệ thống")."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"full_name": "Hệ thống MotCua", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def instant(at: dt.datetime | None) -> dt.datetime:
    """The action's instant: given by the caller, or now at the system's boundary."""
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise ValueError("Action instants must be timezone-aware.")
    return at


def lock(
    dossier: Dossier | int, expected_version: int | None, actor: User | None = None
) -> Dossier:
    """Reload and lock the dossier row for this transaction.

    ``actor``, when given, must be within the dossier's scope (``in_scope``) before
    anything else is looked at, so an outsider learns nothing about the dossier — not
    its status, its code or who holds it — from the error they get.

    ``expected_version`` is the ``lock_version`` the caller's screen showed: if a
    colleague acted in between, the caller gets a ConflictError instead of silently
    overwriting their work (a lost update).
    """
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    locked = Dossier.objects.select_for_update().get(pk=pk)
    if actor is not None and not in_scope(actor, locked):
        raise PermissionDenied(_("Hồ sơ này không thuộc cơ quan, đơn vị của bạn."))
    if expected_version is not None and locked.lock_version != expected_version:
        raise ConflictError(
            _(
                "Hồ sơ %(code)s vừa được người khác cập nhật. Vui lòng tải lại trang "
                "và thực hiện lại."
            )
            % {"code": locked.code}
        )
    return locked


def in_scope(actor: User, dossier: Dossier) -> bool:
    """Whether ``actor`` may see the dossier at all: an official of an agency that
    received it, decides it or holds one of its steps (``Dossier.objects.visible_to``),
    the applicant's own account, or the system. Each action then checks the role."""
    if actor.username == SYSTEM_USERNAME:
        return True
    if dossier.citizen_id is not None and actor.pk == dossier.citizen_id:
        return True
    # Ask about this dossier only: filtering ``visible_to`` by pk would make the
    # database consider every dossier with a step at the officer's agencies.
    agency_ids = set(
        Membership.objects.filter(user=actor, is_active=True).values_list("agency_id", flat=True)
    )
    if {dossier.receiving_agency_id, dossier.competent_agency_id} & agency_ids:
        return True
    return Task.objects.filter(dossier=dossier, agency_id__in=agency_ids).exists()


def roles_in(actor: User, agency: Agency) -> set[str]:
    return set(
        Membership.objects.filter(user=actor, agency=agency, is_active=True).values_list(
            "role", flat=True
        )
    )


def _not_allowed(agency: Agency) -> PermissionDenied:
    return PermissionDenied(
        _("Bạn không có quyền thực hiện việc này tại %(agency)s.") % {"agency": agency.name}
    )


def require_role(actor: User, agency: Agency, *roles: str) -> Membership:
    """The actor's membership in ``agency`` with one of ``roles``, or PermissionDenied."""
    membership = (
        Membership.objects.filter(user=actor, agency=agency, is_active=True, role__in=roles)
        .order_by("id")
        .first()
    )
    if membership is None:
        raise _not_allowed(agency)
    return membership


def ask_role_title_and_stamp(
    actor: User, agency: Agency, role: str, number_for: CodeGuess | None = None
) -> Callable[[], tuple[str, int | None, int | None]]:
    """``require_role`` for one role, answering only the membership's title, with the
    reference-data stamp (``dossiers.refcache``) read in the same query — the counter
    reception's first question, asked once per dossier. With ``number_for``, the next
    dossier number of the guessed identifier is taken too if the guess's memory is
    still current: on PostgreSQL in the same statement, and only if the permission
    is there (``codes.with_next_sequence_if_current``); elsewhere in a second one
    (``codes.send_next_sequence_if_current``), which the transaction rolls back if
    the permission is refused.

    The question is sent, and the answer read when the returned function is called:
    inside ``rows.ahead`` the caller works on while the database answers. The
    function answers (title, stamp, number or None if not taken), or raises
    PermissionDenied."""
    from motcua.dossiers.refcache import STAMP_SQL

    table = Membership._meta.db_table
    query = (
        f"SELECT title, ({STAMP_SQL}) AS stamp FROM {table} WHERE user_id = %s"
        " AND agency_id = %s AND is_active AND role = %s ORDER BY id LIMIT 1"
    )
    asked = [actor.pk, agency.pk, role]
    # Statements run for every reception: prepared (``rows.cursor``).
    cursor = rows.cursor()
    counter = None
    # On PostgreSQL the number comes as the row's third column.
    combined = connection.vendor == "postgresql" and number_for is not None
    if combined and number_for is not None:  # (the second test for the type checker)
        cursor.execute(with_next_sequence_if_current(query), [*asked, *number_for])
    else:
        cursor.execute(query, asked)
        if number_for is not None:
            counter = rows.cursor()
            send_next_sequence_if_current(counter, number_for)

    def answer() -> tuple[str, int | None, int | None]:
        with cursor:
            row = cursor.fetchone()
        numbered = None
        if counter is not None:
            with counter:
                numbered = counter.fetchone()
        elif combined and row is not None and row[2] is not None:
            numbered = (row[2],)
        if row is None:
            raise _not_allowed(agency)
        return str(row[0]), row[1], int(numbered[0]) if numbered else None

    return answer


def superiors_of(role: str) -> tuple[str, ...]:
    """The roles of an agency that may act on, or assign, a step of ``role``.

    A department head reviews the handling officers' work, but the approval step is
    the agency leader's: the officer submits the result to the head of the agency for
    signature (Decree 118/2025 Art. 19(1)), so a department head never signs in the
    leader's place. Leaders may take each other's steps.
    """
    if role in (Role.DEPARTMENT_HEAD, Role.LEADER):
        return (Role.LEADER,)
    return SUPERIOR_ROLES


def require_task_actor(actor: User, task: Task) -> Membership:
    """An officer acts on a step of their own agency: the step's role (the assignee
    when there is one), or a superior of that role in that agency."""
    superiors = superiors_of(task.role)
    membership = require_role(actor, task.agency, task.role, *superiors)
    if (
        task.assignee_id is not None
        and task.assignee_id != actor.pk
        and not roles_in(actor, task.agency) & set(superiors)
    ):
        raise PermissionDenied(
            _("Bước này đã được giao cho %(name)s.") % {"name": str(task.assignee)}
        )
    return membership


def step_agency(dossier: Dossier, step: WorkflowStep) -> Agency:
    if step.agency_source == StepAgency.RECEIVING:
        return dossier.receiving_agency
    if step.agency_source == StepAgency.NAMED and step.agency is not None:
        return step.agency
    return dossier.competent_agency


def hours(value: Fraction | Decimal) -> Decimal:
    """Working hours as stored: two decimals, rounded up so no time is lost."""
    return (
        Decimal(value.numerator) / Decimal(value.denominator)
        if isinstance(value, Fraction)
        else value
    ).quantize(Decimal("0.01"), rounding=ROUND_CEILING)


def new_tasks(
    dossier: Dossier,
    steps: list[WorkflowStep],
    at: dt.datetime,
    calendar: WorkCalendar,
    scale: Fraction = Fraction(1),
    *,
    finished: tuple[User, str] | None = None,
) -> list[Task]:
    """One unsaved task per step (several when steps run in parallel), each due after
    its allotted working hours counted from ``at``.

    ``finished=(actor, outcome)``: the steps are done at ``at`` as soon as they open
    (the reception step of a dossier received at the counter), so each row is written
    once, already finished, instead of inserted then updated."""
    tasks = []
    for step in steps:
        allotted = Fraction(step.allotted_hours) * scale  # a Decimal, exactly
        task = Task(
            dossier=dossier,
            step=step,
            agency=step_agency(dossier, step),
            role=step.role,
            allotted_hours=hours(allotted),
            started_at=at,
            due_at=calendar.add_working_hours(at, allotted),
        )
        if finished is not None:
            _finish(task, actor=finished[0], at=at, outcome=finished[1])
        tasks.append(task)
    return tasks


def start_steps(
    dossier: Dossier,
    steps: list[WorkflowStep],
    at: dt.datetime,
    calendar: WorkCalendar,
    scale: Fraction = Fraction(1),
) -> list[Task]:
    """Open the tasks of ``steps`` (``new_tasks``), in one INSERT."""
    tasks = new_tasks(dossier, steps, at, calendar, scale)
    return Task.objects.bulk_create(tasks) if tasks else tasks


def _finish(task: Task, *, actor: User, at: dt.datetime, outcome: str) -> None:
    task.finished_at = at
    task.finished_by = actor
    task.outcome = outcome
    task.timeliness = _timeliness(classify_end(at, task.due_at))


def finish_task(task: Task, *, actor: User, at: dt.datetime, outcome: str) -> None:
    _finish(task, actor=actor, at=at, outcome=outcome)
    task.save(update_fields=["finished_at", "finished_by", "outcome", "timeliness"])


def cancel_open_tasks(dossier: Dossier, *, actor: User, at: dt.datetime) -> None:
    for task in dossier.open_tasks():
        finish_task(task, actor=actor, at=at, outcome=TaskOutcome.CANCELLED)


def _timeliness(value: WorkdaysTimeliness) -> str:
    # The stored labels are the workdays slugs (early / on_time / late).
    return Timeliness(value.value)


def end_dossier(dossier: Dossier, end: dt.datetime) -> None:
    """Record the end and its early / on-time / late label (deadlines.md §7)."""
    dossier.ended_at = end
    if dossier.due_at is not None and dossier.received_at is not None:
        dossier.timeliness = _timeliness(classify_end(end, dossier.due_at))


# A dossier created in the running transaction carries its events in memory under
# this attribute (``begin_history``), so ``record`` knows the next number and the
# statistics row is derived without reading back what was just written.
FRESH_HISTORY = "_motcua_fresh_history"


def begin_history(dossier: Dossier) -> None:
    """Mark ``dossier``, just inserted in this transaction, as having no events yet.
    The mark is dropped when the transaction commits: another transaction must read
    the history from the database (``lock`` gives it a fresh instance anyway)."""
    dossier.__dict__[FRESH_HISTORY] = []
    transaction.on_commit(lambda: dossier.__dict__.pop(FRESH_HISTORY, None))


def transition(dossier: Dossier, action: str) -> tuple[str, str]:
    """Apply ``action``'s transition to ``dossier`` in memory; (from, to) status."""
    from_status = dossier.status
    to_status = check_transition(action, from_status)
    dossier.status = to_status
    dossier.national_code = national_code(to_status)
    # A reminder changes nothing an official works on: it must not turn their next
    # action into a conflict.
    if action != Action.REMIND:
        dossier.lock_version += 1
    return from_status, to_status


def new_event(
    dossier: Dossier,
    *,
    seq: int,
    actor: User,
    action: str,
    at: dt.datetime,
    agency: Agency | None,
    statuses: tuple[str, str],
    title: str = "",
    reason: str = "",
    changes: dict[str, Any] | None = None,
    task: Task | None = None,
) -> DossierEvent:
    """The unsaved event row of ``action`` (``statuses``: from ``transition``)."""
    return DossierEvent(
        dossier=dossier,
        seq=seq,
        at=at,
        actor=actor,
        actor_name=str(actor),
        actor_title=title,
        actor_agency=agency,
        action=action,
        from_status=statuses[0],
        to_status=statuses[1],
        national_code=national_code(statuses[1]),
        reason=reason,
        changes=changes or {},
        task=task,
        step_name=task.step.name if task else "",
        step_started_at=task.started_at if task else None,
        step_due_at=task.due_at if task else None,
    )


def record(
    dossier: Dossier,
    *,
    actor: User,
    action: str,
    at: dt.datetime,
    agency: Agency | None,
    title: str = "",
    reason: str = "",
    changes: dict[str, Any] | None = None,
    task: Task | None = None,
    facts: bool = True,
) -> DossierEvent:
    """Apply ``action``'s transition to ``dossier``, save it and append its event.

    ``facts=False``: the caller records another event in the same transaction right
    after, whose refresh of the statistics row covers this one too."""
    statuses = transition(dossier, action)
    dossier.save()
    fresh: list[DossierEvent] | None = dossier.__dict__.get(FRESH_HISTORY)
    if fresh is not None:
        last = fresh[-1].seq if fresh else 0
    else:
        last = DossierEvent.objects.filter(dossier=dossier).aggregate(last=Max("seq"))["last"] or 0
    event = new_event(
        dossier,
        seq=last + 1,
        actor=actor,
        action=action,
        at=at,
        agency=agency,
        statuses=statuses,
        title=title,
        reason=reason,
        changes=changes,
        task=task,
    )
    event.save()
    if fresh is not None:
        fresh.append(event)
    # The statistics row follows the events, in the same transaction (issue 6); only
    # the actions that can change it pay for it.
    if facts and action in FACT_ACTIONS:
        refresh_facts(dossier, action, fresh_history=fresh)
    return event


def iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def allotment_scale(
    dossier: Dossier,
    steps: list[WorkflowStep] | None = None,
    calendar: WorkCalendar | None = None,
) -> Fraction:
    """What the step times are multiplied by. A configured workflow's steps are
    working hours that add up to a working-time limit (scale 1). The default
    workflow's steps are shares out of 100, scaled to the limit's working hours; for
    limits in calendar days or months, to the working hours actually available
    between clock start and due instant. ``steps``: the workflow's steps, and
    ``calendar``, if the caller has them already."""
    limit = dossier.channel_rule.limit_at(dossier.received_at)
    if limit is None or dossier.due_at is None or dossier.clock_started_at is None:
        return Fraction(1)
    working = limit_hours(limit)
    if working is not None and not dossier.workflow.is_default:
        # A configured workflow's steps already add up to the limit (validate_steps).
        return Fraction(1)
    by_order: dict[int, Fraction] = {}
    for s in steps if steps is not None else dossier.workflow.steps.all():
        share = Fraction(s.allotted_hours)
        by_order[s.order] = max(by_order.get(s.order, Fraction(0)), share)
    total = sum(by_order.values(), Fraction(0))
    if working is not None:
        available = Fraction(working)
    else:
        calendar = calendar or get_calendar()
        available = calendar.working_hours_between(dossier.clock_started_at, dossier.due_at)
    return available / total if total else Fraction(1)
