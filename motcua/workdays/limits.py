"""Time limits (thời hạn giải quyết) as the catalogue writes them.

The national catalogue gives each channel a number and a unit (``don_vi``); people
write limits as text ("15 Ngày làm việc", "Trong ngày", "0,5 ngày làm việc"). Both
become a ``TimeLimit``. A number without a unit is kept with the unit
``khac_khong_ro`` and flagged for an administrator — never guessed silently
(deadlines.md §4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from motcua.common.text import fold


class LimitUnit(StrEnum):
    HOURS = "gio"
    WORKING_DAYS = "ngay_lam_viec"
    CALENDAR_DAYS = "ngay"
    MONTHS = "thang"
    SAME_DAY = "trong_ngay"
    UNKNOWN = "khac_khong_ro"

    @property
    def label(self) -> str:
        """The unit in the active language (Vietnamese unless English was chosen)."""
        return str(_LABELS[self])

    @property
    def lazy_label(self) -> StrPromise:
        """For choices defined at import time, translated when shown."""
        return _LABELS[self]


_LABELS: dict[LimitUnit, StrPromise] = {
    LimitUnit.HOURS: gettext_lazy("giờ làm việc"),
    LimitUnit.WORKING_DAYS: gettext_lazy("ngày làm việc"),
    LimitUnit.CALENDAR_DAYS: pgettext_lazy("time limit unit", "ngày"),
    LimitUnit.MONTHS: gettext_lazy("tháng"),
    LimitUnit.SAME_DAY: gettext_lazy("trong ngày"),
    LimitUnit.UNKNOWN: gettext_lazy("(chưa rõ đơn vị)"),
}


class LimitParseError(ValueError):
    """A time limit that cannot be read; the message is for the user, in Vietnamese."""


@dataclass(frozen=True)
class TimeLimit:
    value: Decimal
    unit: LimitUnit

    @property
    def unit_known(self) -> bool:
        return self.unit is not LimitUnit.UNKNOWN

    def __str__(self) -> str:
        if self.unit is LimitUnit.SAME_DAY:
            return gettext("Trong ngày")
        number = format(self.value.normalize(), "f").replace(".", ",")
        return f"{number} {self.unit.label}"


# Folded (no diacritics, lower-case) unit words → unit. Longest first so that
# "ngay lam viec" wins over "ngay".
_UNIT_WORDS: list[tuple[str, LimitUnit]] = [
    ("ngay lam viec", LimitUnit.WORKING_DAYS),
    ("trong ngay", LimitUnit.SAME_DAY),
    ("ngay_lam_viec", LimitUnit.WORKING_DAYS),
    ("gio lam viec", LimitUnit.HOURS),
    ("ngay", LimitUnit.CALENDAR_DAYS),
    ("gio", LimitUnit.HOURS),
    ("thang", LimitUnit.MONTHS),
    ("khac_khong_ro", LimitUnit.UNKNOWN),
]
_NUMBER = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(.*)$")


def parse_unit(text: str) -> LimitUnit:
    """Read a unit code or word (``ngay_lam_viec``, "Ngày làm việc", "giờ")."""
    folded = fold(text).strip()
    for unit in LimitUnit:
        if folded == unit.value:
            return unit
    for word, unit in _UNIT_WORDS:
        if folded == word:
            return unit
    raise LimitParseError(f"Không hiểu đơn vị thời hạn «{text}».")


# No real time limit comes near this; a larger number is a typing error, and would
# overflow date arithmetic (years past 9999) instead of getting a clear message.
MAX_LIMIT_VALUE = Decimal(10_000)


def _number(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation as exc:
        raise LimitParseError(f"Không đọc được số «{text}».") from exc
    if not value.is_finite() or value < 0:
        raise LimitParseError(f"Thời hạn phải là số không âm, không phải «{text}».")
    if value > MAX_LIMIT_VALUE:
        raise LimitParseError(f"Thời hạn «{text}» quá lớn (tối đa {MAX_LIMIT_VALUE}).")
    return value


def parse_limit(text: str) -> TimeLimit:
    """Read a limit written as text: "15 Ngày làm việc", "05 ngày", "Trong ngày",
    "4 giờ", "1 tháng", "0,5 ngày làm việc". A bare number has an unknown unit."""
    folded = fold(text).strip().rstrip(".")
    if not folded:
        raise LimitParseError("Thời hạn đang để trống.")
    if folded in {"trong ngay", "trong ngay lam viec", "trong_ngay"}:
        return TimeLimit(Decimal(1), LimitUnit.SAME_DAY)
    match = _NUMBER.match(folded)
    if not match:
        raise LimitParseError(f"Không hiểu thời hạn «{text}»: cần một số và đơn vị.")
    value = _number(match.group(1))
    rest = match.group(2).strip()
    if not rest:
        return TimeLimit(value, LimitUnit.UNKNOWN)
    try:
        return TimeLimit(value, parse_unit(rest))
    except LimitParseError:
        # Name the limit as the user wrote it, with its diacritics.
        raise LimitParseError(f"Không hiểu đơn vị trong thời hạn «{text.strip()}».") from None


def limit_from_catalog(value: int | float | str | None, unit: str | None) -> TimeLimit | None:
    """The limit of one catalogue channel row; None when the catalogue gives no time."""
    if value is None:
        return None
    number = _number(str(value))
    if unit is None or not unit.strip():
        # deadlines.md §4: a number without a unit is kept, flagged as unknown.
        return TimeLimit(number, LimitUnit.UNKNOWN)
    return TimeLimit(number, parse_unit(unit))
