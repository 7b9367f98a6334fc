"""Results: approve (9), refuse after appraisal, return (10), correct an error
(Decree 118/2025 Art. 19(3), 22, 23)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog.models import ProcedureResult
from motcua.dossiers.actions.base import (
    allotment_scale,
    cancel_open_tasks,
    end_dossier,
    finish_task,
    instant,
    lock,
    record,
    require_role,
    require_task_actor,
    start_steps,
)
from motcua.dossiers.actions.handling import open_task, steps_after
from motcua.dossiers.actions.intake import DocumentInput, save_documents, validate_file
from motcua.dossiers.errors import InvalidInput
from motcua.dossiers.models import (
    Delivery,
    DocumentOrigin,
    Dossier,
    Result,
    ResultKind,
    Task,
    TaskOutcome,
)
from motcua.dossiers.statuses import Action, check_transition
from motcua.org.models import Role
from motcua.workdays.services import get_calendar

CORRECTION_WORKING_DAYS = 3


def _documents_required(documents: list[DocumentInput]) -> None:
    if not documents or not any(d.file is not None for d in documents):
        # The seed reports' "results not attached in the system": a dossier cannot
        # finish without its result documents.
        raise InvalidInput(_("Chưa đính kèm tệp văn bản kết quả giải quyết."))
    for doc in documents:
        if doc.file is not None:
            validate_file(doc.file)


def _check_result_type(dossier: Dossier, code: str) -> None:
    """The result-type code is one of the procedure version's results (Art. 22: it makes
    the e-result code), whenever the catalogue gives any."""
    allowed = set(
        ProcedureResult.objects.filter(version=dossier.procedure_version).values_list(
            "code", flat=True
        )
    ) - {""}
    if allowed and code not in allowed:
        raise InvalidInput(
            _("Mã loại kết quả “%(code)s” không thuộc kết quả của thủ tục (%(allowed)s).")
            % {"code": code, "allowed": ", ".join(sorted(allowed))}
        )


def _finish_processing(
    dossier: Dossier, current: Task, *, actor: User, at: dt.datetime, outcome: str
) -> None:
    finish_task(current, actor=actor, at=at, outcome=outcome)
    cancel_open_tasks(dossier, actor=actor, at=at)
    # The return step (the one-stop unit hands the result over) starts now, with its
    # share of the working time like every other step.
    start_steps(dossier, steps_after(current), at, get_calendar(), allotment_scale(dossier))
    end_dossier(dossier, at)


@transaction.atomic
def approve_result(
    dossier: Dossier,
    *,
    actor: User,
    result_type_code: str,
    documents: list[DocumentInput],
    summary: str = "",
    task: Task | int | None = None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Result:
    """The leader approves and signs: the result is attached, the dossier is
    processed (9) and waits to be returned."""
    at = instant(at)
    dossier = lock(dossier, expected_version, actor)
    check_transition(Action.APPROVE_RESULT, dossier.status)
    current = open_task(dossier, task)
    if not current.step.is_approval:
        raise InvalidInput(_("Hồ sơ chưa đến bước phê duyệt kết quả."))
    membership = require_task_actor(actor, current)
    _check_result_type(dossier, result_type_code)
    _documents_required(documents)
    result = Result.objects.create(
        dossier=dossier,
        kind=ResultKind.DECISION,
        result_type_code=result_type_code,
        # Decree 118/2025 Art. 22: e-result code = applicant identifier + result type.
        e_result_code=f"{dossier.applicant_identifier}.{result_type_code}"
        if result_type_code
        else "",
        summary=summary,
        approved_at=at,
        approved_by=actor,
    )
    for document in save_documents(dossier, documents, actor, at, DocumentOrigin.RESULT):
        document.result = result
        document.save(update_fields=["result"])
    _finish_processing(dossier, current, actor=actor, at=at, outcome=TaskOutcome.APPROVED)
    record(
        dossier,
        actor=actor,
        action=Action.APPROVE_RESULT,
        at=at,
        agency=current.agency,
        title=membership.title,
        reason=summary,
        task=current,
        changes={"result_type_code": result_type_code, "timeliness": dossier.timeliness},
    )
    return result


@transaction.atomic
def refuse(
    dossier: Dossier,
    *,
    actor: User,
    reason: str,
    documents: list[DocumentInput],
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Result:
    """Art. 19(3): not eligible after appraisal — the refusal notice, with its reason,
    is the result, entered in the system within the time limit."""
    at = instant(at)
    dossier = lock(dossier, expected_version, actor)
    check_transition(Action.REFUSE, dossier.status)
    membership = require_role(actor, dossier.competent_agency, Role.LEADER)
    if not reason.strip():
        raise InvalidInput(_("Cần ghi rõ lý do từ chối giải quyết."))
    _documents_required(documents)
    result = Result.objects.create(
        dossier=dossier,
        kind=ResultKind.REFUSAL,
        summary=reason,
        approved_at=at,
        approved_by=actor,
    )
    for document in save_documents(dossier, documents, actor, at, DocumentOrigin.RESULT):
        document.result = result
        document.save(update_fields=["result"])
    # Whatever step it was at, the refusal goes back through the one-stop unit.
    cancel_open_tasks(dossier, actor=actor, at=at)
    start_steps(
        dossier,
        list(dossier.workflow.steps.filter(is_return=True)),
        at,
        get_calendar(),
        allotment_scale(dossier),
    )
    end_dossier(dossier, at)
    record(
        dossier,
        actor=actor,
        action=Action.REFUSE,
        at=at,
        agency=dossier.competent_agency,
        title=membership.title,
        reason=reason,
        changes={"timeliness": dossier.timeliness},
    )
    return result


@transaction.atomic
def return_result(
    dossier: Dossier,
    *,
    actor: User,
    delivery: str | None = None,
    note: str = "",
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Art. 22: the result is handed over as the receipt said (counter, post, online);
    ``delivery`` records another way only when the applicant asked for it."""
    at = instant(at)
    dossier = lock(dossier, expected_version, actor)
    check_transition(Action.RETURN_RESULT, dossier.status)
    # Art. 22(4): at the time, place and in the way written on the receipt slip.
    delivery = dossier.delivery if delivery is None else delivery
    if delivery not in Delivery.values:
        raise InvalidInput(_("Hình thức trả kết quả không hợp lệ."))
    membership = require_role(actor, dossier.receiving_agency, Role.RECEPTION)
    current = next(iter(dossier.open_tasks().select_related("step")), None)
    if current is not None:
        finish_task(current, actor=actor, at=at, outcome=TaskOutcome.RETURNED)
    dossier.returned_at = at
    dossier.delivery = delivery
    record(
        dossier,
        actor=actor,
        action=Action.RETURN_RESULT,
        at=at,
        agency=dossier.receiving_agency,
        title=membership.title,
        reason=note,
        task=current,
        changes={"delivery": delivery},
    )
    return dossier


