"""Confirming (and revoking) the unit of a catalogue time limit that has none.

One function per use case, used by the admin page and by anything else that needs it:
``confirm_limit`` and ``revoke_confirmation``. Each takes ``actor=`` and ``at=``,
checks that the actor may do it (``may_confirm_limits``) and the input
(``check_limit``), and raises ``ConfirmationError`` with a Vietnamese message,
having written nothing, when it may not.

A confirmation applies to deadlines computed afterwards: a dossier received earlier
keeps the limit it was received under (``ChannelRule.limit_at``, deadlines.md §1).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog.models import ChannelRule, LimitConfirmation
from motcua.org.models import Membership, Role
from motcua.workdays.limits import LimitUnit, TimeLimit

# Above these a confirmed limit is a typing error, not a law. The national catalogue's
# largest limits are 250 working days, 300 days, 12 months and 28 hours; the caps leave
# room above them and keep every due instant within the calendar's years.
MAX_VALUE = {
    LimitUnit.HOURS: Decimal(240),
    LimitUnit.WORKING_DAYS: Decimal(365),
    LimitUnit.CALENDAR_DAYS: Decimal(730),
    LimitUnit.MONTHS: Decimal(36),
    LimitUnit.SAME_DAY: Decimal(1),
}


class ConfirmationError(ValueError):
    """Input or state that does not allow the change; ``field`` names the form field
    the message belongs to (None: the whole form)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def may_confirm_limits(user: Any) -> bool:
    """Superusers, and users who administer the system for an agency (role
    ``quan_tri``): the unit of a limit is a province-wide setting, so the role in any
    active agency counts. Remembered on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached: bool | None = getattr(user, "_may_confirm_limits", None)
    if cached is None:
        cached = Membership.objects.filter(
            user=user, role=Role.ADMINISTRATOR, is_active=True, agency__is_active=True
        ).exists()
        user._may_confirm_limits = cached
    return cached


def limit_errors(value: Decimal | None, unit: str | None) -> list[ConfirmationError]:
    """Everything wrong with a limit an administrator typed (empty when it is fine):
    a unit from the list, a number above 0, at most 2 decimals, not absurd."""
    errors: list[ConfirmationError] = []
    parsed: LimitUnit | None = None
    if not unit:
        errors.append(ConfirmationError(_("Chọn đơn vị của thời hạn."), "unit"))
    elif unit not in {u.value for u in MAX_VALUE}:
        errors.append(
            ConfirmationError(
                _("Đơn vị «%(unit)s» không dùng được; chọn một đơn vị trong danh sách.")
                % {"unit": unit},
                "unit",
            )
        )
    else:
        parsed = LimitUnit(unit)
    if value is None:
        errors.append(ConfirmationError(_("Nhập thời hạn."), "value"))
    elif not value.is_finite() or value <= 0:
        errors.append(ConfirmationError(_("Thời hạn phải là một số lớn hơn 0."), "value"))
    elif parsed is LimitUnit.SAME_DAY and value != 1:
        errors.append(ConfirmationError(_("Với đơn vị «trong ngày», thời hạn ghi là 1."), "value"))
    elif value > MAX_VALUE[capped := parsed or LimitUnit.CALENDAR_DAYS]:
        # Without a unit yet, against the loosest cap (calendar days).
        errors.append(
            ConfirmationError(
                _("Thời hạn %(value)s %(unit)s không hợp lý: tối đa %(max)s %(unit)s.")
                % {
                    "value": _number(value),
                    "unit": capped.label,
                    "max": _number(MAX_VALUE[capped]),
                },
                "value",
            )
        )
    elif value != value.quantize(Decimal("0.01")):
        errors.append(ConfirmationError(_("Thời hạn có nhiều nhất 2 chữ số thập phân."), "value"))
    return errors


def check_limit(value: Decimal | None, unit: str | None) -> TimeLimit:
    """The limit an administrator typed, or the first ``ConfirmationError`` about it."""
    errors = limit_errors(value, unit)
    if errors:
        raise errors[0]
    assert value is not None and unit is not None
    return TimeLimit(value, LimitUnit(unit))


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


def _require(actor: User) -> None:
    if not may_confirm_limits(actor):
        raise PermissionDenied(
            _("Chỉ quản trị hệ thống mới được xác nhận hoặc thu hồi đơn vị thời hạn.")
        )


def confirm_limit(
    rule: ChannelRule,
    *,
    value: Decimal | None,
    unit: str | None,
    note: str,
    actor: User,
    at: dt.datetime,
) -> LimitConfirmation:
    """Record that ``rule``'s bare number means ``value`` ``unit``, for its procedure
    and channel as long as the national catalogue keeps that number. Dossiers
    received from ``at`` on get their due instant from it."""
    _require(actor)
    if not rule.unit_unknown or rule.limit_value is None:
        raise ConfirmationError(
            _("Thời hạn này đã có đơn vị trong danh mục quốc gia; không cần xác nhận.")
        )
    limit = check_limit(value, unit)
    if not note.strip():
        raise ConfirmationError(
            _("Ghi căn cứ đã kiểm tra (văn bản, điều khoản) để người sau đối chiếu được."),
            "note",
        )
    procedure_id = rule.version.procedure_id
    already = _(
        "Thời hạn này đã được xác nhận; thu hồi xác nhận đang áp dụng trước khi xác nhận lại."
    )
    if (
        LimitConfirmation.objects.active()
        .filter(procedure_id=procedure_id, channel=rule.channel, national_value=rule.limit_value)
        .exists()
    ):
        raise ConfirmationError(already)
    try:
        with transaction.atomic():
            confirmation = LimitConfirmation.objects.create(
                procedure_id=procedure_id,
                channel=rule.channel,
                national_value=rule.limit_value,
                value=limit.value,
                unit=limit.unit.value,
                note=note.strip(),
                confirmed_by=actor,
                confirmed_at=at,
            )
    except IntegrityError:  # another administrator confirmed it a moment ago
        raise ConfirmationError(already) from None
    rule._confirmations = None  # this instance reads them again
    return confirmation


def revoke_confirmation(
    confirmation: LimitConfirmation, *, actor: User, at: dt.datetime
) -> LimitConfirmation:
    """Stop applying ``confirmation`` to deadlines computed from ``at`` on; the row
    stays, for the dossiers received while it was in force."""
    _require(actor)
    if at < confirmation.confirmed_at:
        raise ConfirmationError(_("Không thu hồi được một xác nhận trước lúc nó được lập."))
    from motcua.dossiers import refcache

    # Conditional update: of two administrators revoking at once, one wins. ``update``
    # sends no signal: the receptions' memory of confirmations is told in the same
    # transaction.
    with transaction.atomic():
        done = LimitConfirmation.objects.filter(pk=confirmation.pk, revoked_at__isnull=True).update(
            revoked_at=at, revoked_by=actor
        )
        if done:
            refcache.bump()
    if not done:
        raise ConfirmationError(_("Xác nhận này đã được thu hồi trước đó."))
    confirmation.revoked_at, confirmation.revoked_by = at, actor
    return confirmation
