"""Intake: submission, reception at the counter or by post, acceptance of online
submissions, requests for completion, refusal at intake (Decree 118/2025 Art. 16–17)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog.models import ChannelRule, Component, ProcedureVersion
from motcua.catalog.models.confirmations import confirmations_by_limit
from motcua.common import rows
from motcua.dossiers import refcache
from motcua.dossiers.actions.base import (
    allotment_scale,
    ask_role_title_and_stamp,
    begin_history,
    end_dossier,
    instant,
    iso,
    lock,
    new_event,
    new_tasks,
    record,
    require_role,
    transition,
)
from motcua.dossiers.codes import CodeGuess, allocate_code, format_code, give_back
from motcua.dossiers.errors import InvalidInput
from motcua.dossiers.models import (
    ApplicantKind,
    Delivery,
    Document,
    DocumentOrigin,
    Dossier,
    DossierEvent,
    IntakeChannel,
    Task,
    TaskOutcome,
    Workflow,
    WorkflowKind,
)
from motcua.dossiers.statuses import Action, check_transition
from motcua.dossiers.workflows import active_workflows, choose_workflow, workflow_for
from motcua.org.models import AdministrativeUnit, Agency, Role, identifiers_on
from motcua.reports.facts import derive as derive_facts
from motcua.workdays.calendar import LOCAL_TZ, WorkCalendar
from motcua.workdays.deadlines import due_instant
from motcua.workdays.services import calendar_from, calendar_rows, get_calendar

PERSONAL_ID = re.compile(r"^\d{12}$")
TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")
PHONE = re.compile(r"^(\+84|0)\d{9,10}$")
# File types accepted for scans and uploads, recognised by their first bytes rather
# than by the name the sender gave them.
SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


@dataclass(frozen=True)
class Applicant:
    name: str
    identifier: str
    kind: str = ApplicantKind.PERSON
    phone: str = ""
    email: str = ""
    address: str = ""
    unit: AdministrativeUnit | None = None
    principal_name: str = ""
    principal_identifier: str = ""

    def validate(self) -> None:
        errors: list[str] = []
        if not self.name.strip():
            errors.append(_("Chưa nhập tên người nộp hồ sơ."))
        if self.kind == ApplicantKind.PERSON and not PERSONAL_ID.match(self.identifier):
            errors.append(_("Số định danh cá nhân phải gồm đúng 12 chữ số."))
        if self.kind == ApplicantKind.ORGANISATION and not TAX_CODE.match(self.identifier):
            errors.append(_("Mã số thuế phải gồm 10 chữ số (chi nhánh: 10 chữ số-3 chữ số)."))
        if self.phone and not PHONE.match(self.phone.replace(" ", "")):
            errors.append(_("Số điện thoại không hợp lệ."))
        if self.email:
            try:
                validate_email(self.email)
            except ValidationError:
                errors.append(_("Địa chỉ thư điện tử không hợp lệ."))
        if self.principal_identifier and not (
            PERSONAL_ID.match(self.principal_identifier)
            or TAX_CODE.match(self.principal_identifier)
        ):
            errors.append(_("Số định danh của người ủy quyền không hợp lệ."))
        if errors:
            raise InvalidInput(" ".join(errors))


@dataclass(frozen=True)
class DocumentInput:
    name: str
    component: Component | None = None
    # An upload, or a stored file (a document reused from an earlier dossier).
    file: File | None = None
    origin: str = DocumentOrigin.SCAN


@dataclass(frozen=True)
class Submission:
    """What an applicant hands in, whatever the channel."""

    version: ProcedureVersion
    channel_rule: ChannelRule
    applicant: Applicant
    receiving_agency: Agency
    competent_agency: Agency
    channel: str = IntakeChannel.COUNTER
    delivery: str = Delivery.COUNTER
    documents: list[DocumentInput] = field(default_factory=list)
    fee_vnd: int | None = None
    citizen: User | None = None


def validate_file(upload: File) -> tuple[str, str]:
    """(content type, sha256) of an upload, or InvalidInput if it is not a PDF, PNG or JPEG
    or is too large."""
    limit = settings.MOTCUA_MAX_UPLOAD_MB * 1024 * 1024
    if upload.size is None or upload.size > limit:
        raise InvalidInput(
            _("Tệp “%(name)s” vượt quá %(mb)s MB.")
            % {"name": upload.name, "mb": settings.MOTCUA_MAX_UPLOAD_MB}
        )
    if upload.size == 0:
        raise InvalidInput(_("Tệp “%(name)s” rỗng.") % {"name": upload.name})
    upload.seek(0)
    head = upload.read(16)
    content_type = next((t for sig, t in SIGNATURES.items() if head.startswith(sig)), None)
    if content_type is None:
        raise InvalidInput(
            _("Tệp “%(name)s” không phải PDF, JPEG hoặc PNG.") % {"name": upload.name}
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return content_type, digest.hexdigest()


def validate_submission(sub: Submission, memo: refcache.Memo | None = None) -> None:
    sub.applicant.validate()
    if sub.channel_rule.version_id != sub.version.pk:
        raise InvalidInput(_("Cách thức thực hiện không thuộc phiên bản thủ tục đã chọn."))
    if not sub.documents:
        raise InvalidInput(_("Hồ sơ chưa có giấy tờ nào."))
    named = {doc.component.pk for doc in sub.documents if doc.component is not None}
    component_ids: set[int] | frozenset[int] = set()
    held = memo.get(("components",), components_by_version) if named and memo else None
    if held is not None and sub.version.pk in held:
        component_ids = held[sub.version.pk]
    elif named:
        # Without the memory, or a version it does not hold yet (imported since):
        # only the components the documents name are looked up (by key).
        component_ids = set(
            Component.objects.filter(pk__in=named, case__version=sub.version).values_list(
                "id", flat=True
            )
        )
    for doc in sub.documents:
        if not doc.name.strip():
            raise InvalidInput(_("Giấy tờ chưa có tên."))
        if doc.component is not None and doc.component.pk not in component_ids:
            raise InvalidInput(
                _("Giấy tờ “%(name)s” không thuộc thành phần hồ sơ của thủ tục.")
                % {"name": doc.name}
            )
        if doc.file is not None:
            validate_file(doc.file)


def components_by_version() -> dict[int, frozenset[int]]:
    """The component keys of every procedure version, for a process that remembers
    them (``refcache``): one query of the whole catalogue's keys."""
    found: dict[int, set[int]] = {}
    for version, component in Component.objects.values_list("case__version_id", "id"):
        found.setdefault(version, set()).add(component)
    return {version: frozenset(ids) for version, ids in found.items()}


