"""Choosing, deriving and validating internal workflows.

``workflow_for`` answers which workflow a new dossier follows: the active workflow
configured for the procedure and the competent agency, else the one for the
procedure, else a default derived from the time limit (reception → handling
officer → department head → agency leader's approval → return).

Administrators change workflows through ``revise_workflow``: a workflow that
dossiers follow is never edited under them — the change becomes the next version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.dossiers.models import StepAgency, Workflow, WorkflowStep
from motcua.org.models import Agency, Role
from motcua.workdays.limits import LimitUnit, TimeLimit
from motcua.workdays.wording import format_hours

HOURS_PER_DAY = Decimal(8)
# Shares of the limit in the default workflow. Reception and return are the one-stop
# unit's; the rest is the competent agency's.
DEFAULT_STEPS: list[tuple[str, str, str, Decimal, bool, bool]] = [
    ("Tiếp nhận hồ sơ", Role.RECEPTION, StepAgency.RECEIVING, Decimal("0.05"), False, False),
    ("Thẩm định, xử lý hồ sơ", Role.HANDLER, StepAgency.COMPETENT, Decimal("0.60"), False, False),
    (
        "Lãnh đạo phòng xem xét",
        Role.DEPARTMENT_HEAD,
        StepAgency.COMPETENT,
        Decimal("0.15"),
        False,
        False,
    ),
    ("Lãnh đạo cơ quan phê duyệt", Role.LEADER, StepAgency.COMPETENT, Decimal("0.15"), True, False),
    ("Trả kết quả", Role.RECEPTION, StepAgency.RECEIVING, Decimal("0.05"), False, True),
]
QUARTER = Decimal("0.25")
DEFAULT_SHARE_TOTAL = Decimal(100)


def limit_hours(limit: TimeLimit | None) -> Decimal | None:
    """Working hours of a limit counted in working time; None for calendar units."""
    if limit is None:
        return None
    if limit.unit in {LimitUnit.HOURS}:
        return limit.value
    if limit.unit in {LimitUnit.WORKING_DAYS, LimitUnit.UNKNOWN, LimitUnit.SAME_DAY}:
        return limit.value * HOURS_PER_DAY
    return None


def split_hours(total: Decimal) -> list[Decimal]:
    """Split ``total`` working hours over the default steps in quarter hours; the
    handling step takes what rounding leaves, so the parts add up exactly."""
    parts = [
        (total * share / QUARTER).to_integral_value(ROUND_DOWN) * QUARTER
        for _, _, _, share, _, _ in DEFAULT_STEPS
    ]
    parts[1] += total - sum(parts)
    return parts


_DEFAULT_SHARES = split_hours(DEFAULT_SHARE_TOTAL)


@transaction.atomic
def default_workflow(procedure: Procedure, limit: TimeLimit | None) -> Workflow:
    """The procedure's derived default workflow (created once, then reused)."""
    existing = _current_default(procedure)
    # The default steps hold shares of the limit (out of 100), not hours: every
    # dossier scales them to its own working time (``actions.base.allotment_scale``),
    # so channels with different limits share one workflow instead of each reception
    # replacing the version the last one made. ``limit`` is kept for callers.
    del limit
    parts = split_hours(DEFAULT_SHARE_TOTAL)
    if existing is not None and _default_shares(existing):
        return existing
    # Receptions racing to be the procedure's first would each create "version 1":
    # take the procedure's lock, and look again now that nobody else can create one.
    lock_procedure(procedure)
    existing = _current_default(procedure)
    if existing is not None and _default_shares(existing):
        return existing
    version = next_version(procedure)
    if existing is not None:
        # Not ``save(update_fields=…)``: it checks the count of rows changed, which a
        # reception's pipeline (``common.rows.ahead``) reports only once it is read.
        # Creating the new version below raises the reference stamp.
        Workflow.objects.filter(pk=existing.pk).update(is_active=False)
        existing.is_active = False
    workflow = Workflow.objects.create(
        procedure=procedure,
        version=version,
        is_default=True,
        note=_(
            "Tự sinh từ thời hạn giải quyết của thủ tục: thời gian mỗi bước là tỷ lệ "
            "(trên 100) của thời hạn, quy ra giờ làm việc cho từng hồ sơ."
        ),
    )
    WorkflowStep.objects.bulk_create(
        WorkflowStep(
            workflow=workflow,
            order=index,
            name=name,
            role=role,
            agency_source=source,
            allotted_hours=hours,
            is_approval=approval,
            is_return=is_return,
        )
        for index, ((name, role, source, _share, approval, is_return), hours) in enumerate(
            zip(DEFAULT_STEPS, parts, strict=True), start=1
        )
    )
    return workflow


