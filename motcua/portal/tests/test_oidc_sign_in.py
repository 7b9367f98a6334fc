"""Signing in through an OpenID Connect provider, against a real one run locally:
panva's ``oidc-provider`` (motcua/portal/tests/oidc), standing in for VNeID.

The citizen's browser is Django's test client on MotCua's side and a small cookie-
keeping ``urllib`` opener on the provider's side (its development login and consent
forms); the redirect from the provider back to MotCua is caught and replayed to the
test client.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from motcua.accounts import oidc
from motcua.accounts.models import ExternalIdentity, User

pytestmark = pytest.mark.django_db

PROVIDER_DIR = Path(__file__).parent / "oidc"
CLIENT_ID = "motcua-portal"
CLIENT_SECRET = "bi-mat-cua-motcua-khi-thu"
CALLBACK = "http://testserver/tai-khoan/dinh-danh/ve/"
# The people who have an account at the provider (login name → claims).
ACCOUNTS = {
    "an": {
        "name": "Nguyễn Văn An",
        "personal_id": "001090012345",
        "email": "An.Nguyen@Example.vn",
        "email_verified": True,
        "phone_number": "+84 912 000 111",
        "phone_number_verified": True,
    },
    "binh": {"name": "Trần Thị Bình", "personal_id": "12345"},
}

DENIED = (
    "Bạn đã không đồng ý cho VNeID chia sẻ thông tin nên chưa đăng nhập được. "
    "Bạn có thể thử lại hoặc đăng nhập bằng số điện thoại, thư điện tử."
)
EXPIRED = (
    "Phiên đăng nhập bằng VNeID đã hết hạn hoặc không hợp lệ. "
    "Vui lòng bấm đăng nhập bằng VNeID lại."
)
INVALID = "Không xác nhận được thông tin đăng nhập từ VNeID. Vui lòng thử lại."
UNAVAILABLE = (
    "Chưa kết nối được với VNeID. Vui lòng thử lại sau ít phút hoặc đăng nhập "
    "bằng số điện thoại, thư điện tử."
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _missing(reason: str) -> None:
    # CI sets MOTCUA_REQUIRE_BROWSER=1: there a missing provider fails, never skips.
    if os.environ.get("MOTCUA_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def provider_issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start ``node provider.mjs`` on a free port; its issuer once discovery answers."""
    node = shutil.which("node")
    if node is None:
        _missing("Node.js is required for the OpenID Connect tests (apt-get install nodejs)")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        _missing(f"oidc-provider is not installed: cd {PROVIDER_DIR} && npm ci")
    assert node is not None
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("oidc") / "provider.log"
    env = os.environ | {
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_REDIRECT_URIS": CALLBACK,
        "OIDC_ACCOUNTS": json.dumps(ACCOUNTS),
    }
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [node, "provider.mjs", str(port)],
            cwd=PROVIDER_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(
                    f"{issuer}/.well-known/openid-configuration", timeout=2
                ) as response:
                    assert json.load(response)["issuer"] == issuer
                break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"oidc-provider did not start:\n{log_path.read_text()}")
                time.sleep(0.1)
        yield issuer
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def vneid(provider_issuer: str, settings: Any) -> Iterator[str]:
    """MotCua configured to sign citizens in through the local provider."""
    settings.MOTCUA_OIDC_ISSUER = provider_issuer
    settings.MOTCUA_OIDC_CLIENT_ID = CLIENT_ID
    settings.MOTCUA_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.MOTCUA_OIDC_NAME = "VNeID"
    settings.MOTCUA_OIDC_SCOPES = "openid profile email phone"
    settings.MOTCUA_OIDC_ID_CLAIM = "personal_id"
    oidc.forget_discovery()
    yield provider_issuer
    oidc.forget_discovery()


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx surfaces as an HTTPError, followed by hand below