def document_rows(
    dossier: Dossier,
    docs: list[DocumentInput],
    actor: User,
    at: dt.datetime,
    origin: str | None = None,
) -> list[Document]:
    """Store the files; the unsaved document rows that point to them."""
    rows = []
    for doc in docs:
        document = Document(
            dossier=dossier,
            component=doc.component,
            name=doc.name.strip()[:300],
            origin=origin or doc.origin,
            uploaded_by=actor,
            uploaded_at=at,
        )
        if doc.file is not None:
            content_type, sha = validate_file(doc.file)
            document.content_type, document.sha256 = content_type, sha
            document.size = doc.file.size or 0
            document.file.save(os.path.basename(doc.file.name or "") or "tep", doc.file, save=False)
        rows.append(document)
    return rows


def save_documents(
    dossier: Dossier,
    docs: list[DocumentInput],
    actor: User,
    at: dt.datetime,
    origin: str | None = None,
) -> list[Document]:
    """Store the files, then write the document rows in one INSERT."""
    rows = document_rows(dossier, docs, actor, at, origin)
    return Document.objects.bulk_create(rows) if rows else rows


def _code_agency(sub: Submission, workflow: Workflow) -> Agency:
    # Decree 118/2025 Art. 28: the code carries the competent agency's identifier, or
    # the receiving one-stop unit's for an inter-agency group.
    return (
        sub.receiving_agency if workflow.kind == WorkflowKind.INTER_AGENCY else sub.competent_agency
    )