def workflow_for(procedure: Procedure, competent: Agency, limit: TimeLimit | None) -> Workflow:
    """The workflow a new dossier follows, its steps loaded: the active one configured
    for the procedure at the competent agency, else for the procedure anywhere, else
    the default (the latest version of each). One query for the candidates, one for
    their steps."""
    candidates = list(
        Workflow.objects.filter(procedure=procedure, is_active=True)
        .filter(Q(agency=competent) | Q(agency=None))
        .prefetch_related("steps")
    )
    return choose_workflow(candidates, competent.pk) or default_workflow(procedure, limit)


def choose_workflow(candidates: Sequence[Workflow], competent: int) -> Workflow | None:
    """``workflow_for``'s choice among a procedure's active workflows (steps loaded;
    other agencies' workflows are passed over). None: the default workflow must be
    made first (``default_workflow``)."""

    def latest(found: list[Workflow]) -> Workflow | None:
        return max(found, key=lambda w: w.version) if found else None

    configured = latest(
        [w for w in candidates if not w.is_default and w.agency_id == competent]
    ) or latest([w for w in candidates if not w.is_default and w.agency_id is None])
    if configured is not None:
        return configured
    default = latest([w for w in candidates if w.is_default and w.agency_id is None])
    if default is not None and _default_shares(default):
        return default
    return None


def active_workflows() -> dict[int, list[Workflow]]:
    """Every active workflow, steps loaded, by procedure: what ``choose_workflow``
    chooses from, for a process that remembers them all (``refcache``). Two queries."""
    found: dict[int, list[Workflow]] = {}
    for workflow in Workflow.objects.filter(is_active=True).prefetch_related("steps"):
        found.setdefault(workflow.procedure_id, []).append(workflow)
    return found


def _current_default(procedure: Procedure) -> Workflow | None:
    return (
        Workflow.objects.filter(procedure=procedure, agency=None, is_default=True, is_active=True)
        .order_by("-version")
        .first()
    )


def _default_shares(workflow: Workflow) -> bool:
    """Whether a default workflow's steps hold today's default shares."""
    return [s.allotted_hours for s in workflow.steps.all()] == _DEFAULT_SHARES


def validate_steps(workflow: Workflow, steps: list[WorkflowStep], limit: TimeLimit | None) -> None:
    """The steps' times add up to the procedure's limit (parallel steps count once,
    by their longest), there is one approval step and the return step comes last."""
    if not steps:
        raise ValidationError(_("Quy trình phải có ít nhất một bước."))
    by_order: dict[int, Decimal] = {}
    for step in steps:
        by_order[step.order] = max(by_order.get(step.order, Decimal(0)), step.allotted_hours)
        if step.agency_source == StepAgency.NAMED and step.agency is None:
            raise ValidationError(
                _("Bước “%(name)s” cần chỉ định cơ quan phối hợp.") % {"name": step.name}
            )
    if sum(1 for s in steps if s.is_approval) != 1:
        raise ValidationError(_("Quy trình phải có đúng một bước phê duyệt kết quả."))
    last_order = max(by_order)
    returns = [s for s in steps if s.is_return]
    if len(returns) != 1 or returns[0].order != last_order:
        raise ValidationError(_("Bước trả kết quả phải là bước cuối cùng, và chỉ có một."))
    total = limit_hours(limit)
    if total is not None and sum(by_order.values()) != total:
        raise ValidationError(
            _(
                "Tổng thời gian các bước (%(steps)s giờ) phải bằng thời hạn của thủ tục "
                "(%(limit)s giờ làm việc)."
            )
            % {
                "steps": format_hours(Fraction(sum(by_order.values()))),
                "limit": format_hours(Fraction(total)),
            }
        )


# --- administrators' changes ---------------------------------------------------------

# What an administrator may change on a workflow that dossiers follow without making a
# new version: neither changes how any dossier is handled.
IN_PLACE_FIELDS = frozenset({"is_active", "note"})
STEP_FIELDS = (
    "order",
    "name",
    "role",
    "agency_source",
    "agency",
    "allotted_hours",
    "is_approval",
    "is_return",
)


