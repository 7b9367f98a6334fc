"""The admin page "Thủ tục có đơn vị thời hạn chưa rõ": the demo administrator lists the
bare-number limits, confirms one, sees it among the confirmed and revokes it; others
are refused, and bad input is refused with nothing saved."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from motcua.accounts.models import User
from motcua.catalog.importer import import_catalog
from motcua.catalog.models import ChannelRule, LimitConfirmation, Procedure
from motcua.catalog.tests.catalog_files import channel, record, write_jsonl
from motcua.demo.province import DEMO_PASSWORD, load_demo_province
from motcua.org.models import (
    AdministrativeUnit,
    Agency,
    Membership,
    Role,
    UnitEra,
    UnitKind,
    UnitLevel,
)

pytestmark = pytest.mark.django_db

UNCONFIRMED = reverse("admin:catalog_unconfirmedlimit_changelist")
CONFIRMED = reverse("admin:catalog_limitconfirmation_changelist")


@pytest.fixture
def demo(settings: object) -> dict[str, Agency]:
    """The demo province's agencies and logins (quantri, kiemsoat, motcua, …), on the
    four administrative units it needs rather than the whole country."""
    # Ten demo passwords hashed with PBKDF2 would cost seconds per test.
    setattr(settings, "PASSWORD_HASHERS", ["django.contrib.auth.hashers.MD5PasswordHasher"])  # noqa: B010
    province = AdministrativeUnit.objects.create(
        code="24",
        name="Tỉnh Bắc Ninh",
        kind=UnitKind.PROVINCE,
        level=UnitLevel.PROVINCE,
        era=UnitEra.CURRENT,
    )
    for code, name, kind in [
        ("09187", "Phường Kinh Bắc", UnitKind.WARD),
        ("07210", "Phường Bắc Giang", UnitKind.WARD),
        ("07288", "Xã Yên Thế", UnitKind.COMMUNE),
    ]:
        AdministrativeUnit.objects.create(
            code=code,
            name=name,
            kind=kind,
            level=UnitLevel.COMMUNE,
            era=UnitEra.CURRENT,
            parent=province,
        )
    _summary, agencies = load_demo_province()
    return agencies


@pytest.fixture
def catalogue(tmp_path: Path) -> None:
    """Two procedures with bare numbers (one in another field), one with units."""
    bare = [channel("truc_tiep", 1, "khac_khong_ro"), channel("truc_tuyen", 1, "khac_khong_ro")]
    import_catalog(
        write_jsonl(
            tmp_path / "catalog.jsonl",
            [
                record(
                    "1.000025",
                    name="Cấp giấy chứng nhận kiểm dịch",
                    field="Thú y",
                    cach_thuc_thuc_hien=bare,
                ),
                record(
                    "1.002338",
                    name="Đăng ký kết hôn lưu động",
                    cach_thuc_thuc_hien=[channel("truc_tiep", 5, "khac_khong_ro")],
                ),
                record("1.001193", name="Thủ tục đăng ký khai sinh"),
            ],
        ),
        at=dt.datetime(2026, 7, 20, tzinfo=dt.UTC),
    )


def login(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def rule(code: str, channel_: str = "truc_tiep") -> ChannelRule:
    return ChannelRule.objects.get(version__procedure__code=code, channel=channel_)


def confirm_url(code: str, channel_: str = "truc_tiep") -> str:
    return reverse("admin:catalog_limitconfirmation_confirm", args=[rule(code, channel_).pk])


def listed(page: object) -> list[tuple[str, str]]:
    rows = page.context["cl"].result_list  # type: ignore[attr-defined]
    return [(r.version.procedure.code, r.channel) for r in rows]


GOOD = {"value": "1", "unit": "ngay_lam_viec", "note": "Thông tư 24/2021/TT-BNNPTNT Điều 5"}


@pytest.mark.usefixtures("demo", "catalogue")
def test_the_demo_administrator_lists_searches_and_filters_the_unknown_units() -> None:
    client = login("quantri")

    page = client.get(UNCONFIRMED)
    found = client.get(UNCONFIRMED, {"q": "ket hon"})
    field = Procedure.objects.get(code="1.000025").field
    by_field = client.get(UNCONFIRMED, {"version__procedure__field__id__exact": field.pk})
    index = client.get(reverse("admin:index"))

    assert page.status_code == 200
    assert listed(page) == [
        ("1.000025", "truc_tiep"),
        ("1.000025", "truc_tuyen"),
        ("1.002338", "truc_tiep"),
    ]
    text = page.content.decode()
    assert "Thủ tục có đơn vị thời hạn chưa rõ" in text
    assert "Cấp giấy chứng nhận kiểm dịch" in text
    assert "5 (chưa rõ đơn vị)" in text
    assert confirm_url("1.002338") in text
    assert listed(found) == [("1.002338", "truc_tiep")]
    assert listed(by_field) == [("1.000025", "truc_tiep"), ("1.000025", "truc_tuyen")]
    assert "Thủ tục có đơn vị thời hạn chưa rõ" in index.content.decode()


@pytest.mark.usefixtures("demo", "catalogue")
def test_the_administrator_confirms_then_revokes_a_unit() -> None:
    client = login("quantri")

    form = client.get(confirm_url("1.002338"))
    response = client.post(confirm_url("1.002338"), GOOD | {"value": "5", "unit": "ngay"})

    assert form.status_code == 200
    assert "Đăng ký kết hôn lưu động" in form.content.decode()
    assert "Luật Hộ tịch (60/2014/QH13)" in form.content.decode()  # the legal bases to check
    assert response.status_code == 302
    assert response["Location"] == UNCONFIRMED
    confirmation = LimitConfirmation.objects.get()
    assert (confirmation.procedure.code, confirmation.channel) == ("1.002338", "truc_tiep")
    assert (str(confirmation.time_limit), confirmation.confirmed_by.username) == (
        "5 ngày",
        "quantri",
    )
    assert ("1.002338", "truc_tiep") not in listed(client.get(UNCONFIRMED))
    assert str(rule("1.002338").limit_in_force) == "5 ngày"
    confirmed = client.get(CONFIRMED).content.decode()
    assert "Nguyễn Văn Quản" in confirmed and "Đang áp dụng" in confirmed

    revoked = client.post(
        CONFIRMED, {"action": "revoke_selected", "_selected_action": [confirmation.pk]}
    )

    assert revoked.status_code == 302
    confirmation.refresh_from_db()
    assert confirmation.revoked_by is not None
    assert confirmation.revoked_by.username == "quantri"
    assert ("1.002338", "truc_tiep") in listed(client.get(UNCONFIRMED))
    assert str(rule("1.002338").limit_in_force) == "5 (chưa rõ đơn vị)"
    assert "Đã thu hồi" in client.get(CONFIRMED).content.decode()


@pytest.mark.usefixtures("demo", "catalogue")
def test_a_second_confirmation_of_the_same_limit_is_refused() -> None:
    client = login("quantri")
    client.post(confirm_url("1.002338"), GOOD)

    page = client.get(confirm_url("1.002338"))
    again = client.post(confirm_url("1.002338"), GOOD | {"unit": "ngay"})

    assert "đã được xác nhận là 1 ngày làm việc" in page.content.decode()
    assert again.status_code == 200
    assert "thu hồi xác nhận đang áp dụng" in again.content.decode()
    assert LimitConfirmation.objects.get().unit == "ngay_lam_viec"


@pytest.mark.usefixtures("demo", "catalogue")
def test_a_system_administrator_who_is_not_superuser_may_confirm(
    demo: dict[str, Agency],
) -> None:
    user = User.objects.create_user("quantri.xa", password=DEMO_PASSWORD, is_staff=True)
    Membership.objects.create(user=user, agency=demo["ubnd:09187"], role=Role.ADMINISTRATOR)
    client = login("quantri.xa")

    assert client.get(UNCONFIRMED).status_code == 200
    assert client.post(confirm_url("1.000025"), GOOD).status_code == 302
    assert LimitConfirmation.objects.get().confirmed_by == user


@pytest.mark.usefixtures("demo", "catalogue")
def test_other_staff_are_refused_and_nothing_is_saved() -> None:
    # The supervisor reaches the admin site, and even holds every catalogue permission.
    supervisor = User.objects.get(username="kiemsoat")
    supervisor.is_staff = True
    supervisor.save()
    supervisor.user_permissions.set(Permission.objects.filter(content_type__app_label="catalog"))
    staff = login("kiemsoat")
    officer = login("motcua")  # not staff: the admin sends them to its login page

    refused = [
        staff.get(UNCONFIRMED).status_code,
        staff.get(CONFIRMED).status_code,
        staff.get(confirm_url("1.000025")).status_code,
        staff.post(confirm_url("1.000025"), GOOD).status_code,
    ]
    redirected = officer.post(confirm_url("1.000025"), GOOD)

    assert refused == [403, 403, 403, 403]
    assert redirected.status_code == 302
    assert "/quan-tri/login/" in redirected["Location"]
    assert not LimitConfirmation.objects.exists()
    assert "chưa rõ" not in staff.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"value": "0"}, "Thời hạn phải là một số lớn hơn 0."),
        ({"value": "-2"}, "Thời hạn phải là một số lớn hơn 0."),
        ({"value": "100000", "unit": "ngay"}, "không hợp lý: tối đa 730 ngày"),
        ({"value": "1,234"}, "nhiều nhất 2 chữ số thập phân"),
        ({"value": "mười"}, "Thời hạn phải là một số, ví dụ 15 hoặc 0,5."),
        ({"value": ""}, "Nhập thời hạn."),
        ({"unit": ""}, "Chọn đơn vị của thời hạn."),
        ({"unit": "khac_khong_ro"}, "Chọn một đơn vị trong danh sách."),
        ({"note": "  "}, "Ghi căn cứ đã kiểm tra"),
    ],
)
@pytest.mark.usefixtures("demo", "catalogue")
def test_bad_input_is_shown_on_the_form_and_nothing_is_saved(
    data: dict[str, str], message: str
) -> None:
    client = login("quantri")

    response = client.post(confirm_url("1.000025"), GOOD | data)

    assert response.status_code == 200
    text = response.content.decode()
    assert message in text
    assert 'role="alert"' in text
    assert not LimitConfirmation.objects.exists()
    assert ("1.000025", "truc_tiep") in listed(client.get(UNCONFIRMED))


@pytest.mark.usefixtures("demo", "catalogue")
def test_a_decimal_comma_is_read_as_vietnamese_write_it() -> None:
    client = login("quantri")

    client.post(confirm_url("1.000025", "truc_tuyen"), GOOD | {"value": "0,5"})

    assert str(LimitConfirmation.objects.get().time_limit) == "0,5 ngày làm việc"


@pytest.mark.usefixtures("demo", "catalogue")
def test_every_mistake_on_the_form_is_shown_at_once() -> None:
    client = login("quantri")

    response = client.post(confirm_url("1.000025"), {"value": "0", "unit": "", "note": ""})

    text = response.content.decode()
    for message in [
        "Thời hạn phải là một số lớn hơn 0.",
        "Chọn đơn vị của thời hạn.",
        "Ghi căn cứ đã kiểm tra",
    ]:
        assert message in text
    assert not LimitConfirmation.objects.exists()
