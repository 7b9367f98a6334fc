"""Months of realistic dossiers, driven through the real actions (``simulate_dossiers``).

Later work (the back office, the reports, the benchmarks) needs data that looks like
a province's: receptions spread over the working hours of working days, most
dossiers finished early or on time, some late, supplements answered or not,
extensions, payments, withdrawals, refusals, hand-overs to another agency. The
simulator writes nothing itself: every change is an action of
``motcua.dossiers.actions``, called with ``at=`` by the officer whose job it is, so
the data obeys every rule the actions enforce and ``check_dossiers`` can verify it.

Reproducible: a plan (who files what, where, when, and each dossier's own seed) is
drawn from ``random.Random(seed)`` over reference data read in a stable order; each
dossier's story then draws from its own generator. The same seed on the same
database state gives the same dossiers. Nothing happens after the horizon (now, by
default): dossiers received lately are left open where their story had got to.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog.choices import Channel
from motcua.catalog.models import (
    ChannelRule,
    Component,
    ProcedureResult,
    ProcedureVersion,
    ProvinceProcedureSetting,
)
from motcua.dossiers import actions
from motcua.dossiers.actions.base import system_user
from motcua.dossiers.errors import DossierError
from motcua.dossiers.models import (
    ApplicantKind,
    Delivery,
    DocumentOrigin,
    Dossier,
    IntakeChannel,
    Task,
    WorkflowStep,
)
from motcua.org.models import AdministrativeUnit, Agency, AgencyKind, Membership, Role, UnitLevel
from motcua.org.one_stop import one_stop_unit
from motcua.workdays.calendar import LOCAL_TZ, WorkCalendar
from motcua.workdays.limits import LimitUnit, TimeLimit
from motcua.workdays.services import get_calendar

# --- calibration ---------------------------------------------------------------------
# Rough shares of a provincial one-stop system (766 dashboards: 95–99 % on time, about
# half of the dossiers online). Each is the probability that one dossier takes the path.
ONLINE = 0.45  # filed online, when the procedure offers it
POST = 0.04  # sent by post, when the procedure accepts it
REFUSED_AT_INTAKE = 0.02  # online submissions refused at intake
COMPLETION_AT_INTAKE = 0.06  # online submissions the officer asks to complete first
SLOW_ONLINE_RECEPTION = 0.05  # online submissions received after more than 8 working hours
WITHDRAWN = 0.03
STOPPED = 0.01
SUPPLEMENT = 0.10
SUPPLEMENT_ANSWERED = 0.70  # the rest are closed 15 days after the request
SUPPLEMENT_LATE = 0.10  # requested more than 3 working days after reception (warned)
PAYMENT = 0.15  # of the dossiers of procedures with fees
EXTENDED = 0.04
EXTENDED_TOO_LATE = 0.10  # of extensions: recorded less than one working day before the due
LATE = 0.07  # finished after the due instant, without an extension
REFUSED = 0.03  # refused after appraisal
HANDED_OVER = 0.04  # inter-agency: the handling step passes to another agency
SENT_BACK = 0.04  # the department head sends the dossier back to the handler once
NOT_COLLECTED = 0.03  # result ready but not yet collected
CORRECTED = 0.005  # an error in the result, corrected later
DIGITISED = 0.90  # documents scanned (counter) or uploaded (online)
REUSES_DATA = 0.20  # one component taken from earlier digitised data
ORGANISATION = 0.12  # applicants that are organisations (tax code), not persons

# Volume: a commune People's Committee receives more dossiers than a department.
COMMUNE_VOLUME, PROVINCIAL_VOLUME = 3.0, 1.0
# The most frequent fields; other procedures follow a long tail (1 / rank).
POPULAR_FIELDS = {
    "Hộ tịch": 12.0,
    "Chứng thực": 10.0,
    "Đất đai": 5.0,
    "Đăng ký, quản lý cư trú": 4.0,
    "Người có công": 2.0,
    "Bảo trợ xã hội": 2.0,
    "Hoạt động xây dựng": 2.0,
}
# The extra officers created where the demo province has too few, per role.
STAFF_NEEDED: dict[str, int] = {
    Role.RECEPTION: 3,
    Role.HANDLER: 3,
    Role.DEPARTMENT_HEAD: 1,
    Role.LEADER: 1,
}
# Limits longer than these would outlast any simulated period.
LIMIT_CAPS = {
    LimitUnit.HOURS: 80,
    LimitUnit.WORKING_DAYS: 45,
    LimitUnit.UNKNOWN: 30,
    LimitUnit.CALENDAR_DAYS: 60,
    LimitUnit.MONTHS: 2,
    LimitUnit.SAME_DAY: 1,
}
BATCH = 50  # dossiers per transaction
MINUTE = Fraction(1, 60)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Space-separated, as a list would take one line per name.
FAMILY = "Nguyễn Trần Lê Phạm Hoàng Phan Vũ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Trịnh".split()  # noqa: SIM905
MIDDLE = {
    "m": "Văn Đức Minh Quang Hữu Thành Công Xuân".split(),  # noqa: SIM905
    "f": "Thị Thu Ngọc Thanh Phương".split(),  # noqa: SIM905
}
GIVEN = {
    "m": "An Bình Cường Dũng Hải Hùng Khoa Long Nam Phong Quân Sơn Tuấn Việt".split(),  # noqa: SIM905
    "f": "Anh Chi Dung Hà Hạnh Hoa Hương Lan Linh Mai Ngọc Thảo Trang Yến".split(),  # noqa: SIM905
}
FIRMS = "Thành Đạt|Hưng Phát|Kinh Bắc|Minh Long|An Phú|Đông Á|Hoàng Gia".split("|")  # noqa: SIM905
FIRM_KINDS = ["Công ty TNHH", "Công ty cổ phần", "Hợp tác xã"]
TITLES: dict[str, str] = {
    Role.RECEPTION: "Công chức một cửa",
    Role.HANDLER: "Chuyên viên",
    Role.DEPARTMENT_HEAD: "Trưởng phòng",
    Role.LEADER: "Phó Giám đốc",
}

T = TypeVar("T")


class SimulationError(Exception):
    """The simulation cannot run (production, unknown agency, nothing to simulate)."""


@dataclass(frozen=True)
class Offer:
    """A procedure an agency runs, as the simulator files it."""

    version: ProcedureVersion
    rules: tuple[ChannelRule, ...]
    components: tuple[Component, ...]
    result_code: str
    result_name: str
    has_fee: bool

    def rule(self, channel: str) -> ChannelRule | None:
        return next((r for r in self.rules if r.channel == channel), None)


@dataclass
class Desk:
    """A competent agency, the one-stop unit that receives for it, what it runs."""

    competent: Agency
    receiving: Agency
    offers: list[Offer]
    weights: list[float]


@dataclass(frozen=True)
class Plan:
    index: int
    desk: Desk
    offer: Offer
    rule: ChannelRule
    at: dt.datetime
    seed: int


@dataclass
class Summary:
    dossiers: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    timeliness: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)


class Horizon(Exception):
    """The story has reached the simulation's horizon: stop it there."""


