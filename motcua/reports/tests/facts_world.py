"""Dossier histories for the statistics tests, written through the real actions.

Builds on the dossier engine's test province (``motcua.dossiers.tests.conftest``):
a provincial department (Sở Tư pháp, received at the provincial centre) and a
commune (UBND phường Kinh Bắc, which receives and decides its own dossiers), each
with an officer for every step. ``Driver`` plays a random story for one dossier,
drawing every choice from a function it is given (Hypothesis's ``data.draw`` in the
property tests), so a failing history shrinks to a short one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from motcua.accounts.models import User
from motcua.catalog.importer import import_catalog
from motcua.catalog.models import ChannelRule, Procedure, ProcedureResult, ProcedureVersion
from motcua.catalog.tests.catalog_files import channel, record, write_jsonl
from motcua.dossiers import actions
from motcua.dossiers.actions.base import system_user
from motcua.dossiers.models import Dossier, Extension, Task
from motcua.dossiers.statuses import Status
from motcua.dossiers.tests.conftest import World, citizen, pdf
from motcua.org.models import Agency, Membership, Role
from motcua.portal.models import Rating
from motcua.portal.ratings import CRITERIA, save_rating
from motcua.workdays.calendar import WorkCalendar

STEPS = 20  # at most this many actions after reception ("leave" stops sooner)
MINUTE = dt.timedelta(minutes=1)


@dataclass
class Desk:
    """Who receives and who decides the dossiers of one competent agency."""

    receiving: Agency
    competent: Agency
    reception: User
    handler: User
    head: User
    leader: User


def _staff(username: str, agency: Agency, role: str) -> User:
    user = User.objects.create_user(username, full_name=username.title())
    Membership.objects.create(user=user, agency=agency, role=role)
    return user


def desks(world: World) -> dict[str, Desk]:
    """ "tinh": Sở Tư pháp, received at the provincial centre; "xa": the commune of
    Kinh Bắc, which receives and decides."""
    commune = world.commune_a
    return {
        "tinh": Desk(
            world.centre, world.justice, world.reception, world.handler, world.head, world.leader
        ),
        "xa": Desk(
            commune,
            commune,
            world.commune_a_officer,
            _staff("xa.a.chuyenvien", commune, Role.HANDLER),
            _staff("xa.a.truongphong", commune, Role.DEPARTMENT_HEAD),
            _staff("xa.a.chutich", commune, Role.LEADER),
        ),
    }


def no_limit_procedure(tmp_path: Path) -> tuple[ProcedureVersion, ChannelRule]:
    """A procedure whose catalogue entry gives no time limit (so no due instant) and
    no result-type code (so no e-result code)."""
    import_catalog(
        write_jsonl(
            tmp_path / "no-limit.jsonl",
            [
                record(
                    "3.000001",
                    name="Chứng thực bản sao từ bản chính",
                    field="Chứng thực",
                    cach_thuc_thuc_hien=[channel("truc_tiep", None, None)],
                    ket_qua=[{"ten": "Bản sao được chứng thực", "ma": ""}],
                )
            ],
        ),
        at=dt.datetime(2026, 7, 20, tzinfo=dt.UTC),
    )
    version = Procedure.objects.get(code="3.000001").current_version
    assert version is not None
    rule = version.channels.get()
    assert rule.limit_at(None) is None
    return version, rule


def receive(world: World, desk: Desk, at: dt.datetime, **overrides: Any) -> Dossier:
    """A dossier received at ``desk``'s counter at ``at``."""
    values: dict[str, Any] = {
        "receiving_agency": desk.receiving,
        "competent_agency": desk.competent,
    }
    values.update(overrides)
    return actions.receive_at_counter(world.submission(**values), actor=desk.reception, at=at)


def submit(world: World, desk: Desk, at: dt.datetime, **overrides: Any) -> Dossier:
    """An online submission to ``desk`` by the applicant's own account, not yet received."""
    applicant = citizen()
    values: dict[str, Any] = {
        "channel": "online",
        "channel_rule": world.online_rule,
        "delivery": "online",
        "citizen": applicant,
        "receiving_agency": desk.receiving,
        "competent_agency": desk.competent,
    }
    values.update(overrides)
    return actions.submit_dossier(world.submission(**values), actor=applicant, at=at)


