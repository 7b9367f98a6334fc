"""Each path of a dossier's life gives the statistics row deadlines.md §7 says, kept
current by the actions themselves (``record()`` refreshes it), and equal to what
``derive`` recomputes from the events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.catalog.models import Procedure
from motcua.dossiers import actions
from motcua.dossiers.actions import base
from motcua.dossiers.actions.base import system_user
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests import conftest as engine
from motcua.dossiers.tests.conftest import World, citizen, local, pdf
from motcua.dossiers.tests.test_state_machine_properties import inter_agency_workflow
from motcua.portal import ratings
from motcua.reports.facts import SEGMENT_FIELDS, derive, refresh
from motcua.reports.models import DossierFact, FactSegment
from motcua.reports.tests.facts_world import (
    Desk,
    approve,
    desks,
    no_limit_procedure,
    rate,
    receive,
    step,
    submit,
)

pytestmark = pytest.mark.django_db
world = engine.world  # the dossier engine's test province (a fixture)
# deadlines.md §8's supplement example: received Mon 02/03/2026 08:00, 5 working days
# → due Mon 09/03/2026 08:00.
MONDAY = local(2026, 3, 2, 8, 0)
DUE = local(2026, 3, 9, 8, 0)


def fact_of(dossier: Dossier) -> DossierFact:
    """The stored row, after checking it is exactly what ``derive`` gives."""
    stored = DossierFact.objects.get(dossier=dossier)
    derived, segments = derive(Dossier.objects.get(pk=dossier.pk))
    skip = {"updated_at"}
    for f in DossierFact._meta.concrete_fields:
        if f.name not in skip:
            assert getattr(stored, f.attname) == getattr(derived, f.attname), f.name
    assert spans(dossier) == [tuple(getattr(s, n) for n in SEGMENT_FIELDS) for s in segments]
    return stored


def spans(dossier: Dossier) -> list[tuple[object, ...]]:
    """The stored segments as (agency, start, end, due, held), in order."""
    return [
        tuple(row)
        for row in FactSegment.objects.filter(dossier=dossier)
        .order_by("start")
        .values_list(*SEGMENT_FIELDS)
    ]


@pytest.fixture
def tinh(world: World) -> Desk:
    return desks(world)["tinh"]


# --- a dossier received at the counter, to its result -----------------------------------


@pytest.mark.parametrize(
    ("approved", "label"),
    [
        (local(2026, 3, 5, 10, 0), "early"),  # a date before the due date
        (local(2026, 3, 9, 7, 30), "on_time"),  # the due date, before the due instant
        (DUE, "on_time"),  # exactly at the due instant: "≤ appointment"
        (local(2026, 3, 9, 9, 0), "late"),
    ],
)
def test_a_counter_dossier_ends_when_its_result_is_approved(
    world: World, tinh: Desk, approved: dt.datetime, label: str
) -> None:
    dossier = receive(world, tinh, MONDAY)
    approve(tinh, dossier, approved)
    actions.return_result(dossier, actor=tinh.reception, at=approved + dt.timedelta(days=2))

    fact = fact_of(dossier)
    assert (fact.received_at, fact.ended_at, fact.due_at) == (MONDAY, approved, DUE)
    assert (fact.outcome, fact.timeliness) == ("result", label)
    assert (fact.level, fact.channel_group) == ("tinh", "direct")
    assert (fact.agency_id, fact.receiving_agency_id) == (world.justice.pk, world.centre.pk)
    assert fact.procedure_id == world.version.procedure_id
    assert fact.field_id == world.version.field_id
    assert fact.has_e_result and fact.is_digitised
    assert fact.late_766 == (label == "late")
    # The engine's own label agrees (the return does not move the end).
    dossier.refresh_from_db()
    assert (dossier.ended_at, dossier.timeliness) == (approved, label)
    # One span, from reception to the end, never held.
    assert spans(dossier) == [(world.justice.pk, MONDAY, approved, DUE, False)]


def test_handling_hours_are_working_hours_from_reception_to_the_end(
    world: World, tinh: Desk
) -> None:
    dossier = receive(world, tinh, MONDAY)
    approve(tinh, dossier, local(2026, 3, 5, 10, 0))
    # Mon 08:00–17:00 (7 h), Tue and Wed (8 h each), Thu 07:00–10:00 (3 h).
    assert fact_of(dossier).handling_hours == Decimal("26.00")


def test_an_open_dossier_has_no_end_and_one_open_span(world: World, tinh: Desk) -> None:
    dossier = receive(world, tinh, MONDAY)
    actions.assign(dossier, actor=tinh.head, assignee=tinh.handler, at=MONDAY)
    fact = fact_of(dossier)
    assert (fact.ended_at, fact.outcome, fact.timeliness, fact.handling_hours) == (
        None,
        "",
        "",
        None,
    )
    assert spans(dossier) == [(world.justice.pk, MONDAY, None, DUE, False)]


# --- supplements -------------------------------------------------------------------------

REQUESTED = local(2026, 3, 3, 10, 0)
SUPPLEMENTED = local(2026, 3, 6, 16, 0)


def _ask(desk: Desk, dossier: Dossier) -> None:
    actions.request_supplement(
        dossier, actor=desk.handler, reason="Thiếu giấy tờ", missing="Giấy chứng sinh", at=REQUESTED
    )


def _answer(world: World, dossier: Dossier) -> None:
    actions.record_supplement(
        dossier,
        actor=world.reception,
        documents=[actions.DocumentInput(name="Giấy chứng sinh")],
        at=SUPPLEMENTED,
    )


def test_a_supplement_holds_the_dossier_then_restarts_its_time_limit(
    world: World, tinh: Desk
) -> None:
    dossier = receive(world, tinh, MONDAY)
    _ask(tinh, dossier)
    held = spans(dossier)
    assert held == [
        (world.justice.pk, MONDAY, REQUESTED, DUE, False),
        (world.justice.pk, REQUESTED, None, DUE, True),
    ]
    _answer(world, dossier)
    # deadlines.md §8: restart → due Fri 13/03/2026 16:00.
    restarted = local(2026, 3, 13, 16, 0)
    assert spans(dossier) == [
        (world.justice.pk, MONDAY, REQUESTED, DUE, False),
        (world.justice.pk, REQUESTED, SUPPLEMENTED, DUE, True),
        (world.justice.pk, SUPPLEMENTED, None, restarted, False),
    ]
    approve(tinh, dossier, local(2026, 3, 12, 9, 0))
    fact = fact_of(dossier)
    # Late against the first appointment, early against the one in force at the end.
    assert (fact.due_at, fact.timeliness, fact.supplement_count) == (restarted, "early", 1)
    assert not fact.late_766  # one request only


def test_under_the_pause_policy_the_wait_is_added_to_the_due_instant(world: World) -> None:
    building = Procedure.objects.get(code="2.000001")  # 10 calendar days
    inter_agency_workflow(world, building)  # pause policy (deadlines.md §5)
    version = building.current_version
    assert version is not None
    rule = version.channels.get(channel="truc_tiep")
    dossier = world.receive(
        MONDAY,
        version=version,
        channel_rule=rule,
        documents=[actions.DocumentInput(name="Tờ khai")],
    )
    first_due = local(2026, 3, 12, 17, 0)  # 17:00 of 02/03 + 10 days (deadlines.md §4)
    assert Dossier.objects.get(pk=dossier.pk).due_at == first_due
    actions.request_supplement(
        dossier, actor=world.handler, reason="Thiếu", missing="Bản vẽ", at=REQUESTED
    )
    _answer(world, dossier)
    # The 28 working hours waited (deadlines.md §8) are added to the old due instant:
    # Fri 13, Mon 16 and Tue 17 (24 h), then Wed 18 07:00–11:00.
    paused = local(2026, 3, 18, 11, 0)
    assert [(s[1], s[2], s[3], s[4]) for s in spans(dossier)] == [
        (MONDAY, REQUESTED, first_due, False),
        (REQUESTED, SUPPLEMENTED, first_due, True),
        (SUPPLEMENTED, None, paused, False),
    ]
    assert fact_of(dossier).due_at == paused == Dossier.objects.get(pk=dossier.pk).due_at


def test_a_dossier_closed_unanswered_ends_at_the_request(world: World, tinh: Desk) -> None:
    dossier = receive(world, tinh, MONDAY)
    _ask(tinh, dossier)
    actions.close_unanswered(dossier, actor=system_user(), at=local(2026, 3, 20, 9, 0))
    fact = fact_of(dossier)
    assert (fact.ended_at, fact.outcome, fact.timeliness) == (REQUESTED, "closed", "early")
    assert Dossier.objects.get(pk=dossier.pk).ended_at == REQUESTED
    # The held span would start at the end: only the span before the request is left.
    assert spans(dossier) == [(world.justice.pk, MONDAY, REQUESTED, DUE, False)]
    assert fact.handling_hours == Decimal("10.00")  # Mon 7 h + Tue 07:00–10:00


def test_waiting_for_a_payment_is_not_a_hold(world: World, tinh: Desk) -> None:
    dossier = receive(world, tinh, MONDAY)
    actions.request_payment(
        dossier, actor=tinh.handler, amount_vnd=50_000, description="Lệ phí", at=REQUESTED
    )
    assert spans(dossier) == [(world.justice.pk, MONDAY, None, DUE, False)]
    fact_of(dossier)


# --- the extension -----------------------------------------------------------------------


def test_an_extension_starts_a_span_with_the_new_due_instant(world: World, tinh: Desk) -> None:
    dossier = receive(world, tinh, MONDAY)
    extended_at, new_due = local(2026, 3, 5, 9, 0), local(2026, 3, 13, 17, 0)
    actions.extend_deadline(
        dossier, actor=tinh.handler, new_due=new_due, reason="Chờ ý kiến", at=extended_at
    )
    approve(tinh, dossier, local(2026, 3, 10, 10, 0))  # late for the first appointment
    fact = fact_of(dossier)
    assert (fact.due_at, fact.timeliness) == (new_due, "early")
    assert spans(dossier) == [
        (world.justice.pk, MONDAY, extended_at, DUE, False),
        (world.justice.pk, extended_at, local(2026, 3, 10, 10, 0), new_due, False),
    ]


# --- ended before or after reception ------------------------------------------------------


def test_withdrawn_before_reception_is_not_received(world: World, tinh: Desk) -> None:
    dossier = submit(world, tinh, MONDAY)
    withdrawn = local(2026, 3, 3, 9, 0)
    actions.withdraw(dossier, actor=citizen(), reason="Xin rút", at=withdrawn)
    fact = fact_of(dossier)
    assert (fact.received_at, fact.ended_at, fact.outcome, fact.timeliness) == (
        None,
        withdrawn,
        "withdrawn",
        "",
    )
    assert (fact.channel_group, fact.due_at, fact.handling_hours) == ("online", None, None)
    assert spans(dossier) == []


def test_withdrawn_after_reception_ends_with_a_label(world: World, tinh: Desk) -> None:
    dossier = receive(world, tinh, MONDAY)
    withdrawn = local(2026, 3, 10, 9, 0)
    actions.withdraw(dossier, actor=tinh.reception, reason="Xin rút", at=withdrawn)
    fact = fact_of(dossier)
    assert (fact.received_at, fact.ended_at, fact.outcome, fact.timeliness) == (
        MONDAY,
        withdrawn,
        "withdrawn",
        "late",
    )
    assert spans(dossier) == [(world.justice.pk, MONDAY, withdrawn, DUE, False)]


def test_stopped_and_refused_after_appraisal_are_ends_without_a_result(
    world: World, tinh: Desk
) -> None:
    stopped = receive(world, tinh, MONDAY)
    actions.stop(stopped, actor=tinh.leader, reason="Dừng", at=REQUESTED)
    refused = receive(world, tinh, MONDAY)
    actions.refuse(
        refused,
        actor=tinh.leader,
        reason="Không đủ điều kiện",
        documents=[actions.DocumentInput(name="Văn bản từ chối", file=pdf())],
        at=REQUESTED,
    )
    for dossier, outcome in ((stopped, "stopped"), (refused, "refused")):
        fact = fact_of(dossier)
        assert (fact.ended_at, fact.outcome, fact.timeliness) == (REQUESTED, outcome, "early")
        assert not fact.has_e_result


def test_refused_at_intake_is_not_received(world: World, tinh: Desk) -> None:
    dossier = submit(world, tinh, MONDAY)
    actions.refuse_at_intake(dossier, actor=tinh.reception, reason="Sai thẩm quyền", at=REQUESTED)
    fact = fact_of(dossier)
    assert (fact.received_at, fact.ended_at, fact.outcome, fact.timeliness) == (
        None,
        REQUESTED,
        "refused",
        "",
    )
    assert spans(dossier) == []


def test_an_online_submission_not_yet_received_is_not_received(world: World, tinh: Desk) -> None:
    dossier = submit(world, tinh, MONDAY)
    fact = fact_of(dossier)
    assert (fact.received_at, fact.ended_at, fact.outcome) == (None, None, "")
    assert fact.channel_group == "online"
    actions.accept_submission(dossier, actor=tinh.reception, at=REQUESTED)
    fact = fact_of(dossier)
    assert fact.received_at == REQUESTED
    assert spans(dossier) == [(world.justice.pk, REQUESTED, None, fact.due_at, False)]


# --- what the row says about the dossier ----------------------------------------------------


def test_a_commune_dossier_is_counted_at_commune_level(world: World) -> None:
    xa = desks(world)["xa"]
    dossier = receive(world, xa, MONDAY)
    fact = fact_of(dossier)
    assert (fact.level, fact.agency_id) == ("xa", world.commune_a.pk)


def test_a_dossier_from_another_system_is_online(world: World, tinh: Desk) -> None:
    dossier = submit(world, tinh, MONDAY, channel="api")
    assert fact_of(dossier).channel_group == "online"


def test_without_a_time_limit_a_dossier_has_no_due_instant_and_ends_on_time(
    world: World, tinh: Desk, tmp_path: Path
) -> None:
    version, rule = no_limit_procedure(tmp_path)
    dossier = receive(
        world,
        tinh,
        MONDAY,
        version=version,
        channel_rule=rule,
        documents=[actions.DocumentInput(name="Bản chính")],
    )
    assert spans(dossier) == [(world.justice.pk, MONDAY, None, None, False)]
    actions.stop(dossier, actor=tinh.leader, reason="Dừng", at=REQUESTED)
    fact = fact_of(dossier)
    assert (fact.due_at, fact.timeliness) == (None, "on_time")
    # The engine leaves its label blank there; Biểu 06 needs one of (8)–(10).
    assert Dossier.objects.get(pk=dossier.pk).timeliness == ""
    assert fact.field_id != world.version.field_id  # "Chứng thực", not "Hộ tịch"


def test_the_rating_is_copied_when_the_applicant_rates(world: World, tinh: Desk) -> None:
    dossier = submit(world, tinh, MONDAY)
    actions.accept_submission(dossier, actor=tinh.reception, at=MONDAY)
    approve(tinh, dossier, local(2026, 3, 5, 10, 0))
    actions.return_result(dossier, actor=tinh.reception, at=local(2026, 3, 5, 11, 0))
    assert fact_of(dossier).rating == ""
    rate(Dossier.objects.get(pk=dossier.pk), local(2026, 3, 6, 9, 0), "not_satisfied")
    assert fact_of(dossier).rating == "not_satisfied"


def test_an_e_result_needs_an_e_result_code(world: World, tinh: Desk, tmp_path: Path) -> None:
    with_code = receive(world, tinh, MONDAY)
    approve(tinh, with_code, local(2026, 3, 5, 10, 0))
    assert fact_of(with_code).has_e_result
    # A procedure whose result has no result-type code: no e-result code (Decree
    # 118/2025 Art. 22), so no e-result, though the result file is attached.
    version, rule = no_limit_procedure(tmp_path)
    without = receive(
        world,
        tinh,
        MONDAY,
        version=version,
        channel_rule=rule,
        documents=[actions.DocumentInput(name="Bản chính")],
    )
    approve(tinh, without, local(2026, 3, 5, 10, 0))
    assert fact_of(without).outcome == "result"
    assert not fact_of(without).has_e_result


# --- the cost of keeping it current ---------------------------------------------------------


def queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def test_refreshing_costs_three_to_five_queries_and_two_more_at_the_end(
    world: World, tinh: Desk, django_assert_num_queries: Any
) -> None:
    submitted = submit(world, tinh, MONDAY)
    received = receive(world, tinh, MONDAY)
    ended = receive(world, tinh, MONDAY)
    approve(tinh, ended, local(2026, 3, 5, 10, 0))
    # Reload with its events, upsert the row (and, once received, replace the spans);
    # the calendar (two queries) only for the handling hours of an ended dossier.
    for dossier, count in ((submitted, 3), (received, 5), (ended, 7)):
        with django_assert_num_queries(count):
            refresh(dossier)


def test_each_action_pays_only_for_the_statistics_it_changes(
    world: World, tinh: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The queries an action costs with the statistics hook, minus without it: none for
    the actions that change nothing counted (assign, forward…), none through the hook
    for a reception at the counter (it writes its row and span with its other rows,
    always — ``test_query_counts`` pins that), 5 for a supplement request, 7 for
    the approval that ends the dossier and for the applicant's rating, none for the
    return that follows the approval."""

    def story(hooked: bool) -> list[int]:
        if not hooked:
            monkeypatch.setattr(base, "FACT_ACTIONS", frozenset())
        else:
            monkeypatch.undo()
        costs = []
        holder: list[Dossier] = []
        costs.append(queries(lambda: holder.append(receive(world, tinh, MONDAY))))
        dossier = holder[0]
        costs.append(
            queries(
                lambda: actions.assign(dossier, actor=tinh.head, assignee=tinh.handler, at=MONDAY)
            )
        )
        costs.append(queries(lambda: actions.forward(dossier, actor=tinh.handler, at=MONDAY)))
        costs.append(
            queries(
                lambda: actions.request_payment(
                    dossier, actor=tinh.head, amount_vnd=1000, description="Phí", at=MONDAY
                )
            )
        )
        costs.append(
            queries(
                lambda: actions.record_payment(
                    dossier, actor=tinh.head, method="Tiền mặt", at=MONDAY
                )
            )
        )
        costs.append(queries(lambda: step(tinh, dossier, REQUESTED)))  # the head forwards
        costs.append(queries(lambda: step(tinh, dossier, REQUESTED)))  # the leader approves
        costs.append(
            queries(lambda: actions.return_result(dossier, actor=tinh.reception, at=REQUESTED))
        )
        asked = receive(world, tinh, MONDAY)
        costs.append(queries(lambda: _ask(tinh, asked)))
        return costs

    # Warm up (the procedure's default workflow is created by the first reception).
    receive(world, tinh, MONDAY)
    without, hooked = story(False), story(True)
    added = [h - w for h, w in zip(hooked, without, strict=True)]
    # reception, assign, forward, payment asked, paid, forward, approval, return,
    # supplement request
    assert added == [0, 0, 0, 0, 0, 0, 7, 0, 5]

    online = submit(world, tinh, MONDAY)
    actions.accept_submission(online, actor=tinh.reception, at=MONDAY)
    approve(tinh, online, REQUESTED)
    rated = queries(lambda: rate(Dossier.objects.get(pk=online.pk), REQUESTED))
    monkeypatch.setattr(ratings, "refresh_facts", lambda dossier: None)
    again = submit(world, tinh, MONDAY)
    actions.accept_submission(again, actor=tinh.reception, at=MONDAY)
    approve(tinh, again, REQUESTED)
    assert rated - queries(lambda: rate(Dossier.objects.get(pk=again.pk), REQUESTED)) == 7
