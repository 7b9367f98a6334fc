"""The province's confirmation of a time limit the national catalogue gives without a unit.

The national portal shows 861 channel times as a bare number ("1", "15"): its unit is
``khac_khong_ro`` and deadlines.md §4 counts them as working days until an
administrator confirms the unit. A ``LimitConfirmation`` records that answer.

It is keyed on what the national data says, not on a version: (procedure, channel,
national number). A re-import that adds a version with the same number keeps the
confirmation; one that changes the number no longer matches it, and the channel row
is listed as unconfirmed again. Rows are never deleted: revoking sets ``revoked_at``,
so the limit a dossier was received under can always be found again
(``ChannelRule.limit_at``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from motcua.catalog.choices import Channel
from motcua.catalog.models.procedures import ChannelRule, Procedure
from motcua.workdays.limits import LimitUnit, TimeLimit

# The units an administrator can confirm: every unit but "unknown".
CONFIRMABLE_UNIT_CHOICES = [
    (unit.value, unit.lazy_label) for unit in LimitUnit if unit is not LimitUnit.UNKNOWN
]


class LimitConfirmationQuerySet(models.QuerySet["LimitConfirmation"]):
    def active(self) -> LimitConfirmationQuerySet:
        """Confirmations not revoked: the ones deadlines computed now follow."""
        return self.filter(revoked_at__isnull=True)


class LimitConfirmation(models.Model):
    """An administrator's answer to "15 — 15 what?" for one procedure and channel."""

    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("thủ tục"),
        on_delete=models.CASCADE,
        related_name="limit_confirmations",
    )
    channel = models.CharField(_("hình thức nộp"), max_length=20, choices=Channel.choices)
    national_value = models.DecimalField(
        _("thời hạn theo danh mục quốc gia (không ghi đơn vị)"), max_digits=10, decimal_places=2
    )
    value = models.DecimalField(_("thời hạn xác nhận"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("đơn vị xác nhận"), max_length=20, choices=CONFIRMABLE_UNIT_CHOICES)
    note = models.TextField(_("căn cứ xác nhận"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xác nhận"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("xác nhận lúc"))
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thu hồi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    objects = LimitConfirmationQuerySet.as_manager()

    class Meta:
        verbose_name = _("xác nhận đơn vị thời hạn")
        verbose_name_plural = _("xác nhận đơn vị thời hạn")
        ordering = ["procedure", "channel", "-confirmed_at"]
        constraints = [
            # One answer in force per question; revoked ones stay as history.
            models.UniqueConstraint(
                fields=["procedure", "channel", "national_value"],
                condition=models.Q(revoked_at__isnull=True),
                name="limit_confirmation_one_active",
            ),
            models.CheckConstraint(condition=models.Q(value__gt=0), name="limit_confirmation_gt0"),
            models.CheckConstraint(
                condition=models.Q(unit__in=[value for value, _label in CONFIRMABLE_UNIT_CHOICES]),
                name="limit_confirmation_known_unit",
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | models.Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="limit_confirmation_revoked_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} — {self.get_channel_display()}: {self.time_limit}"

    @property
    def time_limit(self) -> TimeLimit:
        return TimeLimit(Decimal(self.value), LimitUnit(self.unit))

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def in_force_at(self, at: dt.datetime) -> bool:
        """Confirmed at or before ``at`` and not revoked by then."""
        return self.confirmed_at <= at and (self.revoked_at is None or at < self.revoked_at)


class UnconfirmedLimit(ChannelRule):
    """The administrators' worklist: channel rows whose time has no unit (no table of
    its own; the admin lists ``ChannelRule.objects.awaiting_confirmation()``)."""

    class Meta:
        proxy = True
        verbose_name = _("thời hạn chưa rõ đơn vị")
        verbose_name_plural = _("thủ tục có đơn vị thời hạn chưa rõ")


def prefetch_confirmations(rules: Iterable[ChannelRule]) -> None:
    """Load the confirmations of many channel rows in one query, so that reading
    ``limit_at()`` or ``limit_in_force`` on each costs none (no N+1 in lists). Rows whose
    unit is known need no confirmation and are left alone."""
    unknown = [rule for rule in rules if rule.unit_unknown]
    if not unknown:
        return
    found: defaultdict[tuple[int, str, Decimal], list[LimitConfirmation]] = defaultdict(list)
    rows = (
        LimitConfirmation.objects.filter(procedure__versions__in={r.version_id for r in unknown})
        .annotate(via_version=F("procedure__versions__id"))
        .order_by("confirmed_at", "pk")
    )
    for row in rows:
        found[(row.via_version, row.channel, Decimal(row.national_value))].append(row)
    for rule in unknown:
        key = (rule.version_id, rule.channel, Decimal(rule.limit_value or 0))
        rule._confirmations = found.get(key, [])


ConfirmationKey = tuple[int, str, Decimal]


def confirmations_by_limit() -> dict[ConfirmationKey, list[LimitConfirmation]]:
    """Every confirmation (revoked ones too), by (procedure, channel, national number),
    each list in ``ChannelRule.confirmations`` order: for a process that remembers
    them (``dossiers.refcache``). One query."""
    found: dict[ConfirmationKey, list[LimitConfirmation]] = {}
    for confirmation in LimitConfirmation.objects.order_by("confirmed_at", "pk"):
        key = (confirmation.procedure_id, confirmation.channel, confirmation.national_value)
        found.setdefault(key, []).append(confirmation)
    return found