def eligible(limit: TimeLimit | None) -> bool:
    return limit is not None and 0 < limit.value <= LIMIT_CAPS[limit.unit]


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _resolve(tokens: list[str]) -> set[int]:
    """Agency ids named by id, exact name or electronic identifier (a one-stop unit
    stands for the agencies it receives for)."""
    wanted: set[int] = set()
    for token in tokens:
        query = Q(name__iexact=token.strip()) | Q(identifiers__code__iexact=token.strip())
        if token.strip().isdigit():
            query |= Q(pk=int(token))
        found = list(Agency.objects.filter(query).distinct())
        if not found:
            raise SimulationError(_("Không tìm thấy cơ quan «%(name)s».") % {"name": token})
        wanted.update(agency.pk for agency in found)
    return wanted


def load_offers(agency_ids: list[int]) -> dict[int, list[Offer]]:
    """Every agency's procedures that can be simulated, by procedure code."""
    settings_rows = list(
        ProvinceProcedureSetting.objects.active()
        .filter(agency_id__in=agency_ids, procedure__current_version__isnull=False)
        .select_related("procedure__current_version", "procedure__field")
        .order_by("agency_id", "procedure__code")
    )
    version_ids = {row.procedure.current_version_id for row in settings_rows}
    rules: dict[int, list[ChannelRule]] = {}
    for rule in ChannelRule.objects.filter(version_id__in=version_ids).order_by("version", "order"):
        rules.setdefault(rule.version_id, []).append(rule)
    components: dict[int, list[Component]] = {}
    for component in (
        Component.objects.filter(case__version_id__in=version_ids)
        .order_by("case__version", "case__order", "order")
        .select_related("case")
    ):
        components.setdefault(component.case.version_id, []).append(component)
    results: dict[int, list[ProcedureResult]] = {}
    for result in ProcedureResult.objects.filter(version_id__in=version_ids).order_by(
        "version", "order"
    ):
        results.setdefault(result.version_id, []).append(result)

    offers: dict[int, list[Offer]] = {}
    for row in settings_rows:
        version = row.procedure.current_version
        assert version is not None
        usable = [r for r in rules.get(version.pk, []) if eligible(r.time_limit)]
        # Only the channels sharing the first usable limit: workflows.default_workflow
        # derives a procedure's workflow from the limit and creates a new version each
        # time the limit differs from the active one, so alternating channels with
        # different limits would add a workflow version per dossier.
        usable = [r for r in usable if r.time_limit == usable[0].time_limit] if usable else []
        if not usable:
            continue
        coded = [r for r in results.get(version.pk, []) if r.code]
        listed = coded or results.get(version.pk, [])
        first = listed[0] if listed else None
        offers.setdefault(row.agency_id, []).append(
            Offer(
                version=version,
                rules=tuple(usable),
                components=tuple(components.get(version.pk, [])[:3]),
                result_code=first.code if first is not None else "",
                result_name=first.name[:200] if first is not None else "Kết quả giải quyết",
                has_fee=any(not r.is_free for r in usable),
            )
        )
    return offers


