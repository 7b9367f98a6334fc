"""Choosing, deriving and validating internal workflows.

``workflow_for`` answers which workflow a new dossier follows: the active workflow
configured for the procedure and the competent agency, else the one for the
procedure, else a default derived from the time limit (reception → handling
officer → department head → agency leader's approval → return).
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.dossiers.models import StepAgency, Workflow, WorkflowStep
from motcua.org.models import Agency, Role
from motcua.workdays.limits import LimitUnit, TimeLimit

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


@transaction.atomic
def default_workflow(procedure: Procedure, limit: TimeLimit | None) -> Workflow:
    """The procedure's derived default workflow (created once, then reused)."""
    existing = (
        Workflow.objects.filter(procedure=procedure, agency=None, is_default=True, is_active=True)
        .order_by("-version")
        .first()
    )
    total = limit_hours(limit)
    if total is None:
        # Calendar days and months: the shares are what matters; tasks scale them to
        # the working hours actually available (see ``allotment``).
        total = Decimal(100)
    parts = split_hours(total)
    if existing is not None and [s.allotted_hours for s in existing.steps.all()] == parts:
        return existing
    version = (
        Workflow.objects.filter(procedure=procedure)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
        or 0
    ) + 1
    if existing is not None:
        existing.is_active = False
        existing.save(update_fields=["is_active"])
    workflow = Workflow.objects.create(
        procedure=procedure,
        version=version,
        is_default=True,
        note=_("Tự sinh từ thời hạn giải quyết của thủ tục."),
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
    configured = (
        Workflow.objects.filter(procedure=procedure, is_active=True, is_default=False)
        .filter(agency__in=[competent.pk])
        .order_by("-version")
        .first()
    ) or (
        Workflow.objects.filter(procedure=procedure, is_active=True, is_default=False, agency=None)
        .order_by("-version")
        .first()
    )
    return configured or default_workflow(procedure, limit)


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
            % {"steps": sum(by_order.values()), "limit": total}
        )
