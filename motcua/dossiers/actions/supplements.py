"""Supplement requests after appraisal (Decree 118/2025 Art. 19(5)); payments (Art. 24);
the extension with apology (Art. 19(6))."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.dossiers.actions.base import (
    SUPERIOR_ROLES,
    SYSTEM_USERNAME,
    cancel_open_tasks,
    end_dossier,
    instant,
    iso,
    lock,
    record,
    require_role,
    roles_in,
)
from motcua.dossiers.actions.intake import DocumentInput, save_documents, validate_file
from motcua.dossiers.errors import InvalidInput, PermissionDenied
from motcua.dossiers.models import (
    DocumentOrigin,
    Dossier,
    Extension,
    Payment,
    SupplementPolicy,
    SupplementRequest,
)
from motcua.dossiers.statuses import Action, check_transition
from motcua.org.models import Agency, Membership, Role
from motcua.workdays.calendar import LOCAL_TZ
from motcua.workdays.deadlines import (
    extension_is_late,
    pause_after_supplement,
    restart_after_supplement,
)
from motcua.workdays.services import get_calendar

# Art. 19(5): the notice comes within 3 working days of receiving the dossier.
SUPPLEMENT_NOTICE_WORKING_DAYS = 3
HANDLING_ROLES = (Role.HANDLER, Role.DEPARTMENT_HEAD, Role.LEADER)


def _handling_membership(actor: User, dossier: Dossier) -> Membership:
    """An officer handling the dossier now (an open step's agency), or the one-stop
    unit that received it."""
    agencies: list[Agency] = [t.agency for t in dossier.open_tasks().select_related("agency")]
    for agency in [*agencies, dossier.competent_agency]:
        found = Membership.objects.filter(
            user=actor, agency=agency, role__in=HANDLING_ROLES, is_active=True
        ).first()
        if found is not None:
            return found
    return require_role(actor, dossier.receiving_agency, Role.RECEPTION)


@transaction.atomic
def request_supplement(
    dossier: Dossier,
    *,
    actor: User,
    reason: str,
    missing: str,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> SupplementRequest:
    """Ask the applicant, once and completely, for what is missing (Art. 11(2)(c),
    19(5)). The applicant then holds the dossier: it is never overdue meanwhile."""
    at = instant(at)
    dossier = lock(dossier, expected_version, actor)
    check_transition(Action.REQUEST_SUPPLEMENT, dossier.status)
    membership = _handling_membership(actor, dossier)
    if not reason.strip() or not missing.strip():
        raise InvalidInput(_("Cần ghi rõ lý do và đầy đủ các giấy tờ phải bổ sung."))
    if dossier.supplement_requests.exists():
        raise InvalidInput(
            _(
                "Hồ sơ đã được yêu cầu bổ sung một lần; chỉ được yêu cầu bổ sung một lần "
                "(Điều 11 khoản 2 Nghị định 118/2025)."
            )
        )
    calendar = get_calendar()
    assert dossier.received_at is not None
    late = calendar.working_hours_between(dossier.received_at, at) > (
        SUPPLEMENT_NOTICE_WORKING_DAYS * calendar.hours_per_day
    )
    request = SupplementRequest.objects.create(
        dossier=dossier,
        requested_at=at,
        requested_by=actor,
        reason=reason,
        missing=missing,
        late_warning=late,
        due_before=dossier.due_at,
        close_after=at + dt.timedelta(days=settings.MOTCUA_SUPPLEMENT_CLOSE_DAYS),
    )
    dossier.supplement_count += 1
    record(
        dossier,
        actor=actor,
        action=Action.REQUEST_SUPPLEMENT,
        at=at,
        agency=membership.agency,
        title=membership.title,
        reason=reason,
        changes={"missing": missing, "late_warning": late, "close_after": iso(request.close_after)},
    )
    return request


@transaction.atomic
def record_supplement(
    dossier: Dossier,
    *,
    actor: User,
    documents: list[DocumentInput],
    note: str = "",
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> SupplementRequest:
    """The complete supplement arrives (at the counter, or from the applicant online).
    deadlines.md §5: restart (the law) or pause, per the procedure's workflow."""
    at = instant(at)
    dossier = lock(dossier, expected_version, actor)
    check_transition(Action.RECORD_SUPPLEMENT, dossier.status)
    if dossier.citizen_id is not None and actor.pk == dossier.citizen_id:
        title, agency = "", None
    else:
        membership = require_role(actor, dossier.receiving_agency, Role.RECEPTION)
        title, agency = membership.title, dossier.receiving_agency
    if not documents:
        raise InvalidInput(_("Chưa có giấy tờ bổ sung nào."))
    for doc in documents:
        if doc.file is not None:
            validate_file(doc.file)
    request = dossier.supplement_requests.get(completed_at__isnull=True, closed_at__isnull=True)
    calendar = get_calendar()
    limit = dossier.channel_rule.limit_at(dossier.received_at)
    policy = dossier.workflow.supplement_policy
    shift: Fraction | None = None
    if limit is not None and dossier.due_at is not None:
        if policy == SupplementPolicy.PAUSE:
            paused = pause_after_supplement(dossier.due_at, request.requested_at, at, calendar)
            new_due, shift = paused.due, paused.waited_hours
        else:
            # Decree 118/2025 Art. 19(5): "thời hạn giải quyết được tính lại từ đầu".
            restarted = restart_after_supplement(at, limit, calendar)
            new_due = restarted.due
            dossier.clock_started_at = restarted.clock_start
        dossier.due_at = new_due
    save_documents(dossier, documents, actor, at, DocumentOrigin.SUPPLEMENT)
    # The open steps get their time again: shifted by the wait (pause), or their
    # full allotment from the new clock start (restart).
    for task in dossier.open_tasks():
        if shift is not None:
            task.due_at = calendar.add_working_hours(task.due_at, shift)
        else:
            start = dossier.clock_started_at or at
            task.due_at = calendar.add_working_hours(start, Fraction(str(task.allotted_hours)))
        task.save(update_fields=["due_at"])
    request.completed_at, request.completed_by = at, actor
    request.policy, request.due_after = policy, dossier.due_at
    request.save(update_fields=["completed_at", "completed_by", "policy", "due_after"])
    record(
        dossier,
        actor=actor,
        action=Action.RECORD_SUPPLEMENT,
        at=at,
        agency=agency,
        title=title,
        reason=note,
        changes={"policy": policy, "due_at": iso(dossier.due_at)},
    )
    return request


@transaction.atomic
def close_unanswered(
    dossier: Dossier,
    *,
    actor: User,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Art. 19(5): 15 days after the notice with no complete supplement, the dossier is
    closed. Its end is the request's instant (deadlines.md §7), so the agency is not
    counted late for the applicant's silence."""
    at = instant(at)
    dossier = lock(dossier, expected_version, actor)
    check_transition(Action.CLOSE_UNANSWERED, dossier.status)
    request = dossier.supplement_requests.get(completed_at__isnull=True, closed_at__isnull=True)
    if at < request.close_after:
        raise InvalidInput(
            _("Chưa hết thời hạn bổ sung (đến %(when)s).")
            % {"when": f"{request.close_after.astimezone(LOCAL_TZ):%H:%M %d/%m/%Y}"}
        )
    if actor.username != SYSTEM_USERNAME:
        require_role(actor, dossier.receiving_agency, Role.RECEPTION, *SUPERIOR_ROLES)
    request.closed_at = at
    request.save(update_fields=["closed_at"])
    cancel_open_tasks(dossier, actor=actor, at=at)
    end_dossier(dossier, request.requested_at)
    record(
        dossier,
        actor=actor,
        action=Action.CLOSE_UNANSWERED,
        at=at,
        agency=dossier.receiving_agency,
        reason=_("Quá hạn bổ sung hồ sơ mà không nhận được giấy tờ bổ sung."),
    )
    return dossier


@transaction.atomic
def request_payment(
    dossier: Dossier,
    *,
    actor: User,
    amount_vnd: int,
    description: str,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Payment:
    """Art. 24: fees or taxes assessed after reception (national status 6)."""
    at = instant(at)
    dossier = lock(dossier, expected_version, actor)
    check_transition(Action.REQUEST_PAYMENT, dossier.status)
    membership = _handling_membership(actor, dossier)
    if amount_vnd <= 0:
        raise InvalidInput(_("Số tiền phải lớn hơn 0."))
    if not description.strip():
        raise InvalidInput(_("Cần ghi nội dung khoản phải nộp."))
    payment = Payment.objects.create(
        dossier=dossier,
        amount_vnd=amount_vnd,
        description=description,
        requested_at=at,
        requested_by=actor,
    )
    record(
        dossier,
        actor=actor,
        action=Action.REQUEST_PAYMENT,
        at=at,
        agency=membership.agency,
        title=membership.title,
        changes={"amount_vnd": amount_vnd},
    )
    return payment


@transaction.atomic
def record_payment(
    dossier: Dossier,
    *,
    actor: User,
    method: str,
    receipt_number: str = "",
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Payment:
    at = instant(at)
    dossier = lock(dossier, expected_version, actor)
    check_transition(Action.RECORD_PAYMENT, dossier.status)
    if actor.username != SYSTEM_USERNAME:
        membership = _handling_membership(actor, dossier)
        title, agency = membership.title, membership.agency
    else:
        title, agency = "", None
    if not method.strip():
        raise InvalidInput(_("Cần ghi hình thức nộp tiền."))
    payment = dossier.payments.get(paid_at__isnull=True)
    payment.paid_at, payment.method, payment.receipt_number = at, method, receipt_number
    payment.save(update_fields=["paid_at", "method", "receipt_number"])
    record(
        dossier,
        actor=actor,
        action=Action.RECORD_PAYMENT,
        at=at,
        agency=agency,
        title=title,
        changes={"method": method, "receipt_number": receipt_number},
    )
    return payment


@transaction.atomic
def extend_deadline(
    dossier: Dossier,
    *,
    actor: User,
    new_due: dt.datetime,
    reason: str,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Extension:
    """Art. 19(6): once per dossier, with an apology; the original due is kept.
    Recorded later than one working day before the due instant it still counts, with a
    warning (deadlines.md §6)."""
    at = instant(at)
    dossier = lock(dossier, expected_version, actor)
    check_transition(Action.EXTEND, dossier.status)
    membership = _handling_membership(actor, dossier)
    if not reason.strip():
        raise InvalidInput(_("Cần ghi rõ lý do gia hạn, xin lỗi."))
    if Extension.objects.filter(dossier=dossier).exists():
        raise InvalidInput(
            _(
                "Hồ sơ đã được gia hạn một lần; chỉ được hẹn lại ngày trả kết quả một lần "
                "(Điều 19 khoản 6 Nghị định 118/2025)."
            )
        )
    if dossier.due_at is None:
        raise InvalidInput(_("Thủ tục không có thời hạn giải quyết để gia hạn."))
    if new_due <= at:
        raise InvalidInput(_("Ngày hẹn mới phải sau thời điểm gia hạn."))
    if new_due <= dossier.due_at:
        raise InvalidInput(_("Ngày hẹn mới phải sau ngày hẹn hiện tại."))
    calendar = get_calendar()
    if not calendar.is_working_day(new_due.astimezone(LOCAL_TZ).date()):
        raise InvalidInput(_("Ngày hẹn mới phải là ngày làm việc."))
    late = extension_is_late(dossier.due_at, at, calendar)
    extension = Extension.objects.create(
        dossier=dossier,
        recorded_at=at,
        recorded_by=actor,
        reason=reason,
        previous_due=dossier.due_at,
        new_due=new_due,
        late_warning=late,
    )
    dossier.due_at = new_due
    record(
        dossier,
        actor=actor,
        action=Action.EXTEND,
        at=at,
        agency=membership.agency,
        title=membership.title,
        reason=reason,
        changes={
            "previous_due": iso(extension.previous_due),
            "new_due": iso(new_due),
            "late_warning": late,
        },
    )
    return extension


def _applicant_side(actor: User, dossier: Dossier) -> bool:
    return dossier.citizen_id is not None and actor.pk == dossier.citizen_id


@transaction.atomic
def withdraw(
    dossier: Dossier,
    *,
    actor: User,
    reason: str,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Art. 21: the applicant withdraws before the decision (status 7)."""
    return _end_on_request(
        dossier,
        actor=actor,
        reason=reason,
        at=at,
        action=Action.WITHDRAW,
        expected_version=expected_version,
    )


@transaction.atomic
def stop(
    dossier: Dossier,
    *,
    actor: User,
    reason: str,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Art. 21 and Circular 03/2025 Art. 7: the stop notice (status 8)."""
    return _end_on_request(
        dossier,
        actor=actor,
        reason=reason,
        at=at,
        action=Action.STOP,
        expected_version=expected_version,
    )


def _end_on_request(
    dossier: Dossier,
    *,
    actor: User,
    reason: str,
    at: dt.datetime | None,
    action: str,
    expected_version: int | None,
) -> Dossier:
    at = instant(at)
    dossier = lock(dossier, expected_version, actor)
    check_transition(action, dossier.status)
    if _applicant_side(actor, dossier):
        if action != Action.WITHDRAW:
            raise PermissionDenied(_("Người nộp chỉ có thể rút hồ sơ."))
        title, agency = "", None
    else:
        membership = (
            require_role(actor, dossier.receiving_agency, Role.RECEPTION, *SUPERIOR_ROLES)
            if roles_in(actor, dossier.receiving_agency)
            else require_role(actor, dossier.competent_agency, *SUPERIOR_ROLES)
        )
        title, agency = membership.title, membership.agency
    if not reason.strip():
        raise InvalidInput(_("Cần ghi rõ lý do."))
    cancel_open_tasks(dossier, actor=actor, at=at)
    if dossier.received_at is not None:
        end_dossier(dossier, at)
    else:
        dossier.ended_at = at
    record(dossier, actor=actor, action=action, at=at, agency=agency, title=title, reason=reason)
    return dossier
