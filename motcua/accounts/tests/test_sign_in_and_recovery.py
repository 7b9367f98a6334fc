"""Signing in with a password (locked after repeated failures), recovering access by a
one-time code without telling whether an address has an account, signing out, and
the profile."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from motcua.accounts.models import OneTimeCode, SignInThrottle, User
from motcua.accounts.tests.conftest import PASSWORD, code_in, page_text
from motcua.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Hoa-cuc-vang-77"


@pytest.fixture
def dung() -> User:
    return User.objects.create_user(
        "dung@example.vn", password=PASSWORD, email="dung@example.vn", full_name="Lê Văn Dũng"
    )


@pytest.fixture
def em() -> User:
    return User.objects.create_user(
        "+84987654321", password=PASSWORD, phone="+84987654321", full_name="Phạm Thị Em"
    )


def _sign_in(client, destination: str, password: str, **extra: str):
    return client.post(
        reverse("portal:sign_in"), {"destination": destination, "password": password, **extra}
    )


def test_sign_in_with_email_or_phone_in_any_usual_form(client, dung, em):
    response = _sign_in(client, "DUNG@example.vn", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:my_dossiers")
    assert client.session[SESSION_KEY] == str(dung.pk)
    client.post(reverse("portal:sign_out"))
    assert _sign_in(client, "0987.654.321", PASSWORD).status_code == 302
    assert client.session[SESSION_KEY] == str(em.pk)


def test_sign_in_honours_a_safe_next_only(client, dung):
    safe = _sign_in(client, "dung@example.vn", PASSWORD, next="/ho-so-cua-toi/")
    assert safe["Location"] == "/ho-so-cua-toi/"
    client.post(reverse("portal:sign_out"))
    unsafe = _sign_in(client, "dung@example.vn", PASSWORD, next="https://evil.example/")
    assert unsafe["Location"] == reverse("portal:my_dossiers")


def test_a_wrong_password_is_refused_and_the_address_kept(client, dung):
    response = _sign_in(client, "dung@example.vn", "sai-mat-khau")
    assert response.status_code == 400
    page = page_text(response)
    assert "Số điện thoại/e-mail hoặc mật khẩu không đúng." in page
    assert 'value="dung@example.vn"' in page
    assert SESSION_KEY not in client.session


def test_a_wrong_shaped_address_is_explained(client):
    response = _sign_in(client, "12345", PASSWORD)
    assert response.status_code == 400
    page = page_text(response)
    assert "Số điện thoại không hợp lệ" in page
    assert 'value="12345"' in page


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, dung):
    for _ in range(2):
        assert "không đúng" in page_text(_sign_in(client, "dung@example.vn", "sai"))
    locked = _sign_in(client, "dung@example.vn", "sai")
    assert "Tài khoản tạm khóa vì đăng nhập sai nhiều lần" in page_text(locked)
    right = _sign_in(client, "dung@example.vn", PASSWORD)
    assert right.status_code == 400
    assert "Tài khoản tạm khóa" in page_text(right)
    assert SESSION_KEY not in client.session


def test_an_unknown_address_locks_the_same_way(client):
    for _ in range(3):
        response = _sign_in(client, "khong-co@example.vn", "sai")
    assert "Tài khoản tạm khóa" in page_text(response)


def test_the_oidc_button_appears_only_when_a_provider_is_configured(client, settings):
    assert reverse("portal:oidc_start") not in page_text(client.get(reverse("portal:sign_in")))
    settings.MOTCUA_OIDC_ISSUER = "https://sso.example.vn"
    settings.MOTCUA_OIDC_NAME = "VNeID"
    page = page_text(client.get(reverse("portal:sign_in") + "?next=/ho-so-cua-toi/"))
    assert f'href="{reverse("portal:oidc_start")}?next=/ho-so-cua-toi/"' in page
    assert "Đăng nhập bằng VNeID" in page


def test_sign_out_is_post_only(client, dung):
    client.force_login(dung)
    assert client.get(reverse("portal:sign_out")).status_code == 405
    assert SESSION_KEY in client.session
    response = client.post(reverse("portal:sign_out"), follow=True)
    assert "Bạn đã đăng xuất." in page_text(response)
    assert SESSION_KEY not in client.session


def _recover(post_delivering, destination: str):
    return post_delivering("portal:recover", {"destination": destination})


def test_recovery_by_email_code_sets_a_new_password_and_signs_in(client, dung, post_delivering):
    for _ in range(3):
        _sign_in(client, "dung@example.vn", "sai")
    assert SignInThrottle.objects.exists()

    response = _recover(post_delivering, "dung@example.vn")
    assert response["Location"] == reverse("portal:confirm_code")
    code = code_in(mail.outbox[-1].body)
    assert mail.outbox[-1].to == ["dung@example.vn"]
    confirmed = client.post(reverse("portal:confirm_code"), {"code": code})
    assert confirmed["Location"] == reverse("portal:set_password")

    page = page_text(client.get(reverse("portal:set_password")))
    assert "Đặt mật khẩu mới" in page
    assert "Mật khẩu hiện tại" not in page
    mismatch = client.post(
        reverse("portal:set_password"),
        {"password1": NEW_PASSWORD, "password2": "khac-" + NEW_PASSWORD},
    )
    assert "Hai mật khẩu không giống nhau." in page_text(mismatch)
    done = client.post(
        reverse("portal:set_password"),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Đã đặt mật khẩu mới." in page_text(done)
    dung.refresh_from_db()
    assert dung.check_password(NEW_PASSWORD)
    assert client.session[SESSION_KEY] == str(dung.pk)
    assert not SignInThrottle.objects.exists()  # recovery unlocks the account
    # The recovery cannot be replayed.
    client.post(reverse("portal:sign_out"))
    again = client.get(reverse("portal:set_password"), follow=True)
    assert again.redirect_chain[-1][0] == reverse("portal:recover")


def _comparable(page: str, address: str) -> str:
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    return page.replace(address, "ADDRESS")


def test_recovery_does_not_tell_whether_an_address_has_an_account(client, dung, post_delivering):
    known = _recover(post_delivering, "dung@example.vn")
    known_page = page_text(client.get(reverse("portal:confirm_code")))
    known_wrong = page_text(client.post(reverse("portal:confirm_code"), {"code": "000000"}))

    unknown = _recover(post_delivering, "ai-do@example.vn")
    unknown_page = page_text(client.get(reverse("portal:confirm_code")))
    unknown_wrong = page_text(client.post(reverse("portal:confirm_code"), {"code": "000000"}))

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert _comparable(known_page, "dung@example.vn") == _comparable(
        unknown_page, "ai-do@example.vn"
    )
    for page in (known_wrong, unknown_wrong):
        assert "Mã xác thực không đúng. Bạn còn 4 lần thử." in page
    # The owner of an address without an account is told so, and gets no code.
    assert [m.to for m in mail.outbox] == [["dung@example.vn"], ["ai-do@example.vn"]]
    notice = str(mail.outbox[1].body)
    assert "không có tài khoản nào dùng địa chỉ này" in notice
    assert "http://testserver/tai-khoan/dang-ky/" in notice
    assert not re.search(r"\b\d{6}\b", notice)
    assert OneTimeCode.objects.filter(destination="ai-do@example.vn").count() == 1


def test_recovery_of_an_unknown_phone_number_sends_nothing(client, capsys, post_delivering):
    response = _recover(post_delivering, "0912 000 111")
    assert response["Location"] == reverse("portal:confirm_code")
    assert "+84912000111" not in capsys.readouterr().out
    assert not OutboxMessage.objects.exists()
    wrong = page_text(client.post(reverse("portal:confirm_code"), {"code": "000000"}))
    assert "Mã xác thực không đúng. Bạn còn 4 lần thử." in wrong


def test_recovery_by_phone_with_the_development_console(client, em, capsys, post_delivering):
    _recover(post_delivering, "+84 987 654 321")
    code = code_in(capsys.readouterr().out.split("+84987654321", 1)[1])
    assert "dev-sms-console" in page_text(client.get(reverse("portal:confirm_code")))
    client.post(reverse("portal:confirm_code"), {"code": code})
    client.post(
        reverse("portal:set_password"), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    em.refresh_from_db()
    assert em.check_password(NEW_PASSWORD)


def test_recovery_requests_are_rate_limited(client, settings):
    settings.MOTCUA_OTP_PER_HOUR = 1
    client.post(reverse("portal:recover"), {"destination": "ai-do@example.vn"})
    response = client.post(reverse("portal:recover"), {"destination": "ai-do@example.vn"})
    assert response.status_code == 400
    page = page_text(response)
    assert "quá nhiều mã xác thực" in page
    assert 'value="ai-do@example.vn"' in page


def test_the_profile_needs_sign_in(client):
    response = client.get(reverse("portal:profile"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('portal:sign_in')}?next=%2Ftai-khoan%2Fca-nhan%2F"


def test_the_profile_keeps_typed_values_on_a_bad_personal_id(client, em):
    client.force_login(em)
    page = page_text(client.get(reverse("portal:profile")))
    assert "+84987654321" in page
    assert '<label for="id_personal_id">' in page
    bad = client.post(
        reverse("portal:profile"), {"full_name": "Phạm Thị Em Mới", "personal_id": "00109000123"}
    )
    assert bad.status_code == 400
    page = page_text(bad)
    assert "Số định danh cá nhân gồm đúng 12 chữ số." in page
    assert 'value="Phạm Thị Em Mới"' in page
    assert 'value="00109000123"' in page
    em.refresh_from_db()
    assert em.full_name == "Phạm Thị Em"

    good = client.post(
        reverse("portal:profile"),
        {"full_name": "  Phạm  Thị Em ", "personal_id": "0010 9000 1234"},
        follow=True,
    )
    assert "Đã lưu thông tin cá nhân." in page_text(good)
    em.refresh_from_db()
    assert (em.full_name, em.personal_id) == ("Phạm Thị Em", "001090001234")


def test_a_signed_in_citizen_changes_the_password_with_the_current_one(client, dung):
    client.force_login(dung)
    page = page_text(client.get(reverse("portal:set_password")))
    assert "Mật khẩu hiện tại" in page
    wrong = client.post(
        reverse("portal:set_password"),
        {"current": "sai", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert "Mật khẩu hiện tại không đúng." in page_text(wrong)
    client.post(
        reverse("portal:set_password"),
        {"current": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    dung.refresh_from_db()
    assert dung.check_password(NEW_PASSWORD)
    assert client.session[SESSION_KEY] == str(dung.pk)  # still signed in
