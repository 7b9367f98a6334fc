"""What each engine action writes, replayed in memory for one dossier (part 1).

Each method mirrors one action of ``motcua.dossiers.actions`` (same checks left out:
the plan only asks for allowed moves) and changes plain dict rows, keyed by the
models' attribute names: the dossier, its documents, tasks, supplement request,
extension, payments, results and events. ``bulk`` writes these rows; the test that
compares ``bulk`` with ``via_actions`` proves they are the engine's, field by field.

Where the engine formats an instant into an event's ``changes`` (``actions.base.iso``)
the offset depends on where the value came from: computed now (local time), passed
by the caller (the caller's zone) or read back from the database (UTC). The shadow
keeps that distinction (``_db``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from motcua.dossiers.actions.base import hours
from motcua.dossiers.models import (
    DocumentOrigin,
    IntakeChannel,
    StepAgency,
    TaskOutcome,
    WorkflowKind,
)
from motcua.dossiers.statuses import Action, check_transition, national_code
from motcua.dossiers.workflows import limit_hours
from motcua.org.models import Role
from motcua.reports.generator.world import Desk, Flow, Officer, Step, World
from motcua.workdays.calendar import hours_to_micros
from motcua.workdays.timeliness import classify_end

Row = dict[str, Any]
SUPERIORS = (Role.DEPARTMENT_HEAD, Role.LEADER)
HANDLING_ROLES = (Role.HANDLER, Role.DEPARTMENT_HEAD, Role.LEADER)
SUPPLEMENT_NOTICE_WORKING_DAYS = 3
# allotment scales by (workflow, working hours of the limit): workflows are immutable
# once dossiers follow them (``workflows.revise_workflow``).
_SCALES: dict[tuple[int, Any], Fraction] = {}
# A step's allotment at a scale: (stored hours, working microseconds).
_ALLOTTED: dict[tuple[int, Fraction], tuple[Decimal, int]] = {}


def _db(value: dt.datetime | None) -> dt.datetime | None:
    """An instant as the database gives it back (UTC)."""
    return value.astimezone(dt.UTC) if value is not None else None


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def superiors_of(role: str) -> tuple[str, ...]:
    if role in (Role.DEPARTMENT_HEAD, Role.LEADER):
        return (Role.LEADER,)
    return SUPERIORS


@dataclass(frozen=True)
class Doc:
    """A document handed to an action (``actions.DocumentInput``)."""

    name: str
    component_id: int | None = None
    has_file: bool = True
    origin: str = DocumentOrigin.SCAN


@dataclass
class Applicant:
    kind: str
    name: str
    identifier: str
    phone: str
    address: str
    unit_id: int | None


@dataclass
class ShadowBase:
    """One dossier's rows, as the actions would leave them: the state, what every
    action shares, intake and handling (``Shadow`` adds the rest)."""

    world: World
    desk: Desk
    flow: Flow
    rule: Any  # ChannelRule
    dossier: Row = field(default_factory=dict)
    documents: list[Row] = field(default_factory=list)
    tasks: list[Row] = field(default_factory=list)
    supplements: list[Row] = field(default_factory=list)
    extensions: list[Row] = field(default_factory=list)
    payments: list[Row] = field(default_factory=list)
    results: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    # (identifier, day) of the code, for the counter.
    code_key: tuple[str, dt.date] | None = None

    # --- helpers --------------------------------------------------------------------

    @property
    def cal(self) -> Any:
        return self.world.calendar

    def open_tasks(self) -> list[Row]:
        # Task.Meta.ordering: started_at, id (creation order breaks ties).
        return sorted(
            (t for t in self.tasks if t["finished_at"] is None),
            key=lambda t: (t["started_at"], t["_n"]),
        )

    def step_agency(self, step: Step) -> int:
        if step.agency_source == StepAgency.RECEIVING:
            return int(self.dossier["receiving_agency_id"])
        if step.agency_source == StepAgency.NAMED and step.agency_id is not None:
            return step.agency_id
        return int(self.dossier["competent_agency_id"])

    def limit(self) -> Any:
        return self.rule.limit_at(self.dossier["received_at"])

    def scale(self) -> Fraction:
        """``actions.base.allotment_scale``."""
        d = self.dossier
        limit = self.limit()
        if limit is None or d["due_at"] is None or d["clock_started_at"] is None:
            return Fraction(1)
        working = limit_hours(limit)
        if working is not None and not self.flow.is_default:
            return Fraction(1)
        key = (self.flow.id, working)
        if working is not None and key in _SCALES:
            return _SCALES[key]
        by_order: dict[int, Fraction] = {}
        for s in self.flow.steps:
            by_order[s.order] = max(by_order.get(s.order, Fraction(0)), s.allotted)
        total = sum(by_order.values(), Fraction(0))
        if working is not None:
            available = Fraction(str(working))
        else:
            available = self.cal.working_hours_between(d["clock_started_at"], d["due_at"])
        scale = available / total if total else Fraction(1)
        if working is not None:  # a function of the workflow and the limit alone
            _SCALES[key] = scale
        return scale

    def start_steps(self, steps: list[Step], at: dt.datetime, scale: Fraction) -> list[Row]:
        started = []
        for step in steps:
            key = (step.id, scale)
            if key not in _ALLOTTED:
                allotted = step.allotted * scale
                _ALLOTTED[key] = (hours(allotted), hours_to_micros(allotted))
            stored, micros = _ALLOTTED[key]
            task: Row = {
                "_n": len(self.tasks),
                "step_id": step.id,
                "_step": step,
                "agency_id": self.step_agency(step),
                "role": step.role,
                "assignee_id": None,
                "allotted_hours": stored,
                "started_at": at,
                "due_at": self.world.fast.add_micros(at, micros),
                "finished_at": None,
                "finished_by_id": None,
                "outcome": "",
                "timeliness": "",
                "reminded_at": None,
            }
            self.tasks.append(task)
            started.append(task)
        return started

    def finish_task(self, task: Row, actor: Officer, at: dt.datetime, outcome: str) -> None:
        task["finished_at"] = at
        task["finished_by_id"] = actor.user_id
        task["outcome"] = outcome
        task["timeliness"] = classify_end(at, task["due_at"]).value

    def cancel_open_tasks(self, actor: Officer, at: dt.datetime) -> None:
        for task in self.open_tasks():
            self.finish_task(task, actor, at, TaskOutcome.CANCELLED)

    def end(self, at: dt.datetime) -> None:
        d = self.dossier
        d["ended_at"] = at
        if d["due_at"] is not None and d["received_at"] is not None:
            d["timeliness"] = classify_end(at, d["due_at"]).value

    def record(
        self,
        actor: Officer,
        action: str,
        at: dt.datetime,
        agency_id: int | None,
        title: str = "",
        reason: str = "",
        changes: dict[str, Any] | None = None,
        task: Row | None = None,
    ) -> None:
        d = self.dossier
        from_status = d["status"]
        to_status = check_transition(action, from_status)
        d["status"] = to_status
        d["national_code"] = national_code(to_status)
        if action != Action.REMIND:
            d["lock_version"] += 1
        self.events.append(
            {
                "seq": len(self.events) + 1,
                "at": at,
                "actor_id": actor.user_id,
                "actor_name": actor.name,
                "actor_title": title,
                "actor_agency_id": agency_id,
                "action": action,
                "from_status": from_status,
                "to_status": to_status,
                "national_code": d["national_code"],
                "reason": reason,
                "changes": changes or {},
                "_task": task,
                "step_name": task["_step"].name if task else "",
                "step_started_at": task["started_at"] if task else None,
                "step_due_at": task["due_at"] if task else None,
            }
        )

    def role_title(self, actor: Officer, agency_id: int, *roles: str) -> tuple[int, str]:
        found = self.world.membership(actor.user_id, agency_id, *roles)
        if found is None:  # the plan only picks officers who hold the role
            raise AssertionError(f"{actor.username} has no {roles} at {agency_id}")
        return agency_id, found[2]

    def handling(self, actor: Officer) -> tuple[int, str]:
        """``supplements._handling_membership``: (agency, title)."""
        agencies = [t["agency_id"] for t in self.open_tasks()]
        for agency_id in [*agencies, self.dossier["competent_agency_id"]]:
            found = self.world.membership(actor.user_id, agency_id, *HANDLING_ROLES)
            if found is not None:
                return agency_id, found[2]
        return self.role_title(actor, self.dossier["receiving_agency_id"], Role.RECEPTION)

    def save_documents(
        self, docs: list[Doc], actor: Officer, at: dt.datetime, origin: str | None = None
    ) -> list[Row]:
        saved = []
        w = self.world
        for doc in docs:
            row: Row = {
                "component_id": doc.component_id,
                "_result": None,
                "name": doc.name.strip()[:300],
                "file": w.pdf_name if doc.has_file else "",
                "content_type": "application/pdf" if doc.has_file else "",
                "size": w.pdf_size if doc.has_file else 0,
                "sha256": w.pdf_sha256 if doc.has_file else "",
                "origin": origin or doc.origin,
                "uploaded_by_id": actor.user_id,
                "uploaded_at": at,
            }
            self.documents.append(row)
            saved.append(row)
        return saved

    # --- intake -----------------------------------------------------------------------

    def create(
        self,
        *,
        applicant: Applicant,
        channel: str,
        delivery: str,
        docs: list[Doc],
        citizen_id: int | None,
        actor: Officer,
        at: dt.datetime,
        code: str,
    ) -> None:
        """``intake._create`` (the code is allocated by the caller, see ``codes``)."""
        d = self.dossier
        d.update(
            code=code,
            procedure_version_id=self.rule.version_id,
            channel_rule_id=self.rule.pk,
            workflow_id=self.flow.id,
            channel=channel,
            receiving_agency_id=self.desk.receiving.pk,
            competent_agency_id=self.desk.competent.pk,
            applicant_kind=applicant.kind,
            applicant_name=applicant.name.strip(),
            applicant_identifier=applicant.identifier,
            applicant_phone=applicant.phone.replace(" ", ""),
            applicant_email="",
            applicant_address=applicant.address,
            applicant_unit_id=applicant.unit_id,
            principal_name="",
            principal_identifier="",
            citizen_id=citizen_id,
            submitted_at=at,
            received_at=None,
            clock_started_at=None,
            due_at=None,
            original_due_at=None,
            ended_at=None,
            returned_at=None,
            timeliness="",
            status="",
            national_code=0,
            delivery=delivery,
            fee_vnd=self.rule.fee_vnd or 0,
            is_digitised=any(doc.has_file for doc in docs),
            reuses_data=any(doc.origin == DocumentOrigin.REUSED for doc in docs),
            completion_requested_at=None,
            supplement_count=0,
            lock_version=0,
        )
        if channel == IntakeChannel.ONLINE:
            docs = [
                Doc(doc.name, doc.component_id, doc.has_file, DocumentOrigin.CITIZEN)
                if doc.origin == DocumentOrigin.SCAN
                else doc
                for doc in docs
            ]
        self.save_documents(docs, actor, at)

    def code_agency_id(self) -> int:
        if self.flow.kind == WorkflowKind.INTER_AGENCY:
            return self.desk.receiving.pk
        return self.desk.competent.pk

    def submit(self, actor: Officer, at: dt.datetime) -> None:
        self.record(actor, Action.SUBMIT, at, None, changes={"channel": self.dossier["channel"]})

    def receive_at_counter(self, actor: Officer, at: dt.datetime) -> None:
        agency, title = self.role_title(actor, self.desk.receiving.pk, Role.RECEPTION)
        self.record(
            actor, Action.SUBMIT, at, agency, title, changes={"channel": self.dossier["channel"]}
        )
        self._receive(actor, at, title)

    def accept(self, actor: Officer, at: dt.datetime) -> None:
        _agency, title = self.role_title(actor, self.desk.receiving.pk, Role.RECEPTION)
        self._receive(actor, at, title)

    def _receive(self, actor: Officer, at: dt.datetime, title: str) -> None:
        d = self.dossier
        limit = self.rule.limit_at(at)
        d["received_at"] = at
        if limit is not None:
            deadline = self.world.due(at, limit)
            d["clock_started_at"] = deadline.clock_start
            d["due_at"] = d["original_due_at"] = deadline.due
        else:
            d["clock_started_at"] = self.cal.clock_start(at)
        orders = self.flow.orders()
        first = self.flow.at_order(orders[0])
        scale = self.scale()
        reception = self.start_steps(first, at, scale)
        for task in reception:
            self.finish_task(task, actor, at, TaskOutcome.RECEIVED)
        if len(orders) > 1:
            self.start_steps(self.flow.at_order(orders[1]), d["clock_started_at"], scale)
        self.record(
            actor,
            Action.RECEIVE,
            at,
            d["receiving_agency_id"],
            title,
            task=reception[0] if reception else None,
            changes={"due_at": _iso(d["due_at"]), "clock_started_at": _iso(d["clock_started_at"])},
        )

    def request_completion(
        self, actor: Officer, at: dt.datetime, reason: str, missing: str
    ) -> None:
        agency, title = self.role_title(actor, self.desk.receiving.pk, Role.RECEPTION)
        self.dossier["completion_requested_at"] = at
        self.record(
            actor,
            Action.REQUEST_COMPLETION,
            at,
            agency,
            title,
            reason=reason,
            changes={"missing": missing},
        )

    def refuse_at_intake(self, actor: Officer, at: dt.datetime, reason: str) -> None:
        agency, title = self.role_title(actor, self.desk.receiving.pk, Role.RECEPTION)
        self.end(at)
        self.record(actor, Action.REFUSE_AT_INTAKE, at, agency, title, reason=reason)

    # --- handling ---------------------------------------------------------------------

    def assign(self, actor: Officer, assignee: Officer, task: Row, at: dt.datetime) -> None:
        superiors = superiors_of(task["role"])
        roles = (task["role"], *superiors) if assignee.user_id == actor.user_id else superiors
        _agency, title = self.role_title(actor, task["agency_id"], *roles)
        task["assignee_id"] = assignee.user_id
        self.record(
            actor,
            Action.ASSIGN,
            at,
            task["agency_id"],
            title,
            task=task,
            changes={"assignee": assignee.username},
        )

    def task_title(self, actor: Officer, task: Row) -> str:
        """``base.require_task_actor``."""
        return self.role_title(actor, task["agency_id"], task["role"], *superiors_of(task["role"]))[
            1
        ]

    def forward(self, actor: Officer, task: Row, at: dt.datetime, opinion: str) -> None:
        title = self.task_title(actor, task)
        self.finish_task(task, actor, at, TaskOutcome.FORWARDED)
        started: list[Row] = []
        if not self.open_tasks():
            started = self.start_steps(self.flow.after(task["_step"].order), at, self.scale())
        self.record(
            actor,
            Action.FORWARD,
            at,
            task["agency_id"],
            title,
            reason=opinion,
            task=task,
            changes={"next": [t["_step"].name for t in started]},
        )