def _code_guess(sub: Submission, day: dt.date) -> CodeGuess | None:
    """The identifier the dossier's code will carry, as this process's memory holds it
    before the reference-data stamp is read (``refcache.peek``): the number can then
    be taken in the same round trip as the permission, if that memory is still
    current. ``_number`` checks it all the same (another thread may have moved
    the memory on) and gives the number back if it is not the code's. None: nothing
    to go by."""
    filled = refcache.filled_under()
    workflows = refcache.peek(("workflows",))
    identifiers = refcache.peek(("identifiers", day))
    if filled is None or workflows is None or identifiers is None:
        return None
    workflow = choose_workflow(workflows.get(sub.version.procedure_id, ()), sub.competent_agency.pk)
    identifier = identifiers.get(_code_agency(sub, workflow).pk) if workflow else None
    return CodeGuess(identifier, day, filled) if identifier else None


@dataclass
class Draft:
    """A checked submission as an unsaved dossier, without its code yet
    (``_draft``): the code's identifier and day are known, its number is not."""

    dossier: Dossier
    identifier: str
    day: dt.date


class _NotFromMemory(Exception):
    """The dossier cannot be worked out from the memory alone: something must be
    written first (the procedure's default workflow)."""


def _draft(
    sub: Submission,
    *,
    at: dt.datetime,
    memo: refcache.Memo | None = None,
    may_write: bool = True,
) -> Draft:
    """The checked submission as an unsaved dossier with its workflow, and the
    identifier its code will carry. ``memo``: reference data may come from the
    process's memory (``refcache``). ``may_write=False``: raise ``_NotFromMemory``
    rather than make the default workflow."""
    validate_submission(sub, memo)
    procedure, competent = sub.version.procedure, sub.competent_agency

    # A process that remembers the reference data chooses among every active workflow
    # it holds, as ``workflow_for`` does among the procedure's (which also makes the
    # default workflow when none fits: a change, after which the memory is refilled).
    workflow = None
    if memo is not None:
        held = memo.get(("workflows",), active_workflows).get(procedure.pk, ())
        workflow = choose_workflow(held, competent.pk)
    if workflow is None:
        if not may_write:
            raise _NotFromMemory
        workflow = workflow_for(procedure, competent, sub.channel_rule.time_limit)
    code_agency = _code_agency(sub, workflow)
    day = at.astimezone(LOCAL_TZ).date()
    identifier = (
        memo.get(("identifiers", day), lambda: identifiers_on(day)).get(code_agency.pk)
        if memo is not None
        else code_agency.identifier_on(day)
    )
    if not identifier:
        raise InvalidInput(
            _("%(agency)s chưa có mã định danh điện tử còn hiệu lực; không cấp được mã hồ sơ.")
            % {"agency": code_agency.name}
        )
    a = sub.applicant
    dossier = Dossier(
        code="",
        procedure_version=sub.version,
        channel_rule=sub.channel_rule,
        workflow=workflow,
        channel=sub.channel,
        receiving_agency=sub.receiving_agency,
        competent_agency=sub.competent_agency,
        applicant_kind=a.kind,
        applicant_name=a.name.strip(),
        applicant_identifier=a.identifier,
        applicant_phone=a.phone.replace(" ", ""),
        applicant_email=a.email,
        applicant_address=a.address,
        applicant_unit=a.unit,
        principal_name=a.principal_name,
        principal_identifier=a.principal_identifier,
        citizen=sub.citizen,
        submitted_at=at,
        # Not yet anything: the SUBMIT event that follows sets "submitted" (code 1).
        status="",
        national_code=0,
        delivery=sub.delivery,
        fee_vnd=sub.fee_vnd if sub.fee_vnd is not None else (sub.channel_rule.fee_vnd or 0),
        is_digitised=any(d.file is not None for d in sub.documents),
        reuses_data=any(d.origin == DocumentOrigin.REUSED for d in sub.documents),
    )
    return Draft(dossier, identifier, day)


def _number(draft: Draft, taken: tuple[CodeGuess, int] | None = None) -> Dossier:
    """Give the draft dossier its code. ``taken``: a number already taken for an
    identifier and day (``_code_guess``), used if the code is indeed that
    identifier's, else given back."""
    guess, number = taken if taken is not None else (None, 0)
    if guess is not None and (guess.identifier, guess.day) == (draft.identifier, draft.day):
        draft.dossier.code = format_code(draft.identifier, draft.day, number)
    else:
        if guess is not None:
            give_back(guess.identifier, guess.day)
        draft.dossier.code = allocate_code(draft.identifier, draft.day)
    return draft.dossier


