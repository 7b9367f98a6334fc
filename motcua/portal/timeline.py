"""A dossier's history in plain words, for the applicant and for anyone holding its code.

The engine's ``DossierEvent`` rows are written for officials and the national portal
(who, title, unit, action, status). A citizen needs something else: what happened,
when, and at which agency — never which official did it. The officials' names and
titles stay in the back office (their work is the agency's, Decree 118/2025 Art. 8);
here every sentence names an agency or a role-neutral unit ("Bộ phận một cửa …").

``plain_timeline`` is used by the anonymous status lookup (``full=False``) and the
citizen's own dossier page (``full=True``), through ``portal/_timeline.html``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.models import (
    Delivery,
    Dossier,
    DossierEvent,
    IntakeChannel,
    Task,
    TaskOutcome,
)
from motcua.dossiers.statuses import Action, Status
from motcua.org.models import Agency, AgencyKind

# Reasons written *to the applicant* (the slips and notices of Decree 118/2025
# Art. 17–21 carry them). Reasons of the other actions — an officer's opinion when
# forwarding, why a step was sent back, what one agency asks another — are internal
# working notes and are never shown, not even to the applicant.
_REASONS_FOR_THE_APPLICANT = frozenset(
    {
        Action.REQUEST_COMPLETION,
        Action.REFUSE_AT_INTAKE,
        Action.REQUEST_SUPPLEMENT,
        Action.CLOSE_UNANSWERED,
        Action.EXTEND,
        Action.REFUSE,
        Action.WITHDRAW,
        Action.STOP,
        Action.CORRECT_RESULT,
    }
)


def vietnamese_datetime(value: dt.datetime | None) -> str:
    """ "08:00 02/03/2026" in the province's time zone; empty for None."""
    if value is None:
        return ""
    return f"{timezone.localtime(value):%H:%M %d/%m/%Y}"


