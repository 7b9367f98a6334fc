"""Time limits as the catalogue writes them (limits.py), including every §8 example."""

from __future__ import annotations

from decimal import Decimal

import pytest

from motcua.workdays.limits import (
    LimitParseError,
    LimitUnit,
    TimeLimit,
    limit_from_catalog,
    parse_limit,
    parse_unit,
)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("5 ngày làm việc", "5", LimitUnit.WORKING_DAYS),
        ("15 Ngày làm việc", "15", LimitUnit.WORKING_DAYS),
        ("0,5 ngày làm việc", "0.5", LimitUnit.WORKING_DAYS),
        ("10 ngày", "10", LimitUnit.CALENDAR_DAYS),
        ("05 ngày.", "5", LimitUnit.CALENDAR_DAYS),
        ("4 giờ", "4", LimitUnit.HOURS),
        ("8 giờ làm việc", "8", LimitUnit.HOURS),
        ("1 tháng", "1", LimitUnit.MONTHS),
        ("Trong ngày", "1", LimitUnit.SAME_DAY),
        ("trong ngày làm việc", "1", LimitUnit.SAME_DAY),
        ("7", "7", LimitUnit.UNKNOWN),
    ],
)
def test_parse_limit(text: str, value: str, unit: LimitUnit) -> None:
    assert parse_limit(text) == TimeLimit(Decimal(value), unit)


@pytest.mark.parametrize("text", ["", "   ", "năm ngày", "5 tuần", "-3 ngày"])
def test_unreadable_limits_raise_a_vietnamese_message(text: str) -> None:
    with pytest.raises(LimitParseError, match="(Không|Thời hạn)"):
        parse_limit(text)


def test_units_from_codes_and_words() -> None:
    assert parse_unit("ngay_lam_viec") is LimitUnit.WORKING_DAYS
    assert parse_unit("Ngày làm việc") is LimitUnit.WORKING_DAYS
    assert parse_unit("GIỜ") is LimitUnit.HOURS


def test_limit_from_catalog() -> None:
    assert limit_from_catalog(5, "ngay_lam_viec") == TimeLimit(Decimal(5), LimitUnit.WORKING_DAYS)
    assert limit_from_catalog("0,5", None) == TimeLimit(Decimal("0.5"), LimitUnit.UNKNOWN)
    assert limit_from_catalog(None, "ngay") is None


def test_limits_read_back_as_text() -> None:
    assert str(parse_limit("0,5 ngày làm việc")) == "0,5 ngày làm việc"
    assert str(parse_limit("Trong ngày")) == "Trong ngày"


def test_same_day_is_accepted_as_a_unit_word() -> None:
    assert parse_unit("Trong ngày") is LimitUnit.SAME_DAY
    assert parse_unit("trong_ngay") is LimitUnit.SAME_DAY


def test_a_catalogue_number_with_an_empty_unit_is_kept_as_unknown() -> None:
    limit = limit_from_catalog(5, "")
    assert limit == TimeLimit(Decimal(5), LimitUnit.UNKNOWN)
    assert not limit.unit_known


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -3, 10_001])
def test_impossible_catalogue_numbers_are_refused_with_a_message(value: float) -> None:
    with pytest.raises(LimitParseError):
        limit_from_catalog(value, "ngay")
