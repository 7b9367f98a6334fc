"""The reference data a run uses, prepared once and identically for both executors.

``prepare_world`` reads the province as configured — the competent agencies with
procedures in the catalogue settings, the one-stop unit of each (``one_stop_unit``),
their procedures (``simulator.load_offers``) and workflows (``workflow_for``) — and
creates what is missing for the stories: officers of every role a step needs (the
simulator's ``Cast``), the applicants' portal accounts, the workflows derived from the
limits. Everything it creates is made with ``get_or_create``-like care, so preparing
twice changes nothing; after it, planning and the bulk writer only read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, cast

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.actions.base import system_user
from motcua.dossiers.models import ApplicantKind, StepAgency, Workflow, WorkflowStep
from motcua.dossiers.simulator import (
    FAMILY,
    FIRM_KINDS,
    FIRMS,
    GIVEN,
    MIDDLE,
    PDF,
    Cast,
    Offer,
    load_offers,
)
from motcua.dossiers.workflows import DEFAULT_SHARE_TOTAL, split_hours, workflow_for
from motcua.org.models import (
    AdministrativeUnit,
    Agency,
    AgencyIdentifier,
    AgencyKind,
    Membership,
    Role,
    UnitLevel,
)
from motcua.org.one_stop import one_stop_unit
from motcua.reports.generator.fastcal import FastCalendar
from motcua.reports.models import ReportLevel
from motcua.workdays.calendar import WorkCalendar
from motcua.workdays.deadlines import due_instant
from motcua.workdays.services import get_calendar

# The one stored file every bulk-written document points at (same bytes as the
# simulator's and the tests' PDF, so sizes and digests agree with the engine's).
SHARED_PDF_NAME = "generated/mau.pdf"
MAX_PEOPLE = 250_000
ORGANISATION = 0.12


class WorldError(Exception):
    """The province cannot be generated (nothing configured)."""


@dataclass(frozen=True)
class Officer:
    user_id: int
    username: str
    name: str  # str(user): what events store as actor_name


@dataclass(frozen=True)
class Step:
    id: int
    order: int
    name: str
    role: str
    agency_source: str
    agency_id: int | None
    allotted: Fraction  # Fraction(str(allotted_hours))
    is_approval: bool
    is_return: bool


@dataclass(frozen=True)
class Flow:
    """A workflow as the engine reads it (steps by order, then id)."""

    id: int
    kind: str
    is_default: bool
    supplement_policy: str
    steps: tuple[Step, ...]

    def orders(self) -> list[int]:
        return sorted({s.order for s in self.steps})

    def at_order(self, order: int) -> list[Step]:
        return [s for s in self.steps if s.order == order]

    def after(self, order: int) -> list[Step]:
        """``handling.steps_after``: the steps of the next order after ``order``."""
        later = [s.order for s in self.steps if s.order > order]
        return self.at_order(min(later)) if later else []


@dataclass
class Desk:
    competent: Agency
    receiving: Agency
    level: str
    offers: list[Offer]
    weights: list[float]
    flows: dict[int, Flow]  # procedure id → workflow


@dataclass(frozen=True)
class Person:
    kind: str
    name: str
    identifier: str
    phone: str
    address: str
    unit_id: int | None
    user_id: int
    user_name: str


@dataclass
class World:
    calendar: WorkCalendar
    desks: dict[str, list[Desk]]  # level → desks
    officers: dict[tuple[int, str], list[Officer]]  # (agency, role) → officers
    # (user, agency) → that user's active memberships there: (id, role, title) by id.
    memberships: dict[tuple[int, int], list[tuple[int, str, str]]]
    system: Officer
    people: list[Person]
    pdf_name: str
    pdf_size: int
    pdf_sha256: str
    identifiers: dict[tuple[int, dt.date], str | None] = field(default_factory=dict)
    agencies: dict[int, Agency] = field(default_factory=dict)
    single_identifiers: dict[int, tuple[str, dt.date | None, dt.date | None]] = field(
        default_factory=dict
    )
    versions: dict[int, ProcedureVersion] = field(default_factory=dict)
    dues: dict[tuple[dt.datetime, Any], Any] = field(default_factory=dict)

    @property
    def fast(self) -> FastCalendar:
        return cast(FastCalendar, self.calendar)

    def due(self, at: dt.datetime, limit: Any) -> Any:
        """``deadlines.due_instant(at, limit, calendar)``, remembered: the plan asks it
        before the reception, the shadow again at it."""
        key = (at, limit)
        found = self.dues.get(key)
        if found is None:
            if len(self.dues) > 50_000:
                self.dues.clear()
            found = self.dues[key] = due_instant(at, limit, self.calendar)
        return found

    def identifier(self, agency_id: int, day: dt.date) -> str | None:
        """``Agency.identifier_on``; answered from memory when the agency has one
        identifier (the common case), by the model otherwise."""
        key = (agency_id, day)
        if key not in self.identifiers:
            only = self.single_identifiers.get(agency_id)
            if only is not None:
                code, start, stop = only
                valid = (start is None or start <= day) and (stop is None or day <= stop)
                self.identifiers[key] = code if valid else None
            else:
                self.identifiers[key] = self.agencies[agency_id].identifier_on(day)
        return self.identifiers[key]

    def membership(self, user_id: int, agency_id: int, *roles: str) -> tuple[int, str, str] | None:
        """``actions.base.require_role``: the first (by id) matching membership."""
        for row in self.memberships.get((user_id, agency_id), []):
            if row[1] in roles:
                return row
        return None


def _step(s: WorkflowStep) -> Step:
    return Step(
        id=s.pk,
        order=s.order,
        name=s.name,
        role=s.role,
        agency_source=s.agency_source,
        agency_id=s.agency_id,
        allotted=Fraction(str(s.allotted_hours)),
        is_approval=s.is_approval,
        is_return=s.is_return,
    )


def _level(agency: Agency) -> str:
    return ReportLevel.COMMUNE if agency.kind == AgencyKind.COMMUNE_COMMITTEE else "tinh"


def _workflows(pairs: list[tuple[Agency, Offer]]) -> dict[tuple[int, int], Flow]:
    """``workflow_for`` for every (competent agency, procedure), read in three queries;
    only a procedure still without its default workflow goes through ``workflow_for``
    (which creates it)."""
    procedure_ids = {offer.version.procedure_id for _agency, offer in pairs}
    rows = list(
        Workflow.objects.filter(procedure_id__in=procedure_ids, is_active=True).order_by(
            "procedure_id", "-version", "id"
        )
    )
    steps: dict[int, list[Step]] = defaultdict(list)
    for s in WorkflowStep.objects.filter(workflow__in=rows).order_by("workflow_id", "order", "id"):
        steps[s.workflow_id].append(_step(s))
    configured: dict[tuple[int, int | None], Workflow] = {}
    defaults: dict[int, Workflow] = {}
    parts = split_hours(DEFAULT_SHARE_TOTAL)
    for w in rows:  # highest version first: keep the first seen
        if not w.is_default:
            configured.setdefault((w.procedure_id, w.agency_id), w)
        elif w.agency_id is None and w.procedure_id not in defaults:
            defaults[w.procedure_id] = w
    flows: dict[tuple[int, int], Flow] = {}
    for agency, offer in pairs:
        procedure_id = offer.version.procedure_id
        found: Workflow | None = configured.get((procedure_id, agency.pk)) or configured.get(
            (procedure_id, None)
        )
        default = defaults.get(procedure_id)
        if found is None and (default is None or [s.allotted for s in steps[default.pk]] != parts):
            # Missing or outdated: the engine would (re)create it at the first reception.
            found = workflow_for(offer.version.procedure, agency, offer.rules[0].time_limit)
            steps[found.pk] = [
                _step(s)
                for s in WorkflowStep.objects.filter(workflow=found).order_by("order", "id")
            ]
        chosen = found if found is not None else default
        assert chosen is not None
        flows[(agency.pk, procedure_id)] = Flow(
            chosen.pk,
            chosen.kind,
            chosen.is_default,
            chosen.supplement_policy,
            tuple(steps[chosen.pk]),
        )
    return flows


def _desks(seed: int, staff: Cast) -> list[Desk]:
    competent = list(
        Agency.objects.filter(is_active=True, procedure_settings__is_active=True)
        .exclude(kind__in=AgencyKind.one_stop_kinds())
        .distinct()
        .select_related("unit")
        .order_by("name", "pk")
    )
    offers = load_offers([a.pk for a in competent])
    receiving = {a.pk: one_stop_unit(a) for a in competent}
    usable = [a for a in competent if receiving[a.pk] is not None and offers.get(a.pk)]
    flows = _workflows([(a, o) for a in usable for o in offers[a.pk]])
    named = Agency.objects.in_bulk(
        {s.agency_id for f in flows.values() for s in f.steps if s.agency_id is not None}
    )
    desks = []
    for agency in usable:
        centre = receiving[agency.pk]
        assert centre is not None
        rng = random.Random(f"{seed}:{agency.name}")
        ranks = list(range(len(offers[agency.pk])))
        rng.shuffle(ranks)
        # A long tail: a few procedures make most dossiers (1 / rank).
        weights = [1.0 / (rank + 1) for rank in ranks]
        own = {
            o.version.procedure_id: flows[(agency.pk, o.version.procedure_id)]
            for o in offers[agency.pk]
        }
        desks.append(Desk(agency, centre, _level(agency), offers[agency.pk], weights, own))
        # Every officer a story may need exists before planning starts.
        staff.officers(centre, Role.RECEPTION)
        for role in (Role.HANDLER, Role.DEPARTMENT_HEAD, Role.LEADER):
            staff.officers(agency, role)
        for flow in own.values():
            for step in flow.steps:
                if step.agency_source == StepAgency.NAMED and step.agency_id is not None:
                    staff.officers(named[step.agency_id], step.role)
    return desks


def _people(seed: int, count: int, communes: list[AdministrativeUnit]) -> list[Person]:
    """A pool of applicants with portal accounts (created when missing)."""
    rng = random.Random(f"{seed}:people")
    drafts: list[tuple[str, str, str, str, str, int | None]] = []
    seen: set[str] = set()
    while len(drafts) < count:
        organisation = rng.random() < ORGANISATION
        if organisation:
            identifier = f"23{rng.randrange(10**8):08d}"
            name = f"{rng.choice(FIRM_KINDS)} {rng.choice(FIRMS)} {rng.randrange(1, 99)}"
        else:
            year = rng.randrange(1950, 2008)
            century_sex = (0 if year < 2000 else 2) + rng.randrange(2)
            birthplace = rng.choice(["027", "024", "001", "022", "026", "030"])
            identifier = f"{birthplace}{century_sex}{year % 100:02d}{rng.randrange(10**6):06d}"
            sex = rng.choice("mf")
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
        if identifier in seen:
            continue
        seen.add(identifier)
        unit = rng.choice(communes) if communes else None
        address = f"Tổ dân phố {rng.randrange(1, 30)}, {unit.name}" if unit else ""
        kind = str(ApplicantKind.ORGANISATION if organisation else ApplicantKind.PERSON)
        unit_id = unit.pk if unit is not None else None
        drafts.append((kind, name, identifier, f"09{rng.randrange(10**8):08d}", address, unit_id))
    usernames = [f"congdan.{d[2]}" for d in drafts]
    existing = dict(User.objects.filter(username__in=usernames).values_list("username", "pk"))
    missing = [
        User(
            username=f"congdan.{identifier}",
            full_name=name,
            phone=phone,
            personal_id=identifier if len(identifier) == 12 else "",
            password=make_password(None),
        )
        for kind, name, identifier, phone, _address, _unit in drafts
        if f"congdan.{identifier}" not in existing
    ]
    User.objects.bulk_create(missing, batch_size=2000)
    existing = dict(User.objects.filter(username__in=usernames).values_list("username", "pk"))
    names = dict(User.objects.filter(username__in=usernames).values_list("username", "full_name"))
    return [
        Person(
            kind=kind,
            name=name,
            identifier=identifier,
            phone=phone,
            address=address,
            unit_id=unit_id,
            user_id=existing[f"congdan.{identifier}"],
            user_name=names[f"congdan.{identifier}"] or f"congdan.{identifier}",
        )
        for kind, name, identifier, phone, address, unit_id in drafts
    ]


def _shared_pdf() -> str:
    if not default_storage.exists(SHARED_PDF_NAME):
        return default_storage.save(SHARED_PDF_NAME, ContentFile(PDF))
    return SHARED_PDF_NAME


def prepare_world(
    *, seed: int, planned: int, people_per_dossier: float, first: dt.date, last: dt.date
) -> World:
    """Read (and complete) the reference data; see the module docstring. ``first`` and
    ``last`` bound the days the stories happen on (the fast calendar's range)."""
    staff = Cast()
    desks = _desks(seed, staff)
    if not desks:
        raise WorldError(
            _("Không có cơ quan nào có thủ tục để sinh hồ sơ (chạy setup_demo trước?).")
        )
    by_level: dict[str, list[Desk]] = defaultdict(list)
    for desk in desks:
        by_level[desk.level].append(desk)
    parents = {d.competent.unit.parent_id or d.competent.unit_id for d in desks}
    communes = list(
        AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, parent_id__in=parents).order_by(
            "code"
        )
    )
    people = _people(seed, max(20, min(MAX_PEOPLE, round(planned * people_per_dossier))), communes)
    system = system_user()
    officers: dict[tuple[int, str], list[Officer]] = {}
    for (agency_id, role), users in staff.members.items():
        # By username, whether created just now or found: the plan must not depend on
        # which run created them.
        officers[(agency_id, role)] = [
            Officer(u.pk, u.username, str(u)) for u in sorted(users, key=lambda u: u.username)
        ]
    user_ids = {o.user_id for group in officers.values() for o in group}
    memberships: dict[tuple[int, int], list[tuple[int, str, str]]] = defaultdict(list)
    for m in Membership.objects.filter(user_id__in=user_ids, is_active=True).order_by("id"):
        memberships[(m.user_id, m.agency_id)].append((m.pk, m.role, m.title))
    agencies = {a.pk: a for a in Agency.objects.all()}
    identifiers: dict[int, list[tuple[str, dt.date | None, dt.date | None]]] = defaultdict(list)
    for agency_id, code, start, stop in AgencyIdentifier.objects.values_list(
        "agency_id", "code", "valid_from", "valid_to"
    ):
        identifiers[agency_id].append((code, start, stop))
    versions = {o.version.pk: o.version for d in desks for o in d.offers}
    return World(
        calendar=cast(WorkCalendar, FastCalendar(get_calendar(), first, last)),
        single_identifiers={a: rows[0] for a, rows in identifiers.items() if len(rows) == 1},
        versions=versions,
        desks=dict(by_level),
        officers=officers,
        memberships=dict(memberships),
        system=Officer(system.pk, system.username, str(system)),
        people=people,
        pdf_name=_shared_pdf(),
        pdf_size=len(PDF),
        pdf_sha256=hashlib.sha256(PDF).hexdigest(),
        agencies=agencies,
    )


def allotted_decimal(value: Fraction) -> Decimal:
    """``actions.base.hours``: two decimals, rounded up."""
    from motcua.dossiers.actions.base import hours

    return hours(value)
