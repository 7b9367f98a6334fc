"""The national procedure catalogue, versioned, and how this province runs it.

A ``Procedure`` is the stable identity (national code). Its content lives in
``ProcedureVersion`` rows, which are never edited: when the national record changes,
the importer adds version n+1 with its own channel rows, document list and results,
and moves ``Procedure.current_version``. Dossiers will point at the version and the
channel row they follow, so what was promised to an applicant never changes under
them (open-zaak style: versioned by adding rows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from motcua.catalog.choices import LIMIT_UNIT_CHOICES, Channel, Level
from motcua.workdays.limits import LimitUnit, TimeLimit

if TYPE_CHECKING:
    from motcua.catalog.models.confirmations import ConfirmationKey, LimitConfirmation

_M = TypeVar("_M", bound=models.Model)


class ImmutableRowError(RuntimeError):
    """Raised on an attempt to change a catalogue row that belongs to a version."""


class ImmutableQuerySet(models.QuerySet[_M]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableRowError(f"{self.model.__name__} rows are never updated.")


class VersionedRow(models.Model):
    """Base of every row that belongs to a ``ProcedureVersion``: insert-only.

    ``save()`` on a row that already exists and ``QuerySet.update()`` both raise
    ``ImmutableRowError``. A changed national record is imported as a new version.
    """

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRowError(
                f"{type(self).__name__} {self.pk} belongs to a published version and cannot change."
            )
        super().save(*args, **kwargs)


class Field(models.Model):
    """Lĩnh vực: the subject area a procedure belongs to ("Hộ tịch", "Đất đai")."""

    name = models.CharField(_("tên lĩnh vực"), max_length=255, unique=True)
    slug = models.SlugField(_("mã lĩnh vực"), max_length=255, unique=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProcedureQuerySet(models.QuerySet["Procedure"]):
    def at_level(self, level: str) -> ProcedureQuerySet:
        """Procedures carried out at ``level`` (a ``Level`` value)."""
        return self.filter(level_codes__contains=f",{level},")

    def in_field(self, slug: str) -> ProcedureQuerySet:
        return self.filter(field__slug=slug)

    def run_by(self, agency_id: int) -> ProcedureQuerySet:
        """Procedures the agency runs in this province (an active setting).

        A plain join: (procedure, agency) is unique, so no row is repeated.
        """
        return self.filter(agency_settings__agency_id=agency_id, agency_settings__is_active=True)

    def with_unknown_unit(self) -> ProcedureQuerySet:
        """Procedures whose current version has a channel time without a unit."""
        rules = ChannelRule.objects.filter(version=OuterRef("current_version"), unit_unknown=True)
        return self.filter(Exists(rules))


class Procedure(models.Model):
    """One national procedure (thủ tục hành chính), identified by its national code.

    Name, field, levels and the time-limit summary are copied from the current
    version so that listing and searching read one table.
    """

    code = models.CharField(_("mã thủ tục"), max_length=30, unique=True)
    name = models.TextField(_("tên thủ tục"))
    name_folded = models.TextField(_("tên không dấu"), editable=False)
    field = models.ForeignKey(
        Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="procedures"
    )
    # ",tinh,xa," — delimiters on both sides so that a portable LIKE finds one level.
    level_codes = models.CharField(_("cấp thực hiện"), max_length=40, editable=False)
    current_version = models.ForeignKey(
        "ProcedureVersion",
        verbose_name=_("phiên bản hiện hành"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Summary over the current version's channels: one limit when all agree.
    limit_value = models.DecimalField(
        _("thời hạn (tóm tắt)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    limit_unit = models.CharField(
        _("đơn vị thời hạn (tóm tắt)"), max_length=20, choices=LIMIT_UNIT_CHOICES, blank=True
    )
    limit_varies = models.BooleanField(_("thời hạn khác nhau theo hình thức"), default=False)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("catalog:detail", args=[self.code])

    @property
    def levels(self) -> list[Level]:
        return [Level(code) for code in self.level_codes.split(",") if code]

    @property
    def time_limit_summary(self) -> TimeLimit | None:
        """The one limit every channel shares; None if none is given or they differ."""
        if self.limit_value is None or not self.limit_unit:
            return None
        return TimeLimit(self.limit_value, LimitUnit(self.limit_unit))


class ProcedureVersion(VersionedRow):
    """The content of a procedure as one import found it. Never edited."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("phiên bản số"))
    content_hash = models.CharField(_("mã băm nội dung"), max_length=64, db_index=True)
    imported_at = models.DateTimeField(_("thời điểm nhập"))
    name = models.TextField(_("tên thủ tục"))
    field = models.ForeignKey(
        Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="versions"
    )
    levels = models.JSONField(_("cấp thực hiện"), default=list)
    levels_text = models.CharField(_("cấp thực hiện (nguyên văn)"), max_length=200, blank=True)
    procedure_type = models.CharField(_("loại thủ tục"), max_length=200, blank=True)
    publisher = models.CharField(_("cơ quan công bố"), max_length=200, blank=True)
    decision = models.CharField(_("quyết định công bố"), max_length=200, blank=True)
    implementing_agency = models.TextField(_("cơ quan thực hiện"), blank=True)
    competent_agency = models.TextField(_("cơ quan có thẩm quyền"), blank=True)
    delegated_agency = models.TextField(_("cơ quan được ủy quyền"), blank=True)
    coordinating_agency = models.TextField(_("cơ quan phối hợp"), blank=True)
    reception_address = models.TextField(_("địa chỉ tiếp nhận hồ sơ"), blank=True)
    applicants = models.JSONField(_("đối tượng thực hiện"), default=list)
    steps = models.TextField(_("trình tự thực hiện"), blank=True)
    conditions = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    # [{"name": …, "number": …, "chua_tach_duoc": bool}] — chua_tach_duoc marks an
    # item the source could not split into name and number (kept whole in "name").
    legal_bases = models.JSONField(_("căn cứ pháp lý"), default=list)
    related = models.TextField(_("thủ tục liên quan"), blank=True)
    source_url = models.URLField(_("trang nguồn"), max_length=500, blank=True)
    source_file = models.CharField(_("tệp nguồn"), max_length=300, blank=True)
    raw = models.JSONField(_("bản ghi gốc"))

    objects = ImmutableQuerySet["ProcedureVersion"].as_manager()

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure", "number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="version_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="version_number_gte1"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"

    @property
    def level_list(self) -> list[Level]:
        return [Level(code) for code in self.levels]


