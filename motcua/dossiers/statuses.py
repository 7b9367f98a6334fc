"""The dossier's statuses, the allowed transitions, and the national status codes.

This module is the only place that says which status may follow which. Every
action asks ``check_transition`` before it writes anything; a forbidden move raises
``TransitionError`` with a sentence an official can read.

National codes (TrangThaiHoSo, legal-rules §3.15) are what the national portal
synchronises: 1 submitted online … 10 result returned. The code of a dossier closed
because a requested supplement never came is not fixed by law (legal-rules §3.16,
UNVERIFIED), so it is a setting (``MOTCUA_CLOSED_NATIONAL_CODE``, default 8 —
processing stopped).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.errors import TransitionError


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Mới đăng ký, chờ tiếp nhận")
    RECEIVED = "received", _("Đã tiếp nhận")
    NOT_RECEIVED = "not_received", _("Không được tiếp nhận")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("Chờ bổ sung hồ sơ")
    AWAITING_PAYMENT = "awaiting_payment", _("Chờ thực hiện nghĩa vụ tài chính")
    WITHDRAWN = "withdrawn", _("Công dân rút hồ sơ")
    STOPPED = "stopped", _("Dừng xử lý")
    PROCESSED = "processed", _("Đã xử lý xong, chờ trả kết quả")
    RETURNED = "returned", _("Đã trả kết quả")
    CLOSED = "closed", _("Đã đóng (không bổ sung đúng hạn)")


NATIONAL_CODES: dict[str, int] = {
    Status.SUBMITTED: 1,
    Status.RECEIVED: 2,
    Status.NOT_RECEIVED: 3,
    Status.IN_PROGRESS: 4,
    Status.AWAITING_SUPPLEMENT: 5,
    Status.AWAITING_PAYMENT: 6,
    Status.WITHDRAWN: 7,
    Status.STOPPED: 8,
    Status.PROCESSED: 9,
    Status.RETURNED: 10,
}


def national_code(status: str) -> int:
    if status == Status.CLOSED:
        return int(getattr(settings, "MOTCUA_CLOSED_NATIONAL_CODE", 8))
    return NATIONAL_CODES[status]


# Statuses in which the applicant's dossier is still being worked on.
OPEN = frozenset(
    {
        Status.RECEIVED,
        Status.IN_PROGRESS,
        Status.AWAITING_SUPPLEMENT,
        Status.AWAITING_PAYMENT,
    }
)
# The dossier's handling has ended (deadlines.md §7: "end" = first of these).
ENDED = frozenset(
    {
        Status.NOT_RECEIVED,
        Status.WITHDRAWN,
        Status.STOPPED,
        Status.PROCESSED,
        Status.RETURNED,
        Status.CLOSED,
    }
)
# Before the decision: the applicant may still withdraw (Decree 118/2025 Art. 21).
BEFORE_DECISION = frozenset({Status.SUBMITTED, *OPEN})


class Action(models.TextChoices):
    SUBMIT = "submit", _("Nộp hồ sơ")
    REQUEST_COMPLETION = "request_completion", _("Hướng dẫn bổ sung, hoàn thiện khi tiếp nhận")
    RECEIVE = "receive", _("Tiếp nhận hồ sơ")
    REFUSE_AT_INTAKE = "refuse_at_intake", _("Từ chối tiếp nhận")
    ASSIGN = "assign", _("Phân công xử lý")
    FORWARD = "forward", _("Chuyển bước tiếp theo")
    SEND_BACK = "send_back", _("Trả lại bước trước")
    HAND_OVER = "hand_over", _("Chuyển cơ quan khác xử lý")
    REQUEST_SUPPLEMENT = "request_supplement", _("Yêu cầu bổ sung hồ sơ")
    RECORD_SUPPLEMENT = "record_supplement", _("Nhận hồ sơ bổ sung")
    CLOSE_UNANSWERED = "close_unanswered", _("Đóng hồ sơ do không bổ sung")
    REQUEST_PAYMENT = "request_payment", _("Yêu cầu thực hiện nghĩa vụ tài chính")
    RECORD_PAYMENT = "record_payment", _("Ghi nhận đã nộp phí, lệ phí")
    EXTEND = "extend", _("Gia hạn, xin lỗi")
    REFUSE = "refuse", _("Từ chối giải quyết")
    APPROVE_RESULT = "approve_result", _("Phê duyệt kết quả")
    RETURN_RESULT = "return_result", _("Trả kết quả")
    WITHDRAW = "withdraw", _("Rút hồ sơ theo yêu cầu")
    STOP = "stop", _("Dừng xử lý")
    CORRECT_RESULT = "correct_result", _("Đính chính kết quả")
    REMIND = "remind", _("Nhắc việc")


# action → the statuses it may start from → the status it leads to (None: unchanged).
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    # A new dossier has no status yet ("").
    Action.SUBMIT: (frozenset({""}), Status.SUBMITTED),
    Action.REQUEST_COMPLETION: (frozenset({Status.SUBMITTED}), None),
    Action.RECEIVE: (frozenset({Status.SUBMITTED}), Status.RECEIVED),
    Action.REFUSE_AT_INTAKE: (frozenset({Status.SUBMITTED}), Status.NOT_RECEIVED),
    Action.ASSIGN: (frozenset({Status.RECEIVED, Status.IN_PROGRESS}), Status.IN_PROGRESS),
    Action.FORWARD: (frozenset({Status.RECEIVED, Status.IN_PROGRESS}), Status.IN_PROGRESS),
    Action.SEND_BACK: (frozenset({Status.RECEIVED, Status.IN_PROGRESS}), Status.IN_PROGRESS),
    Action.HAND_OVER: (frozenset({Status.RECEIVED, Status.IN_PROGRESS}), Status.IN_PROGRESS),
    Action.REQUEST_SUPPLEMENT: (
        frozenset({Status.RECEIVED, Status.IN_PROGRESS}),
        Status.AWAITING_SUPPLEMENT,
    ),
    Action.RECORD_SUPPLEMENT: (frozenset({Status.AWAITING_SUPPLEMENT}), Status.IN_PROGRESS),
    Action.CLOSE_UNANSWERED: (frozenset({Status.AWAITING_SUPPLEMENT}), Status.CLOSED),
    Action.REQUEST_PAYMENT: (
        frozenset({Status.RECEIVED, Status.IN_PROGRESS}),
        Status.AWAITING_PAYMENT,
    ),
    Action.RECORD_PAYMENT: (frozenset({Status.AWAITING_PAYMENT}), Status.IN_PROGRESS),
    Action.EXTEND: (
        frozenset({Status.RECEIVED, Status.IN_PROGRESS, Status.AWAITING_PAYMENT}),
        None,
    ),
    Action.REFUSE: (frozenset({Status.RECEIVED, Status.IN_PROGRESS}), Status.PROCESSED),
    Action.APPROVE_RESULT: (frozenset({Status.IN_PROGRESS}), Status.PROCESSED),
    Action.RETURN_RESULT: (frozenset({Status.PROCESSED}), Status.RETURNED),
    Action.WITHDRAW: (BEFORE_DECISION, Status.WITHDRAWN),
    Action.STOP: (BEFORE_DECISION, Status.STOPPED),
    Action.CORRECT_RESULT: (frozenset({Status.PROCESSED, Status.RETURNED}), None),
    Action.REMIND: (frozenset({Status.SUBMITTED, *OPEN}), None),
}


def check_transition(action: str, current: str) -> str:
    """The status ``action`` leads to from ``current``; raise TransitionError if not allowed."""
    allowed_from, target = TRANSITIONS[action]
    if current not in allowed_from:
        raise TransitionError(
            _("Không thể “%(action)s” khi hồ sơ đang ở trạng thái “%(status)s”.")
            % {"action": Action(action).label, "status": Status(current).label}
        )
    return current if target is None else target
