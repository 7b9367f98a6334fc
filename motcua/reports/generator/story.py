"""One dossier's story, played on a ``Shadow`` (the in-memory engine).

From the entry's own random generator: procedure and agency, documents, the steps
of the workflow with their instants, and the optional supplement, payment and
extension. The instants are chosen so that the entry's target comes out: early, on
time or late is not drawn but follows from the end instant and the due instant
``motcua.workdays`` computes. Each action is also recorded (``acts``) for
``via_actions``. Nothing happens after the horizon (the period's end): a story
reaching it stops there, open.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from motcua.catalog.choices import Channel
from motcua.dossiers.models import Delivery, DocumentOrigin, IntakeChannel
from motcua.dossiers.simulator import Offer
from motcua.dossiers.statuses import Action
from motcua.org.models import Role
from motcua.reports.generator.plan import (
    CLOSED,
    EARLY,
    LATE,
    NOT_RECEIVED,
    ON_TIME,
    OPEN,
    REFUSED,
    RESULT,
    STOPPED,
    WITHDRAWN,
    Entry,
    Menu,
)
from motcua.reports.generator.profiles import Profile
from motcua.reports.generator.shadow import Applicant, Doc, Row, Shadow
from motcua.reports.generator.world import Desk, Officer, World
from motcua.workdays.calendar import LOCAL_TZ

MICROS_PER_MINUTE = 60_000_000
ONLINE_PAYMENT = "Thanh toán trực tuyến"
CASH_PAYMENT = "Tiền mặt tại bộ phận một cửa"
POST = 0.04  # direct dossiers sent by post, where the procedure accepts it
NOT_COLLECTED = 0.03  # result ready, not yet collected


_NAMES: dict[int, list[tuple[str, int | None]]] = {}


def _document_names(offer: Offer) -> list[tuple[str, int | None]]:
    """What the applicant hands in for ``offer``: its first components (as the
    simulator files them), or an application form."""
    key = offer.version.pk
    if key not in _NAMES:
        _NAMES[key] = [
            (
                (c.name.split("\n")[0][:200] if c else "Đơn đề nghị") or "Giấy tờ",
                c.pk if c else None,
            )
            for c in (offer.components or (None,))
        ]
    return _NAMES[key]


# --- the story ---------------------------------------------------------------------------


class Horizon(Exception):
    """The story reached the horizon: it stops there."""


class Unplayable(Exception):
    """The entry cannot be played (no procedure fits, no identifier for the code)."""


@dataclass
class Act:
    """One action of a story, for ``via_actions``: the shadow method's name and args."""

    at: dt.datetime
    name: str
    args: dict[str, Any]


