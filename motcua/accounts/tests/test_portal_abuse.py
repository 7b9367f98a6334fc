"""Abuse of the portal's account and form paths: an official's account never signs in
through the portal (it would skip their second factor), odd digits and NUL bytes get
a clear answer instead of a crash, and the sign-up form cannot list who has an account."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from motcua.accounts.models import User
from motcua.accounts.tests.conftest import PASSWORD, code_in, page_text
from motcua.org.models import (
    AdministrativeUnit,
    Agency,
    AgencyKind,
    Membership,
    Role,
    UnitEra,
    UnitKind,
    UnitLevel,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def official() -> User:
    province = AdministrativeUnit.objects.create(
        code="24",
        name="Tỉnh Bắc Ninh",
        kind=UnitKind.PROVINCE,
        level=UnitLevel.PROVINCE,
        era=UnitEra.CURRENT,
    )
    agency = Agency.objects.create(name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT, unit=province)
    user = User.objects.create_user(
        "lanhdao", password=PASSWORD, email="lanhdao@example.vn", phone="+84911000111"
    )
    user.totp_secret = "JBSWY3DPEHPK3PXP"
    user.save()
    Membership.objects.create(user=user, agency=agency, role=Role.LEADER)
    return user


def test_an_official_cannot_sign_in_through_the_portal(client: Client, official: User) -> None:
    response = client.post(
        reverse("portal:sign_in"), {"destination": "0911 000 111", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "Tài khoản cán bộ đăng nhập tại trang dành cho cán bộ" in page_text(response)
    assert SESSION_KEY not in client.session
    # The back office still asks for the second factor.
    assert client.get("/can-bo/").status_code == 302


def test_an_official_cannot_reset_a_password_by_code(
    client: Client, official: User, post_delivering
) -> None:
    post_delivering("portal:recover", {"destination": "lanhdao@example.vn"})
    code = code_in(mail.outbox[-1].body)
    client.post(reverse("portal:confirm_code"), {"code": code})
    response = client.post(
        reverse("portal:set_password"),
        {"password1": "Mat-khau-moi-2026!", "password2": "Mat-khau-moi-2026!"},
    )
    assert response["Location"] == reverse("backoffice:login")
    official.refresh_from_db()
    assert official.check_password(PASSWORD)
    assert SESSION_KEY not in client.session


def test_a_nul_byte_gets_a_clear_400(client: Client) -> None:
    response = client.get("/tra-cuu/?ma=AB%00C")
    assert response.status_code == 400
    assert "ký tự không hợp lệ" in response.content.decode()
    posted = client.post(reverse("portal:sign_in"), {"destination": "a\x00b", "password": "x"})
    assert posted.status_code == 400


def test_sign_up_answers_whether_an_address_is_taken_only_so_often(
    client: Client, official: User
) -> None:
    form = {
        "destination": "lanhdao@example.vn",
        "full_name": "Ai Đó",
        "password1": "Mat-khau-moi-2026!",
        "password2": "Mat-khau-moi-2026!",
    }
    answers = [page_text(client.post(reverse("portal:sign_up"), form)) for _ in range(21)]
    assert all("quá nhiều" not in text for text in answers[:20])
    assert "quá nhiều" in answers[20]