class Cast:
    """The officers of every agency, by role; extra ones are created where too few."""

    def __init__(self) -> None:
        self.members: dict[tuple[int, str], list[User]] = {}
        for m in (
            Membership.objects.filter(is_active=True, user__is_active=True)
            .select_related("user")
            .order_by("user__username")
        ):
            self.members.setdefault((m.agency_id, m.role), []).append(m.user)

    def officers(self, agency: Agency, role: str) -> list[User]:
        people = self.members.setdefault((agency.pk, role), [])
        needed = STAFF_NEEDED.get(role, 1)
        while len(people) < needed:
            people.append(self._create(agency, role, len(people) + 1))
        return people

    def pick(self, rng: random.Random, agency: Agency, role: str) -> User:
        return rng.choice(self.officers(agency, role))

    def _create(self, agency: Agency, role: str, number: int) -> User:
        code = (agency.identifiers.order_by("pk").values_list("code", flat=True).first()) or str(
            agency.pk
        )
        username = f"mophong.{code.lower().replace('.', '-')}.{role}{number}"
        names = random.Random(username)
        sex = names.choice("mf")
        full_name = " ".join(
            [names.choice(FAMILY), names.choice(MIDDLE[sex]), names.choice(GIVEN[sex])]
        )
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"full_name": full_name, "email": f"{username}@mophong.motcua.vn"},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        title = TITLES.get(role, "")
        if role == Role.LEADER and agency.kind == AgencyKind.COMMUNE_COMMITTEE:
            title = "Phó Chủ tịch UBND"
        Membership.objects.get_or_create(
            user=user, agency=agency, role=role, defaults={"title": title}
        )
        return user


