"""Administrators' corrections to the working calendar (deadlines.md §1).

A Government notice can arrive at any time: a new swap, a make-up Saturday, a
year's Tết dates. ``CalendarOverride`` records one date; ``ConfirmedYear`` records
that a year's official notice has been entered, so its days stop being shown as
estimates. Both apply to deadlines computed afterwards; deadlines already stored
on dossiers are not recomputed (``services.get_calendar``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.workdays.calendar import CalendarChange, ChangeKind
from motcua.workdays.official import FIRST_YEAR, LAST_YEAR, bundled_calendar, load_official_data
from motcua.workdays.overrides import change_problem
from motcua.workdays.wording import format_date


class OverrideKind(models.TextChoices):
    # Same slugs as calendar.ChangeKind, which the pure code uses.
    DAY_OFF = ChangeKind.DAY_OFF.value, _("Ngày nghỉ")
    WORKING_DAY = ChangeKind.WORKING_DAY.value, _("Ngày làm việc (làm bù)")
    NORMAL = ChangeKind.NORMAL.value, _("Theo lịch thường (huỷ ngày nghỉ hoặc ngày làm bù)")


def validate_calendar_date(value: dt.date) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            _("Chỉ điều chỉnh được ngày trong các năm %(first)s–%(last)s."),
            code="out_of_range",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


class CalendarOverrideQuerySet(models.QuerySet["CalendarOverride"]):
    def as_changes(self) -> list[CalendarChange]:
        return [row.as_change() for row in self.order_by("date")]


class CalendarOverride(models.Model):
    """One date made a day off, a working day, or returned to the weekday rule."""

    date = models.DateField(
        _("ngày"),
        unique=True,
        validators=[validate_calendar_date],
        error_messages={"unique": _("Ngày này đã có một điều chỉnh; hãy sửa điều chỉnh đó.")},
    )
    kind = models.CharField(_("loại điều chỉnh"), max_length=20, choices=OverrideKind.choices)
    name = models.CharField(
        _("tên ngày"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ: Tết Nguyên đán Đinh Mùi. Bắt buộc với ngày nghỉ."),
    )
    note = models.TextField(
        _("căn cứ, ghi chú"),
        blank=True,
        help_text=_("Số hiệu và ngày của văn bản, thông báo làm căn cứ."),
    )
    created_at = models.DateTimeField(_("thời điểm ghi"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người ghi"),
    )

    objects = CalendarOverrideQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = _("điều chỉnh lịch làm việc")
        verbose_name_plural = _("điều chỉnh lịch làm việc")

    def __str__(self) -> str:
        label = OverrideKind(self.kind).label
        text = f"{format_date(self.date)}: {label}"
        return f"{text} – {self.name}" if self.name else text

    def as_change(self) -> CalendarChange:
        return CalendarChange(self.date, ChangeKind(self.kind), self.name)

    def clean(self) -> None:
        """Refuse overrides that would change nothing or mean something else: a
        working day on a day already worked, a day off on a day already off, a
        "normal" on a day with nothing to cancel. Judged against the bundled data and
        the other overrides, not against this row's previous value."""
        if self.date is None or not self.kind:
            return  # the field errors already say what is missing
        if self.kind == OverrideKind.DAY_OFF and not self.name.strip():
            raise ValidationError({"name": _("Hãy ghi tên ngày nghỉ (sẽ hiện trong giải thích).")})
        if not FIRST_YEAR <= self.date.year <= LAST_YEAR:
            return  # the date's validator reports it
        others = CalendarOverride.objects.exclude(pk=self.pk).as_changes()
        calendar = bundled_calendar().with_changes(others)
        problem = change_problem(calendar, self.as_change())
        if problem:
            raise ValidationError(problem)


class ConfirmedYear(models.Model):
    """A year whose official notice an administrator has entered (as overrides), so
    its days off are no longer flagged as estimates."""

    year = models.PositiveSmallIntegerField(
        _("năm"),
        unique=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
        error_messages={"unique": _("Năm này đã được xác nhận.")},
    )
    notice = models.CharField(
        _("văn bản, thông báo chính thức"),
        max_length=300,
        help_text=_("Ví dụ: Thông báo 9441/TB-BNV ngày 16/10/2025."),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(_("thời điểm ghi"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người ghi"),
    )

    class Meta:
        ordering = ["year"]
        verbose_name = _("năm đã có lịch chính thức")
        verbose_name_plural = _("năm đã có lịch chính thức")

    def __str__(self) -> str:
        return f"{self.year}: {self.notice}"

    def clean(self) -> None:
        if self.year is not None and self.year in load_official_data().years:
            message = _("Năm %(year)s đã có lịch chính thức trong dữ liệu đi kèm.")
            raise ValidationError(
                {"year": ValidationError(message, code="official", params={"year": self.year})}
            )
