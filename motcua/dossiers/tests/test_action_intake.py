"""Intake (Decree 118/2025 Art. 16–17): reception at the counter or by post, online
submissions accepted, completion requested before reception, refusal at intake."""

from __future__ import annotations

import pytest

from motcua.dossiers import actions
from motcua.dossiers.errors import InvalidInput, PermissionDenied
from motcua.dossiers.models import DocumentOrigin, TaskOutcome
from motcua.dossiers.statuses import Status
from motcua.dossiers.tests.conftest import MONDAY, World, local, snapshot, submit_online


def test_a_reception_after_closing_time_starts_the_clock_next_working_morning(
    world: World,
) -> None:
    # Fri 21/08/2026 17:30: the clock starts at 07:00 on Sat 22/08, an official make-up
    # working day (deadlines.md §3), and 5 working days run out at 17:00 on Thu 27/08.
    dossier = world.receive(local(2026, 8, 21, 17, 30))

    assert dossier.received_at == local(2026, 8, 21, 17, 30)
    assert dossier.clock_started_at == local(2026, 8, 22, 7, 0)
    assert dossier.due_at == dossier.original_due_at == local(2026, 8, 27, 17, 0)
    assert (dossier.status, dossier.national_code) == (Status.RECEIVED, 2)


def test_reception_closes_its_own_step_and_opens_the_handling_step(world: World) -> None:
    dossier = world.receive(MONDAY)

    reception, handling = dossier.tasks.order_by("step__order")
    assert (reception.agency, reception.outcome) == (world.centre, TaskOutcome.RECEIVED)
    assert reception.finished_at == MONDAY and reception.finished_by == world.reception
    # The handling step's 24 working hours (60 % of 5 days) from Mon 08:00.
    assert (handling.agency, handling.role, handling.finished_at) == (
        world.justice,
        "chuyen_vien",
        None,
    )
    assert handling.due_at == local(2026, 3, 5, 8, 0)
    receive = dossier.events.get(action="receive")
    assert (receive.actor, receive.actor_title, receive.actor_agency) == (
        world.reception,
        "Công chức một cửa",
        world.centre,
    )


def test_codes_follow_each_other_within_a_day_and_start_again_the_next_day(
    world: World,
) -> None:
    first = world.receive(local(2026, 3, 2, 8, 0))
    second = world.receive(local(2026, 3, 2, 16, 0))
    next_day = world.receive(local(2026, 3, 3, 8, 0))

    assert [first.code, second.code, next_day.code] == [
        "H24.STP-260302-0001",
        "H24.STP-260302-0002",
        "H24.STP-260303-0001",
    ]


def test_a_dossier_sent_by_post_is_received_like_one_at_the_counter(world: World) -> None:
    post_rule = world.version.channels.get(channel="buu_chinh")

    dossier = world.receive(MONDAY, channel="post", channel_rule=post_rule, delivery="post")

    assert (dossier.channel, dossier.delivery, dossier.status) == ("post", "post", "received")
    assert dossier.due_at == local(2026, 3, 9, 8, 0)


def test_an_organisation_files_with_its_tax_code(world: World) -> None:
    company = actions.Applicant(
        name="Công ty TNHH Kinh Bắc",
        identifier="2300123456-001",
        kind="organisation",
        email="lienhe@kinhbac.vn",
    )

    dossier = world.receive(MONDAY, applicant=company)

    assert (dossier.applicant_kind, dossier.applicant_identifier) == (
        "organisation",
        "2300123456-001",
    )


def test_an_online_submission_waits_for_reception_without_a_clock(world: World) -> None:
    dossier = submit_online(world, local(2026, 3, 1, 21, 0))

    assert (dossier.status, dossier.national_code) == (Status.SUBMITTED, 1)
    assert dossier.received_at is None and dossier.clock_started_at is None
    assert dossier.due_at is None
    assert not dossier.tasks.exists()
    assert dossier.documents.get().origin == DocumentOrigin.CITIZEN
    assert dossier.events.get().actor == dossier.citizen


def test_accepting_an_online_submission_starts_the_clock_at_acceptance(world: World) -> None:
    dossier = submit_online(world, local(2026, 3, 1, 21, 0))

    actions.accept_submission(dossier, actor=world.reception, at=local(2026, 3, 3, 10, 0))

    dossier.refresh_from_db()
    assert (dossier.status, dossier.national_code) == (Status.RECEIVED, 2)
    assert dossier.submitted_at == local(2026, 3, 1, 21, 0)
    assert dossier.received_at == dossier.clock_started_at == local(2026, 3, 3, 10, 0)
    assert dossier.due_at == local(2026, 3, 10, 10, 0)
    assert dossier.open_tasks().get().agency == world.justice
    assert [e.action for e in dossier.events.all()] == ["submit", "receive"]


def test_asking_for_completion_leaves_the_dossier_unreceived(world: World) -> None:
    dossier = submit_online(world)

    actions.request_completion(
        dossier,
        actor=world.reception,
        reason="Tờ khai chưa ký",
        missing="Tờ khai có chữ ký của người yêu cầu",
        at=local(2026, 3, 2, 9, 0),
    )

    dossier.refresh_from_db()
    # Art. 17(1)(c): not yet received, the clock has not started (slip 02).
    assert (dossier.status, dossier.national_code) == (Status.SUBMITTED, 1)
    assert dossier.completion_requested_at == local(2026, 3, 2, 9, 0)
    assert dossier.received_at is None and dossier.due_at is None
    event = dossier.events.get(action="request_completion")
    assert event.reason == "Tờ khai chưa ký"
    assert event.changes == {"missing": "Tờ khai có chữ ký của người yêu cầu"}


def test_a_refusal_at_intake_ends_the_dossier_as_not_received(world: World) -> None:
    dossier = submit_online(world)

    actions.refuse_at_intake(
        dossier,
        actor=world.reception,
        reason="Thủ tục không thuộc thẩm quyền của tỉnh",
        at=local(2026, 3, 2, 9, 0),
    )

    dossier.refresh_from_db()
    assert (dossier.status, dossier.national_code) == (Status.NOT_RECEIVED, 3)
    assert dossier.ended_at == local(2026, 3, 2, 9, 0)
    # Not received: no clock, no appointment, and no early / on-time / late label.
    assert dossier.received_at is None and dossier.due_at is None
    assert dossier.timeliness == ""
    assert not dossier.tasks.exists()
    assert dossier.events.last().reason == "Thủ tục không thuộc thẩm quyền của tỉnh"  # type: ignore[union-attr]


def test_only_the_one_stop_unit_receives(world: World) -> None:
    before = snapshot()

    with pytest.raises(PermissionDenied, match="Bạn không có quyền thực hiện việc này tại"):
        actions.receive_at_counter(world.submission(), actor=world.handler, at=MONDAY)

    assert snapshot() == before


def test_the_counter_does_not_receive_an_online_submission_as_its_own(world: World) -> None:
    before = snapshot()

    with pytest.raises(InvalidInput, match="chỉ dùng cho hồ sơ nộp trực tiếp hoặc qua bưu chính"):
        world.receive(MONDAY, channel="online", channel_rule=world.online_rule)

    assert snapshot() == before


def test_a_reason_is_needed_to_refuse_at_intake(world: World) -> None:
    dossier = submit_online(world)
    before = snapshot(dossier)

    with pytest.raises(InvalidInput, match="Cần ghi rõ lý do từ chối tiếp nhận"):
        actions.refuse_at_intake(dossier, actor=world.reception, reason="  ", at=MONDAY)

    assert snapshot(dossier) == before