def result_documents() -> list[actions.DocumentInput]:
    return [actions.DocumentInput(name="Kết quả", file=pdf("ket-qua.pdf"))]


def open_task(dossier: Dossier) -> Task:
    return Task.objects.select_related("step").get(dossier=dossier, finished_at__isnull=True)


def step(
    desk: Desk, dossier: Dossier, at: dt.datetime, extra: dict[int, User] | None = None
) -> None:
    """Finish the open step of the default workflow: forward it, or approve the result
    at the leader's step. ``extra``: the handler of any agency a step was handed to."""
    task = open_task(dossier)
    if task.step.is_approval:
        code = ProcedureResult.objects.filter(version=dossier.procedure_version_id).values_list(
            "code", flat=True
        )[0]
        actions.approve_result(
            dossier, actor=desk.leader, result_type_code=code, documents=result_documents(), at=at
        )
        return
    if task.agency_id != desk.competent.pk:
        officer = (extra or {})[task.agency_id]
    else:
        officers: dict[str, User] = {Role.HANDLER: desk.handler, Role.DEPARTMENT_HEAD: desk.head}
        officer = officers[task.role]
    actions.forward(dossier, actor=officer, at=at)


def approve(desk: Desk, dossier: Dossier, at: dt.datetime) -> None:
    """Handler, department head, then the leader's approval at ``at``."""
    step(desk, dossier, at - 2 * MINUTE)
    step(desk, dossier, at - MINUTE)
    step(desk, dossier, at)


def rate(dossier: Dossier, at: dt.datetime, overall: str = "satisfied") -> None:
    assert dossier.citizen is not None
    with transaction.atomic():
        save_rating(
            dossier,
            by=dossier.citizen,
            overall=overall,
            scores={c.code: overall for c in CRITERIA},
            comment="",
            at=at,
        )


# --- random stories -------------------------------------------------------------------

Choose = Callable[[Sequence[Any]], Any]
Integer = Callable[[int, int], int]

AT_INTAKE = ["receive", "receive", "receive", "refuse at intake", "withdraw", "leave"]
HANDLING = ["step"] * 5 + [
    "hand over",
    "request supplement",
    "request payment",
    "extend",
    "refuse",
    "withdraw",
    "stop",
    "leave",
]
NEXT: dict[str, list[str]] = {
    Status.RECEIVED: HANDLING,
    Status.IN_PROGRESS: HANDLING,
    Status.AWAITING_SUPPLEMENT: ["supplement", "supplement", "close", "withdraw", "leave"],
    Status.AWAITING_PAYMENT: ["paid", "paid", "extend", "withdraw", "leave"],
    Status.PROCESSED: ["return", "return", "correct", "leave"],
    Status.RETURNED: ["rate", "correct", "leave"],
}