def _documents_of(sub: Submission) -> list[DocumentInput]:
    # Online, what the applicant sends is theirs, not a counter scan; a document reused
    # from an earlier dossier stays marked as reused (Decree 118/2025 Art. 17(1)(b)).
    return [
        replace(d, origin=DocumentOrigin.CITIZEN)
        if sub.channel == IntakeChannel.ONLINE and d.origin == DocumentOrigin.SCAN
        else d
        for d in sub.documents
    ]


def _create(sub: Submission, *, actor: User, at: dt.datetime) -> Dossier:
    dossier = _number(_draft(sub, at=at))
    dossier.save()
    save_documents(dossier, _documents_of(sub), actor, at)
    begin_history(dossier)
    return dossier


@transaction.atomic
def submit_dossier(sub: Submission, *, actor: User, at: dt.datetime | None = None) -> Dossier:
    """An online (or API) submission waiting for reception: status 1, no clock yet."""
    at = instant(at)
    dossier = _create(sub, actor=actor, at=at)
    record(
        dossier,
        actor=actor,
        action=Action.SUBMIT,
        at=at,
        agency=None,
        changes={"channel": sub.channel},
    )
    return dossier


def _start_clock(
    dossier: Dossier, *, actor: User, at: dt.datetime, calendar: WorkCalendar
) -> tuple[list[Task], list[Task]]:
    """Decree 118/2025 Art. 17(3): processing time runs from valid reception. Sets the
    reception, clock start and due instants on ``dossier`` and returns its unsaved
    tasks: the reception step, done as it opens, and the next step, started when the
    clock starts."""
    limit = dossier.channel_rule.limit_at(at)
    dossier.received_at = at
    if limit is not None:
        deadline = due_instant(at, limit, calendar)
        dossier.clock_started_at = deadline.clock_start
        dossier.due_at = dossier.original_due_at = deadline.due
    else:
        dossier.clock_started_at = calendar.clock_start(at)
    steps = list(dossier.workflow.steps.all())
    orders = sorted({s.order for s in steps})
    scale = allotment_scale(dossier, steps, calendar)
    reception = new_tasks(
        dossier,
        [s for s in steps if s.order == orders[0]],
        at,
        calendar,
        scale,
        finished=(actor, TaskOutcome.RECEIVED),
    )
    following = (
        new_tasks(
            dossier,
            [s for s in steps if s.order == orders[1]],
            dossier.clock_started_at,
            calendar,
            scale,
        )
        if len(orders) > 1
        else []
    )
    return reception, following


def _received_changes(dossier: Dossier) -> dict[str, str | None]:
    return {"due_at": iso(dossier.due_at), "clock_started_at": iso(dossier.clock_started_at)}


def _receive(
    dossier: Dossier, *, actor: User, at: dt.datetime, title: str, reason: str = ""
) -> Dossier:
    """Receive a submitted dossier (``_start_clock``): tasks in one INSERT, then the
    RECEIVE event."""
    reception, following = _start_clock(dossier, actor=actor, at=at, calendar=get_calendar())
    Task.objects.bulk_create(reception + following)
    record(
        dossier,
        actor=actor,
        action=Action.RECEIVE,
        at=at,
        agency=dossier.receiving_agency,
        title=title,
        reason=reason,
        task=reception[0] if reception else None,
        changes=_received_changes(dossier),
    )
    return dossier


@dataclass
class _Reception:
    """What a counter reception writes, worked out before its code is known."""

    draft: Draft
    statuses: tuple[tuple[str, str], tuple[str, str]]  # handed in, then received
    reception: list[Task]  # the reception step, done as it opens
    following: list[Task]  # the next step, started when the clock starts


