"""The pollers: reminders and automatic closings that time alone triggers, each once,
however many runners poll at the same time.

Dates follow deadlines.md §8's supplement example: received Mon 02/03/2026 08:00,
5 working days → due Mon 09/03/2026 08:00; the handling step (60 % of 40 working
hours) is due Thu 05/03/2026 08:00.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.dossiers import actions, pollers
from motcua.dossiers.actions.base import system_user
from motcua.dossiers.models import Dossier, DossierEvent, Task
from motcua.dossiers.statuses import Action, Status
from motcua.dossiers.tests.conftest import MONDAY, World, local, reach, submit_online
from motcua.workdays.calendar import LOCAL_TZ
from motcua.workdays.official import bundled_calendar
from motcua.workdays.services import get_calendar


def poll(command: str, now: dt.datetime) -> str:
    out = StringIO()
    call_command(command, now=now.isoformat(), stdout=out)
    return out.getvalue()


def reminders(dossier: Dossier, kind: str) -> list[DossierEvent]:
    return list(dossier.events.filter(action=Action.REMIND, changes__kind=kind).order_by("seq"))


def handling_task(dossier: Dossier) -> Task:
    return dossier.open_tasks().get()


# --- a step due within one working day ------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    now=st.datetimes(
        min_value=dt.datetime(2025, 12, 20),
        max_value=dt.datetime(2026, 12, 31),
        timezones=st.just(LOCAL_TZ),
    ),
    minutes=st.integers(min_value=-600, max_value=14 * 24 * 60),
)
def test_the_pollers_query_bound_agrees_with_one_working_day(
    now: dt.datetime, minutes: int
) -> None:
    """The pollers select rows with ``due_at <= horizon`` in SQL; that must be exactly
    "working hours from now to the due instant ≤ one working day", also around lunch,
    evenings, weekends and Tết."""
    calendar, due = bundled_calendar(), now + dt.timedelta(minutes=minutes)

    assert (due <= pollers.one_working_day_horizon(calendar, now)) == (
        pollers.due_within_one_working_day(calendar, now, due)
    )


def test_a_step_due_within_one_working_day_reminds_its_officer_and_the_one_stop_unit(
    world: World,
) -> None:
    dossier = reach(world, Status.IN_PROGRESS)
    task = handling_task(dossier)
    assert (task.assignee, task.due_at) == (world.handler, local(2026, 3, 5, 8, 0))

    # Wed 07:59: a full Wednesday and Thursday's first hour are left, 9 working hours.
    assert "0 bước được nhắc" in poll("remind_due_soon", local(2026, 3, 4, 7, 59))
    assert reminders(dossier, pollers.Kind.DUE_SOON) == []
    # Wed 08:00: exactly one working day is left.
    assert "1 bước được nhắc" in poll("remind_due_soon", local(2026, 3, 4, 8, 0))

    [event] = reminders(dossier, pollers.Kind.DUE_SOON)
    assert (event.actor, event.at, event.task) == (system_user(), local(2026, 3, 4, 8, 0), task)
    assert (event.from_status, event.to_status) == (Status.IN_PROGRESS, Status.IN_PROGRESS)
    assert [r.get("user_id") or r.get("agency_id") for r in event.changes["to"]] == [
        world.handler.pk,
        world.centre.pk,
    ]
    assert "05/03/2026" in event.reason
    task.refresh_from_db()
    assert task.reminded_at == local(2026, 3, 4, 8, 0)


def test_an_unassigned_step_is_reminded_to_its_agency(world: World) -> None:
    dossier = world.receive(MONDAY)

    poll("remind_due_soon", local(2026, 3, 4, 9, 0))

    [event] = reminders(dossier, pollers.Kind.DUE_SOON)
    assert event.changes["to"] == [
        {"agency_id": world.justice.pk, "name": world.justice.name},
        {"agency_id": world.centre.pk, "name": world.centre.name},
    ]


def test_a_step_is_reminded_once_however_often_the_poller_runs(world: World) -> None:
    dossier = reach(world, Status.IN_PROGRESS)

    poll("remind_due_soon", local(2026, 3, 4, 9, 0))
    second = poll("remind_due_soon", local(2026, 3, 4, 9, 30))
    poll("remind_due_soon", local(2026, 3, 6, 9, 0))  # overdue by now, still once

    assert "0 bước được nhắc" in second
    assert len(reminders(dossier, pollers.Kind.DUE_SOON)) == 1


def test_two_runners_at_the_same_instant_remind_once(world: World) -> None:
    dossier = reach(world, Status.IN_PROGRESS)
    now, calendar, actor = local(2026, 3, 4, 9, 0), get_calendar(), system_user()
    # Both runners list the step before either has claimed it.
    first_list = pollers.due_soon_candidates(now, calendar)
    second_list = pollers.due_soon_candidates(now, calendar)

    won = [pollers.remind_task(pk, now=now, calendar=calendar, actor=actor) for pk in first_list]
    lost = [pollers.remind_task(pk, now=now, calendar=calendar, actor=actor) for pk in second_list]

    assert (won, lost) == ([True], [False])
    assert len(reminders(dossier, pollers.Kind.DUE_SOON)) == 1


def test_no_step_reminder_while_the_applicant_holds_the_dossier(world: World) -> None:
    dossier = reach(world, Status.AWAITING_SUPPLEMENT)

    poll("remind_due_soon", local(2026, 3, 6, 9, 0))

    assert reminders(dossier, pollers.Kind.DUE_SOON) == []


# --- apology and extension ------------------------------------------------------------


def test_a_dossier_about_to_be_late_reminds_to_apologise_and_extend(world: World) -> None:
    dossier = reach(world, Status.IN_PROGRESS)

    # Thu 17:00: Friday and Monday's first hour are left, 9 working hours.
    assert "0 hồ sơ được nhắc" in poll("remind_apology", local(2026, 3, 5, 17, 0))
    assert "1 hồ sơ được nhắc" in poll("remind_apology", local(2026, 3, 6, 8, 0))

    [event] = reminders(dossier, pollers.Kind.APOLOGY)
    assert "cần gửi phiếu xin lỗi và gia hạn" in event.reason
    assert [r.get("user_id") or r.get("agency_id") for r in event.changes["to"]] == [
        world.handler.pk,
        world.centre.pk,
    ]
    assert dt.datetime.fromisoformat(event.changes["due_at"]) == local(2026, 3, 9, 8, 0)


def test_a_late_dossier_is_reminded_to_apologise_once(world: World) -> None:
    dossier = reach(world, Status.IN_PROGRESS)

    poll("remind_apology", local(2026, 3, 10, 9, 0))
    assert "0 hồ sơ được nhắc" in poll("remind_apology", local(2026, 3, 11, 9, 0))

    assert len(reminders(dossier, pollers.Kind.APOLOGY)) == 1


def test_an_extended_dossier_needs_no_apology_reminder(world: World) -> None:
    dossier = reach(world, Status.IN_PROGRESS)
    actions.extend_deadline(
        dossier,
        actor=world.handler,
        new_due=local(2026, 3, 13, 17, 0),
        reason="Cần xác minh thêm",
        at=local(2026, 3, 5, 9, 0),
    )

    poll("remind_apology", local(2026, 3, 9, 9, 0))

    assert reminders(dossier, pollers.Kind.APOLOGY) == []


def test_a_runner_that_lost_the_race_does_not_remind_twice(world: World) -> None:
    dossier = reach(world, Status.IN_PROGRESS)
    now, calendar, actor = local(2026, 3, 6, 9, 0), get_calendar(), system_user()
    stale = pollers.apology_candidates(now, calendar)

    poll("remind_apology", now)

    assert [
        pollers.remind_to_apologise(pk, now=now, calendar=calendar, actor=actor) for pk in stale
    ] == [False]
    assert len(reminders(dossier, pollers.Kind.APOLOGY)) == 1


# --- online submissions not received ---------------------------------------------------


def test_an_online_submission_waiting_8_working_hours_is_reminded_not_before(
    world: World,
) -> None:
    dossier = submit_online(world, MONDAY)

    # Mon 08:00 + 8 working hours = Tue 08:00 (Monday has 7 left).
    assert "0 hồ sơ được nhắc" in poll("remind_unreceived_online", local(2026, 3, 3, 8, 0))
    assert "1 hồ sơ được nhắc" in poll("remind_unreceived_online", local(2026, 3, 3, 8, 1))
    assert "0 hồ sơ được nhắc" in poll("remind_unreceived_online", local(2026, 3, 4, 8, 0))

    [event] = reminders(dossier, pollers.Kind.UNRECEIVED_ONLINE)
    assert event.changes["to"] == [{"agency_id": world.centre.pk, "name": world.centre.name}]
    assert (event.from_status, event.to_status) == (Status.SUBMITTED, Status.SUBMITTED)
    assert "8 giờ làm việc" in event.reason


def test_an_online_submission_acted_on_is_not_reminded(world: World) -> None:
    guided = submit_online(world, MONDAY)
    actions.request_completion(
        guided,
        actor=world.reception,
        reason="Thiếu giấy tờ",
        missing="Giấy chứng sinh",
        at=local(2026, 3, 2, 10, 0),
    )
    received = submit_online(world, MONDAY)
    actions.accept_submission(received, actor=world.reception, at=local(2026, 3, 2, 10, 0))

    poll("remind_unreceived_online", local(2026, 3, 4, 8, 0))

    assert not DossierEvent.objects.filter(action=Action.REMIND).exists()


# --- supplement requests left unanswered -----------------------------------------------


def test_a_supplement_request_unanswered_for_15_days_closes_the_dossier(world: World) -> None:
    dossier = reach(world, Status.AWAITING_SUPPLEMENT)  # requested Tue 03/03 08:00
    request = dossier.supplement_requests.get()
    assert request.close_after == local(2026, 3, 18, 8, 0)

    assert "0 hồ sơ được đóng" in poll("close_unanswered_supplements", local(2026, 3, 18, 7, 59))
    assert "1 hồ sơ được đóng" in poll("close_unanswered_supplements", local(2026, 3, 18, 8, 0))
    assert "0 hồ sơ được đóng" in poll("close_unanswered_supplements", local(2026, 3, 19, 8, 0))

    dossier.refresh_from_db()
    assert dossier.status == Status.CLOSED
    # deadlines.md §7: the end of a closed dossier is the request's instant.
    assert dossier.ended_at == request.requested_at
    closing = dossier.events.get(action=Action.CLOSE_UNANSWERED)
    assert (closing.actor, closing.at) == (system_user(), local(2026, 3, 18, 8, 0))


def test_a_runner_that_lost_the_race_to_close_skips_quietly(world: World) -> None:
    dossier = reach(world, Status.AWAITING_SUPPLEMENT)
    now = local(2026, 3, 18, 9, 0)
    stale = pollers.unanswered_supplement_candidates(now)

    poll("close_unanswered_supplements", now)

    assert [pollers.close_unanswered(pk, now=now, actor=system_user()) for pk in stale] == [False]
    assert dossier.events.filter(action=Action.CLOSE_UNANSWERED).count() == 1