@transaction.atomic
def correct_result(
    dossier: Dossier,
    *,
    actor: User,
    reason: str,
    reported_at: dt.datetime,
    documents: list[DocumentInput],
    result_type_code: str | None = None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Result:
    """Art. 23(1): an official's error in the result is corrected within 3 working
    days of being reported; the erroneous result stays in the history."""
    at = instant(at)
    dossier = lock(dossier, expected_version, actor)
    check_transition(Action.CORRECT_RESULT, dossier.status)
    membership = require_role(actor, dossier.competent_agency, Role.LEADER)
    if not reason.strip():
        raise InvalidInput(_("Cần ghi rõ sai sót được đính chính."))
    if reported_at > at:
        raise InvalidInput(_("Thời điểm phát hiện sai sót không thể sau thời điểm đính chính."))
    _documents_required(documents)
    previous = dossier.results.filter(is_current=True).order_by("-approved_at").first()
    if previous is None:
        raise InvalidInput(_("Hồ sơ chưa có kết quả để đính chính."))
    calendar = get_calendar()
    late = calendar.working_hours_between(reported_at, at) > (
        CORRECTION_WORKING_DAYS * calendar.hours_per_day
    )
    code = previous.result_type_code if result_type_code is None else result_type_code
    if previous.kind == ResultKind.DECISION and result_type_code is not None:
        _check_result_type(dossier, code)
    previous.is_current = False
    previous.save(update_fields=["is_current"])
    result = Result.objects.create(
        dossier=dossier,
        kind=previous.kind,
        result_type_code=code,
        e_result_code=f"{dossier.applicant_identifier}.{code}" if code else "",
        summary=reason,
        approved_at=at,
        approved_by=actor,
        corrects=previous,
    )
    for document in save_documents(dossier, documents, actor, at, DocumentOrigin.RESULT):
        document.result = result
        document.save(update_fields=["result"])
    record(
        dossier,
        actor=actor,
        action=Action.CORRECT_RESULT,
        at=at,
        agency=dossier.competent_agency,
        title=membership.title,
        reason=reason,
        changes={"corrects": previous.pk, "late": late},
    )
    return result
