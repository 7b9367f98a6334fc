"""The common header of every form and the way dates are written on them.

Circular 03/2025 forms (legal-rules §4.2, "Common header on every form"): the
governing agency (ĐƠN VỊ CHỦ QUẢN), the name of the unit, the national motto, the
document number with the form's series prefix, and place and date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from motcua.org.models import AdministrativeUnit, Agency, AgencyKind, UnitLevel
from motcua.workdays.calendar import LOCAL_TZ

# The series prefixes of legal-rules §4.2 end in "TTPVHCC (BPTNTKQ)": the first for a
# Public Administration Service Centre, the second for the Reception and Result
# Return unit of any other agency. A form carries the one that fits its issuer.
CENTRE_SERIES = "TTPVHCC"
UNIT_SERIES = "BPTNTKQ"
CENTRE_KINDS = frozenset(AgencyKind.one_stop_kinds())
# Words that open the name of an administrative unit ("Tỉnh Bắc Ninh"); the place
# written before the date is the name without them ("Bắc Ninh, ngày …").
UNIT_WORDS = (
    "Thành phố",
    "Tỉnh",
    "Đặc khu",
    "Thị trấn",
    "Thị xã",
    "Phường",
    "Huyện",
    "Quận",
    "Xã",
)


@dataclass(frozen=True)
class Letterhead:
    governing: str
    unit: str
    number: str
    place_date: str


def province_of(unit: AdministrativeUnit) -> AdministrativeUnit:
    while unit.level != UnitLevel.PROVINCE and unit.parent is not None:
        unit = unit.parent
    return unit


def governing_body(agency: Agency) -> str:
    """ĐƠN VỊ CHỦ QUẢN: the agency's parent, else the province People's Committee."""
    if agency.parent is not None:
        return agency.parent.name
    province = province_of(agency.unit).name
    return f"Ủy ban nhân dân {province[:1].lower()}{province[1:]}"


def place_name(agency: Agency) -> str:
    """The locality written before the date: "Bắc Ninh" for "Tỉnh Bắc Ninh"."""
    name = agency.unit.name
    for word in UNIT_WORDS:
        if name.lower().startswith(word.lower() + " "):
            return name[len(word) + 1 :]
    return name


def series(agency: Agency, prefix: str = "") -> str:
    """The series after the number: "PBS-TTPVHCC", or "TTPVHCC" without a prefix."""
    unit = CENTRE_SERIES if agency.kind in CENTRE_KINDS else UNIT_SERIES
    return f"{prefix}-{unit}" if prefix else unit


def day_text(day: dt.date) -> str:
    """ "ngày 02 tháng 3 năm 2026": a day below 10 and the months 1 and 2 take a
    leading zero (Decree 30/2020/NĐ-CP, Appendix I, on the date of a document)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def local(at: dt.datetime) -> dt.datetime:
    return at.astimezone(LOCAL_TZ)


def instant_text(at: dt.datetime | None) -> str:
    """ "08 giờ 30 phút, ngày 02 tháng 3 năm 2026" in local time; "" for no instant."""
    if at is None:
        return ""
    at = local(at)
    return f"{at:%H} giờ {at:%M} phút, {day_text(at.date())}"


def short_date(at: dt.datetime | None) -> str:
    return f"{local(at):%d/%m/%Y}" if at is not None else ""


def short_instant(at: dt.datetime | None) -> str:
    return f"{local(at):%H:%M %d/%m/%Y}" if at is not None else ""


def letterhead(agency: Agency, *, number: str, day: dt.date) -> Letterhead:
    """The header of a form issued by ``agency`` under ``number`` on ``day``."""
    return Letterhead(
        governing=governing_body(agency).upper(),
        unit=agency.name.upper(),
        number=f"Số: {number}",
        place_date=f"{place_name(agency)}, {day_text(day)}",
    )
