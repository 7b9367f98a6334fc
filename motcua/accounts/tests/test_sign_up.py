"""A citizen signs up with an e-mail address or a phone number confirmed by a one-time
code; bad input gets a Vietnamese message and keeps what was typed."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.models import OneTimeCode, User
from motcua.accounts.tests.conftest import PASSWORD, code_in, page_text
from motcua.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

SIGN_UP = {
    "destination": "Chi.Nguyen@Example.VN",
    "full_name": "Nguyễn Thị Chi",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def test_the_sign_up_page_labels_every_field(client):
    page = page_text(client.get(reverse("portal:sign_up")))
    for field in ("destination", "full_name", "password1", "password2"):
        assert f'<label for="id_{field}">' in page
    assert "Số điện thoại di động hoặc e-mail" in page
    assert "portal/accounts" not in page
    assert reverse("portal:oidc_start") not in page  # no provider configured


def test_sign_up_by_email_through_a_real_smtp_server(client, smtp_server, post_delivering):
    response = post_delivering("portal:sign_up", {**SIGN_UP, "next": "/ho-so-cua-toi/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:confirm_code")

    (received,) = smtp_server.messages
    assert received["To"] == "chi.nguyen@example.vn"
    code = code_in(received.get_content())
    # The session and the outbox keep no code in clear.
    session = client.session
    assert code not in str(dict(session))
    assert session["portal_pending_code"]["password_hash"] != PASSWORD
    assert OutboxMessage.objects.get().body == ""

    page = page_text(client.get(reverse("portal:confirm_code")))
    assert "chi.nguyen@example.vn" in page
    assert "console" not in page  # the development banner is for SMS only

    confirmed = client.post(reverse("portal:confirm_code"), {"code": code[:3] + " " + code[3:]})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/ho-so-cua-toi/"
    user = User.objects.get()
    assert (user.username, user.email, user.phone) == (
        "chi.nguyen@example.vn",
        "chi.nguyen@example.vn",
        "",
    )
    assert user.full_name == "Nguyễn Thị Chi"
    assert user.check_password(PASSWORD)
    assert client.session[SESSION_KEY] == str(user.pk)
    assert "portal_pending_code" not in client.session

    profile = page_text(client.get(reverse("portal:profile")))
    assert "chi.nguyen@example.vn" in profile
    assert "Nguyễn Thị Chi" in profile


def test_sign_up_by_phone_prints_the_code_on_the_development_console(
    client, capsys, post_delivering
):
    data = {**SIGN_UP, "destination": "0912 345 678"}
    assert post_delivering("portal:sign_up", data).status_code == 302
    printed = capsys.readouterr().out
    assert "+84912345678" in printed
    code = code_in(printed.split("+84912345678", 1)[1])

    page = page_text(client.get(reverse("portal:confirm_code")))
    assert 'id="dev-sms-console"' in page
    assert "in trên màn hình console của máy chủ" in page

    assert client.post(reverse("portal:confirm_code"), {"code": code}).status_code == 302
    user = User.objects.get()
    assert (user.username, user.phone, user.email) == ("+84912345678", "+84912345678", "")
    assert mail.outbox == []


def test_phone_sign_up_without_an_sms_gateway_asks_for_an_email(client, settings):
    settings.MOTCUA_SMS_CONSOLE = False
    response = client.post(reverse("portal:sign_up"), {**SIGN_UP, "destination": "0912345678"})
    assert response.status_code == 400
    page = page_text(response)
    assert "chưa gửi được tin nhắn SMS" in page
    assert 'value="0912345678"' in page
    assert not OneTimeCode.objects.exists()


def test_a_wrong_shaped_phone_number_is_explained_and_the_typed_values_kept(client):
    data = {**SIGN_UP, "destination": "091234567"}
    response = client.post(reverse("portal:sign_up"), data)
    assert response.status_code == 400
    page = page_text(response)
    assert "Số điện thoại không hợp lệ: cần số di động Việt Nam 10 chữ số" in page
    assert 'value="091234567"' in page
    assert 'value="Nguyễn Thị Chi"' in page
    assert PASSWORD not in page  # passwords are never sent back
    assert not OneTimeCode.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_weak_or_mismatched_password_is_refused(client):
    weak = client.post(
        reverse("portal:sign_up"), {**SIGN_UP, "password1": "12345678", "password2": "12345678"}
    )
    assert "Mật khẩu này hoàn toàn là số." in page_text(weak)
    mismatch = client.post(reverse("portal:sign_up"), {**SIGN_UP, "password2": PASSWORD + "x"})
    assert "Hai mật khẩu không giống nhau." in page_text(mismatch)
    assert not OneTimeCode.objects.exists()


def test_an_address_with_an_account_is_offered_sign_in_and_recovery(client):
    User.objects.create_user(
        "chi.nguyen@example.vn", email="chi.nguyen@example.vn", full_name="Nguyễn Thị Chi"
    )
    response = client.post(reverse("portal:sign_up"), SIGN_UP)
    assert response.status_code == 400
    page = page_text(response)
    assert "Số điện thoại hoặc e-mail này đã có tài khoản." in page
    assert reverse("portal:sign_in") in page
    assert reverse("portal:recover") in page
    assert not OneTimeCode.objects.exists()
    assert mail.outbox == []


def _start(client, post_delivering) -> str:
    post_delivering("portal:sign_up", SIGN_UP)
    return code_in(mail.outbox[-1].body)


def _other(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_wrong_code_says_how_many_tries_are_left_and_keeps_it(client, post_delivering):
    code = _start(client, post_delivering)
    response = client.post(reverse("portal:confirm_code"), {"code": _other(code)})
    assert response.status_code == 400
    page = page_text(response)
    assert "Mã xác thực không đúng. Bạn còn 4 lần thử." in page
    assert f'value="{_other(code)}"' in page
    malformed = page_text(client.post(reverse("portal:confirm_code"), {"code": "12ab"}))
    assert "Mã xác thực gồm đúng 6 chữ số." in malformed
    assert not User.objects.exists()


def test_too_many_wrong_codes_void_the_code(client, post_delivering):
    code = _start(client, post_delivering)
    for _ in range(5):
        response = client.post(reverse("portal:confirm_code"), {"code": _other(code)})
    assert "nhập sai quá số lần cho phép" in page_text(response)
    right = client.post(reverse("portal:confirm_code"), {"code": code})
    assert right.status_code == 400
    assert "nhập sai quá số lần cho phép" in page_text(right)
    assert not User.objects.exists()


def test_an_expired_code_asks_for_a_new_one_and_resending_works(client, post_delivering):
    code = _start(client, post_delivering)
    OneTimeCode.objects.update(expires_at=timezone.now())
    response = client.post(reverse("portal:confirm_code"), {"code": code})
    assert response.status_code == 400
    assert "Mã xác thực đã hết hạn" in page_text(response)

    resent = post_delivering("portal:confirm_code", {"resend": "1"}, follow=True)
    assert "Đã gửi mã xác thực mới. Mã cũ không còn dùng được." in page_text(resent)
    new_code = code_in(mail.outbox[-1].body)
    assert client.post(reverse("portal:confirm_code"), {"code": new_code}).status_code == 302
    assert User.objects.filter(email="chi.nguyen@example.vn").exists()


def test_too_many_code_requests_are_refused_with_the_values_kept(client, settings):
    settings.MOTCUA_OTP_PER_HOUR = 2
    for _ in range(2):
        assert client.post(reverse("portal:sign_up"), SIGN_UP).status_code == 302
    response = client.post(reverse("portal:sign_up"), SIGN_UP)
    assert response.status_code == 400
    page = page_text(response)
    assert "Bạn đã yêu cầu quá nhiều mã xác thực trong một giờ." in page
    assert 'value="Chi.Nguyen@Example.VN"' in page
    assert 'value="Nguyễn Thị Chi"' in page
    assert OneTimeCode.objects.count() == 2
    resend = client.post(reverse("portal:confirm_code"), {"resend": "1"})
    assert "quá nhiều mã xác thực" in page_text(resend)


def test_confirming_without_a_sign_up_in_progress_starts_again(client):
    response = client.get(reverse("portal:confirm_code"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:sign_up")
    assert "Phiên xác thực đã kết thúc" in page_text(response)


def test_an_account_created_meanwhile_is_not_created_twice(client, post_delivering):
    code = _start(client, post_delivering)
    User.objects.create_user("chi.nguyen@example.vn", email="chi.nguyen@example.vn")
    response = client.post(reverse("portal:confirm_code"), {"code": code}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:sign_in")
    assert "đã có tài khoản" in page_text(response)
    assert User.objects.count() == 1


def test_the_message_carries_the_code_and_a_warning(client, post_delivering):
    code = _start(client, post_delivering)
    (sent,) = mail.outbox
    assert re.search(r"hiệu lực 5 phút", str(sent.body))
    assert "Không đưa mã này cho bất kỳ ai" in str(sent.body)
    assert code not in sent.subject