def vietnamese_date(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return f"{timezone.localtime(value):%d/%m/%Y}"


@dataclass(frozen=True)
class Entry:
    """One line of the timeline. ``notes`` may be shown to anyone holding the code;
    ``reason`` and ``missing`` only to the applicant (empty unless ``full``)."""

    at: dt.datetime
    text: str
    agency: str = ""
    notes: tuple[str, ...] = ()
    reason: str = ""
    missing: str = ""

    @property
    def when(self) -> str:
        return vietnamese_datetime(self.at)


@dataclass(frozen=True)
class CurrentStep:
    name: str
    agency: str
    due_at: dt.datetime | None = None


def one_stop(agency: Agency | None) -> str:
    """The unit a citizen deals with at ``agency``: a public-administration centre is
    itself the one-stop unit; elsewhere it is the agency's one-stop section
    (Decree 118/2025 Art. 7)."""
    if agency is None:
        return ""
    if agency.kind in AgencyKind.one_stop_kinds():
        return agency.name
    return _("Bộ phận một cửa %(agency)s") % {"agency": agency.name}


def plain_status(dossier: Dossier) -> str:
    """The dossier's status as a citizen would say it."""
    status = dossier.status
    if status in ("", Status.SUBMITTED):
        if dossier.completion_requested_at is not None:
            return _("Cần bổ sung, hoàn thiện hồ sơ trước khi được tiếp nhận")
        return _("Đã nộp, đang chờ tiếp nhận")
    wording: dict[str, str] = {
        Status.RECEIVED: _("Đã tiếp nhận, đang chờ xử lý"),
        Status.NOT_RECEIVED: _("Hồ sơ không được tiếp nhận"),
        Status.IN_PROGRESS: _("Đang giải quyết"),
        Status.AWAITING_SUPPLEMENT: _("Đang chờ người nộp bổ sung giấy tờ"),
        Status.AWAITING_PAYMENT: _("Đang chờ người nộp nộp phí, lệ phí hoặc thuế"),
        Status.WITHDRAWN: _("Đã rút hồ sơ theo đề nghị của người nộp"),
        Status.STOPPED: _("Đã dừng giải quyết"),
        Status.PROCESSED: _("Đã có kết quả, chờ trả"),
        Status.RETURNED: _("Đã trả kết quả"),
        Status.CLOSED: _("Đã đóng do không nhận được giấy tờ bổ sung đúng hạn"),
    }
    return wording.get(status) or str(Status(status).label)


def dossier_tasks(dossier: Dossier) -> list[Task]:
    """The dossier's steps, open and finished, oldest first, with their step and agency:
    what ``current_step`` and ``plain_timeline`` read, loaded once for both."""
    return list(dossier.tasks.select_related("step", "agency").order_by("started_at", "pk"))


def current_step(dossier: Dossier, tasks: Sequence[Task] | None = None) -> CurrentStep | None:
    """The open step (steps, when they run in parallel) and the agency holding it;
    None when no step is open (before reception, after the end). ``tasks``: the
    dossier's tasks from ``dossier_tasks``, when already loaded."""
    if tasks is None:
        tasks = dossier_tasks(dossier)
    open_tasks = [task for task in tasks if task.finished_at is None]
    if not open_tasks:
        return None
    names = list(dict.fromkeys(task.step.name for task in open_tasks))
    agencies = list(dict.fromkeys(task.agency.name for task in open_tasks))
    return CurrentStep(
        name="; ".join(names),
        agency=", ".join(agencies),
        due_at=min(task.due_at for task in open_tasks),
    )


@dataclass
class _Context:
    """What the wording needs besides the event: the dossier and its steps."""

    dossier: Dossier
    tasks: Sequence[Task]
    full: bool
    notes: list[str] = field(default_factory=list)

    def started_at(self, at: dt.datetime | None, names: Sequence[str] = ()) -> list[Task]:
        """Steps started at ``at`` (named ``names`` when given); the reception step,
        opened and closed in the same instant, is not a move."""
        return [
            task
            for task in self.tasks
            if task.started_at == at
            and task.outcome != TaskOutcome.RECEIVED
            and (not names or task.step.name in names)
        ]


def _agency_name(event: DossierEvent) -> str:
    return event.actor_agency.name if event.actor_agency else ""


def _sentence_case(name: str) -> str:
    """A step name inside a sentence: "Thẩm định, xử lý hồ sơ" → "thẩm định, xử lý hồ
    sơ"; an abbreviation ("UBND …") keeps its capitals."""
    if len(name) > 1 and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def _moved_to(ctx: _Context, tasks: Sequence[Task], from_agency: str) -> str:
    """ "Chuyển đến Sở Y để thẩm định, xử lý hồ sơ" when the next steps are at another
    agency, else "Chuyển bước tiếp theo: <step>"."""
    if not tasks:
        return ""
    names = list(dict.fromkeys(task.step.name for task in tasks))
    agencies = list(dict.fromkeys(task.agency.name for task in tasks))
    if agencies != [from_agency]:
        return _("Chuyển đến %(agency)s để %(step)s") % {
            "agency": ", ".join(agencies),
            "step": "; ".join(_sentence_case(name) for name in names),
        }
    return _("Chuyển bước tiếp theo: %(step)s") % {"step": "; ".join(names)}


def _submit(event: DossierEvent, ctx: _Context) -> tuple[str, str]:
    channel = event.changes.get("channel", ctx.dossier.channel)
    receiving = one_stop(ctx.dossier.receiving_agency)
    if channel == IntakeChannel.ONLINE:
        return _("Đã nộp hồ sơ trực tuyến"), receiving
    if channel == IntakeChannel.API:
        return _("Hồ sơ được gửi đến từ hệ thống khác"), receiving
    if channel == IntakeChannel.POST:
        return _("Hồ sơ được gửi qua dịch vụ bưu chính"), receiving
    return _("Đã nộp hồ sơ trực tiếp"), receiving


def _receive(event: DossierEvent, ctx: _Context) -> tuple[str, str]:
    unit = one_stop(event.actor_agency)
    due = _parse(event.changes.get("due_at"))
    if due is not None:
        ctx.notes.append(_("Hẹn trả kết quả: %(when)s") % {"when": vietnamese_datetime(due)})
    clock_start = _parse(event.changes.get("clock_started_at")) or event.at
    moved = _moved_to(ctx, ctx.started_at(clock_start), _agency_name(event))
    if moved:
        ctx.notes.append(moved)
    return _("%(unit)s đã tiếp nhận hồ sơ") % {"unit": unit}, _agency_name(event)


def _forward(event: DossierEvent, ctx: _Context) -> tuple[str, str]:
    next_steps = ctx.started_at(event.at, event.changes.get("next") or ())
    moved = _moved_to(ctx, next_steps, _agency_name(event))
    if moved:
        return moved, ", ".join(dict.fromkeys(task.agency.name for task in next_steps))
    # One of several parallel steps finished; the next starts when all are done.
    return _("Hoàn thành bước: %(step)s") % {"step": event.step_name}, _agency_name(event)


def _send_back(event: DossierEvent, ctx: _Context) -> tuple[str, str]:
    step = event.changes.get("to_step") or ""
    return _("Hồ sơ được chuyển lại bước “%(step)s” để xem xét lại") % {"step": step}, _agency_name(
        event
    )


def _hand_over(event: DossierEvent, ctx: _Context) -> tuple[str, str]:
    to_agency = str(event.changes.get("to_agency") or "")
    return _("Chuyển đến %(agency)s để phối hợp giải quyết") % {"agency": to_agency}, to_agency


def _supplement_requested(event: DossierEvent, ctx: _Context) -> tuple[str, str]:
    if ctx.full:
        close_after = _parse(event.changes.get("close_after"))
        if close_after is not None:
            ctx.notes.append(
                _("Nếu không bổ sung đủ trước %(when)s, hồ sơ sẽ bị đóng.")
                % {"when": vietnamese_datetime(close_after)}
            )
    return _("Cơ quan yêu cầu bổ sung hồ sơ"), _agency_name(event)


def _new_due_note(ctx: _Context, value: object) -> None:
    due = _parse(value)
    if due is not None:
        ctx.notes.append(_("Hẹn trả kết quả mới: %(when)s") % {"when": vietnamese_datetime(due)})


def _supplement_recorded(event: DossierEvent, ctx: _Context) -> tuple[str, str]:
    _new_due_note(ctx, event.changes.get("due_at"))
    if event.actor_agency is None:
        return _("Người nộp đã gửi giấy tờ bổ sung trực tuyến"), one_stop(
            ctx.dossier.receiving_agency
        )
    return _("Đã nhận giấy tờ bổ sung"), _agency_name(event)


def _extend(event: DossierEvent, ctx: _Context) -> tuple[str, str]:
    _new_due_note(ctx, event.changes.get("new_due"))
    return _("Cơ quan xin lỗi và hẹn lại ngày trả kết quả"), _agency_name(event)


def _return(event: DossierEvent, ctx: _Context) -> tuple[str, str]:
    delivery = event.changes.get("delivery") or ctx.dossier.delivery
    if delivery in Delivery.values:
        ctx.notes.append(str(Delivery(delivery).label))
    return _("Đã trả kết quả"), one_stop(event.actor_agency)


def _fixed(text: str, unit: bool = False) -> Callable[[DossierEvent, _Context], tuple[str, str]]:
    def wording(event: DossierEvent, ctx: _Context) -> tuple[str, str]:
        return text, one_stop(event.actor_agency) if unit else _agency_name(event)

    return wording


def _parse(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def _wordings() -> dict[str, Callable[[DossierEvent, _Context], tuple[str, str]]]:
    # Built per call: the sentences are translated in the request's language.
    return {
        Action.SUBMIT: _submit,
        Action.REQUEST_COMPLETION: _fixed(
            _("Hướng dẫn bổ sung, hoàn thiện hồ sơ trước khi tiếp nhận"), unit=True
        ),
        Action.RECEIVE: _receive,
        Action.REFUSE_AT_INTAKE: _fixed(_("Từ chối tiếp nhận hồ sơ"), unit=True),
        Action.ASSIGN: _fixed(_("Đã phân công cán bộ xử lý")),
        Action.FORWARD: _forward,
        Action.SEND_BACK: _send_back,
        Action.HAND_OVER: _hand_over,
        Action.REQUEST_SUPPLEMENT: _supplement_requested,
        Action.RECORD_SUPPLEMENT: _supplement_recorded,
        Action.CLOSE_UNANSWERED: _fixed(
            _("Hồ sơ bị đóng do không nhận được giấy tờ bổ sung đúng hạn"), unit=True
        ),
        Action.REQUEST_PAYMENT: _fixed(_("Cơ quan thông báo khoản phí, lệ phí hoặc thuế phải nộp")),
        Action.RECORD_PAYMENT: _fixed(_("Đã ghi nhận việc nộp phí, lệ phí")),
        Action.EXTEND: _extend,
        Action.REFUSE: _fixed(_("Cơ quan từ chối giải quyết; văn bản trả lời chờ trả")),
        Action.APPROVE_RESULT: _fixed(_("Đã có kết quả, chờ trả")),
        Action.RETURN_RESULT: _return,
        Action.WITHDRAW: _fixed(_("Hồ sơ đã được rút theo đề nghị của người nộp")),
        Action.STOP: _fixed(_("Dừng giải quyết hồ sơ")),
        Action.CORRECT_RESULT: _fixed(_("Cơ quan đính chính kết quả")),
    }


def plain_timeline(
    dossier: Dossier, *, full: bool, tasks: Sequence[Task] | None = None
) -> list[Entry]:
    """The dossier's events, oldest first, in plain words. Reminders are left out
    (they are internal). With ``full`` (the applicant, identified), entries also carry
    the reason addressed to the applicant and what is missing; without it, neither.
    No entry ever names an official. Two queries whatever the history's length, one
    when ``tasks`` (from ``dossier_tasks``) are given."""
    events = list(
        DossierEvent.objects.filter(dossier=dossier)
        .exclude(action=Action.REMIND)
        .select_related("actor_agency")
        .order_by("seq")
    )
    if tasks is None:
        tasks = dossier_tasks(dossier)
    wordings = _wordings()
    entries = []
    for event in events:
        wording = wordings.get(event.action)
        if wording is None:
            continue
        ctx = _Context(dossier=dossier, tasks=tasks, full=full)
        text, agency = wording(event, ctx)
        reason = missing = ""
        if full:
            if event.action in _REASONS_FOR_THE_APPLICANT:
                reason = event.reason
            missing = str(event.changes.get("missing") or "")
        entries.append(
            Entry(
                at=event.at,
                text=text,
                agency=agency,
                notes=tuple(ctx.notes),
                reason=reason,
                missing=missing,
            )
        )
    return entries