class ChannelRuleQuerySet(ImmutableQuerySet["ChannelRule"]):
    def current(self) -> ChannelRuleQuerySet:
        """Rows of the procedures' current versions; older ones are history."""
        return self.filter(version__procedure__current_version=F("version"))

    def awaiting_confirmation(self) -> ChannelRuleQuerySet:
        """Current rows whose time has no unit and no confirmation in force: the list
        an administrator works through."""
        from motcua.catalog.models.confirmations import LimitConfirmation

        confirmed = LimitConfirmation.objects.active().filter(
            procedure=OuterRef("version__procedure"),
            channel=OuterRef("channel"),
            national_value=OuterRef("limit_value"),
        )
        return self.current().filter(unit_unknown=True).exclude(Exists(confirmed))


class ChannelRule(VersionedRow):
    """One row of "cách thức thực hiện": a channel with its time limit and fee.

    A procedure may list the same channel several times (one row per case), so rows
    are ordered, not unique per channel. ``limit_value`` and ``limit_unit`` are both
    empty when the catalogue gives no time; a number without a unit is stored with
    ``khac_khong_ro`` and ``unit_unknown`` set, for an administrator to confirm
    (``LimitConfirmation``); ``limit_at()`` then gives the confirmed limit, while the
    row itself, and ``time_limit``, stay as imported.
    """

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("phiên bản"),
        on_delete=models.CASCADE,
        related_name="channels",
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    channel = models.CharField(_("hình thức nộp"), max_length=20, choices=Channel.choices)
    limit_value = models.DecimalField(
        _("thời hạn giải quyết"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    limit_unit = models.CharField(
        _("đơn vị thời hạn"), max_length=20, choices=LIMIT_UNIT_CHOICES, blank=True
    )
    unit_unknown = models.BooleanField(_("chưa rõ đơn vị"), default=False, db_index=True)
    fee_text = models.TextField(_("phí, lệ phí (nguyên văn)"), blank=True)
    fee_note = models.TextField(_("ghi chú phí, lệ phí"), blank=True)
    fee_amounts = models.JSONField(_("các khoản tiền (đồng)"), default=list)
    fee_vnd = models.PositiveBigIntegerField(_("mức phí (đồng)"), null=True, blank=True)
    is_free = models.BooleanField(_("miễn phí"), default=False)

    objects = ChannelRuleQuerySet.as_manager()

    # The confirmations of this row's (procedure, channel, number), oldest first: read
    # once per instance, like a related object (``prefetch_confirmations`` for lists).
    _confirmations: list[LimitConfirmation] | None = None

    class Meta:
        verbose_name = _("cách thức thực hiện")
        verbose_name_plural = _("cách thức thực hiện")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="channel_rule_order"),
            models.CheckConstraint(
                condition=models.Q(limit_value__isnull=True, limit_unit="")
                | (models.Q(limit_value__isnull=False) & ~models.Q(limit_unit="")),
                name="channel_rule_limit_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(unit_unknown=True, limit_unit=LimitUnit.UNKNOWN.value)
                | (models.Q(unit_unknown=False) & ~models.Q(limit_unit=LimitUnit.UNKNOWN.value)),
                name="channel_rule_unknown_flag",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.time_limit or '—'}"

    @property
    def time_limit(self) -> TimeLimit | None:
        """The limit as the national catalogue gives it (its unit may be unknown); no
        query. Deadlines use ``limit_at()``, which honours the province's confirmation."""
        if self.limit_value is None or not self.limit_unit:
            return None
        return TimeLimit(Decimal(self.limit_value), LimitUnit(self.limit_unit))

    @property
    def limit_in_force(self) -> TimeLimit | None:
        """The limit a dossier received now gets: ``limit_at(None)``."""
        return self.limit_at(None)

    def limit_at(self, at: dt.datetime | None) -> TimeLimit | None:
        """The limit for a dossier received at ``at``: a confirmation counts only for
        dossiers received after it was made and before it was revoked, so a dossier
        keeps the limit it was received under (deadlines already issued are not
        rewritten, deadlines.md §1). ``None``: now, i.e. the unrevoked confirmation.

        No query when the unit is known; otherwise one per instance, then cached.
        Without a confirmation in force an unknown unit stays unknown (counted as
        working days by ``workdays.deadlines``), never guessed here.
        """
        national = self.time_limit
        if national is None or national.unit_known:
            return national
        for confirmation in reversed(self.confirmations()):
            if at is None and confirmation.revoked_at is None:
                return confirmation.time_limit
            if at is not None and confirmation.in_force_at(at):
                return confirmation.time_limit
        return national

    def prime_confirmations(
        self, by_limit: Mapping[ConfirmationKey, list[LimitConfirmation]], procedure_id: int
    ) -> None:
        """Give this instance its confirmations, taken from ``confirmations_by_limit()``
        read earlier (``dossiers.refcache``), whatever it held before (an instance kept
        over a request may hold a revoked one). ``procedure_id``: its version's."""
        national = self.limit_value
        found = (
            by_limit.get((procedure_id, self.channel, national), []) if national is not None else []
        )
        self._confirmations = list(found) if self.unit_unknown else []

    def confirmations(self) -> list[LimitConfirmation]:
        """Every confirmation (revoked ones too) made for this row's national limit."""
        if not self.unit_unknown or self.limit_value is None:
            return []
        if self._confirmations is None:
            from motcua.catalog.models.confirmations import LimitConfirmation

            self._confirmations = list(
                LimitConfirmation.objects.filter(
                    procedure__versions=self.version_id,
                    channel=self.channel,
                    national_value=self.limit_value,
                ).order_by("confirmed_at", "pk")
            )
        return self._confirmations


class ComponentCase(VersionedRow):
    """A group of documents ("* Giấy tờ phải nộp:", "Trường hợp 1: …")."""

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("phiên bản"),
        on_delete=models.CASCADE,
        related_name="component_cases",
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    heading = models.TextField(_("trường hợp"), blank=True)
    note = models.TextField(_("ghi chú cuối"), blank=True)

    objects = ImmutableQuerySet["ComponentCase"].as_manager()

    class Meta:
        verbose_name = _("trường hợp hồ sơ")
        verbose_name_plural = _("trường hợp hồ sơ")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="component_case_order"),
        ]

    def __str__(self) -> str:
        return self.heading or str(_("(không có tiêu đề)"))