class Driver:
    """Plays one dossier's story through the real actions, every choice drawn from
    ``choose`` (an element of a list) and ``integer`` (low..high inclusive)."""

    def __init__(
        self,
        world: World,
        desks: dict[str, Desk],
        calendar: WorkCalendar,
        first: dt.datetime,
        choose: Choose,
        integer: Integer,
    ) -> None:
        self.w, self.desks, self.calendar, self.first = world, desks, calendar, first
        self.choose, self.integer = choose, integer

    def wait(self, clock: dt.datetime) -> dt.datetime:
        """Up to four days later, in quarter hours (nights, weekends, holidays too)."""
        return clock + dt.timedelta(minutes=15 * self.integer(0, 4 * 24 * 4))

    def play(self) -> Dossier:
        desk = self.desks[self.choose(["tinh", "xa"])]
        clock = self.first + dt.timedelta(minutes=15 * self.integer(0, 120 * 24 * 4))
        building = Procedure.objects.get(code="2.000001").current_version
        assert building is not None
        rules = {r.channel: r for r in building.channels.all()}
        version, counter, online = self.choose(
            [
                (self.w.version, self.w.counter_rule, self.w.online_rule),
                (building, rules["truc_tiep"], rules["truc_tuyen"]),
            ]
        )
        documents = [actions.DocumentInput(name="Tờ khai", file=pdf())]
        common = {"version": version, "documents": documents}
        if self.choose([False, True]):
            dossier = submit(self.w, desk, clock, channel_rule=online, **common)
            clock = self.wait(clock)
            what = self.choose(AT_INTAKE)
            if what == "receive":
                actions.accept_submission(dossier, actor=desk.reception, at=clock)
            elif what == "refuse at intake":
                actions.refuse_at_intake(dossier, actor=desk.reception, reason="Sai", at=clock)
                return dossier
            elif what == "withdraw":
                actions.withdraw(dossier, actor=citizen(), reason="Xin rút", at=clock)
                return dossier
            else:
                return dossier
        else:
            dossier = receive(self.w, desk, clock, channel_rule=counter, **common)
        for _ in range(STEPS):
            dossier.refresh_from_db()
            options = NEXT.get(dossier.status)
            if options is None:
                break
            what = self.choose(options)
            if what == "leave":
                break
            clock = self.wait(clock)
            clock = self.act(desk, dossier, what, clock)
        dossier.refresh_from_db()
        return dossier

    def act(self, desk: Desk, dossier: Dossier, what: str, at: dt.datetime) -> dt.datetime:
        """Do ``what``; returns the clock after it (a closure moves it on)."""
        if what == "step":
            step(desk, dossier, at, {self.w.construction.pk: self.w.construction_handler})
        elif what == "hand over":
            task = open_task(dossier)
            # HAND_OVER carries the handed step's due instant, not the dossier's: the
            # facts must not take it for a new due instant.
            if task.role == Role.HANDLER and task.agency_id == desk.competent.pk:
                actions.hand_over(
                    dossier,
                    actor=desk.handler,
                    to_agency=self.w.construction,
                    reason="Ý kiến",
                    at=at,
                )
        elif what == "request supplement":
            if dossier.supplement_count == 0:
                actions.request_supplement(
                    dossier, actor=desk.handler, reason="Thiếu", missing="Bản vẽ", at=at
                )
        elif what == "supplement":
            actions.record_supplement(
                dossier,
                actor=desk.reception,
                documents=[actions.DocumentInput(name="Bổ sung")],
                at=at,
            )
        elif what == "close":
            request = dossier.supplement_requests.get(completed_at__isnull=True)
            at = max(at, request.close_after)
            actions.close_unanswered(dossier, actor=system_user(), at=at)
        elif what == "request payment":
            actions.request_payment(
                dossier, actor=desk.handler, amount_vnd=50_000, description="Lệ phí", at=at
            )
        elif what == "paid":
            actions.record_payment(dossier, actor=desk.handler, method="Tiền mặt", at=at)
        elif what == "extend":
            if (
                dossier.due_at is not None
                and not Extension.objects.filter(dossier=dossier).exists()
            ):
                days = self.integer(1, 5)
                new_due = self.calendar.add_working_hours(max(dossier.due_at, at), 8 * days)
                actions.extend_deadline(
                    dossier, actor=desk.handler, new_due=new_due, reason="Chờ ý kiến", at=at
                )
        elif what == "refuse":
            actions.refuse(
                dossier,
                actor=desk.leader,
                reason="Không đủ điều kiện",
                documents=result_documents(),
                at=at,
            )
        elif what == "withdraw":
            actions.withdraw(dossier, actor=desk.reception, reason="Xin rút", at=at)
        elif what == "stop":
            actions.stop(dossier, actor=desk.leader, reason="Dừng", at=at)
        elif what == "return":
            actions.return_result(dossier, actor=desk.reception, at=at)
        elif what == "correct":
            actions.correct_result(
                dossier,
                actor=desk.leader,
                reason="Sai năm sinh",
                reported_at=at,
                documents=result_documents(),
                at=at,
            )
        elif what == "rate" and (
            dossier.citizen_id is not None and not Rating.objects.filter(dossier=dossier).exists()
        ):
            rate(dossier, at, self.choose(["very_satisfied", "satisfied", "not_satisfied"]))
        return at