@dataclass
class AtProvider:
    """The citizen's browser while it is at the provider."""

    jar: CookieJar

    @classmethod
    def new(cls) -> AtProvider:
        return cls(CookieJar())

    def open(self, url: str, form: dict[str, str] | None = None) -> tuple[str, str]:
        """Follow redirects from ``url``: (address, page) of the provider's page reached,
        or (address, "") of the redirect back to MotCua."""
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _KeepRedirects()
        )
        for _ in range(12):
            data = urllib.parse.urlencode(form).encode() if form is not None else None
            try:
                with opener.open(urllib.request.Request(url, data=data), timeout=10) as page:
                    return url, page.read().decode()
            except urllib.error.HTTPError as answer:
                if answer.code not in (302, 303):
                    detail = answer.read()[:500]
                    raise AssertionError(f"{answer.code} at {url}: {detail!r}") from answer
                url = urllib.parse.urljoin(url, answer.headers["Location"])
                form = None
                if url.startswith("http://testserver/"):
                    return url, ""
        raise AssertionError("too many redirects at the provider")

    def sign_in(self, authorization_url: str, login: str, *, agree: bool = True) -> str:
        """Sign in as ``login`` on the provider's pages; the address it sends back to."""
        url, page = self.open(authorization_url)
        while page:
            action = html.unescape(re.search(r'<form[^>]*action="([^"]+)"', page)[1])  # type: ignore[index]
            if 'name="prompt" value="login"' in page:
                form = {"prompt": "login", "login": login, "password": "mat-khau"}
                url, page = self.open(urllib.parse.urljoin(url, action), form)
            elif 'name="prompt" value="consent"' in page:
                if agree:
                    url, page = self.open(urllib.parse.urljoin(url, action), {"prompt": "consent"})
                else:  # "Cancel": the provider answers error=access_denied
                    url, page = self.open(urllib.parse.urljoin(url, action) + "/abort")
            else:
                raise AssertionError(f"unexpected page at the provider: {page[:500]}")
        return url


def _start(client: Client, next_url: str = "/ho-so-cua-toi/") -> str:
    response = client.get(reverse("portal:oidc_start"), {"next": next_url})
    assert response.status_code == 302
    return str(response["Location"])


def _sign_in(client: Client, login: str, next_url: str = "/ho-so-cua-toi/") -> Any:
    callback = AtProvider.new().sign_in(_start(client, next_url), login)
    return client.get(callback)


