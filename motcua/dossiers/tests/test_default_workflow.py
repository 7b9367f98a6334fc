"""The workflow a procedure gets when nobody configured one (issue 3 §2)."""

from decimal import Decimal

from motcua.dossiers.models import Workflow
from motcua.dossiers.tests.conftest import World, local
from motcua.dossiers.workflows import default_workflow
from motcua.workdays.limits import LimitUnit, TimeLimit


def test_channels_with_different_limits_share_one_default_workflow(world: World) -> None:
    procedure = world.version.procedure
    one_day = TimeLimit(Decimal(1), LimitUnit.WORKING_DAYS)
    ten_days = TimeLimit(Decimal(10), LimitUnit.CALENDAR_DAYS)

    first = default_workflow(procedure, one_day)
    assert default_workflow(procedure, ten_days) == first
    assert default_workflow(procedure, one_day) == first
    assert Workflow.objects.filter(procedure=procedure).count() == 1


def test_default_steps_are_shares_scaled_to_each_dossiers_limit(world: World) -> None:
    # 5 working days = 40 working hours: reception 5 %, handling 60 %, head 15 %,
    # leader 15 %, return 5 %.
    dossier = world.receive(local(2026, 3, 2, 8, 0))
    handling = dossier.open_tasks().get()
    assert handling.allotted_hours == Decimal("24.00")
    assert handling.due_at == local(2026, 3, 5, 8, 0)
    reception = dossier.tasks.get(step__order=1)
    assert reception.allotted_hours == Decimal("2.00")
