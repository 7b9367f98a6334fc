"""Results (Decree 118/2025 Art. 19(3), 22, 23): approved with the result documents
and a result-type code of the procedure (processed, 9), refused after appraisal,
returned as the receipt said (10), corrected with the history kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import Procedure
from motcua.dossiers import actions
from motcua.dossiers.errors import InvalidInput, PermissionDenied
from motcua.dossiers.models import (
    DocumentOrigin,
    Dossier,
    Result,
    ResultKind,
    TaskOutcome,
    Timeliness,
)
from motcua.dossiers.statuses import Status
from motcua.dossiers.tests.conftest import (
    MONDAY,
    World,
    local,
    pdf,
    reach,
    result_file,
    snapshot,
    to_approval,
)

CODE = "KQ.G15.000031"


def _at_approval(world: World, received_at: dt.datetime = MONDAY) -> Dossier:
    dossier = world.receive(received_at)
    to_approval(world, dossier, received_at + dt.timedelta(days=1))
    return dossier


def _approve(world: World, dossier: Dossier, at: dt.datetime, **kwargs: object) -> Result:
    values: dict[str, object] = {"result_type_code": CODE, "documents": result_file()}
    values.update(kwargs)
    return actions.approve_result(dossier, actor=world.leader, at=at, **values)  # type: ignore[arg-type]


def test_approval_finishes_processing_and_opens_the_return_step(world: World) -> None:
    dossier = _at_approval(world)

    result = _approve(world, dossier, local(2026, 3, 4, 9, 0), summary="Cấp Giấy khai sinh")

    dossier.refresh_from_db()
    assert (dossier.status, dossier.national_code) == (Status.PROCESSED, 9)
    assert dossier.ended_at == local(2026, 3, 4, 9, 0)
    assert dossier.timeliness == Timeliness.EARLY  # due Mon 09/03 08:00
    assert (result.kind, result.result_type_code, result.is_current) == (
        ResultKind.DECISION,
        CODE,
        True,
    )
    # Art. 22: the e-result code is the applicant's identifier and the result type.
    assert result.e_result_code == "001090001234.KQ.G15.000031"
    document = result.documents.get()
    assert (document.origin, document.dossier, document.content_type) == (
        DocumentOrigin.RESULT,
        dossier,
        "application/pdf",
    )
    assert dossier.tasks.get(step__is_approval=True).outcome == TaskOutcome.APPROVED
    giving_back = dossier.open_tasks().get()
    assert (giving_back.step.is_return, giving_back.agency) == (True, world.centre)
    assert giving_back.due_at == local(2026, 3, 4, 11, 0)  # its 2 working hours


def test_an_approval_after_the_appointment_is_late(world: World) -> None:
    dossier = _at_approval(world)

    _approve(world, dossier, local(2026, 3, 9, 8, 1))

    dossier.refresh_from_db()
    assert dossier.timeliness == Timeliness.LATE


@pytest.mark.parametrize(
    "documents",
    [[], [actions.DocumentInput(name="Giấy khai sinh")]],
    ids=["no documents", "a document without its file"],
)
def test_no_result_is_approved_without_its_documents(
    world: World, documents: list[actions.DocumentInput]
) -> None:
    dossier = _at_approval(world)
    before = snapshot(dossier)

    with pytest.raises(InvalidInput, match="Chưa đính kèm tệp văn bản kết quả giải quyết."):
        _approve(world, dossier, local(2026, 3, 4, 9, 0), documents=documents)

    assert snapshot(dossier) == before


def test_a_result_file_must_be_a_pdf_or_an_image(world: World) -> None:
    dossier = _at_approval(world)
    before = snapshot(dossier)
    word = SimpleUploadedFile("ket-qua.pdf", b"PK\x03\x04" + b"\0" * 40)

    with pytest.raises(InvalidInput, match="không phải PDF, JPEG hoặc PNG"):
        _approve(
            world,
            dossier,
            local(2026, 3, 4, 9, 0),
            documents=[actions.DocumentInput(name="Giấy khai sinh", file=word)],
        )

    assert snapshot(dossier) == before


@pytest.mark.parametrize("code", ["KQ.XD.01", ""])
def test_the_result_type_code_comes_from_the_procedure(world: World, code: str) -> None:
    dossier = _at_approval(world)
    before = snapshot(dossier)

    with pytest.raises(InvalidInput, match=r"không thuộc kết quả của thủ tục \(KQ.G15.000031\)"):
        _approve(world, dossier, local(2026, 3, 4, 9, 0), result_type_code=code)

    assert snapshot(dossier) == before


def test_a_result_is_approved_only_at_the_approval_step(world: World) -> None:
    dossier = world.receive(MONDAY)
    actions.assign(dossier, actor=world.head, assignee=world.handler, at=MONDAY)
    before = snapshot(dossier)

    with pytest.raises(InvalidInput, match="Hồ sơ chưa đến bước phê duyệt kết quả."):
        _approve(world, dossier, local(2026, 3, 4, 9, 0))

    assert snapshot(dossier) == before


def test_a_refusal_after_appraisal_is_the_result(world: World) -> None:
    dossier = reach(world, "in_progress")

    result = actions.refuse(
        dossier,
        actor=world.leader,
        reason="Người yêu cầu không đủ điều kiện đăng ký",
        documents=[actions.DocumentInput(name="Văn bản từ chối", file=pdf("tu-choi.pdf"))],
        at=local(2026, 3, 4, 9, 0),
    )

    dossier.refresh_from_db()
    # Art. 19(3): the refusal notice is entered as the result and goes back through
    # the one-stop unit.
    assert (dossier.status, dossier.national_code) == (Status.PROCESSED, 9)
    assert (result.kind, result.summary) == (
        ResultKind.REFUSAL,
        "Người yêu cầu không đủ điều kiện đăng ký",
    )
    assert result.documents.get().name == "Văn bản từ chối"
    assert dossier.tasks.get(step__order=2).outcome == TaskOutcome.CANCELLED
    assert dossier.open_tasks().get().step.is_return
    assert (dossier.ended_at, dossier.timeliness) == (local(2026, 3, 4, 9, 0), Timeliness.EARLY)

    actions.return_result(dossier, actor=world.reception, at=local(2026, 3, 4, 10, 0))
    dossier.refresh_from_db()
    assert (dossier.status, dossier.national_code) == (Status.RETURNED, 10)


def test_only_the_agency_leader_refuses(world: World) -> None:
    dossier = reach(world, "in_progress")
    before = snapshot(dossier)

    with pytest.raises(PermissionDenied):
        actions.refuse(
            dossier, actor=world.handler, reason="Không đủ điều kiện", documents=result_file()
        )

    assert snapshot(dossier) == before


def test_returning_the_result_finishes_the_last_step(world: World) -> None:
    dossier = reach(world, "processed")

    actions.return_result(
        dossier, actor=world.reception, delivery="post", at=local(2026, 3, 5, 9, 0)
    )

    dossier.refresh_from_db()
    assert (dossier.status, dossier.national_code) == (Status.RETURNED, 10)
    assert (dossier.returned_at, dossier.delivery) == (local(2026, 3, 5, 9, 0), "post")
    # The end stays the approval (deadlines.md §7: the first of processed, returned…).
    assert dossier.ended_at == local(2026, 3, 4, 8, 0)
    giving_back = dossier.tasks.get(step__is_return=True)
    assert (giving_back.outcome, giving_back.finished_by) == (
        TaskOutcome.RETURNED,
        world.reception,
    )
    assert not dossier.open_tasks().exists()


def test_the_result_goes_back_the_way_the_receipt_says(world: World) -> None:
    post_rule = world.version.channels.get(channel="buu_chinh")
    dossier = world.receive(MONDAY, channel="post", channel_rule=post_rule, delivery="post")
    to_approval(world, dossier, local(2026, 3, 3, 8, 0))
    _approve(world, dossier, local(2026, 3, 4, 9, 0))

    # Art. 22(4): returned at the time, place and in the way on the receipt slip.
    actions.return_result(dossier, actor=world.reception, at=local(2026, 3, 5, 9, 0))

    dossier.refresh_from_db()
    assert dossier.delivery == "post"
    assert dossier.events.last().changes == {"delivery": "post"}  # type: ignore[union-attr]


def test_only_the_one_stop_unit_returns_the_result(world: World) -> None:
    dossier = reach(world, "processed")
    before = snapshot(dossier)

    with pytest.raises(PermissionDenied):
        actions.return_result(dossier, actor=world.handler, at=local(2026, 3, 5, 9, 0))
    with pytest.raises(InvalidInput, match="Hình thức trả kết quả không hợp lệ."):
        actions.return_result(dossier, actor=world.reception, delivery="drone")

    assert snapshot(dossier) == before


def test_a_correction_replaces_the_result_and_keeps_the_wrong_one(world: World) -> None:
    dossier = reach(world, "returned")
    wrong = dossier.results.get()

    corrected = actions.correct_result(
        dossier,
        actor=world.leader,
        reason="Sai ngày sinh trên Giấy khai sinh",
        reported_at=local(2026, 3, 9, 9, 0),
        documents=result_file("ket-qua-dinh-chinh.pdf"),
        at=local(2026, 3, 11, 9, 0),
    )

    wrong.refresh_from_db()
    dossier.refresh_from_db()
    assert (dossier.status, dossier.national_code) == (Status.RETURNED, 10)
    assert (wrong.is_current, corrected.is_current, corrected.corrects) == (False, True, wrong)
    assert (corrected.kind, corrected.result_type_code, corrected.e_result_code) == (
        ResultKind.DECISION,
        CODE,
        "001090001234.KQ.G15.000031",
    )
    assert wrong.documents.count() == corrected.documents.count() == 1
    event = dossier.events.last()
    assert event is not None
    assert (event.action, event.changes) == (
        "correct_result",
        {"corrects": wrong.pk, "late": False},
    )


def test_a_correction_later_than_three_working_days_is_flagged(world: World) -> None:
    dossier = reach(world, "returned")

    actions.correct_result(
        dossier,
        actor=world.leader,
        reason="Sai ngày sinh",
        # Art. 23(1): within 3 working days of the error being reported (Mon 09/03 09:00).
        reported_at=local(2026, 3, 9, 9, 0),
        documents=result_file(),
        at=local(2026, 3, 12, 9, 30),
    )

    assert dossier.events.last().changes["late"] is True  # type: ignore[union-attr]


def test_a_correction_is_not_dated_before_the_error_was_reported(world: World) -> None:
    dossier = reach(world, "returned")
    before = snapshot(dossier)

    with pytest.raises(InvalidInput, match="không thể sau thời điểm đính chính"):
        actions.correct_result(
            dossier,
            actor=world.leader,
            reason="Sai ngày sinh",
            reported_at=local(2026, 3, 12, 9, 0),
            documents=result_file(),
            at=local(2026, 3, 11, 9, 0),
        )

    assert snapshot(dossier) == before


def test_a_calendar_day_procedure_shares_out_its_working_time_to_every_step(
    world: World,
) -> None:
    version = Procedure.objects.get(code="2.000001").current_version
    assert version is not None
    dossier = world.receive(
        MONDAY,
        version=version,
        channel_rule=version.channels.get(channel="truc_tiep"),
        documents=[actions.DocumentInput(name="Đơn đề nghị cấp phép", file=pdf())],
    )
    # 10 days from Mon 02/03 → Thu 12/03 17:00: 71 working hours, shared out in the
    # default workflow's proportions (5 / 60 / 15 / 15 / 5 %).
    assert dossier.due_at == local(2026, 3, 12, 17, 0)
    to_approval(world, dossier, local(2026, 3, 3, 8, 0))

    _approve(world, dossier, local(2026, 3, 4, 9, 0), result_type_code="KQ.XD.01")

    allotted = dict(dossier.tasks.values_list("step__order", "allotted_hours"))
    assert allotted == {
        1: Decimal("3.55"),
        2: Decimal("42.60"),
        3: Decimal("10.65"),
        4: Decimal("10.65"),
        5: Decimal("3.55"),
    }


def test_a_correction_may_fix_the_result_type_but_only_to_one_of_the_procedure(
    world: World,
) -> None:
    dossier = reach(world, "returned")
    before = snapshot(dossier)

    with pytest.raises(InvalidInput, match="Mã loại kết quả “KQ.XD.01” không thuộc kết quả"):
        actions.correct_result(
            dossier,
            actor=world.leader,
            reason="Sai loại giấy tờ",
            reported_at=local(2026, 3, 9, 9, 0),
            documents=result_file(),
            result_type_code="KQ.XD.01",
            at=local(2026, 3, 9, 10, 0),
        )

    assert snapshot(dossier) == before
