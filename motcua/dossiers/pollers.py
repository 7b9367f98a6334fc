"""Pollers: the reminders and automatic closings that time alone triggers.

Each poller is a plain function of ``now`` run by a management command (from cron
or a systemd timer, every few minutes). They write ``DossierEvent`` rows — the
outbox a later issue delivers from — and send nothing themselves.

Several runners may poll at once (two servers, an overlapping cron run). Every row
is claimed inside one transaction that locks the dossier first, then either marks
the row with a conditional UPDATE that only one runner can win
(``Task.reminded_at``), or looks for the event a winner would have written; the
loser skips the row quietly. Nothing here is specific to one database: row locks on
PostgreSQL, serialised writers on SQLite.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.dossiers import actions
from motcua.dossiers.actions.base import iso, lock, record, system_user
from motcua.dossiers.errors import ConflictError, TransitionError
from motcua.dossiers.models import (
    Dossier,
    DossierEvent,
    Extension,
    IntakeChannel,
    SupplementRequest,
    Task,
)
from motcua.dossiers.statuses import OPEN, Action, Status
from motcua.workdays.calendar import WorkCalendar
from motcua.workdays.services import get_calendar
from motcua.workdays.wording import format_instant

# The applicant holds a dossier awaiting a supplement: its clock is stopped
# (deadlines.md §7), so nobody is reminded of its deadlines meanwhile.
RUNNING = frozenset(OPEN - {Status.AWAITING_SUPPLEMENT})
# Decree 118/2025 Art. 17(2)(c): an online submission is received, or the applicant
# guided to complete it, within 8 working hours.
ONLINE_RECEPTION_HOURS = Fraction(8)
ONLINE_CHANNELS = (IntakeChannel.ONLINE, IntakeChannel.API)


class Kind:
    """``changes["kind"]`` of each reminder, so reminders of one kind are found again."""

    DUE_SOON = "due_soon"
    APOLOGY = "apology"
    UNRECEIVED_ONLINE = "unreceived_online"


@dataclass
class PollSummary:
    done: int = 0
    skipped: int = 0


def due_within_one_working_day(calendar: WorkCalendar, now: dt.datetime, due: dt.datetime) -> bool:
    """Already due, or due within one working day (8 working hours) from ``now``."""
    return due <= now or calendar.working_hours_between(now, due) <= calendar.hours_per_day


def one_working_day_horizon(calendar: WorkCalendar, now: dt.datetime) -> dt.datetime:
    """The latest due instant that ``due_within_one_working_day`` accepts: a due
    instant ≤ this one is within one working day, a later one is not. When one working
    day ends exactly at a period's end (11:30, 17:00), instants up to the next period's
    start add no working time, so they are within too."""
    return calendar.clock_start(calendar.add_working_hours(now, calendar.hours_per_day))


def _user(user: User) -> dict[str, Any]:
    return {"user_id": user.pk, "name": str(user)}


def _agency(agency_id: int, name: str) -> dict[str, Any]:
    return {"agency_id": agency_id, "name": name}


def _reminded(kind: str) -> QuerySet[DossierEvent]:
    return DossierEvent.objects.filter(
        dossier=OuterRef("pk"), action=Action.REMIND, changes__kind=kind
    )


def _already_reminded(dossier: Dossier, kind: str) -> bool:
    return DossierEvent.objects.filter(
        dossier=dossier, action=Action.REMIND, changes__kind=kind
    ).exists()


def _remind(
    dossier: Dossier,
    *,
    actor: User,
    at: dt.datetime,
    kind: str,
    reason: str,
    to: list[dict[str, Any]],
    task: Task | None = None,
    **details: Any,
) -> DossierEvent:
    """Append a reminder (REMIND leaves the status unchanged) addressed to ``to``; call
    with the dossier locked."""
    return record(
        dossier,
        actor=actor,
        action=Action.REMIND,
        at=at,
        agency=None,
        reason=reason,
        changes={"kind": kind, "to": to, **details},
        task=task,
    )


# --- due soon ------------------------------------------------------------------------


def due_soon_candidates(now: dt.datetime, calendar: WorkCalendar) -> list[int]:
    """Open steps of running dossiers, due within one working day, never reminded."""
    return list(
        Task.objects.filter(
            finished_at__isnull=True,
            reminded_at__isnull=True,
            due_at__lte=one_working_day_horizon(calendar, now),
            dossier__status__in=RUNNING,
        )
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def remind_task(task_id: int, *, now: dt.datetime, calendar: WorkCalendar, actor: User) -> bool:
    """Remind the step's assignee (or its agency) and the one-stop unit, once per step.
    False when another runner claimed the step first or it no longer qualifies."""
    # Lock the dossier before reading the step: a colleague's action in between (a
    # supplement restarting the clock) may have moved its due instant.
    dossier = lock(Task.objects.values_list("dossier_id", flat=True).get(pk=task_id), None)
    task = Task.objects.select_related("step", "agency", "assignee").get(pk=task_id)
    if dossier.status not in RUNNING or not due_within_one_working_day(calendar, now, task.due_at):
        return False
    # The claim: exactly one runner sees 1 here; the others see 0 and skip.
    claimed = Task.objects.filter(
        pk=task.pk, reminded_at__isnull=True, finished_at__isnull=True
    ).update(reminded_at=now)
    if not claimed:
        return False
    to = [
        _user(task.assignee)
        if task.assignee is not None
        else _agency(task.agency_id, task.agency.name),
        _agency(dossier.receiving_agency_id, dossier.receiving_agency.name),
    ]
    _remind(
        dossier,
        actor=actor,
        at=now,
        kind=Kind.DUE_SOON,
        reason=_("Bước “%(step)s” của hồ sơ %(code)s đến hạn xử lý lúc %(due)s.")
        % {"step": task.step.name, "code": dossier.code, "due": format_instant(task.due_at)},
        to=to,
        task=task,
        due_at=iso(task.due_at),
    )
    return True


def remind_due_soon(now: dt.datetime) -> PollSummary:
    calendar, actor, summary = get_calendar(), system_user(), PollSummary()
    for task_id in due_soon_candidates(now, calendar):
        _count(summary, remind_task, task_id, now=now, calendar=calendar, actor=actor)
    return summary


# --- apology and extension -----------------------------------------------------------


def apology_candidates(now: dt.datetime, calendar: WorkCalendar) -> list[int]:
    """Running dossiers due within one working day or already late, not extended, not
    yet reminded to apologise."""
    return list(
        Dossier.objects.filter(
            status__in=RUNNING,
            due_at__lte=one_working_day_horizon(calendar, now),
            extension__isnull=True,
        )
        .exclude(Exists(_reminded(Kind.APOLOGY)))
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def remind_to_apologise(
    dossier_id: int, *, now: dt.datetime, calendar: WorkCalendar, actor: User
) -> bool:
    """Decree 118/2025 Art. 19(6): a dossier that will be late needs the apology form
    and a new appointment, once. Reminds the officers of its open steps and the
    one-stop unit, once per dossier."""
    dossier = lock(dossier_id, None)
    if (
        dossier.status not in RUNNING
        or dossier.due_at is None
        or not due_within_one_working_day(calendar, now, dossier.due_at)
        or Extension.objects.filter(dossier=dossier).exists()
        # Under the dossier's lock, the event a faster runner wrote is visible.
        or _already_reminded(dossier, Kind.APOLOGY)
    ):
        return False
    to = [
        _user(t.assignee) if t.assignee is not None else _agency(t.agency_id, t.agency.name)
        for t in dossier.open_tasks().select_related("agency", "assignee").order_by("pk")
    ]
    to.append(_agency(dossier.receiving_agency_id, dossier.receiving_agency.name))
    _remind(
        dossier,
        actor=actor,
        at=now,
        kind=Kind.APOLOGY,
        reason=_(
            "Hồ sơ %(code)s hẹn trả lúc %(due)s sẽ quá hạn: cần gửi phiếu xin lỗi và "
            "gia hạn (Điều 19 khoản 6 Nghị định 118/2025)."
        )
        % {"code": dossier.code, "due": format_instant(dossier.due_at)},
        to=to,
        due_at=iso(dossier.due_at),
    )
    return True


def remind_apology(now: dt.datetime) -> PollSummary:
    calendar, actor, summary = get_calendar(), system_user(), PollSummary()
    for dossier_id in apology_candidates(now, calendar):
        _count(summary, remind_to_apologise, dossier_id, now=now, calendar=calendar, actor=actor)
    return summary


# --- online submissions not received -------------------------------------------------


def online_reception_overdue(
    calendar: WorkCalendar, submitted_at: dt.datetime, now: dt.datetime
) -> bool:
    return calendar.working_hours_between(submitted_at, now) > ONLINE_RECEPTION_HOURS


def unreceived_online_candidates(now: dt.datetime) -> list[int]:
    """Online submissions still waiting, with nobody having guided the applicant. The
    calendar time since submission bounds the working time from above, so the ones
    submitted less than 8 hours ago cannot qualify."""
    return list(
        Dossier.objects.filter(
            status=Status.SUBMITTED,
            channel__in=ONLINE_CHANNELS,
            completion_requested_at__isnull=True,
            submitted_at__lt=now - dt.timedelta(hours=int(ONLINE_RECEPTION_HOURS)),
        )
        .exclude(Exists(_reminded(Kind.UNRECEIVED_ONLINE)))
        .order_by("submitted_at", "pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def remind_unreceived(
    dossier_id: int, *, now: dt.datetime, calendar: WorkCalendar, actor: User
) -> bool:
    dossier = lock(dossier_id, None)
    if (
        dossier.status != Status.SUBMITTED
        or dossier.completion_requested_at is not None
        or not online_reception_overdue(calendar, dossier.submitted_at, now)
        or _already_reminded(dossier, Kind.UNRECEIVED_ONLINE)
    ):
        return False
    _remind(
        dossier,
        actor=actor,
        at=now,
        kind=Kind.UNRECEIVED_ONLINE,
        reason=_(
            "Hồ sơ %(code)s nộp trực tuyến lúc %(submitted)s chưa được tiếp nhận hoặc "
            "hướng dẫn bổ sung trong 8 giờ làm việc (Điều 17 khoản 2 Nghị định 118/2025)."
        )
        % {"code": dossier.code, "submitted": format_instant(dossier.submitted_at)},
        to=[_agency(dossier.receiving_agency_id, dossier.receiving_agency.name)],
    )
    return True


def remind_unreceived_online(now: dt.datetime) -> PollSummary:
    calendar, actor, summary = get_calendar(), system_user(), PollSummary()
    for dossier_id in unreceived_online_candidates(now):
        _count(summary, remind_unreceived, dossier_id, now=now, calendar=calendar, actor=actor)
    return summary


# --- supplement requests left unanswered ---------------------------------------------


def unanswered_supplement_candidates(now: dt.datetime) -> list[int]:
    return list(
        SupplementRequest.objects.filter(
            completed_at__isnull=True,
            closed_at__isnull=True,
            close_after__lte=now,
            dossier__status=Status.AWAITING_SUPPLEMENT,
        )
        .order_by("close_after", "pk")
        .values_list("dossier_id", flat=True)
    )


def close_unanswered(dossier_id: int, *, now: dt.datetime, actor: User) -> bool:
    """False when another runner closed the dossier first (or the supplement came):
    the action, which locks the dossier, then refuses the transition."""
    try:
        actions.close_unanswered(Dossier.objects.get(pk=dossier_id), actor=actor, at=now)
    except (ConflictError, TransitionError):
        return False
    return True


def close_unanswered_supplements(now: dt.datetime) -> PollSummary:
    """Decree 118/2025 Art. 19(5): closed 15 days after the request without an answer,
    through the same action an official would use."""
    actor, summary = system_user(), PollSummary()
    for dossier_id in unanswered_supplement_candidates(now):
        _count(summary, close_unanswered, dossier_id, now=now, actor=actor)
    return summary


def _count(summary: PollSummary, attempt: Callable[..., bool], *args: Any, **kwargs: Any) -> None:
    """Run one row's attempt. A row another runner got to first is skipped quietly:
    the attempt returns False and its transaction has written nothing."""
    if attempt(*args, **kwargs):
        summary.done += 1
    else:
        summary.skipped += 1
