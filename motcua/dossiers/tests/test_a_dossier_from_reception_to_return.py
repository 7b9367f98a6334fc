"""The ordinary life of a dossier, through the real actions, with the deadlines of
deadlines.md and a history that tells exactly what happened."""

from motcua.dossiers import actions
from motcua.dossiers.models import DossierEvent, Timeliness
from motcua.dossiers.statuses import Status
from motcua.dossiers.tests.conftest import World, local, pdf


def test_reception_issues_a_code_and_the_appointment(world: World) -> None:
    dossier = world.receive(local(2026, 2, 13, 10, 0))

    assert dossier.code == "H24.STP-260213-0001"
    assert dossier.status == Status.RECEIVED and dossier.national_code == 2
    # deadlines.md §8: Fri 13/02/2026 10:00 + 5 working days → Fri 27/02 10:00 (Tết off).
    assert dossier.due_at == local(2026, 2, 27, 10, 0)
    assert dossier.original_due_at == dossier.due_at
    assert dossier.clock_started_at == local(2026, 2, 13, 10, 0)
    handling = dossier.open_tasks().get()
    assert (handling.agency, handling.role) == (world.justice, "chuyen_vien")
    assert [e.action for e in dossier.events.all()] == ["submit", "receive"]
    assert dossier.documents.get().sha256


def test_the_whole_way_to_the_result(world: World) -> None:
    dossier = world.receive(local(2026, 3, 2, 8, 0))
    actions.assign(dossier, actor=world.head, assignee=world.handler, at=local(2026, 3, 2, 9, 0))
    actions.forward(
        dossier, actor=world.handler, opinion="Đủ điều kiện", at=local(2026, 3, 3, 9, 0)
    )
    actions.forward(dossier, actor=world.head, at=local(2026, 3, 4, 9, 0))
    actions.approve_result(
        dossier,
        actor=world.leader,
        result_type_code="KQ.G15.000031",
        documents=[actions.DocumentInput(name="Giấy khai sinh", file=pdf("kq.pdf"))],
        at=local(2026, 3, 5, 9, 0),
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSED and dossier.national_code == 9
    assert dossier.ended_at == local(2026, 3, 5, 9, 0)
    assert dossier.timeliness == Timeliness.EARLY  # due Mon 09/03 08:00
    result = dossier.results.get()
    assert result.e_result_code == "001090001234.KQ.G15.000031"

    actions.return_result(dossier, actor=world.reception, at=local(2026, 3, 6, 9, 0))
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.national_code == 10
    assert not dossier.open_tasks().exists()
    history = list(DossierEvent.objects.filter(dossier=dossier).values_list("action", "to_status"))
    assert history == [
        ("submit", "submitted"),
        ("receive", "received"),
        ("assign", "in_progress"),
        ("forward", "in_progress"),
        ("forward", "in_progress"),
        ("approve_result", "processed"),
        ("return_result", "returned"),
    ]
