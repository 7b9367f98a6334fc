"""Random sequences of the real actions leave every dossier consistent.

Hypothesis drives a few dossiers through receptions, online submissions and every
action of the engine, by the officer whose job it is (and now and then by an officer
of another commune), with a clock that only moves forward — by working time, or by
wall-clock time so that instants fall at night, at lunch, on weekends and holidays.

The machine keeps its own model of each dossier, built only from what it asked for:
the status the transitions table gives, the steps the workflow opens, the due instant
deadlines.md gives, one event per action. After every step the stored dossiers must
match that model and pass ``check_dossier``. An action refused with a ``DossierError``
must leave no trace at all.

Two procedures are used: the default workflow of a 5-working-day procedure (restart
after a supplement, Decree 118/2025 Art. 19(5)), and an inter-agency workflow of a
10-calendar-day procedure with two parallel appraisal steps in two agencies and the
``pause`` policy (deadlines.md §5).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import ClassVar

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from motcua.accounts.models import User
from motcua.catalog.models import ChannelRule, Procedure, ProcedureResult, ProcedureVersion
from motcua.dossiers import actions
from motcua.dossiers.actions.base import system_user
from motcua.dossiers.errors import DossierError, PermissionDenied, TransitionError
from motcua.dossiers.invariants import check_dossier, replay_status
from motcua.dossiers.models import (
    Delivery,
    Dossier,
    DossierEvent,
    IntakeChannel,
    StepAgency,
    SupplementPolicy,
    Task,
    Workflow,
    WorkflowKind,
    WorkflowStep,
)
from motcua.dossiers.statuses import OPEN, TRANSITIONS, Action, Status, national_code
from motcua.dossiers.tests.conftest import World, citizen, local, pdf, snapshot
from motcua.dossiers.workflows import validate_steps
from motcua.org.models import Agency, Role
from motcua.workdays.calendar import WorkCalendar
from motcua.workdays.deadlines import (
    due_instant,
    pause_after_supplement,
    restart_after_supplement,
)
from motcua.workdays.limits import TimeLimit
from motcua.workdays.services import get_calendar
from motcua.workdays.timeliness import classify_end

MACHINE_SETTINGS = settings(
    max_examples=40,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# First instants: an ordinary Monday, the eve of Tết 2026, the eve of 30/4–1/5, and the
# Friday before the make-up Saturday 22/08/2026 (deadlines.md §8).
STARTS = [
    local(2026, 3, 2, 7, 40),
    local(2026, 2, 12, 16, 10),
    local(2026, 4, 29, 14, 50),
    local(2026, 8, 21, 16, 20),
]
# How long passes before each action: up to a day and a half of working time, or up to
# three days on the wall clock (nights, lunch breaks, weekends, holidays), in quarters.
WAITS = st.one_of(
    st.tuples(st.just("working"), st.integers(0, 12 * 4)),
    st.tuples(st.just("wall"), st.integers(0, 3 * 24 * 4)),
)
PROCEDURES = st.sampled_from(["5 working days", "10 days, inter-agency"])
LIVE_DOSSIERS = 2  # at most this many dossiers in handling at once …
ALL_DOSSIERS = 6  # … and this many in one example

# What can happen to a dossier, by its status: one rule per stage of a dossier's life,
# each drawing what happens next from these lists (repeats make a move more likely, so
# that many dossiers get through to the result rather than end early).
REFUSED = ["a forbidden move", "an outsider tries"]
AT_INTAKE = ["receive"] * 4 + ["ask for completion", "refuse at intake", "withdraw", "stop"]
AT_A_STEP = ["finish"] * 10 + [
    "assign",
    "assign by a superior",
    "send back",
    "send back",
    "send back to reception",
    "hand over to Justice",
    "hand over to Construction",
    "approve before the approval step",
    "request a supplement",
    "request a supplement",
    "request a payment",
    "extend",
    "refuse",
    "withdraw",
    "stop",
]
AWAITING: dict[str, list[str]] = {
    Status.AWAITING_SUPPLEMENT: ["supplement at the counter"] * 3
    + ["supplement online", "close", "close too early", "withdraw", "stop"],
    Status.AWAITING_PAYMENT: ["paid"] * 3 + ["extend", "withdraw"],
}
AFTER_THE_DECISION = ["return"] * 3 + ["correct"]
WAITING = {Status.AWAITING_SUPPLEMENT, Status.AWAITING_PAYMENT}
LIVE = {Status.SUBMITTED, Status.PROCESSED, *OPEN}
FINISHED = {Status.NOT_RECEIVED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED, Status.CLOSED}

Move = Callable[[World, Dossier, dt.datetime], object]


def _paper(name: str = "giay-to.pdf") -> list[actions.DocumentInput]:
    return [actions.DocumentInput(name="Giấy tờ", file=pdf(name))]


# Each action as the officer whose job it is would call it, with valid input: tried
# on dossiers whose status the transitions table does not allow it from.
MOVES: dict[str, Move] = {
    Action.RECEIVE: lambda w, d, at: actions.accept_submission(d, actor=w.reception, at=at),
    Action.REQUEST_COMPLETION: lambda w, d, at: actions.request_completion(
        d, actor=w.reception, reason="Tờ khai chưa ký", missing="Tờ khai", at=at
    ),
    Action.REFUSE_AT_INTAKE: lambda w, d, at: actions.refuse_at_intake(
        d, actor=w.reception, reason="Không thuộc thẩm quyền", at=at
    ),
    Action.ASSIGN: lambda w, d, at: actions.assign(d, actor=w.head, assignee=w.handler, at=at),
    Action.FORWARD: lambda w, d, at: actions.forward(d, actor=w.handler, at=at),
    Action.SEND_BACK: lambda w, d, at: actions.send_back(
        d, actor=w.head, to_step=d.workflow.steps.filter(order=2)[0], reason="Xem lại", at=at
    ),
    Action.HAND_OVER: lambda w, d, at: actions.hand_over(
        d, actor=w.handler, to_agency=w.construction, reason="Lấy ý kiến", at=at
    ),
    Action.REQUEST_SUPPLEMENT: lambda w, d, at: actions.request_supplement(
        d, actor=w.handler, reason="Thiếu giấy tờ", missing="Bản vẽ", at=at
    ),
    Action.RECORD_SUPPLEMENT: lambda w, d, at: actions.record_supplement(
        d, actor=w.reception, documents=_paper(), at=at
    ),
    # The poller closes as the system; the one-stop unit may too.
    Action.CLOSE_UNANSWERED: lambda w, d, at: actions.close_unanswered(
        d, actor=w.reception, at=at + dt.timedelta(days=30)
    ),
    Action.REQUEST_PAYMENT: lambda w, d, at: actions.request_payment(
        d, actor=w.handler, amount_vnd=500_000, description="Lệ phí", at=at
    ),
    Action.RECORD_PAYMENT: lambda w, d, at: actions.record_payment(
        d, actor=w.handler, method="Tiền mặt", at=at
    ),
    Action.EXTEND: lambda w, d, at: actions.extend_deadline(
        d, actor=w.handler, new_due=local(2026, 12, 31, 9, 0), reason="Chờ ý kiến", at=at
    ),
    Action.REFUSE: lambda w, d, at: actions.refuse(
        d, actor=w.leader, reason="Không đủ điều kiện", documents=_paper(), at=at
    ),
    Action.APPROVE_RESULT: lambda w, d, at: actions.approve_result(
        d, actor=w.leader, result_type_code="", documents=_paper(), at=at
    ),
    Action.RETURN_RESULT: lambda w, d, at: actions.return_result(d, actor=w.reception, at=at),
    Action.WITHDRAW: lambda w, d, at: actions.withdraw(
        d, actor=w.reception, reason="Người nộp xin rút", at=at
    ),
    Action.STOP: lambda w, d, at: actions.stop(d, actor=w.leader, reason="Dừng", at=at),
    Action.CORRECT_RESULT: lambda w, d, at: actions.correct_result(
        d, actor=w.leader, reason="Sai năm sinh", reported_at=at, documents=_paper(), at=at
    ),
}


@dataclass
class Stage:
    """What the machine plays with: the test world and a second, inter-agency procedure."""

    world: World
    applicant: User
    procedures: dict[str, tuple[ProcedureVersion, ChannelRule, ChannelRule]]
    result_codes: dict[int, str]

    @classmethod
    def build(cls, world: World) -> Stage:
        building = Procedure.objects.get(code="2.000001").current_version
        assert building is not None
        rules = {r.channel: r for r in building.channels.all()}
        inter_agency_workflow(world, building.procedure)
        return cls(
            world=world,
            applicant=citizen(),
            procedures={
                "5 working days": (world.version, world.counter_rule, world.online_rule),
                "10 days, inter-agency": (building, rules["truc_tiep"], rules["truc_tuyen"]),
            },
            result_codes={
                v.pk: ProcedureResult.objects.filter(version=v).values_list("code", flat=True)[0]
                for v in (world.version, building)
            },
        )

    def officer(self, agency_id: int, role: str) -> User:
        """The cast member holding ``role`` at the agency (an outsider when nobody does)."""
        w = self.world
        cast: dict[tuple[int, str], User] = {
            (w.centre.pk, Role.RECEPTION): w.reception,
            (w.justice.pk, Role.HANDLER): w.handler,
            (w.justice.pk, Role.DEPARTMENT_HEAD): w.head,
            (w.justice.pk, Role.LEADER): w.leader,
            (w.construction.pk, Role.HANDLER): w.construction_handler,
        }
        return cast.get((agency_id, role), w.commune_b_officer)

    def superior(self, agency_id: int) -> User:
        return self.officer(agency_id, Role.DEPARTMENT_HEAD)


def inter_agency_workflow(world: World, procedure: Procedure) -> Workflow:
    """Justice and Construction appraise in parallel; Justice decides; pause policy."""
    workflow = Workflow.objects.create(
        procedure=procedure,
        kind=WorkflowKind.INTER_AGENCY,
        lead_agency=world.justice,
        supplement_policy=SupplementPolicy.PAUSE,
    )
    rows = [
        (1, "Tiếp nhận", Role.RECEPTION, StepAgency.RECEIVING, None, "2"),
        (2, "Thẩm định (Sở Tư pháp)", Role.HANDLER, StepAgency.COMPETENT, None, "40"),
        (2, "Lấy ý kiến Sở Xây dựng", Role.HANDLER, StepAgency.NAMED, world.construction, "32"),
        (3, "Lãnh đạo phòng xem xét", Role.DEPARTMENT_HEAD, StepAgency.COMPETENT, None, "12"),
        (4, "Lãnh đạo Sở phê duyệt", Role.LEADER, StepAgency.COMPETENT, None, "12"),
        (5, "Trả kết quả", Role.RECEPTION, StepAgency.RECEIVING, None, "2"),
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
            is_approval=order == 4,
            is_return=order == 5,
        )
        for order, name, role, source, agency, hours in rows
    ]
    validate_steps(workflow, steps, None)
    WorkflowStep.objects.bulk_create(steps)
    return workflow


@dataclass
class Expected:
    """One dossier as the machine expects it, from the actions that succeeded."""

    workflow: Workflow
    steps: list[WorkflowStep]
    limit: TimeLimit | None
    online: bool
    status: str = ""
    events: int = 0
    open: Counter[tuple[int, int]] = field(default_factory=Counter)  # (step, agency)
    received_at: dt.datetime | None = None
    original_due: dt.datetime | None = None
    due: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    timeliness: str = ""
    supplement_requested_at: dt.datetime | None = None

    def steps_of(self, order: int) -> list[WorkflowStep]:
        return [s for s in self.steps if s.order == order]

    def order_after(self, order: int) -> int | None:
        return min((s.order for s in self.steps if s.order > order), default=None)


Call = Callable[[Dossier], object]


def some_dossier_in(*statuses: str) -> Callable[[DossierMachine], bool]:
    """Precondition: some dossier is in one of ``statuses``."""
    return lambda machine: bool(machine.in_status(*statuses))


class DossierMachine(RuleBasedStateMachine):
    stage: ClassVar[Stage]  # set by the test, on a subclass, from its ``world``

    def __init__(self) -> None:
        super().__init__()
        self.w = self.stage.world
        self.calendar: WorkCalendar = get_calendar()
        self.model: dict[int, Expected] = {}
        self.touched: set[int] = set()  # the dossiers acted on since the last checks
        self.clock = STARTS[0]
        # Each example runs in a savepoint rolled back at teardown: events are
        # append-only, so a fresh start cannot be had by deleting rows.
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)

    # --- the clock, the choice of dossier, and the model ---------------------------------

    @initialize(start=st.sampled_from(STARTS), minutes=st.integers(0, 59))
    def set_the_clock(self, start: dt.datetime, minutes: int) -> None:
        self.clock = start + dt.timedelta(minutes=minutes)

    def advance(self, wait: tuple[str, int]) -> dt.datetime:
        kind, quarters = wait
        if kind == "working":
            self.clock = self.calendar.add_working_hours(self.clock, Fraction(quarters, 4))
        else:
            self.clock += dt.timedelta(minutes=15 * quarters)
        return self.clock

    def in_status(self, *statuses: str) -> list[int]:
        return [pk for pk in sorted(self.model) if self.model[pk].status in statuses]

    def draw(self, data: st.DataObject, *statuses: str) -> tuple[int, Expected]:
        pk = data.draw(st.sampled_from(self.in_status(*statuses)), label="dossier")
        return pk, self.model[pk]

    def agency_of(self, step: WorkflowStep) -> int:
        if step.agency_source == StepAgency.RECEIVING:
            return self.w.centre.pk
        if step.agency_source == StepAgency.NAMED and step.agency_id is not None:
            return step.agency_id
        return self.w.justice.pk

    def opened(self, steps: list[WorkflowStep]) -> Counter[tuple[int, int]]:
        return Counter((s.pk, self.agency_of(s)) for s in steps)

    def attempt(self, pk: int, action: str, call: Call) -> bool:
        """Run one action as a screen would, on a freshly loaded dossier. Refused with a
        DossierError: nothing at all was written. Done: the model takes the status the
        transitions table gives and one more event (the caller updates the rest)."""
        self.touched.add(pk)
        before = snapshot(Dossier.objects.get(pk=pk))
        expected = self.model[pk]
        try:
            call(Dossier.objects.get(pk=pk))
        except DossierError as error:
            event(f"{action}: refused ({type(error).__name__})")
            assert snapshot(Dossier.objects.get(pk=pk)) == before, f"a refused {action} wrote"
            return False
        event(f"{action}: done")
        allowed_from, target = TRANSITIONS[action]
        assert expected.status in allowed_from, f"{action} done from {expected.status!r}"
        expected.status = target or expected.status
        expected.events += 1
        return True

    def move(self, pk: int, action: str, at: dt.datetime) -> bool:
        """``action`` as in MOVES, by the officer whose job it is."""
        return self.attempt(pk, action, lambda d: MOVES[action](self.w, d, at))

    def received(self, pk: int, at: dt.datetime) -> None:
        """deadlines.md §3–§4: the due instant; the step after reception opens."""
        expected = self.model[pk]
        expected.received_at = at
        if expected.limit is not None:
            deadline = due_instant(at, expected.limit, self.calendar)
            expected.due = expected.original_due = deadline.due
        second = sorted({s.order for s in expected.steps})[1]
        expected.open = self.opened(expected.steps_of(second))

    def ended(self, pk: int, end: dt.datetime, open_after: list[WorkflowStep]) -> None:
        """deadlines.md §7: the end, and its label when the dossier had been received."""
        expected = self.model[pk]
        expected.ended_at = end
        expected.open = self.opened(open_after)
        if expected.received_at is not None and expected.due is not None:
            expected.timeliness = classify_end(end, expected.due).value

    def submission(self, procedure: str, online: bool) -> actions.Submission:
        version, counter_rule, online_rule = self.stage.procedures[procedure]
        documents = [actions.DocumentInput(name="Tờ khai", file=pdf())]
        if online:
            return self.w.submission(
                version=version,
                channel_rule=online_rule,
                channel=IntakeChannel.ONLINE,
                delivery=Delivery.ONLINE,
                citizen=self.stage.applicant,
                documents=documents,
            )
        return self.w.submission(version=version, channel_rule=counter_rule, documents=documents)

    # --- a new dossier ----------------------------------------------------------------

    @precondition(
        lambda self: len(self.model) < ALL_DOSSIERS and len(self.in_status(*LIVE)) < LIVE_DOSSIERS
    )
    @rule(procedure=PROCEDURES, online=st.booleans(), wait=WAITS)
    def a_new_dossier(self, procedure: str, online: bool, wait: tuple[str, int]) -> None:
        """Received complete at the counter, or submitted online (status 1, no clock)."""
        at = self.advance(wait)
        if online:
            submitted = self.submission(procedure, online=True)
            dossier = actions.submit_dossier(submitted, actor=self.stage.applicant, at=at)
        else:
            handed_in = self.submission(procedure, online=False)
            dossier = actions.receive_at_counter(handed_in, actor=self.w.reception, at=at)
        self.model[dossier.pk] = Expected(
            workflow=dossier.workflow,
            steps=list(dossier.workflow.steps.all()),
            limit=dossier.channel_rule.time_limit,
            online=online,
            status=Status.SUBMITTED if online else Status.RECEIVED,
            events=1 if online else 2,
        )
        self.touched.add(dossier.pk)
        if not online:
            self.received(dossier.pk, at)

    # --- intake -----------------------------------------------------------------------

    @precondition(some_dossier_in(Status.SUBMITTED))
    @rule(data=st.data(), wait=WAITS)
    def intake(self, data: st.DataObject, wait: tuple[str, int]) -> None:
        """The one-stop officer receives an online submission (most often), asks for it
        to be completed (the clock does not start), or refuses it; or the applicant
        withdraws, or the agency stops it."""
        pk, expected = self.draw(data, Status.SUBMITTED)
        what = data.draw(st.sampled_from(AT_INTAKE + REFUSED), label="what happens")
        at = self.advance(wait)
        if what in REFUSED:
            self.refused(data, pk, outsider=what == "an outsider tries", at=at)
        elif what == "receive" and self.move(pk, Action.RECEIVE, at):
            self.received(pk, at)
        elif what == "ask for completion":
            self.move(pk, Action.REQUEST_COMPLETION, at)
        elif what == "refuse at intake" and self.move(pk, Action.REFUSE_AT_INTAKE, at):
            self.ended(pk, at, open_after=[])
        elif what in {"withdraw", "stop"}:
            self.end_on_request(pk, what, by_applicant=True, at=at)

    # --- handling ---------------------------------------------------------------------

    @precondition(some_dossier_in(Status.RECEIVED, Status.IN_PROGRESS))
    @rule(data=st.data(), which=st.integers(0, 3), working_days=st.integers(0, 5), wait=WAITS)
    def at_a_step(
        self, data: st.DataObject, which: int, working_days: int, wait: tuple[str, int]
    ) -> None:
        """What the officer of one of the open steps (``which``, when several run in
        parallel) does: most often finish it — forward it, or approve the result at the
        approval step. Else assign it, send it back to an earlier step (the reception
        step among them, which is refused), hand it over to another agency (to its own
        agency is refused), approve too early (refused), ask the applicant for a
        supplement (once only) or a payment, extend the deadline by ``working_days``
        (once only; zero days is refused), refuse after appraisal, withdraw, stop."""
        pk, expected = self.draw(data, Status.RECEIVED, Status.IN_PROGRESS)
        what = data.draw(st.sampled_from(AT_A_STEP + REFUSED), label="what happens")
        at = self.advance(wait)
        tasks = list(
            Task.objects.filter(dossier_id=pk, finished_at__isnull=True)
            .select_related("step")
            .order_by("pk")
        )
        task = tasks[which % len(tasks)]
        officer = self.stage.officer(task.agency_id, task.role)
        if what in REFUSED:
            self.refused(data, pk, outsider=what == "an outsider tries", at=at)
        elif what == "finish" and not task.step.is_approval:
            self.forward(pk, task, officer, at)
        elif what in {"finish", "approve before the approval step"}:
            self.approve(pk, task, officer, at)
        elif what.startswith("assign"):
            superior = self.stage.superior(task.agency_id)
            by = superior if what == "assign by a superior" else officer
            self.attempt(
                pk,
                Action.ASSIGN,
                lambda d: actions.assign(d, actor=by, assignee=officer, task=task, at=at),
            )
        elif what.startswith("send back"):
            # To an earlier step; to the reception step is refused.
            reception, *others = [s for s in expected.steps if s.order < task.step.order]
            to_step = others[which % len(others)] if others and what == "send back" else reception
            self.send_back(pk, task, officer, to_step, at)
        elif what.startswith("hand over"):
            to = self.w.justice if what.endswith("Justice") else self.w.construction
            self.hand_over(pk, task, officer, to, at)
        elif what == "request a supplement":
            if self.move(pk, Action.REQUEST_SUPPLEMENT, at):
                expected.supplement_requested_at = at
        elif what == "request a payment":
            self.move(pk, Action.REQUEST_PAYMENT, at)
        elif what == "extend":
            self.extend(pk, working_days, at)
        elif what == "refuse" and self.move(pk, Action.REFUSE, at):
            # The refusal notice is the result; the one-stop unit returns it.
            self.ended(pk, at, open_after=[s for s in expected.steps if s.is_return])
        elif what in {"withdraw", "stop"}:
            self.end_on_request(pk, what, by_applicant=False, at=at)

    def forward(self, pk: int, task: Task, actor: User, at: dt.datetime) -> None:
        if self.attempt(
            pk,
            Action.FORWARD,
            lambda d: actions.forward(d, actor=actor, task=task, opinion="Đồng ý", at=at),
        ):
            expected = self.model[pk]
            expected.open -= Counter([(task.step_id, task.agency_id)])
            following = expected.order_after(task.step.order)
            # Parallel steps wait for each other: the next step starts after the last.
            if not expected.open and following is not None:
                expected.open = self.opened(expected.steps_of(following))

    def approve(self, pk: int, task: Task, actor: User, at: dt.datetime) -> None:
        expected = self.model[pk]
        code = self.stage.result_codes[Dossier.objects.get(pk=pk).procedure_version_id]
        if self.attempt(
            pk,
            Action.APPROVE_RESULT,
            lambda d: actions.approve_result(
                d,
                actor=actor,
                result_type_code=code,
                documents=_paper("ket-qua.pdf"),
                task=task,
                at=at,
            ),
        ):
            following = expected.order_after(task.step.order)
            assert following is not None
            self.ended(pk, at, open_after=expected.steps_of(following))

    def send_back(
        self, pk: int, task: Task, actor: User, to_step: WorkflowStep, at: dt.datetime
    ) -> None:
        if self.attempt(
            pk,
            Action.SEND_BACK,
            lambda d: actions.send_back(
                d, actor=actor, to_step=to_step, reason="Cần thẩm định lại", task=task, at=at
            ),
        ):
            self.model[pk].open = self.opened(self.model[pk].steps_of(to_step.order))

    def hand_over(self, pk: int, task: Task, actor: User, to: Agency, at: dt.datetime) -> None:
        if self.attempt(
            pk,
            Action.HAND_OVER,
            lambda d: actions.hand_over(
                d, actor=actor, to_agency=to, reason="Lấy ý kiến", task=task, at=at
            ),
        ):
            expected = self.model[pk]
            expected.open -= Counter([(task.step_id, task.agency_id)])
            expected.open += Counter([(task.step_id, to.pk)])

    def extend(self, pk: int, working_days: int, at: dt.datetime) -> None:
        expected = self.model[pk]
        assert expected.due is not None
        # ``working_days`` after the current appointment, or after now when it has
        # passed; zero days, which is no later, is refused.
        later = max(expected.due, at)
        new_due = self.calendar.add_working_hours(later, 8 * working_days)
        if self.attempt(
            pk,
            Action.EXTEND,
            lambda d: actions.extend_deadline(
                d, actor=self.w.handler, new_due=new_due, reason="Chờ ý kiến phối hợp", at=at
            ),
        ):
            expected.due = new_due

    def end_on_request(self, pk: int, what: str, by_applicant: bool, at: dt.datetime) -> None:
        """Withdrawn at the applicant's request (by their own account for an online
        dossier, when ``by_applicant``), or stopped by the agency."""
        action = Action.WITHDRAW if what == "withdraw" else Action.STOP
        applicant = self.stage.applicant
        if action == Action.WITHDRAW and by_applicant and self.model[pk].online:
            done = self.attempt(
                pk,
                action,
                lambda d: actions.withdraw(d, actor=applicant, reason="Xin rút", at=at),
            )
        else:
            done = self.move(pk, action, at)
        if done:
            self.ended(pk, at, open_after=[])

    # --- waiting for the applicant ----------------------------------------------------

    @precondition(some_dossier_in(*WAITING))
    @rule(data=st.data(), working_days=st.integers(1, 5), wait=WAITS)
    def the_applicant_answers(
        self, data: st.DataObject, working_days: int, wait: tuple[str, int]
    ) -> None:
        """A supplement arrives (at the counter, or online from the applicant's own
        account), or the poller closes the dossier fifteen days after the request (and,
        too early, is refused); a payment is made, or the deadline extended meanwhile;
        or the applicant withdraws, or the agency stops the dossier."""
        pk, expected = self.draw(data, *WAITING)
        options = AWAITING[expected.status] + REFUSED
        what = data.draw(st.sampled_from(options), label="what happens")
        requested = expected.supplement_requested_at
        if what == "close" and requested is not None:
            self.clock = max(self.clock, requested + dt.timedelta(days=15))
        at = self.advance(wait)
        if what in REFUSED:
            self.refused(data, pk, outsider=what == "an outsider tries", at=at)
        elif what.startswith("supplement"):
            self.record_supplement(pk, by_applicant=what.endswith("online"), at=at)
        elif what.startswith("close") and self.attempt(
            pk,
            Action.CLOSE_UNANSWERED,
            lambda d: actions.close_unanswered(d, actor=system_user(), at=at),
        ):
            # deadlines.md §7: a closed dossier ends at the request's instant.
            assert requested is not None
            self.ended(pk, requested, open_after=[])
        elif what == "paid":
            self.move(pk, Action.RECORD_PAYMENT, at)
        elif what == "extend":
            self.extend(pk, working_days, at)
        elif what in {"withdraw", "stop"}:
            self.end_on_request(pk, what, by_applicant=True, at=at)

    def record_supplement(self, pk: int, by_applicant: bool, at: dt.datetime) -> None:
        expected = self.model[pk]
        actor = self.stage.applicant if by_applicant and expected.online else self.w.reception
        if self.attempt(
            pk,
            Action.RECORD_SUPPLEMENT,
            lambda d: actions.record_supplement(d, actor=actor, documents=_paper(), at=at),
        ):
            # deadlines.md §5; both procedures here have a time limit.
            requested = expected.supplement_requested_at
            assert expected.limit and expected.due and requested
            if expected.workflow.supplement_policy == SupplementPolicy.PAUSE:
                paused = pause_after_supplement(expected.due, requested, at, self.calendar)
                expected.due = paused.due
            else:
                expected.due = restart_after_supplement(at, expected.limit, self.calendar).due

    # --- after the decision -----------------------------------------------------------

    @precondition(some_dossier_in(Status.PROCESSED))
    @rule(data=st.data(), delivery=st.sampled_from(Delivery.values), wait=WAITS)
    def after_the_decision(self, data: st.DataObject, delivery: str, wait: tuple[str, int]) -> None:
        """The result is returned (at the counter, by post, online), or an error in it —
        or in a result already returned — corrected (Decree 118/2025 Art. 23), reported
        at the previous instant."""
        what = data.draw(st.sampled_from(AFTER_THE_DECISION + REFUSED), label="what happens")
        statuses = [Status.PROCESSED] if what == "return" else [Status.PROCESSED, Status.RETURNED]
        pk, expected = self.draw(data, *statuses)
        reported, at = self.clock, self.advance(wait)
        if what in REFUSED:
            self.refused(data, pk, outsider=what == "an outsider tries", at=at)
        elif what == "return" and self.attempt(
            pk,
            Action.RETURN_RESULT,
            lambda d: actions.return_result(d, actor=self.w.reception, delivery=delivery, at=at),
        ):
            expected.open = Counter()
        elif what == "correct":
            self.attempt(
                pk,
                Action.CORRECT_RESULT,
                lambda d: actions.correct_result(
                    d,
                    actor=self.w.leader,
                    reason="Sai năm sinh",
                    reported_at=reported,
                    documents=_paper("dinh-chinh.pdf"),
                    at=at,
                ),
            )

    # --- moves that must be refused -----------------------------------------------------

    @precondition(some_dossier_in(*FINISHED))
    @rule(data=st.data(), outsider=st.booleans(), wait=WAITS)
    def a_move_on_a_finished_dossier(
        self, data: st.DataObject, outsider: bool, wait: tuple[str, int]
    ) -> None:
        pk, _expected = self.draw(data, *FINISHED)
        self.refused(data, pk, outsider=outsider, at=self.advance(wait))

    def refused(self, data: st.DataObject, pk: int, outsider: bool, at: dt.datetime) -> None:
        """An action the transitions table forbids in the dossier's status, by the
        officer whose job it would be; or any action, by an officer of another commune,
        who is told either that they may not, or that it cannot be done now."""
        status = self.model[pk].status
        if outsider:
            nobody = self.w.commune_b_officer
            who = replace(self.w, reception=nobody, handler=nobody, head=nobody, leader=nobody)
            moves = sorted(MOVES)
        else:
            who = self.w
            moves = [action for action in sorted(MOVES) if status not in TRANSITIONS[action][0]]
        action = data.draw(st.sampled_from(moves), label="refused action")
        allowed = status in TRANSITIONS[action][0]
        refusal = PermissionDenied if allowed else (DossierError if outsider else TransitionError)
        event(f"{'outsider' if outsider else 'forbidden'}: {action}")
        self.touched.add(pk)
        dossier = Dossier.objects.get(pk=pk)
        before = snapshot(dossier)
        with pytest.raises(refusal):
            MOVES[action](who, dossier, at)
        assert snapshot(dossier) == before

    # --- after every step ---------------------------------------------------------------

    @invariant()
    def every_dossier_matches_its_model(self) -> None:
        """Every dossier's row, events and open steps are what the model expects (three
        queries for all of them): so an action never changes another dossier."""
        dossiers = Dossier.objects.in_bulk(list(self.model))
        events = Counter(
            DossierEvent.objects.filter(dossier__in=dossiers).values_list("dossier_id", flat=True)
        )
        open_steps: dict[int, Counter[tuple[int, int]]] = {pk: Counter() for pk in self.model}
        for pk, step, agency in Task.objects.filter(
            dossier__in=dossiers, finished_at__isnull=True
        ).values_list("dossier_id", "step_id", "agency_id"):
            open_steps[pk][(step, agency)] += 1
        for pk, expected in self.model.items():
            dossier = dossiers[pk]
            assert dossier.status == expected.status
            assert dossier.national_code == national_code(dossier.status)
            assert events[pk] == expected.events == dossier.lock_version
            assert open_steps[pk] == expected.open
            assert dossier.received_at == expected.received_at
            assert dossier.original_due_at == expected.original_due
            assert dossier.due_at == expected.due
            assert dossier.ended_at == expected.ended_at
            assert dossier.timeliness == expected.timeliness

    @invariant()
    def the_dossier_acted_on_keeps_every_invariant(self) -> None:
        """The invariants of ``check_dossier``, and a history that tells the truth: it
        replays to the stored status, with national codes, actors and instants, in the
        order of the clock."""
        for pk in sorted(self.touched):
            dossier = Dossier.objects.select_related("channel_rule").get(pk=pk)
            assert check_dossier(dossier, self.calendar) == []
            history = list(dossier.events.order_by("seq"))
            replayed, breaks = replay_status(history)
            assert breaks == []
            assert replayed == dossier.status
            assert [e.national_code for e in history] == [
                national_code(e.to_status) for e in history
            ]
            assert all(e.actor_id is not None and e.at is not None for e in history)
            # The clock only moves forward, so the history does too.
            assert [e.at for e in history] == sorted(e.at for e in history)
            workflows = dossier.open_tasks().values_list("step__workflow_id", flat=True)
            assert set(workflows) <= {dossier.workflow_id}
        self.touched.clear()


@pytest.mark.django_db
def test_random_sequences_of_actions_keep_every_dossier_consistent(world: World) -> None:
    class OnThisWorld(DossierMachine):
        stage = Stage.build(world)

    run_state_machine_as_test(OnThisWorld, settings=MACHINE_SETTINGS)