class Component(VersionedRow):
    """One document of the dossier (thành phần hồ sơ) with its required counts."""

    case = models.ForeignKey(
        ComponentCase,
        verbose_name=_("trường hợp"),
        on_delete=models.CASCADE,
        related_name="components",
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.TextField(_("tên giấy tờ"))
    form_file = models.TextField(_("mẫu đơn, tờ khai"), blank=True)
    originals = models.PositiveIntegerField(_("số bản chính"), default=0)
    copies = models.PositiveIntegerField(_("số bản sao"), default=0)

    objects = ImmutableQuerySet["Component"].as_manager()

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["case", "order"]
        constraints = [
            models.UniqueConstraint(fields=["case", "order"], name="component_order"),
        ]

    def __str__(self) -> str:
        return self.name


class ProcedureResult(VersionedRow):
    """What the applicant receives (kết quả), with its national result-type code."""

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("phiên bản"),
        on_delete=models.CASCADE,
        related_name="results",
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.TextField(_("tên kết quả"))
    code = models.CharField(_("mã kết quả"), max_length=50, blank=True)

    objects = ImmutableQuerySet["ProcedureResult"].as_manager()

    class Meta:
        verbose_name = _("kết quả thực hiện")
        verbose_name_plural = _("kết quả thực hiện")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="procedure_result_order"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})" if self.code else self.name
