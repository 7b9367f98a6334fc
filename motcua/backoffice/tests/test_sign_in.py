"""Officials' sign-in: lock-out, the TOTP second factor, agency switching."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.accounts import totp
from motcua.accounts.models import SignInThrottle, User
from motcua.dossiers.tests.conftest import World
from motcua.org.models import Membership, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(world: World) -> User:
    user = world.reception
    user.set_password("mat-khau-dung-2026")
    user.save()
    return user


def sign_in(client: Client, password: str, username: str = "motcua") -> str:
    response = client.post("/can-bo/dang-nhap/", {"username": username, "password": password})
    return response.content.decode() if response.status_code != 302 else response["Location"]


def test_a_right_password_opens_the_back_office(client: Client, officer: User) -> None:
    assert sign_in(client, "mat-khau-dung-2026") == "/can-bo/"
    assert client.get("/can-bo/", follow=True).status_code == 200


def test_a_wrong_password_says_so_in_vietnamese(client: Client, officer: User) -> None:
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in sign_in(client, "sai")


def test_five_failures_lock_the_account_even_for_the_right_password(
    client: Client, officer: User, settings: object
) -> None:
    for _ in range(5):
        sign_in(client, "sai")
    page = sign_in(client, "mat-khau-dung-2026")
    assert "Tài khoản tạm khóa" in page
    assert SignInThrottle.objects.get(key="motcua").failures == 5


def test_the_lock_expires(client: Client, officer: User) -> None:
    import datetime as dt

    for _ in range(5):
        sign_in(client, "sai")
    row = SignInThrottle.objects.get(key="motcua")
    row.locked_until = row.first_failure_at = row.first_failure_at - dt.timedelta(hours=1)
    row.save()
    assert sign_in(client, "mat-khau-dung-2026") == "/can-bo/"
    assert not SignInThrottle.objects.filter(key="motcua").exists()


def test_an_unknown_account_name_gets_the_same_answer(client: Client, officer: User) -> None:
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in sign_in(client, "x", username="khongco")


def test_with_totp_the_password_alone_is_not_enough(client: Client, officer: User) -> None:
    officer.totp_secret = totp.new_secret()
    officer.save()
    assert sign_in(client, "mat-khau-dung-2026") == "/can-bo/dang-nhap/xac-thuc/"
    assert client.get("/can-bo/danh-sach/viec-cua-toi/").status_code == 302  # not signed in
    wrong = client.post("/can-bo/dang-nhap/xac-thuc/", {"code": "000000"})
    assert "Mã xác thực không đúng" in wrong.content.decode()
    code = totp.code_at(officer.totp_secret, totp.current_step())
    assert client.post("/can-bo/dang-nhap/xac-thuc/", {"code": code})["Location"] == "/can-bo/"
    # The same code cannot be used twice.
    client.logout()
    sign_in(client, "mat-khau-dung-2026")
    again = client.post("/can-bo/dang-nhap/xac-thuc/", {"code": code})
    assert again.status_code == 400


def test_totp_matches_rfc_6238_test_vector() -> None:
    # RFC 6238 Appendix B, SHA-1, T = 59 s: 94287082 (8 digits); the last 6 digits.
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of "12345678901234567890"
    assert totp.code_at(secret, 59 // 30) == "287082"
    assert totp.verify(secret, "287082", now=59) == 1


def test_an_official_turns_on_the_second_factor(client: Client, officer: User) -> None:
    client.force_login(officer)
    page = client.get("/can-bo/bao-mat/").content.decode()
    assert "<svg" in page
    secret = client.session["backoffice_totp_setup"]
    bad = client.post("/can-bo/bao-mat/", {"do": "on", "code": "123"})
    assert bad.status_code == 400
    code = totp.code_at(secret, totp.current_step())
    client.post("/can-bo/bao-mat/", {"do": "on", "code": code})
    officer.refresh_from_db()
    assert officer.totp_secret == secret


def test_an_official_switches_only_between_their_own_agencies(client: Client, world: World) -> None:
    user = world.reception
    Membership.objects.create(user=user, agency=world.commune_a, role=Role.RECEPTION)
    client.force_login(user)
    client.post("/can-bo/co-quan/", {"agency": world.commune_a.pk, "next": "/can-bo/tiep-nhan/"})
    page = client.get("/can-bo/tiep-nhan/").content.decode()
    assert "UBND phường Kinh Bắc" in page.split("<h1>")[1].split("</h1>")[0]
    refused = client.post("/can-bo/co-quan/", {"agency": world.justice.pk}, follow=True)
    assert "Bạn không làm việc tại cơ quan đã chọn." in refused.content.decode()
    assert client.session["backoffice_agency"] == world.commune_a.pk


def test_a_person_without_membership_is_told_so(client: Client, world: World) -> None:
    stranger = User.objects.create_user("nguoila", password="x")
    client.force_login(stranger)
    response = client.get("/can-bo/", follow=True)
    assert response.status_code == 403
    assert "chưa được phân công" in response.content.decode()


def test_the_next_address_must_stay_on_this_site(client: Client, officer: User) -> None:
    response = client.post(
        "/can-bo/dang-nhap/",
        {"username": "motcua", "password": "mat-khau-dung-2026", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/can-bo/"