def _messages(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _assert_refused(client: Client, response: Any, message: str) -> None:
    """Back at the sign-in page, with ``message`` shown, and nobody signed in."""
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:sign_in") + "?next=%2Fho-so-cua-toi%2F"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert html.escape(message) in page
    assert "Đăng nhập bằng VNeID" in page  # to try again
    assert "Đăng xuất" not in page
    assert not User.objects.exists()
    assert not ExternalIdentity.objects.exists()


def test_a_citizen_signs_in_with_vneid_and_comes_back_as_the_same_person(vneid: str) -> None:
    client = Client()
    # "Hồ sơ của tôi" sends a visitor to the sign-in page, which offers VNeID.
    sign_in_page = client.get(reverse("portal:my_dossiers"), follow=True).content.decode()
    button = re.search(r'<a [^>]*href="([^"]+)"[^>]*>Đăng nhập bằng VNeID</a>', sign_in_page)
    assert button is not None, sign_in_page
    response = client.get(html.unescape(button[1]))
    assert response.status_code == 302
    callback = AtProvider.new().sign_in(str(response["Location"]), "an")
    response = client.get(callback)

    assert response.status_code == 302
    assert response["Location"] == "/ho-so-cua-toi/"
    page = client.get(response["Location"]).content.decode()
    assert "Bạn đã đăng nhập bằng VNeID." in page
    assert "Đăng xuất" in page

    user = User.objects.get()
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.username.startswith("oidc:")
    assert not user.has_usable_password()
    assert user.full_name == "Nguyễn Văn An"
    assert user.personal_id == "001090012345"
    assert user.email == "an.nguyen@example.vn"
    assert user.phone == "+84912000111"
    identity = ExternalIdentity.objects.get()
    assert (identity.user, identity.issuer, identity.subject) == (user, vneid, "an")
    first_sign_in = identity.last_sign_in_at
    assert first_sign_in == identity.linked_at

    # The citizen corrects their name and removes the phone number; the next sign-in
    # keeps what they wrote and fills only what is empty.
    User.objects.filter(pk=user.pk).update(full_name="Nguyễn Văn Ân", phone="")
    other_device = Client()
    response = _sign_in(other_device, "an")

    assert response.status_code == 302
    assert other_device.session["_auth_user_id"] == str(user.pk)
    assert User.objects.count() == 1
    identity = ExternalIdentity.objects.get()
    assert identity.last_sign_in_at is not None and first_sign_in is not None
    assert identity.last_sign_in_at > first_sign_in
    user.refresh_from_db()
    assert user.full_name == "Nguyễn Văn Ân"
    assert user.phone == "+84912000111"


def test_only_a_12_digit_personal_identifier_is_taken(vneid: str) -> None:
    response = _sign_in(Client(), "binh")

    assert response.status_code == 302
    user = User.objects.get()
    assert user.full_name == "Trần Thị Bình"
    assert user.personal_id == ""
    assert user.email == "" and user.phone == ""


def test_an_e_mail_address_of_another_account_is_not_copied(vneid: str) -> None:
    other = User.objects.create_user("an-cu", email="an.nguyen@example.vn", phone="+84912000111")

    _sign_in(Client(), "an")

    user = User.objects.exclude(pk=other.pk).get()
    assert user.email == "" and user.phone == ""
    assert user.full_name == "Nguyễn Văn An"


def test_an_unsafe_next_address_is_not_followed(vneid: str) -> None:
    response = _sign_in(Client(), "an", next_url="https://lua-dao.example/")

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:my_dossiers")


def test_a_tampered_state_is_refused(vneid: str) -> None:
    client = Client()
    callback = AtProvider.new().sign_in(_start(client), "an")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(callback).query)
    assert query["state"]
    query["state"] = ["x" + query["state"][0][1:]]
    tampered = CALLBACK + "?" + urllib.parse.urlencode(query, doseq=True)

    response = client.get(tampered)

    assert _messages(response) == [EXPIRED]
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:sign_in")  # the attempt was not found
    assert "_auth_user_id" not in client.session
    assert html.escape(EXPIRED) in client.get(response["Location"]).content.decode()
    assert not User.objects.exists()
    assert not ExternalIdentity.objects.exists()


def test_an_answer_from_another_browser_is_refused(vneid: str) -> None:
    """Login CSRF: a callback address made by someone else signs nobody in here."""
    callback = AtProvider.new().sign_in(_start(Client()), "an")
    victim = Client()
    response = victim.get(callback)

    assert _messages(response) == [EXPIRED]
    assert "_auth_user_id" not in victim.session
    assert not User.objects.exists()


def test_a_citizen_who_refuses_at_the_provider_is_told_so(vneid: str) -> None:
    client = Client()
    callback = AtProvider.new().sign_in(_start(client), "an", agree=False)
    assert "error=access_denied" in callback

    response = client.get(callback)

    assert _messages(response) == [DENIED]
    _assert_refused(client, response, DENIED)


def test_a_code_for_the_wrong_client_secret_is_refused(vneid: str, settings: Any) -> None:
    client = Client()
    callback = AtProvider.new().sign_in(_start(client), "an")
    settings.MOTCUA_OIDC_CLIENT_SECRET = "khong-dung"

    response = client.get(callback)

    assert _messages(response) == [INVALID]
    _assert_refused(client, response, INVALID)


def test_an_id_token_for_another_sign_in_attempt_is_refused(vneid: str) -> None:
    client = Client()
    callback = AtProvider.new().sign_in(_start(client), "an")
    session = client.session
    attempts = session[oidc.SESSION_KEY]
    for attempt in attempts.values():
        attempt["nonce"] = "mot-nonce-khac"
    session[oidc.SESSION_KEY] = attempts
    session.save()

    response = client.get(callback)

    assert _messages(response) == [INVALID]
    _assert_refused(client, response, INVALID)