def _plan_reception(
    sub: Submission, *, actor: User, at: dt.datetime, memo: refcache.Memo, may_write: bool = True
) -> _Reception:
    """The checked submission as a dossier already received — its workflow, deadline
    and tasks — from the reference data as ``memo`` holds it. Nothing is written
    (unless the procedure has no workflow yet: ``workflow_for`` makes its default;
    ``may_write=False``: ``_NotFromMemory`` instead)."""
    draft = _draft(sub, at=at, memo=memo, may_write=may_write)
    dossier = draft.dossier
    statuses = (transition(dossier, Action.SUBMIT), transition(dossier, Action.RECEIVE))
    calendar = calendar_from(memo.get(("calendar",), calendar_rows))
    rule = sub.channel_rule
    if rule.unit_unknown:  # the province's confirmations of the limit's unit
        by_limit = memo.get(("confirmations",), confirmations_by_limit)
        rule.prime_confirmations(by_limit, sub.version.procedure_id)
    reception, following = _start_clock(dossier, actor=actor, at=at, calendar=calendar)
    return _Reception(draft, statuses, reception, following)


@transaction.atomic
def receive_at_counter(sub: Submission, *, actor: User, at: dt.datetime | None = None) -> Dossier:
    """A complete dossier handed in at the counter or by post: received at once, with
    its code and appointment (the receipt slip, form 01).

    The busiest write of the system (issue 6: at least 300 per second in one
    process), so it is written as one piece: the same rows as ``submit_dossier``
    followed by ``accept_submission`` — the SUBMIT and RECEIVE events, the tasks,
    the documents, the statistics row — but each table written once, the dossier row
    already received. On PostgreSQL the statements go ahead of their answers
    (``rows.ahead``): the permission, with the reference-data stamp and the code's
    number, is asked first, and while the database answers, the dossier is worked
    out from the reference data this process remembers (again if the stamp answered
    says that memory was not current). Then the rows go in one statement, the scans
    are stored while the database writes and checks them, their rows follow, and the
    commit (see ``bench/README.md``)."""
    at = instant(at)
    # What this process remembers (None: nothing to go by), and under which stamp.
    guess = _code_guess(sub, at.astimezone(LOCAL_TZ).date())
    assumed = guess.stamp if guess is not None else None
    with rows.ahead(checked_as_written=True) as ahead:
        answer = ask_role_title_and_stamp(
            actor, sub.receiving_agency, Role.RECEPTION, number_for=guess
        )
        ahead.push()
        # Before the permission is known nothing is written, and what goes wrong is
        # said only after it (a refused officer hears that first, as always).
        planned: _Reception | Exception | None = None
        if assumed is not None:
            try:
                planned = _plan_reception(
                    sub, actor=actor, at=at, memo=refcache.Memo(assumed), may_write=False
                )
            except _NotFromMemory:
                planned = None
            except DatabaseError:
                raise  # the pipeline is aborted: nothing more can be asked
            except Exception as failed:
                planned = failed
        title, stamp, number = answer()
        if sub.channel not in {IntakeChannel.COUNTER, IntakeChannel.POST}:
            raise InvalidInput(
                _("Tiếp nhận tại quầy chỉ dùng cho hồ sơ nộp trực tiếp hoặc qua bưu chính.")
            )
        memo = refcache.Memo.under(stamp)
        if planned is None or memo.stamp != assumed:
            # The memory was not the reference data as of this transaction: again.
            planned = _plan_reception(sub, actor=actor, at=at, memo=memo)
        elif isinstance(planned, Exception):
            raise planned
        taken = (guess, number) if guess is not None and number is not None else None
        dossier = _number(planned.draft, taken)
        reception, following = planned.reception, planned.following
        tasks = reception + following  # the RECEIVE event names the reception task
        # With keys taken ahead (PostgreSQL) the rows that others point to go with the
        # rest; otherwise they are inserted first, for their keys.
        dossier_keys = rows.reserve_keys(Dossier, 1)
        task_keys = rows.reserve_keys(Task, len(tasks))
        written: list[list[Any]] = []
        if dossier_keys is not None and task_keys is not None:
            dossier.pk = dossier_keys[0]
            for task, key in zip(tasks, task_keys, strict=True):
                task.pk = key
            written += [[dossier], tasks]
        else:
            ahead.insert([dossier], tasks)

        # The one-stop officer's two events, at one instant: handed in, then received.
        def officer_event(
            seq: int, action: str, statuses: tuple[str, str], **details: Any
        ) -> DossierEvent:
            return new_event(
                dossier,
                seq=seq,
                actor=actor,
                action=action,
                at=at,
                agency=sub.receiving_agency,
                statuses=statuses,
                title=title,
                **details,
            )

        submitted, received = planned.statuses
        events = [
            officer_event(1, Action.SUBMIT, submitted, changes={"channel": sub.channel}),
            officer_event(
                2,
                Action.RECEIVE,
                received,
                task=reception[0] if reception else None,
                changes=_received_changes(dossier),
            ),
        ]
        fact, segments = derive_facts(dossier, events=events)
        ahead.insert(*written, events, [fact], segments)
        # The scans are stored while the database writes (and checks) those rows.
        ahead.insert(document_rows(dossier, _documents_of(sub), actor, at))
    return dossier