class Story:
    def __init__(
        self,
        entry: Entry,
        *,
        world: World,
        profile: Profile,
        menu: dict[tuple[str, bool, bool | None], Menu],
        seed: int,
        horizon: dt.datetime,
        period_start: dt.datetime,
    ) -> None:
        self.entry, self.world, self.profile = entry, world, profile
        self.menu, self.horizon, self.start = menu, horizon, period_start
        self.cal = world.calendar
        self.fast = world.fast
        self.rng = random.Random(seed * 1_000_003 + entry.index)
        self.acts: list[Act] = []
        self.last: dt.datetime | None = None
        self.shadow: Shadow | None = None

    # --- time ------------------------------------------------------------------------

    def later(self, low: float, high: float, start: dt.datetime) -> dt.datetime:
        """Between ``low`` and ``high`` working hours after ``start``, in whole minutes."""
        minutes = max(1, round(self.rng.uniform(low, high) * 60))
        return self.fast.add_micros(start, minutes * MICROS_PER_MINUTE)

    def between(self, low: dt.datetime, high: dt.datetime) -> dt.datetime:
        """A working instant in [low, high] (low when the span has no working time)."""
        span = self.fast.micros_between(low, high) if high > low else 0
        if span <= 0:
            return low
        minutes = span // MICROS_PER_MINUTE
        return min(
            high, self.fast.add_micros(low, self.rng.randrange(minutes + 1) * MICROS_PER_MINUTE)
        )

    def act(self, at: dt.datetime, name: str, **args: Any) -> None:
        if self.last is not None and at <= self.last:
            at = self.fast.add_micros(self.last, MICROS_PER_MINUTE)
        if at > self.horizon:
            raise Horizon
        assert self.shadow is not None
        getattr(self.shadow, name)(at=at, **args)
        self.acts.append(Act(at, name, args))
        self.last = at

    def pick(self, agency_id: int, role: str) -> Officer:
        return self.rng.choice(self.world.officers[(agency_id, role)])

    # --- choosing ------------------------------------------------------------------------

    def choose(self) -> tuple[Desk, Offer, Any]:
        e, p = self.entry, self.profile
        wish: bool | None = None
        if p.e_result is not None and e.outcome in (RESULT, OPEN):
            wish = self.rng.random() < p.e_result
        menu = self.menu.get((e.level, e.online, wish)) or self.menu.get((e.level, e.online, None))
        if menu is None:
            raise Unplayable(f"no procedure for {e.level} online={e.online}")
        best: tuple[Desk, Offer, Any] | None = None
        for _try in range(8):
            desk, offer = menu.pick(self.rng)
            rule = self.rule(offer)
            best = best or (desk, offer, rule)
            if self.fits(rule):
                return desk, offer, rule
        assert best is not None
        return best

    def rule(self, offer: Offer) -> Any:
        if self.entry.online:
            return offer.rule(Channel.ONLINE)
        counter, post = offer.rule(Channel.IN_PERSON), offer.rule(Channel.POST)
        if post is not None and (counter is None or self.rng.random() < POST):
            return post
        return counter

    def fits(self, rule: Any) -> bool:
        """Whether the target can come out with this rule's due instant."""
        target = self.entry.target
        if target in (OPEN, NOT_RECEIVED):
            return True
        limit = rule.limit_at(self.entry.received)
        if limit is None:
            return target == ON_TIME
        due = self.world.due(self.entry.received, limit).due
        return self.window(target, self.entry.received, due) is not None

    def window(
        self, target: str, start: dt.datetime, due: dt.datetime
    ) -> tuple[dt.datetime, dt.datetime] | None:
        """Where the end may fall for ``target``, given the work's start and the due."""
        low = max(start, self.start) if self.entry.carried else start
        low = self.fast.add_micros(low, 30 * MICROS_PER_MINUTE)
        stop = self.horizon - dt.timedelta(minutes=30)
        due_day = dt.datetime.combine(due.astimezone(LOCAL_TZ).date(), dt.time(), tzinfo=LOCAL_TZ)
        if target == EARLY:
            high = min(due_day - dt.timedelta(minutes=1), stop)
        elif target == ON_TIME:
            low, high = max(low, due_day), min(due, stop)
        else:  # late
            low, high = max(low, self.fast.add_micros(due, 15 * MICROS_PER_MINUTE)), stop
            high = min(high, self.fast.add_micros(low, 40 * 60 * MICROS_PER_MINUTE))
        if high <= low or self.fast.micros_between(low, high) < 15 * MICROS_PER_MINUTE:
            return None
        return low, high

    # --- playing -----------------------------------------------------------------------

    def play(self) -> Shadow:
        e, rng, w = self.entry, self.rng, self.world
        desk, offer, rule = self.choose()
        flow = desk.flows[offer.version.procedure_id]
        self.shadow = s = Shadow(w, desk, flow, rule)
        person = rng.choice(w.people)
        applicant = Applicant(
            person.kind,
            person.name,
            person.identifier,
            person.phone,
            person.address,
            person.unit_id,
        )
        digitised = rng.random() < self.profile.digitised
        reused = rng.random() < self.profile.reuses_data
        docs = [
            Doc(
                name,
                component_id,
                digitised,
                DocumentOrigin.REUSED if reused and n == 1 else DocumentOrigin.SCAN,
            )
            for n, (name, component_id) in enumerate(_document_names(offer))
        ]
        receptionist = self.pick(desk.receiving.pk, Role.RECEPTION)
        channel = (
            IntakeChannel.ONLINE
            if e.online
            else IntakeChannel.POST
            if rule.channel == Channel.POST
            else IntakeChannel.COUNTER
        )
        deliveries = [Delivery.COUNTER, Delivery.POST] + ([Delivery.ONLINE] if e.online else [])
        delivery = rng.choices(deliveries, [6, 1, 5][: len(deliveries)])[0]
        day = e.submitted.astimezone(LOCAL_TZ).date()
        identifier = w.identifier(s.code_agency_id(), day)
        if not identifier:
            raise Unplayable(f"no identifier for agency {s.code_agency_id()} on {day}")
        citizen = Officer(person.user_id, "", person.user_name)
        creator = citizen if e.online else receptionist
        if e.submitted > self.horizon:
            raise Horizon
        s.create(
            applicant=applicant,
            channel=channel,
            delivery=delivery,
            docs=docs,
            citizen_id=person.user_id if e.online else None,
            actor=creator,
            at=e.submitted,
            code="",  # allocated when written, in plan order (``bulk.write_packets``)
        )
        s.code_key = (identifier, day)
        create_args = {
            "applicant": applicant,
            "channel": channel,
            "delivery": delivery,
            "docs": docs,
            "citizen_id": person.user_id if e.online else None,
            "actor": creator,
        }
        self.acts.append(Act(e.submitted, "create", create_args))
        # Submission and reception may share the instant (at the counter).
        self.last = None
        with contextlib.suppress(Horizon):  # the story stops at the horizon, open
            self.handle(s, offer, rule, receptionist, citizen)
        return s

    def handle(
        self, s: Shadow, offer: Offer, rule: Any, receptionist: Officer, citizen: Officer
    ) -> None:
        e, rng, p = self.entry, self.rng, self.profile
        if not e.online:
            self.act(e.received, "receive_at_counter", actor=receptionist)
        else:
            self.act(e.submitted, "submit", actor=citizen)
            if e.target == NOT_RECEIVED:
                self.act(
                    self.later(0.2, 6, e.submitted),
                    "refuse_at_intake",
                    actor=receptionist,
                    reason="Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan.",
                )
                return
            if e.completion:
                self.act(
                    self.later(0.1, 2, e.submitted),
                    "request_completion",
                    actor=receptionist,
                    reason="Hồ sơ chưa đầy đủ theo quy định.",
                    missing="Bản sao giấy tờ chứng minh nơi cư trú.",
                )
            self.act(
                max(e.received, self.cal.clock_start(e.submitted)), "accept", actor=receptionist
            )
        desk = s.desk
        competent = desk.competent.pk
        handler = self.pick(competent, Role.HANDLER)
        head = self.pick(competent, Role.DEPARTMENT_HEAD)
        leader = self.pick(competent, Role.LEADER)
        received = s.dossier["received_at"]
        fee = offer.has_fee and rng.random() < p.paid
        online_paid = fee and rng.random() < (p.paid_online / p.paid if p.paid else 0)
        outcome, target = e.outcome, e.target
        # A closed dossier ends at the request (deadlines.md §7): only an early one, and
        # only when the closure itself (15 days later) happens before the horizon.
        room = (self.horizon - received).days
        if outcome == CLOSED and (e.carried or target != EARLY or room < 18):
            outcome = RESULT
        # A supplement takes up to two weeks: not for a dossier that must end sooner.
        supplement = outcome == CLOSED or (
            rng.random() < p.supplement and (target == OPEN or room > 20)
        )
        t = received
        # The handling step: a department head assigns it to an officer.
        tasks = s.open_tasks()
        first = tasks[0] if tasks else None
        if first is not None and first["role"] == Role.HANDLER and first["agency_id"] == competent:
            t = self.later(0.02, self.room(s, t, 2), t)
            self.act(t, "assign", actor=head, assignee=handler, task=first)
        if supplement:
            t = self.later(0.5, 20, t)
            self.act(
                t,
                "request_supplement",
                actor=handler,
                reason="Thành phần hồ sơ chưa đúng quy định.",
                missing="Bản sao có chứng thực giấy tờ liên quan.",
            )
            assert self.last is not None
            requested = self.last
            if outcome == CLOSED:
                close_after = s.supplements[-1]["close_after"]
                at = close_after + dt.timedelta(minutes=rng.randrange(5, 12 * 60))
                if at < self.horizon:
                    self.act(at, "close_unanswered", actor=self.world.system)
                    return
                outcome = RESULT
            day = requested + dt.timedelta(days=rng.randint(1, 12))
            t = self.later(0, 6, self.cal.clock_start(day))
            by_citizen = e.online and rng.random() < 0.5
            self.act(
                t,
                "record_supplement",
                actor=citizen if by_citizen else receptionist,
                docs=[Doc("Giấy tờ bổ sung")],
                by_citizen=by_citizen,
            )
            assert self.last is not None
            t = self.last
        if fee:
            amount = rule.fee_vnd or rng.choice([50_000, 100_000, 200_000, 500_000])
            t = self.later(0.02, self.room(s, t, 4), t)
            self.act(
                t,
                "request_payment",
                actor=handler,
                amount=amount,
                description="Nộp phí, lệ phí giải quyết thủ tục hành chính.",
            )
            t = self.later(0.02, self.room(s, t, 8), t)
            self.act(
                t,
                "record_payment",
                actor=self.world.system if online_paid else receptionist,
                method=ONLINE_PAYMENT if online_paid else CASH_PAYMENT,
                receipt=f"BL{rng.randrange(10**6):06d}",
            )
            assert self.last is not None
            t = self.last
        end = self.aim(s, target, t, handler)
        if outcome in (WITHDRAWN, STOPPED, REFUSED):
            self.finish_early(s, outcome, end, receptionist, leader, citizen)
            return
        self.walk(s, offer, end, handler, head, leader, receptionist)

    def room(self, s: Shadow, t: dt.datetime, hours: float) -> float:
        """At most ``hours``, and at most a tenth of the working time left before the
        due instant: a short limit leaves little time for each step."""
        due = s.dossier["due_at"]
        if due is None or due <= t:
            return max(0.05, hours / 10)
        return max(0.05, min(hours, self.fast.micros_between(t, due) / 36_000_000_000))

    def aim(self, s: Shadow, target: str, t: dt.datetime, handler: Officer) -> dt.datetime:
        """The end instant for ``target`` (with an extension first, sometimes)."""
        rng = self.rng
        due = s.dossier["due_at"]
        if target == OPEN:
            base = max(due, self.horizon) if due is not None else self.horizon
            return self.later(1, 40, base)
        if due is None:
            return self.later(1, 24, t)
        if (
            target in (ON_TIME, LATE)
            and rng.random() < self.profile.extension * 3
            and due > t
            and self.cal.working_hours_between(t, due) > 10
        ):
            budget = float(self.cal.working_hours_between(t, due))
            at = (
                self.later(budget - rng.uniform(8.5, min(budget - 1, 16)), budget - 8.5, t)
                if budget > 9.5
                else t
            )
            new_due = self.later(16, 40, due)
            window = self.window(target, at, new_due)
            if window is not None:
                self.act(
                    at,
                    "extend",
                    actor=handler,
                    new_due=new_due,
                    reason="Cần xác minh thêm thông tin với cơ quan liên quan.",
                )
                assert self.last is not None
                due, t = new_due, self.last
        for wanted in (target, ON_TIME, EARLY, LATE):
            window = self.window(wanted, t, due)
            if window is not None:
                low, high = window
                return self.between(low, high)
        # Nothing fits (a short limit near the period's end): end before the horizon
        # all the same, so the dossier is resolved in the period as planned.
        return self.between(t, max(t, self.horizon - dt.timedelta(hours=2)))

    def finish_early(
        self,
        s: Shadow,
        outcome: str,
        end: dt.datetime,
        receptionist: Officer,
        leader: Officer,
        citizen: Officer,
    ) -> None:
        if outcome == WITHDRAWN:
            by_citizen = self.entry.online
            self.act(
                end,
                "end_on_request",
                actor=citizen if by_citizen else receptionist,
                action=Action.WITHDRAW,
                reason="Công dân xin rút hồ sơ.",
                by_citizen=by_citizen,
            )
        elif outcome == STOPPED:
            self.act(
                end,
                "end_on_request",
                actor=leader,
                action=Action.STOP,
                reason="Dừng xử lý theo đề nghị của cơ quan có thẩm quyền.",
                by_citizen=False,
            )
        else:
            self.act(
                end,
                "refuse",
                actor=leader,
                reason="Hồ sơ không đáp ứng điều kiện theo quy định.",
                docs=[Doc("Văn bản từ chối")],
            )
            self.give_back(s, receptionist, end)

    def walk(
        self,
        s: Shadow,
        offer: Offer,
        end: dt.datetime,
        handler: Officer,
        head: Officer,
        leader: Officer,
        receptionist: Officer,
    ) -> None:
        """Forward through the workflow's steps towards ``end``, approve there, return."""
        for _guard in range(50):
            tasks = s.open_tasks()
            if not tasks:
                return
            task: Row = tasks[0]
            step = task["_step"]
            if step.is_return:
                self.give_back(s, receptionist, end)
                return
            if step.is_approval:
                actor = self.officer_for(task, leader)
                self.act(
                    max(end, self.later(0.05, 0.5, self.last or end)),
                    "approve",
                    actor=actor,
                    task=task,
                    code=offer.result_code,
                    docs=[Doc(offer.result_name)],
                )
                continue
            actor = self.officer_for(task, handler if task["role"] == Role.HANDLER else head)
            self.act(
                self.step_end(s, task, end),
                "forward",
                actor=actor,
                task=task,
                opinion="Đủ điều kiện." if task["role"] == Role.HANDLER else "",
            )

    def officer_for(self, task: Row, usual: Officer) -> Officer:
        if task["assignee_id"] is not None:
            for o in self.world.officers.get((task["agency_id"], task["role"]), []):
                if o.user_id == task["assignee_id"]:
                    return o
        if self.world.membership(usual.user_id, task["agency_id"], task["role"]):
            return usual
        return self.pick(task["agency_id"], task["role"])

    def step_end(self, s: Shadow, task: Row, end: dt.datetime) -> dt.datetime:
        """When the officer finishes ``task``: its share of the time left before ``end``."""
        assert self.last is not None
        steps = s.flow.steps
        approval = max((st.order for st in steps if st.is_approval), default=task["_step"].order)
        orders: dict[int, Fraction] = {}
        for st in steps:
            orders[st.order] = max(orders.get(st.order, Fraction(0)), st.allotted)
        ahead = sum(
            (h for o, h in orders.items() if task["_step"].order <= o <= approval), Fraction(0)
        )
        share = float(orders[task["_step"].order] / ahead) if ahead else 1.0
        left = self.fast.micros_between(self.last, end) if end > self.last else 0
        # Keep a few minutes for the actions still to come before the end.
        hours = max(0.0, left / 3_600_000_000 * share - 0.1)
        return self.later(max(1 / 60, 0.6 * hours), max(1 / 60, hours), self.last)

    def give_back(self, s: Shadow, receptionist: Officer, end: dt.datetime) -> None:
        if self.rng.random() < NOT_COLLECTED:
            return
        online = s.dossier["delivery"] == Delivery.ONLINE
        start = self.last or end
        self.act(
            self.later(0.05, 1, start) if online else self.later(0.5, 24, start),
            "return_result",
            actor=receptionist,
        )