def test_a_disabled_account_is_not_signed_in(vneid: str) -> None:
    _sign_in(Client(), "an")
    User.objects.update(is_active=False)
    identity = ExternalIdentity.objects.get()
    client = Client()

    response = _sign_in(client, "an")

    assert _messages(response) == [
        "Tài khoản của bạn đang bị khóa. Vui lòng liên hệ bộ phận một cửa để được hỗ trợ."
    ]
    assert response["Location"] == reverse("portal:sign_in") + "?next=%2Fho-so-cua-toi%2F"
    assert "_auth_user_id" not in client.session
    assert ExternalIdentity.objects.get().last_sign_in_at == identity.last_sign_in_at


def test_a_provider_that_is_down_is_reported(vneid: str, settings: Any) -> None:
    settings.MOTCUA_OIDC_ISSUER = f"http://127.0.0.1:{_free_port()}"
    client = Client()
    response = client.get(reverse("portal:oidc_start"), {"next": "/ho-so-cua-toi/"})

    assert _messages(response) == [UNAVAILABLE]
    _assert_refused(client, response, UNAVAILABLE)


def test_without_a_provider_the_addresses_do_not_exist(settings: Any) -> None:
    settings.MOTCUA_OIDC_ISSUER = ""
    client = Client()
    assert client.get(reverse("portal:oidc_start")).status_code == 404
    assert client.get(reverse("portal:oidc_callback"), {"state": "x"}).status_code == 404


# --- The ID token checks, one by one (OIDC Core §3.1.3.7) ----------------------------

PROVIDER = oidc.Provider(
    issuer="https://sso.example.gov.vn",
    client_id=CLIENT_ID,
    client_secret=CLIENT_SECRET,
    scopes="openid",
    id_claim="personal_id",
    name="VNeID",
)


def _token(**claims: Any) -> str:
    now = int(time.time())
    payload = {
        "iss": PROVIDER.issuer,
        "aud": CLIENT_ID,
        "sub": "an",
        "exp": now + 300,
        "iat": now,
        "nonce": "n-1",
    } | claims
    parts = [{"alg": "RS256"}, {k: v for k, v in payload.items() if v is not None}]
    encoded = [base64.urlsafe_b64encode(json.dumps(p).encode()).rstrip(b"=") for p in parts]
    return b".".join([*encoded, b"c2ln"]).decode()


def test_a_good_id_token_passes() -> None:
    assert oidc._check_id_token(PROVIDER, _token(), "n-1")["sub"] == "an"
    both = _token(aud=[CLIENT_ID, "other"], azp=CLIENT_ID)
    assert oidc._check_id_token(PROVIDER, both, "n-1")["sub"] == "an"


@pytest.mark.parametrize(
    "claims",
    [
        {"iss": "https://gia-mao.example"},
        {"aud": "another-client"},
        {"aud": [CLIENT_ID, "other"]},  # several audiences and no azp
        {"exp": int(time.time()) - 3600},
        {"iat": int(time.time()) + 3600},
        {"iat": int(time.time()) - 7200, "exp": int(time.time()) + 300},
        {"nonce": "n-2"},
        {"nonce": None},
        {"sub": None},
    ],
)
def test_a_bad_id_token_is_refused(claims: dict[str, Any]) -> None:
    with pytest.raises(oidc.SignInFailed) as refused:
        oidc._check_id_token(PROVIDER, _token(**claims), "n-1")
    assert refused.value.failure is oidc.Failure.INVALID


def test_a_provider_without_tls_is_refused_unless_on_this_machine() -> None:
    assert oidc._is_trusted_url("https://sso.vneid.gov.vn")
    assert oidc._is_trusted_url("http://127.0.0.1:8080")
    assert oidc._is_trusted_url("http://localhost:8080")
    assert not oidc._is_trusted_url("http://sso.vneid.gov.vn")
    assert not oidc._is_trusted_url("ftp://127.0.0.1/")
