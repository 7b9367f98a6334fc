"""Administrators' overrides and the installation's settings (deadlines.md §1–§2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from motcua.accounts.models import User
from motcua.workdays.deadlines import due_instant
from motcua.workdays.limits import parse_limit
from motcua.workdays.models import CalendarOverride, ConfirmedYear, OverrideKind
from motcua.workdays.services import get_calendar
from motcua.workdays.tests.support import local

pytestmark = pytest.mark.django_db


def due(received: dt.datetime, text: str) -> dt.datetime:
    return due_instant(received, parse_limit(text), get_calendar()).due


def test_without_overrides_the_official_calendar_applies() -> None:
    assert due(local(2026, 2, 13, 10), "5 ngày làm việc") == local(2026, 2, 27, 10)


def test_a_new_day_off_changes_deadlines_computed_afterwards() -> None:
    before = due(local(2026, 2, 13, 10), "5 ngày làm việc")
    CalendarOverride.objects.create(
        date=dt.date(2026, 2, 26), kind=OverrideKind.DAY_OFF, name="Nghỉ đột xuất"
    )

    deadline = due_instant(local(2026, 2, 13, 10), parse_limit("5 ngày làm việc"), get_calendar())

    assert before == local(2026, 2, 27, 10)
    assert deadline.due == local(2026, 3, 2, 10)
    assert "Nghỉ đột xuất (26/02/2026)" in deadline.explain()


def test_cancelling_an_official_day_off_makes_it_a_working_day() -> None:
    CalendarOverride.objects.create(date=dt.date(2026, 8, 31), kind=OverrideKind.NORMAL)

    assert due(local(2026, 8, 21, 10), "10 ngày") == local(2026, 8, 31, 17)


def test_a_make_up_saturday_can_be_added_to_an_estimated_year() -> None:
    # Friday 12/03/2027 16:00 + 2 working hours: Friday 1 h, then Saturday 13/03.
    CalendarOverride.objects.create(
        date=dt.date(2027, 3, 13), kind=OverrideKind.WORKING_DAY, name="Làm bù"
    )

    assert due(local(2027, 3, 12, 16), "2 giờ") == local(2027, 3, 13, 8)


def test_confirming_a_year_stops_flagging_it_as_estimated() -> None:
    received, limit = local(2027, 3, 1, 9), parse_limit("1 ngày làm việc")
    flagged = due_instant(received, limit, get_calendar())
    ConfirmedYear.objects.create(year=2027, notice="Thông báo số 1/TB-BNV")

    confirmed = due_instant(received, limit, get_calendar())

    assert flagged.estimated_years == (2027,)
    assert confirmed.estimated_years == ()


def test_make_up_saturdays_not_counted_when_the_setting_is_off(settings: Settings) -> None:
    settings.MOTCUA_MAKEUP_SATURDAYS_COUNT = False

    assert due(local(2026, 1, 10, 9), "1 ngày làm việc") == local(2026, 1, 12, 17)
    assert due(local(2026, 8, 21, 16, 30), "2 ngày làm việc") == local(2026, 8, 25, 16, 30)


def test_office_periods_and_cutoff_come_from_settings(settings: Settings) -> None:
    settings.MOTCUA_OFFICE_PERIODS = "08:00-12:00,13:00-17:30"
    settings.MOTCUA_SAME_DAY_CUTOFF = "16:00"

    assert due(local(2026, 3, 3, 9), "1 ngày làm việc") == local(2026, 3, 4, 9)
    assert due(local(2026, 3, 3, 15, 30), "Trong ngày") == local(2026, 3, 3, 17, 30)


def test_unreadable_office_periods_setting_is_a_configuration_error(
    settings: Settings,
) -> None:
    settings.MOTCUA_OFFICE_PERIODS = "sáng 7 giờ"

    with pytest.raises(ImproperlyConfigured, match="MOTCUA_OFFICE_PERIODS"):
        get_calendar()


# --- validation -------------------------------------------------------------------


def messages(instance: Model) -> str:
    """The validation messages ``full_clean`` raises, joined."""
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    return " ".join(str(m) for m in excinfo.value.messages)


@pytest.mark.parametrize(
    ("day", "kind", "name", "message"),
    [
        (dt.date(2026, 3, 3), OverrideKind.WORKING_DAY, "", "đã là ngày làm việc"),
        (dt.date(2026, 3, 8), OverrideKind.DAY_OFF, "Nghỉ", "vốn đã là ngày nghỉ hằng tuần"),
        (dt.date(2026, 2, 17), OverrideKind.DAY_OFF, "Nghỉ", "đã là ngày nghỉ (Tết Nguyên đán"),
        (dt.date(2026, 1, 10), OverrideKind.WORKING_DAY, "", "đã là ngày làm bù"),
        (dt.date(2026, 2, 16), OverrideKind.WORKING_DAY, "", "Theo lịch thường"),
        (dt.date(2026, 3, 3), OverrideKind.NORMAL, "", "không có ngày nghỉ hay ngày làm bù"),
        (dt.date(2026, 2, 26), OverrideKind.DAY_OFF, "", "Hãy ghi tên ngày nghỉ"),
        (dt.date(1999, 5, 5), OverrideKind.DAY_OFF, "Nghỉ", "2007–2100"),
    ],
)
def test_pointless_or_wrong_overrides_are_refused(
    day: dt.date, kind: OverrideKind, name: str, message: str
) -> None:
    assert message in messages(CalendarOverride(date=day, kind=kind, name=name))


def test_a_second_override_for_the_same_date_is_refused() -> None:
    CalendarOverride.objects.create(date=dt.date(2026, 2, 26), kind="day_off", name="Nghỉ")

    duplicate = CalendarOverride(date=dt.date(2026, 2, 26), kind="normal")

    assert "đã có một điều chỉnh" in messages(duplicate)


def test_editing_an_override_is_not_judged_against_itself() -> None:
    override = CalendarOverride.objects.create(
        date=dt.date(2026, 2, 26), kind=OverrideKind.DAY_OFF, name="Nghỉ"
    )
    override.name = "Nghỉ đột xuất theo Công văn 1/UBND"

    override.full_clean()  # raises on failure


def test_an_official_year_cannot_be_confirmed_again() -> None:
    assert "đã có lịch chính thức" in messages(ConfirmedYear(year=2026, notice="x"))


# --- admin ------------------------------------------------------------------------


@pytest.fixture
def add_url() -> str:
    return reverse("admin:workdays_calendaroverride_add")


def test_admin_rejects_an_impossible_date_with_a_message(
    admin_client: Client, add_url: str
) -> None:
    response = admin_client.post(
        add_url, {"date": "2026-02-30", "kind": "day_off", "name": "Nghỉ", "note": ""}
    )

    assert response.status_code == 200
    assert "Ngày không hợp lệ" in response.content.decode()
    assert not CalendarOverride.objects.exists()


def test_admin_reads_day_first_dates_and_records_the_author(
    admin_client: Client, admin_user: User, add_url: str
) -> None:
    response = admin_client.post(
        add_url, {"date": "02/03/2026", "kind": "day_off", "name": "Nghỉ", "note": "CV 1/UBND"}
    )

    assert response.status_code == 302
    override = CalendarOverride.objects.get()
    assert override.date == dt.date(2026, 3, 2)  # 2 March, not 3 February
    assert override.created_by == admin_user


def test_admin_shows_the_calendar_problem(admin_client: Client, add_url: str) -> None:
    response = admin_client.post(add_url, {"date": "2026-03-08", "kind": "day_off", "name": "X"})

    assert response.status_code == 200
    assert "vốn đã là ngày nghỉ hằng tuần" in response.content.decode()