@transaction.atomic
def accept_submission(
    dossier: Dossier,
    *,
    actor: User,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Receive an online submission (Art. 17(2)): the clock starts now."""
    at = instant(at)
    dossier = lock(dossier, expected_version, actor)
    membership = require_role(actor, dossier.receiving_agency, Role.RECEPTION)
    check_transition(Action.RECEIVE, dossier.status)
    return _receive(dossier, actor=actor, at=at, title=membership.title)


@transaction.atomic
def request_completion(
    dossier: Dossier,
    *,
    actor: User,
    reason: str,
    missing: str,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Art. 17(1)(c), 17(2): guide the applicant to complete the dossier, in one go.
    The dossier is not received and its clock has not started (slip 02)."""
    at = instant(at)
    dossier = lock(dossier, expected_version, actor)
    membership = require_role(actor, dossier.receiving_agency, Role.RECEPTION)
    if not reason.strip() or not missing.strip():
        raise InvalidInput(_("Cần ghi rõ lý do và những giấy tờ phải bổ sung, hoàn thiện."))
    dossier.completion_requested_at = at
    record(
        dossier,
        actor=actor,
        action=Action.REQUEST_COMPLETION,
        at=at,
        agency=dossier.receiving_agency,
        title=membership.title,
        reason=reason,
        changes={"missing": missing},
    )
    return dossier


@transaction.atomic
def refuse_at_intake(
    dossier: Dossier,
    *,
    actor: User,
    reason: str,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Art. 17(1)(c): refuse to receive, with the reason (slip 03). Not counted as received."""
    at = instant(at)
    dossier = lock(dossier, expected_version, actor)
    membership = require_role(actor, dossier.receiving_agency, Role.RECEPTION)
    if not reason.strip():
        raise InvalidInput(_("Cần ghi rõ lý do từ chối tiếp nhận."))
    end_dossier(dossier, at)
    record(
        dossier,
        actor=actor,
        action=Action.REFUSE_AT_INTAKE,
        at=at,
        agency=dossier.receiving_agency,
        title=membership.title,
        reason=reason,
    )
    return dossier


@transaction.atomic
def hand_back_at_counter(
    sub: Submission,
    *,
    actor: User,
    refuse: bool,
    reason: str,
    missing: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """A dossier handed in at the counter that is not received: the officer guides the
    applicant to complete it (slip 02) or refuses it (slip 03), Decree 118/2025
    Art. 17(1)(c). It is recorded with a code, so the slip and the statistics can point
    at it, but its clock never starts."""
    at = instant(at)
    membership = require_role(actor, sub.receiving_agency, Role.RECEPTION)
    if sub.channel not in {IntakeChannel.COUNTER, IntakeChannel.POST}:
        raise InvalidInput(
            _("Tiếp nhận tại quầy chỉ dùng cho hồ sơ nộp trực tiếp hoặc qua bưu chính.")
        )
    if not reason.strip() or (not refuse and not missing.strip()):
        raise InvalidInput(_("Cần ghi rõ lý do và những giấy tờ phải bổ sung, hoàn thiện."))
    dossier = _create(sub, actor=actor, at=at)
    record(
        dossier,
        actor=actor,
        action=Action.SUBMIT,
        at=at,
        agency=sub.receiving_agency,
        title=membership.title,
        changes={"channel": sub.channel},
    )
    if refuse:
        return refuse_at_intake(dossier, actor=actor, reason=reason, at=at)
    return request_completion(dossier, actor=actor, reason=reason, missing=missing, at=at)
