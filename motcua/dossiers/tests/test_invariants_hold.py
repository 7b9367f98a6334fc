from motcua.dossiers.invariants import check_dossier
from motcua.dossiers.tests.conftest import World, local
from motcua.workdays.services import get_calendar


def test_a_fresh_dossier_satisfies_every_invariant(world: World) -> None:
    dossier = world.receive(local(2026, 3, 2, 8, 0))
    assert check_dossier(dossier, get_calendar()) == []


def test_a_tampered_status_is_caught(world: World) -> None:
    dossier = world.receive(local(2026, 3, 2, 8, 0))
    dossier.status = "in_progress"
    problems = check_dossier(dossier, get_calendar())
    assert "status 'in_progress' but the events lead to 'received'" in problems
