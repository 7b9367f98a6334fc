"""The common header of the forms and how their dates are written."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.dossiers.tests.conftest import World, local
from motcua.org.models import Agency, AgencyKind
from motcua.printing.letterhead import day_text, instant_text, letterhead, series


@pytest.mark.parametrize(
    ("day", "written"),
    [
        # Decree 30/2020: a zero before days below 10 and before months 1 and 2 only.
        (dt.date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (dt.date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
        (dt.date(2026, 3, 2), "ngày 02 tháng 3 năm 2026"),
        (dt.date(2026, 11, 22), "ngày 22 tháng 11 năm 2026"),
    ],
)
def test_dates_are_written_as_on_administrative_documents(day: dt.date, written: str) -> None:
    assert day_text(day) == written


def test_instants_are_local_hours_and_minutes() -> None:
    utc = dt.datetime(2026, 3, 1, 18, 5, tzinfo=dt.UTC)  # 01:05 on 2 March in Hà Nội

    assert instant_text(utc) == "01 giờ 05 phút, ngày 02 tháng 3 năm 2026"
    assert instant_text(None) == ""


def test_a_centre_under_the_province(world: World) -> None:
    head = letterhead(world.centre, number="X/TTPVHCC", day=local(2026, 3, 2).date())

    assert head.governing == "ỦY BAN NHÂN DÂN TỈNH BẮC NINH"
    assert head.unit == "TRUNG TÂM PVHCC TỈNH"
    assert head.number == "Số: X/TTPVHCC"
    assert head.place_date == "Bắc Ninh, ngày 02 tháng 3 năm 2026"


def test_an_agency_with_a_parent_and_its_own_reception_unit(world: World) -> None:
    office = Agency.objects.create(
        name="Văn phòng đăng ký đất đai",
        kind=AgencyKind.OTHER,
        unit=world.commune_a.unit,
        parent=world.construction,
    )

    head = letterhead(office, number=f"1/{series(office, 'PBS')}", day=dt.date(2026, 3, 2))

    assert head.governing == "SỞ XÂY DỰNG"
    assert head.unit == "VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI"
    assert head.number == "Số: 1/PBS-BPTNTKQ"
    assert head.place_date == "Kinh Bắc, ngày 02 tháng 3 năm 2026"