@dataclass(frozen=True)
class Revision:
    """The outcome of ``revise_workflow``: the workflow now in force, and the version it
    replaced when the change could not be made in place."""

    workflow: Workflow
    previous: Workflow | None = None

    @property
    def is_new_version(self) -> bool:
        return self.previous is not None


def lock_procedure(procedure: Procedure) -> None:
    """Serialise whoever numbers the procedure's workflow versions (PostgreSQL row lock;
    on SQLite, writers are already serialised by IMMEDIATE transactions).

    FOR NO KEY UPDATE, not FOR UPDATE: it still excludes the other numberers, but not
    the transactions that merely reference the procedure (a reception's statistics
    row holds a key-share lock on it until commit), which would otherwise deadlock
    with receptions waiting on the code counter."""
    Procedure.objects.select_for_update(no_key=True).only("pk").get(pk=procedure.pk)


def next_version(procedure: Procedure) -> int:
    """The number of the procedure's next workflow (call after ``lock_procedure``)."""
    last = (
        Workflow.objects.filter(procedure=procedure)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    return (last or 0) + 1


def procedure_limits(procedure: Procedure) -> list[TimeLimit | None]:
    """The distinct time limits of the channels of the procedure's current version."""
    version = procedure.current_version
    limits = [rule.time_limit for rule in version.channels.all()] if version else []
    return list(dict.fromkeys(limits)) or [None]


def validate_workflow(workflow: Workflow, steps: Sequence[WorkflowStep]) -> None:
    """``validate_steps`` against the procedure's time limit. Channels usually share one
    limit; when they differ, the steps must add up to one of them (ValidationError with
    the first one's message otherwise)."""
    errors: list[ValidationError] = []
    for limit in procedure_limits(workflow.procedure):
        try:
            validate_steps(workflow, list(steps), limit)
        except ValidationError as error:
            errors.append(error)
        else:
            return
    raise errors[0]


def same_steps(workflow: Workflow, steps: Sequence[WorkflowStep]) -> bool:
    def row(step: WorkflowStep) -> tuple[object, ...]:
        values = [getattr(step, f) for f in STEP_FIELDS if f != "agency"]
        return (*values, step.agency_id or 0)

    return sorted(map(row, workflow.steps.all())) == sorted(map(row, steps))


@transaction.atomic
def revise_workflow(
    workflow: Workflow, *, changes: Mapping[str, Any], steps: Sequence[WorkflowStep]
) -> Revision:
    """Change ``workflow``'s fields (``changes``: field name → value) and replace its
    steps with ``steps`` (unsaved; each step's ``STEP_FIELDS`` are read).

    A workflow no dossier follows is edited in place. One that dossiers follow is never
    edited under them: a copy with the changes becomes the procedure's next version, and
    the old version stays as it was but stops being used for new dossiers
    (``is_active`` off). Changing only ``IN_PLACE_FIELDS`` is done in place either way.
    An administrator's workflow is no longer the derived default (``is_default`` off),
    so ``default_workflow`` never replaces it.

    Raises ValidationError (``validate_workflow``) and writes nothing when the steps do
    not fit the procedure.
    """
    lock_procedure(workflow.procedure)
    current = Workflow.objects.select_for_update(no_key=True).get(pk=workflow.pk)
    proposed = Workflow(
        **{
            f.attname: getattr(current, f.attname)
            for f in Workflow._meta.concrete_fields
            if not f.primary_key
        }
    )
    for name, value in changes.items():
        setattr(proposed, name, value)
    validate_workflow(proposed, steps)
    unchanged_steps = same_steps(current, steps)
    handling_changed = not unchanged_steps or any(
        getattr(proposed, name) != getattr(current, name)
        for name in changes
        if name not in IN_PLACE_FIELDS
    )
    if not handling_changed or not current.dossiers.exists():
        for name, value in changes.items():
            setattr(current, name, value)
        if handling_changed:
            current.is_default = False
        current.save()
        if not unchanged_steps:
            current.steps.all().delete()
            _create_steps(current, steps)
        return Revision(current)
    proposed.version = next_version(current.procedure)
    proposed.is_default = False
    proposed.save()
    _create_steps(proposed, steps)
    current.is_active = False
    current.save(update_fields=["is_active"])
    return Revision(proposed, previous=current)


def _create_steps(workflow: Workflow, steps: Sequence[WorkflowStep]) -> None:
    WorkflowStep.objects.bulk_create(
        WorkflowStep(workflow=workflow, **{f: getattr(s, f) for f in STEP_FIELDS}) for s in steps
    )