class Simulation:
    def __init__(
        self,
        *,
        seed: int,
        since: dt.date,
        horizon: dt.datetime,
        agencies: list[str] | None = None,
    ) -> None:
        if settings.IS_PRODUCTION:
            raise SimulationError(
                _("Không chạy mô phỏng khi MOTCUA_ENV=production: nó tạo hồ sơ và tài khoản giả.")
            )
        self.seed, self.horizon = seed, horizon
        self.since = since
        self.calendar: WorkCalendar = get_calendar()
        self.cast = Cast()
        self.system = system_user()
        self.desks, self.partners = self._desks(agencies)
        self.communes = list(
            AdministrativeUnit.objects.filter(
                level=UnitLevel.COMMUNE,
                parent_id__in={
                    d.competent.unit.parent_id or d.competent.unit_id for d in self.desks
                },
            ).order_by("code")
        )
        self.steps: dict[int, list[WorkflowStep]] = {}
        self.identifiers: set[str] = set()

    def _desks(self, tokens: list[str] | None) -> tuple[list[Desk], list[Agency]]:
        competent = list(
            Agency.objects.filter(is_active=True, procedure_settings__is_active=True)
            .exclude(kind__in=AgencyKind.one_stop_kinds())
            .distinct()
            .select_related("unit")
            .order_by("name", "pk")
        )
        wanted = _resolve(tokens) if tokens else {a.pk for a in competent}
        offers = load_offers([a.pk for a in competent])
        desks = []
        for agency in competent:
            receiving = one_stop_unit(agency)
            if receiving is None or not offers.get(agency.pk):
                continue
            if agency.pk not in wanted and receiving.pk not in wanted:
                continue
            rng = random.Random(f"{self.seed}:{agency.name}")
            ranks = list(range(len(offers[agency.pk])))
            rng.shuffle(ranks)
            weights = [
                POPULAR_FIELDS.get(o.version.procedure.field.name, 1.0) / (rank + 1)
                for o, rank in zip(offers[agency.pk], ranks, strict=True)
            ]
            desks.append(Desk(agency, receiving, offers[agency.pk], weights))
        if not desks:
            raise SimulationError(
                _("Không có cơ quan nào có thủ tục để mô phỏng (chạy setup_demo trước?).")
            )
        return desks, competent

    # --- the plan ----------------------------------------------------------------------

    def plan(self, count: int) -> list[Plan]:
        """Who files what, where and when: drawn from the seed alone, in reception order."""
        rng = random.Random(self.seed)
        last_day = self.horizon.astimezone(LOCAL_TZ).date()
        days = [self.since + dt.timedelta(days=n) for n in range((last_day - self.since).days + 1)]
        working = [d for d in days if self.calendar.is_working_day(d)]
        if not working:
            raise SimulationError(_("Không có ngày làm việc nào trong khoảng mô phỏng."))
        volumes = [
            COMMUNE_VOLUME
            if d.competent.kind == AgencyKind.COMMUNE_COMMITTEE
            else PROVINCIAL_VOLUME
            for d in self.desks
        ]
        plans = []
        for index in range(count):
            desk = rng.choices(self.desks, volumes)[0]
            offer = rng.choices(desk.offers, desk.weights)[0]
            online, post = offer.rule(Channel.ONLINE), offer.rule(Channel.POST)
            counter = offer.rule(Channel.IN_PERSON)
            rule: ChannelRule | None = counter
            draw = self._office_instant
            if online is not None and (rng.random() < ONLINE or counter is None and post is None):
                rule, draw = online, self._online_instant
            elif post is not None and (rng.random() < POST or counter is None):
                rule = post
            assert rule is not None
            at = draw(rng, days, working)
            for _retry in range(20):  # today's later hours are past the horizon
                if at <= self.horizon:
                    break
                at = draw(rng, days, working)
            plans.append(Plan(index, desk, offer, rule, min(at, self.horizon), rng.getrandbits(64)))
        plans.sort(key=lambda p: (p.at, p.index))
        return plans

    def _office_instant(
        self, rng: random.Random, days: list[dt.date], working: list[dt.date]
    ) -> dt.datetime:
        day = rng.choice(working)
        opening = self.calendar.at(day, self.calendar.office_periods[0][0])
        minutes = rng.randrange(int(self.calendar.hours_per_day * 60) - 5)
        return self.calendar.add_working_hours(opening, Fraction(minutes, 60))

    def _online_instant(
        self, rng: random.Random, days: list[dt.date], working: list[dt.date]
    ) -> dt.datetime:
        """Citizens file online at any hour, more often on working days."""
        while True:
            day = rng.choice(days)
            if self.calendar.is_working_day(day) or rng.random() < 0.3:
                break
        return dt.datetime.combine(day, dt.time(6), tzinfo=LOCAL_TZ) + dt.timedelta(
            minutes=rng.randrange(17 * 60)
        )

    # --- running -----------------------------------------------------------------------

    def run(self, count: int, progress: Callable[[int, int], None] | None = None) -> Summary:
        """Play ``count`` planned dossiers. An action that refuses (a ``DossierError``)
        ends that dossier's story where it was and is listed in the summary."""
        summary, created = Summary(), []
        plans = self.plan(count)
        for start in range(0, len(plans), BATCH):
            # One transaction per batch: each action is still atomic (a savepoint), and
            # the database commits once per batch instead of once per action.
            with transaction.atomic():
                for plan in plans[start : start + BATCH]:
                    story = Story(self, plan)
                    try:
                        story.play()
                    except Horizon:
                        pass
                    except DossierError as exc:
                        code = story.dossier.code if story.dossier else f"#{plan.index}"
                        summary.errors.append(f"{code}: {exc.__class__.__name__}: {exc}")
                    if story.dossier is not None:
                        created.append(story.dossier.pk)
            if progress is not None:
                progress(min(start + BATCH, len(plans)), len(plans))
        summary.dossiers = len(created)
        for start in range(0, len(created), 500):
            for status, timeliness in Dossier.objects.filter(
                pk__in=created[start : start + 500]
            ).values_list("status", "timeliness"):
                summary.statuses[status] += 1
                summary.timeliness[timeliness or "-"] += 1
        return summary

    def workflow_steps(self, workflow_id: int) -> list[WorkflowStep]:
        if workflow_id not in self.steps:
            self.steps[workflow_id] = list(
                WorkflowStep.objects.filter(workflow_id=workflow_id).order_by("order", "pk")
            )
        return self.steps[workflow_id]

    def new_identifier(self, rng: random.Random, organisation: bool) -> str:
        while True:
            if organisation:
                value = f"23{rng.randrange(10**8):08d}"
            else:
                year = rng.randrange(1950, 2008)
                century_sex = (0 if year < 2000 else 2) + rng.randrange(2)
                birthplace = rng.choice(["027", "024", "001", "022", "026", "030"])
                value = f"{birthplace}{century_sex}{year % 100:02d}{rng.randrange(10**6):06d}"
            if value not in self.identifiers:
                self.identifiers.add(value)
                return value

    def citizen(self, applicant: actions.Applicant) -> User:
        """The applicant's portal account (online filing needs one)."""
        user, created = User.objects.get_or_create(
            username=f"congdan.{applicant.identifier}",
            defaults={
                "full_name": applicant.name,
                "phone": applicant.phone,
                "personal_id": applicant.identifier if len(applicant.identifier) == 12 else "",
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user


class Story:
    """One dossier's life, from filing to the result (or as far as the horizon)."""

    def __init__(self, sim: Simulation, plan: Plan) -> None:
        self.sim, self.plan, self.cal = sim, plan, sim.calendar
        self.rng = random.Random(plan.seed)
        self.t = plan.at
        self.last: dt.datetime | None = None  # the previous action's instant
        self.dossier: Dossier | None = None
        self.handler: User | None = None
        self.citizen: User | None = None
        self.end = plan.at  # the instant the decision is aimed at
        r = self.rng.random
        self.fate = self.rng.choices(
            ["withdrawn", "stopped", "refused", "decided"],
            [WITHDRAWN, STOPPED, REFUSED, 1 - WITHDRAWN - STOPPED - REFUSED],
        )[0]
        self.supplement, self.answered = r() < SUPPLEMENT, r() < SUPPLEMENT_ANSWERED
        self.payment = plan.offer.has_fee and r() < PAYMENT
        self.extended, self.late = r() < EXTENDED, r() < LATE
        self.handed_over, self.sent_back = r() < HANDED_OVER, r() < SENT_BACK
        self.not_collected, self.corrected = r() < NOT_COLLECTED, r() < CORRECTED

    # --- time ----------------------------------------------------------------------------

    def later(self, low: float, high: float, start: dt.datetime | None = None) -> dt.datetime:
        """Between ``low`` and ``high`` working hours after ``start`` (default: now)."""
        minutes = max(1, round(self.rng.uniform(low, high) * 60))
        return self.cal.add_working_hours(start or self.t, Fraction(minutes, 60))

    def days_later(self, low: int, high: int) -> dt.datetime:
        """Calendar days later, at an office hour (the applicant comes back)."""
        day = self.t + dt.timedelta(days=self.rng.randint(low, high))
        return self.later(0, 6, self.cal.clock_start(day))

    def act(self, at: dt.datetime, action: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call ``action`` at ``at`` (never before the previous action, never past the
        horizon)."""
        if self.last is not None and at <= self.last:
            at = self.cal.add_working_hours(self.last, MINUTE)
        if at > self.sim.horizon:
            raise Horizon
        result = action(*args, at=at, **kwargs)
        self.t = self.last = at
        return result

    def aim(self, dossier: Dossier) -> None:
        """Choose the decision instant from the dossier's current clock and due."""
        assert dossier.due_at is not None and dossier.clock_started_at is not None
        start = max(dossier.clock_started_at, self.t)
        budget = float(self.cal.working_hours_between(start, max(start, dossier.due_at)))
        if self.late:
            self.end = self.later(0.5, 8 + budget * 0.4, dossier.due_at)
        else:
            self.end = self.later(budget * 0.15, budget * 0.97, start)

    def step_end(self, task: Task) -> dt.datetime:
        """When the officer finishes ``task``: its share of the time left until the aim."""
        orders: dict[int, Fraction] = {}
        for step in self.sim.workflow_steps(task.step.workflow_id):
            allotted = Fraction(str(step.allotted_hours))
            orders[step.order] = max(orders.get(step.order, Fraction(0)), allotted)
        approval = max(
            (s.order for s in self.sim.workflow_steps(task.step.workflow_id) if s.is_approval),
            default=task.step.order,
        )
        ahead = sum((h for o, h in orders.items() if task.step.order <= o <= approval), Fraction(0))
        share = float(orders[task.step.order] / ahead) if ahead else 1.0
        hours = float(self.cal.working_hours_between(self.t, max(self.t, self.end))) * share
        return self.later(max(0.1, 0.6 * hours), max(0.2, hours))

    # --- the story -------------------------------------------------------------------------

    def play(self) -> None:
        dossier = self.intake()
        if dossier is None:
            return
        self.aim(dossier)
        self.handle(dossier)

    def applicant(self) -> actions.Applicant:
        rng, desk = self.rng, self.plan.desk
        organisation = rng.random() < ORGANISATION
        identifier = self.sim.new_identifier(rng, organisation)
        if organisation:
            name = f"{rng.choice(FIRM_KINDS)} {rng.choice(FIRMS)} {rng.randrange(1, 99)}"
        else:
            sex = rng.choice("mf")
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
        home = desk.competent.unit if desk.competent.unit.level == UnitLevel.COMMUNE else None
        if home is None or rng.random() < 0.2:
            home = rng.choice(self.sim.communes) if self.sim.communes else None
        return actions.Applicant(
            name=name,
            identifier=identifier,
            kind=ApplicantKind.ORGANISATION if organisation else ApplicantKind.PERSON,
            phone=f"09{rng.randrange(10**8):08d}",
            address=f"Tổ dân phố {rng.randrange(1, 30)}, {home.name}" if home else "",
            unit=home,
        )

    def documents(self, online: bool) -> list[actions.DocumentInput]:
        offer, rng = self.plan.offer, self.rng
        digitised, reused = rng.random() < DIGITISED or online, rng.random() < REUSES_DATA
        docs = []
        for n, component in enumerate(offer.components or (None,)):
            name = component.name.split("\n")[0][:200] if component else "Đơn đề nghị"
            docs.append(
                actions.DocumentInput(
                    name=name or "Giấy tờ",
                    component=component,
                    file=pdf(f"thanh-phan-{n + 1}.pdf") if digitised else None,
                    origin=DocumentOrigin.REUSED if reused and n == 1 else DocumentOrigin.SCAN,
                )
            )
        return docs

    def intake(self) -> Dossier | None:
        plan, rng = self.plan, self.rng
        online = plan.rule.channel == Channel.ONLINE
        applicant = self.applicant()
        deliveries = [Delivery.COUNTER, Delivery.POST] + ([Delivery.ONLINE] if online else [])
        submission = actions.Submission(
            version=plan.offer.version,
            channel_rule=plan.rule,
            applicant=applicant,
            receiving_agency=plan.desk.receiving,
            competent_agency=plan.desk.competent,
            channel={
                Channel.ONLINE: IntakeChannel.ONLINE,
                Channel.POST: IntakeChannel.POST,
            }.get(Channel(plan.rule.channel), IntakeChannel.COUNTER),
            delivery=rng.choices(deliveries, [6, 1, 5][: len(deliveries)])[0],
            documents=self.documents(online),
        )
        officer = self.sim.cast.pick(rng, plan.desk.receiving, Role.RECEPTION)
        if not online:
            self.dossier = self.act(plan.at, actions.receive_at_counter, submission, actor=officer)
            return self.dossier
        self.citizen = self.sim.citizen(applicant)
        submission = replace(submission, citizen=self.citizen)
        self.dossier = dossier = self.act(
            plan.at, actions.submit_dossier, submission, actor=self.citizen
        )
        if rng.random() < REFUSED_AT_INTAKE:
            self.act(
                self.later(0.2, 6),
                actions.refuse_at_intake,
                dossier,
                actor=officer,
                reason="Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan.",
            )
            return None
        if rng.random() < COMPLETION_AT_INTAKE:
            self.act(
                self.later(0.2, 6),
                actions.request_completion,
                dossier,
                actor=officer,
                reason="Hồ sơ chưa đầy đủ theo quy định.",
                missing="Bản sao giấy tờ chứng minh nơi cư trú.",
            )
            self.t = self.days_later(1, 6)
        wait = (8.5, 20.0) if rng.random() < SLOW_ONLINE_RECEPTION else (0.1, 6.0)
        return self.act(self.later(*wait), actions.accept_submission, dossier, actor=officer)

    def handle(self, dossier: Dossier) -> None:
        appraised = returned_once = False
        while True:
            tasks = list(
                Task.objects.filter(dossier=dossier, finished_at__isnull=True)
                .select_related("step", "agency", "assignee")
                .order_by("pk")
            )
            if not tasks:
                return
            task = tasks[0]
            if task.step.is_return:
                self.give_result(dossier, task)
                return
            if task.step.is_approval:
                self.decide(dossier, task)
                continue
            if task.assignee is None and task.role == Role.HANDLER:
                self.assign(dossier, task)
            if not appraised and task.role == Role.HANDLER:
                appraised = True
                if not self.appraise(dossier, task):
                    return
                task.refresh_from_db()
                if task.finished_at is not None:  # handed over
                    continue
            actor = task.assignee or self.sim.cast.pick(self.rng, task.agency, task.role)
            if self.sent_back and not returned_once and task.role == Role.DEPARTMENT_HEAD:
                returned_once = True
                back = next(
                    s
                    for s in self.sim.workflow_steps(dossier.workflow_id)
                    if s.role == Role.HANDLER and s.order < task.step.order
                )
                self.act(
                    self.later(0.5, 4),
                    actions.send_back,
                    dossier,
                    actor=actor,
                    task=task,
                    to_step=back,
                    reason="Đề nghị làm rõ thêm nội dung thẩm định.",
                )
                continue
            opinion = (
                "Không đủ điều kiện giải quyết." if self.fate == "refused" else "Đủ điều kiện."
            )
            self.act(
                self.step_end(task),
                actions.forward,
                dossier,
                actor=actor,
                task=task,
                opinion=opinion if task.role == Role.HANDLER else "",
            )

    def assign(self, dossier: Dossier, task: Task) -> None:
        if task.agency_id == dossier.competent_agency_id:
            head = self.sim.cast.pick(self.rng, task.agency, Role.DEPARTMENT_HEAD)
            # Sent back, the dossier goes to the handler who appraised it.
            self.handler = self.handler or self.sim.cast.pick(self.rng, task.agency, Role.HANDLER)
            handler = self.handler
        else:  # handed over: an officer of the other agency takes it
            head = handler = self.sim.cast.pick(self.rng, task.agency, Role.HANDLER)
        task.assignee = self.act(
            self.later(0.1, 2), actions.assign, dossier, actor=head, assignee=handler, task=task
        ).assignee

    def appraise(self, dossier: Dossier, task: Task) -> bool:
        """The handler's step, where things happen; False when the story ends there."""
        handler = task.assignee
        assert handler is not None
        if self.supplement:
            late_notice = self.rng.random() < SUPPLEMENT_LATE
            self.act(
                self.later(25, 40) if late_notice else self.later(0.5, 20),
                actions.request_supplement,
                dossier,
                actor=handler,
                reason="Thành phần hồ sơ chưa đúng quy định.",
                missing="Bản sao có chứng thực giấy tờ liên quan.",
            )
            if not self.answered:
                request = dossier.supplement_requests.get()
                self.t = max(self.t, request.close_after)
                # The poller runs at night: the dossier closes within hours of the deadline.
                at = request.close_after + dt.timedelta(minutes=self.rng.randrange(5, 12 * 60))
                self.act(at, actions.close_unanswered, dossier, actor=self.sim.system)
                return False
            self.t = self.days_later(1, 12)
            by_citizen = self.citizen is not None and self.rng.random() < 0.5
            actor = self.citizen if by_citizen else self.receptionist()
            assert actor is not None
            self.act(
                self.t,
                actions.record_supplement,
                dossier,
                actor=actor,
                documents=[actions.DocumentInput(name="Giấy tờ bổ sung", file=pdf("bo-sung.pdf"))],
            )
            dossier.refresh_from_db()
            self.aim(dossier)  # Decree 118/2025 Art. 19(5): the clock restarts
        if self.fate in ("withdrawn", "stopped"):
            at = self.later(0.5, 16)
            if self.fate == "withdrawn":
                actor = self.citizen or self.receptionist()
                self.act(
                    at, actions.withdraw, dossier, actor=actor, reason="Công dân xin rút hồ sơ."
                )
            else:
                leader = self.sim.cast.pick(self.rng, dossier.competent_agency, Role.LEADER)
                self.act(
                    at,
                    actions.stop,
                    dossier,
                    actor=leader,
                    reason="Dừng xử lý theo đề nghị của cơ quan có thẩm quyền.",
                )
            return False
        if self.payment:
            amount = self.plan.rule.fee_vnd or self.rng.choice([50_000, 100_000, 200_000, 500_000])
            self.act(
                self.later(0.5, 8),
                actions.request_payment,
                dossier,
                actor=handler,
                amount_vnd=amount,
                description="Nộp phí, lệ phí giải quyết thủ tục hành chính.",
            )
            online = self.citizen is not None
            self.act(
                self.later(0.5, 16),
                actions.record_payment,
                dossier,
                actor=self.sim.system if online else self.receptionist(),
                method="Thanh toán trực tuyến" if online else "Tiền mặt tại bộ phận một cửa",
                receipt_number=f"BL{self.rng.randrange(10**6):06d}",
            )
        if self.extended:
            self.extend(dossier, handler)
        if self.handed_over and len(self.sim.partners) > 1:
            partner = self.rng.choice([a for a in self.sim.partners if a != task.agency])
            self.act(
                self.later(0.5, 6),
                actions.hand_over,
                dossier,
                actor=handler,
                task=task,
                to_agency=partner,
                reason="Chuyển cơ quan phối hợp thẩm định theo quy chế liên thông.",
            )
        return True

    def extend(self, dossier: Dossier, handler: User) -> None:
        """Art. 19(6): the handler sees the dossier will be late, apologises, extends."""
        dossier.refresh_from_db()
        assert dossier.due_at is not None and dossier.clock_started_at is not None
        budget = float(self.cal.working_hours_between(self.t, max(self.t, dossier.due_at)))
        too_late = self.rng.random() < EXTENDED_TOO_LATE or budget <= 9
        ahead = self.rng.uniform(0, 6) if too_late else self.rng.uniform(9, max(9.5, budget * 0.6))
        at = self.later(max(0.1, budget - ahead), max(0.2, budget - ahead))
        new_due = self.later(16, 80, max(dossier.due_at, at))
        extension = self.act(
            at,
            actions.extend_deadline,
            dossier,
            actor=handler,
            new_due=new_due,
            reason="Cần xác minh thêm thông tin với cơ quan liên quan.",
        )
        self.end = (
            self.later(0.5, 16, extension.new_due)
            if self.late
            else self.later(0, float(self.cal.working_hours_between(self.t, extension.new_due)))
        )

    def decide(self, dossier: Dossier, task: Task) -> None:
        leader = self.sim.cast.pick(self.rng, dossier.competent_agency, Role.LEADER)
        at = max(self.end, self.later(0.1, 1))
        if self.fate == "refused":
            self.act(
                at,
                actions.refuse,
                dossier,
                actor=leader,
                reason="Hồ sơ không đáp ứng điều kiện theo quy định.",
                documents=[actions.DocumentInput(name="Văn bản từ chối", file=pdf("tu-choi.pdf"))],
            )
            return
        approver = task.assignee or self.sim.cast.pick(self.rng, task.agency, task.role)
        self.act(
            at,
            actions.approve_result,
            dossier,
            actor=approver,
            task=task,
            result_type_code=self.plan.offer.result_code,
            documents=[
                actions.DocumentInput(name=self.plan.offer.result_name, file=pdf("ket-qua.pdf"))
            ],
        )

    def give_result(self, dossier: Dossier, task: Task) -> None:
        if self.not_collected:
            return
        online = dossier.delivery == Delivery.ONLINE
        self.act(
            self.later(0.05, 1) if online else self.later(0.5, 24),
            actions.return_result,
            dossier,
            actor=self.receptionist(),
            delivery=dossier.delivery,
        )
        if self.corrected and self.fate == "decided":
            reported = self.later(4, 40)
            self.t = reported
            self.act(
                self.later(1, 16),
                actions.correct_result,
                dossier,
                actor=self.sim.cast.pick(self.rng, dossier.competent_agency, Role.LEADER),
                reason="Đính chính sai sót về họ tên trong kết quả.",
                reported_at=reported,
                documents=[actions.DocumentInput(name="Kết quả đính chính", file=pdf("dc.pdf"))],
            )

    def receptionist(self) -> User:
        return self.sim.cast.pick(self.rng, self.plan.desk.receiving, Role.RECEPTION)
