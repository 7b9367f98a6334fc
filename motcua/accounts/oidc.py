"""Citizens' sign-in through an OpenID Connect provider (VNeID, the national portal's
single sign-on), configured by the ``MOTCUA_OIDC_*`` settings.

Contract:

- ``configured()`` is the provider of the settings, or None when ``MOTCUA_OIDC_ISSUER``
  is empty (no button, the sign-in addresses answer 404).
- ``begin(session, provider, redirect_uri, next_url)`` remembers a sign-in attempt in the
  session (``state``, ``nonce``, the PKCE verifier, where to go afterwards) and returns
  the provider's authorization address to send the browser to: the authorization code
  flow with PKCE S256 (OIDC Core §3.1.2.1, RFC 7636).
- ``finish(session, provider, params)`` handles the provider's answer at the callback:
  checks the ``state`` against the session (used once), exchanges the code at the token
  endpoint, checks the ID token, reads the userinfo endpoint, and links the person by
  (issuer, subject) to a ``User`` (``link_identity``) — created at the first sign-in.
  Anything wrong raises ``SignInFailed`` with a ``Failure`` kind and nothing is saved.

Only the standard library speaks HTTP (``urllib.request``); the discovery document is
kept in the process for ``DISCOVERY_TTL``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
import hashlib
import ipaddress
import json
import logging
import re
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.accounts.models import ExternalIdentity, User
from motcua.accounts.otp import normalise_phone

log = logging.getLogger(__name__)

DISCOVERY_TTL = 3600.0  # seconds a discovery document is trusted before fetching again
HTTP_TIMEOUT = 10.0  # seconds for each call to the provider
MAX_RESPONSE_BYTES = 1_000_000
ATTEMPT_TTL = 600.0  # seconds a citizen has to come back from the provider
MAX_PENDING_ATTEMPTS = 5  # sign-ins started in other tabs that are still accepted
CLOCK_SKEW = 120  # seconds of clock difference tolerated in the ID token's times
ID_TOKEN_MAX_AGE = 600  # an ID token issued longer ago than this is refused (§3.1.3.7 (10))
SESSION_KEY = "motcua_oidc_attempts"

_PERSONAL_ID = re.compile(r"^\d{12}$")


class Failure(enum.Enum):
    DENIED = "denied"  # the citizen said no at the provider (error=access_denied)
    UNAVAILABLE = "unavailable"  # the provider cannot be reached or answers with a fault
    EXPIRED = "expired"  # no sign-in attempt in this session matches the answer's state
    INVALID = "invalid"  # the provider's answer does not pass the checks
    INACTIVE = "inactive"  # the linked MotCua account is disabled


class SignInFailed(Exception):
    """The sign-in cannot go on. ``reason`` is for the log only (never shown, never a
    token); ``next_url`` is where the citizen wanted to go, when the attempt was found."""

    def __init__(self, failure: Failure, reason: str, next_url: str = "") -> None:
        super().__init__(f"{failure.value}: {reason}")
        self.failure = failure
        self.reason = reason
        self.next_url = next_url


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    id_claim: str  # the claim that carries the 12-digit personal identifier
    name: str  # shown on the button and in messages


def configured() -> Provider | None:
    """The provider of the settings, or None when sign-in through one is off."""
    issuer = settings.MOTCUA_OIDC_ISSUER.rstrip("/")
    if not issuer:
        return None
    scopes = settings.MOTCUA_OIDC_SCOPES.split()
    if "openid" not in scopes:  # without it the provider speaks plain OAuth 2.0
        scopes.insert(0, "openid")
    return Provider(
        issuer=issuer,
        client_id=settings.MOTCUA_OIDC_CLIENT_ID,
        client_secret=settings.MOTCUA_OIDC_CLIENT_SECRET,
        scopes=" ".join(scopes),
        id_claim=settings.MOTCUA_OIDC_ID_CLAIM,
        name=settings.MOTCUA_OIDC_NAME,
    )


# --- Discovery (OpenID Connect Discovery 1.0) ---------------------------------------


@dataclass(frozen=True)
class Endpoints:
    authorization: str
    token: str
    userinfo: str  # "" when the provider has none: the ID token's claims are all there is
    token_auth_method: str  # client_secret_basic or client_secret_post


_discovered: dict[str, tuple[float, Endpoints]] = {}
_discovered_lock = threading.Lock()


def forget_discovery() -> None:
    """Drop the kept discovery documents (tests, a provider that moved)."""
    with _discovered_lock:
        _discovered.clear()


def discover(provider: Provider) -> Endpoints:
    """The provider's endpoints from ``<issuer>/.well-known/openid-configuration``."""
    now = time.monotonic()
    with _discovered_lock:
        kept = _discovered.get(provider.issuer)
    if kept and now - kept[0] < DISCOVERY_TTL:
        return kept[1]
    document = _fetch_json(
        urllib.request.Request(
            f"{provider.issuer}/.well-known/openid-configuration",
            headers={"Accept": "application/json"},
        ),
        what="discovery",
    )
    # Discovery §4.3: the issuer in the document must be exactly the one configured,
    # or another provider could answer for it.
    if str(document.get("issuer", "")).rstrip("/") != provider.issuer:
        raise SignInFailed(
            Failure.UNAVAILABLE, f"discovery names issuer {document.get('issuer')!r}"
        )
    endpoints = Endpoints(
        authorization=_endpoint(document, "authorization_endpoint", required=True),
        token=_endpoint(document, "token_endpoint", required=True),
        userinfo=_endpoint(document, "userinfo_endpoint", required=False),
        token_auth_method=_token_auth_method(document),
    )
    with _discovered_lock:
        _discovered[provider.issuer] = (now, endpoints)
    return endpoints


def _endpoint(document: dict[str, Any], key: str, *, required: bool) -> str:
    url = document.get(key)
    if not url and not required:
        return ""
    if not isinstance(url, str) or not _is_trusted_url(url):
        raise SignInFailed(Failure.UNAVAILABLE, f"discovery: unusable {key} {url!r}")
    return url


def _token_auth_method(document: dict[str, Any]) -> str:
    # Discovery §3: absent means client_secret_basic.
    supported = document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    for method in ("client_secret_basic", "client_secret_post"):
        if method in supported:
            return method
    raise SignInFailed(Failure.UNAVAILABLE, f"no client secret method among {supported!r}")


def _is_trusted_url(url: str) -> bool:
    """HTTPS, or plain HTTP to this machine (a provider run locally for tests or
    development). The ID token's signature is not checked (see ``_check_id_token``),
    so everything rests on TLS to the provider."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    if parts.scheme != "http" or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


# --- The authorization request ------------------------------------------------------


def begin(session: SessionBase, provider: Provider, redirect_uri: str, next_url: str) -> str:
    """Remember a new sign-in attempt in ``session``; the address to send the browser to.

    Raises ``SignInFailed`` (UNAVAILABLE) when the provider cannot be discovered."""
    if not _is_trusted_url(provider.issuer):
        raise SignInFailed(Failure.UNAVAILABLE, f"issuer {provider.issuer!r} is not HTTPS")
    endpoints = discover(provider)
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)  # 86 characters, RFC 7636 §4.1 asks 43–128
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    attempts = _pending(session)
    attempts[state] = {
        "nonce": nonce,
        "verifier": verifier,
        "redirect_uri": redirect_uri,
        "next": next_url,
        "at": time.time(),
    }
    # Keep the newest few (a citizen may start from two tabs), forget the rest.
    newest = sorted(attempts.items(), key=lambda item: item[1]["at"])[-MAX_PENDING_ATTEMPTS:]
    session[SESSION_KEY] = dict(newest)
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": provider.client_id,
            "redirect_uri": redirect_uri,
            "scope": provider.scopes,
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge.rstrip(b"=").decode(),
            "code_challenge_method": "S256",
        }
    )
    separator = "&" if "?" in endpoints.authorization else "?"
    return f"{endpoints.authorization}{separator}{query}"


def _pending(session: SessionBase) -> dict[str, dict[str, Any]]:
    """The attempts of this session that are not too old."""
    now = time.time()
    stored = session.get(SESSION_KEY) or {}
    return {
        state: attempt
        for state, attempt in stored.items()
        if isinstance(attempt, dict) and now - float(attempt.get("at", 0)) < ATTEMPT_TTL
    }


# --- The provider's answer ----------------------------------------------------------


@dataclass(frozen=True)
class SignedIn:
    user: User
    next_url: str
    created: bool  # the account was made at this sign-in


def finish(session: SessionBase, provider: Provider, params: dict[str, str]) -> SignedIn:
    """Complete the sign-in from the callback's query ``params``.

    Raises ``SignInFailed``; the attempt is used up either way when its state matched."""
    state = params.get("state", "")
    attempts = _pending(session)
    attempt = attempts.pop(state, None) if state else None
    if attempt is None:
        # A forged or replayed answer (login CSRF), or one that came back too late.
        session[SESSION_KEY] = attempts
        raise SignInFailed(Failure.EXPIRED, "no sign-in attempt with this state")
    session[SESSION_KEY] = attempts
    next_url = str(attempt.get("next", ""))

    def failed(failure: Failure, reason: str) -> SignInFailed:
        return SignInFailed(failure, reason, next_url)

    if params.get("error"):
        failure = Failure.DENIED if params["error"] == "access_denied" else Failure.INVALID
        raise failed(failure, f"provider answered error={params['error'][:100]!r}")
    # RFC 9207: a provider that names itself in the answer must be the one asked.
    if "iss" in params and params["iss"].rstrip("/") != provider.issuer:
        raise failed(Failure.INVALID, f"answer from issuer {params['iss'][:200]!r}")
    code = params.get("code", "")
    if not code:
        raise failed(Failure.INVALID, "no code in the answer")
    try:
        endpoints = discover(provider)
        tokens = _exchange_code(provider, endpoints, code, attempt)
        claims = _check_id_token(provider, tokens["id_token"], attempt["nonce"])
        if endpoints.userinfo:
            claims |= _userinfo(endpoints.userinfo, tokens["access_token"], claims["sub"])
        user, created = link_identity(provider, claims, at=timezone.now())
    except SignInFailed as error:
        error.next_url = next_url
        raise
    return SignedIn(user=user, next_url=next_url, created=created)


def _exchange_code(
    provider: Provider, endpoints: Endpoints, code: str, attempt: dict[str, Any]
) -> dict[str, str]:
    """The token response for ``code`` (OIDC Core §3.1.3.1–3.1.3.3)."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": attempt["redirect_uri"],
        "code_verifier": attempt["verifier"],
    }
    headers = {
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    if endpoints.token_auth_method == "client_secret_basic":
        # RFC 6749 §2.3.1: both parts form-encoded before they are joined.
        pair = ":".join(
            urllib.parse.quote_plus(part) for part in (provider.client_id, provider.client_secret)
        )
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    else:
        form |= {"client_id": provider.client_id, "client_secret": provider.client_secret}
    response = _fetch_json(
        urllib.request.Request(
            endpoints.token,
            data=urllib.parse.urlencode(form).encode(),
            headers=headers,
            method="POST",
        ),
        what="token",
    )
    id_token = response.get("id_token")
    access_token = response.get("access_token")
    if not isinstance(id_token, str) or not isinstance(access_token, str):
        raise SignInFailed(Failure.INVALID, "token response without id_token or access_token")
    if str(response.get("token_type", "")).lower() != "bearer":
        raise SignInFailed(Failure.INVALID, f"token_type {response.get('token_type')!r}")
    return {"id_token": id_token, "access_token": access_token}


def _check_id_token(provider: Provider, id_token: str, nonce: str) -> dict[str, Any]:
    """The ID token's claims, once they pass OIDC Core §3.1.3.7.

    The signature is not checked: the token came straight from the token endpoint over
    the back channel, to which MotCua spoke itself over TLS (``_is_trusted_url``), and
    §3.1.3.7 (6) allows TLS server validation in place of the signature there. Issuer,
    audience, expiry, issue time and nonce are still checked (§3.1.3.7 (2)–(5), (9)–(11)).
    """
    parts = id_token.split(".")
    if len(parts) != 3:  # 5 parts: an encrypted token, which MotCua does not ask for
        raise SignInFailed(Failure.INVALID, "ID token is not a signed JWT")
    try:
        padded = parts[1] + "=" * (-len(parts[1]) % 4)
        claims = json.loads(base64.urlsafe_b64decode(padded))
    except (binascii.Error, ValueError) as error:
        raise SignInFailed(Failure.INVALID, f"ID token unreadable: {error}") from error
    if not isinstance(claims, dict):
        raise SignInFailed(Failure.INVALID, "ID token payload is not an object")

    if str(claims.get("iss", "")).rstrip("/") != provider.issuer:
        raise SignInFailed(Failure.INVALID, f"ID token iss {claims.get('iss')!r}")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if provider.client_id not in audiences:
        raise SignInFailed(Failure.INVALID, f"ID token aud {audience!r}")
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise SignInFailed(Failure.INVALID, f"ID token azp {claims.get('azp')!r}")
    now = time.time()
    expires, issued = claims.get("exp"), claims.get("iat")
    if not isinstance(expires, int | float) or expires < now - CLOCK_SKEW:
        raise SignInFailed(Failure.INVALID, f"ID token expired (exp {expires!r})")
    if not isinstance(issued, int | float) or not (
        now - ID_TOKEN_MAX_AGE - CLOCK_SKEW <= issued <= now + CLOCK_SKEW
    ):
        raise SignInFailed(Failure.INVALID, f"ID token iat {issued!r} too far from now")
    if not isinstance(claims.get("nonce"), str) or not secrets.compare_digest(
        claims["nonce"], nonce
    ):
        raise SignInFailed(Failure.INVALID, "ID token nonce does not match")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise SignInFailed(Failure.INVALID, "ID token without a usable sub")
    return claims


def _userinfo(url: str, access_token: str, subject: str) -> dict[str, Any]:
    """The userinfo endpoint's claims (OIDC Core §5.3)."""
    claims = _fetch_json(
        urllib.request.Request(
            url,
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
        ),
        what="userinfo",
    )
    # §5.3.2: the sub of the userinfo answer must be the ID token's, or it is ignored.
    if claims.get("sub") != subject:
        raise SignInFailed(Failure.INVALID, "userinfo sub differs from the ID token's")
    # Only what describes the person: the protocol claims stay the ID token's.
    for key in ("iss", "aud", "exp", "iat", "nonce", "azp"):
        claims.pop(key, None)
    return claims


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect could lead off the trusted addresses checked at discovery (or turn the
    # token request into a GET): the provider's endpoints must answer themselves.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects())


def _fetch_json(request: urllib.request.Request, *, what: str) -> dict[str, Any]:
    """The JSON object the provider answers. A refusal (4xx) is INVALID, anything else
    that goes wrong (down, slow, 5xx, a redirect, not JSON) is UNAVAILABLE."""
    try:
        with _opener.open(request, timeout=HTTP_TIMEOUT) as response:
            body = response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as error:
        failure = Failure.INVALID if 400 <= error.code < 500 else Failure.UNAVAILABLE
        detail = error.read(300).decode("utf-8", "replace")
        raise SignInFailed(failure, f"{what}: HTTP {error.code} {detail}") from error
    except (urllib.error.URLError, OSError) as error:  # refused, DNS, timeout, TLS
        raise SignInFailed(Failure.UNAVAILABLE, f"{what}: {error}") from error
    if len(body) > MAX_RESPONSE_BYTES:
        raise SignInFailed(Failure.UNAVAILABLE, f"{what}: answer too large")
    try:
        document = json.loads(body)
    except ValueError as error:
        raise SignInFailed(Failure.UNAVAILABLE, f"{what}: answer is not JSON") from error
    if not isinstance(document, dict):
        raise SignInFailed(Failure.UNAVAILABLE, f"{what}: answer is not a JSON object")
    return document


# --- The MotCua account -------------------------------------------------------------


def username_for(issuer: str, subject: str) -> str:
    """The account name of a person first seen at a provider: stable, and telling
    nothing about them."""
    digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()
    return f"oidc:{digest[:32]}"


def link_identity(
    provider: Provider, claims: dict[str, Any], *, at: dt.datetime
) -> tuple[User, bool]:
    """The user linked to (issuer, ``claims["sub"]``), and whether it was created now.

    The first sign-in creates the user (no usable password: the provider vouches for
    them) with the profile the claims give; later sign-ins record the time and fill the
    profile fields that are still empty — what the citizen wrote themselves is kept."""
    subject = str(claims["sub"])
    for _ in range(2):  # a second pass when a parallel first sign-in won the race
        try:
            with transaction.atomic():
                identity = (
                    ExternalIdentity.objects.select_for_update()
                    .select_related("user")
                    .filter(issuer=provider.issuer, subject=subject)
                    .first()
                )
                if identity is not None:
                    user = identity.user
                    if not user.is_active:
                        raise SignInFailed(Failure.INACTIVE, f"user {user.pk} is disabled")
                    changed = fill_profile(user, claims, provider.id_claim)
                    if changed:
                        user.save(update_fields=changed)
                    identity.last_sign_in_at = at
                    identity.save(update_fields=["last_sign_in_at"])
                    return user, False
                user = User(username=username_for(provider.issuer, subject))
                user.set_unusable_password()
                fill_profile(user, claims, provider.id_claim)
                user.save()
                ExternalIdentity.objects.create(
                    user=user,
                    issuer=provider.issuer,
                    subject=subject,
                    linked_at=at,
                    last_sign_in_at=at,
                )
                log.info(
                    "account %s created at the first sign-in through %s", user.pk, provider.name
                )
                return user, True
        except IntegrityError:
            continue
    raise SignInFailed(Failure.UNAVAILABLE, f"could not link {provider.issuer} {subject}")


def fill_profile(user: User, claims: dict[str, Any], id_claim: str) -> list[str]:
    """Copy the claims into the profile fields of ``user`` that are empty; the names of
    the fields changed. Values that do not fit are left out, and so are an e-mail
    address or phone number another account already uses (they sign people in)."""
    changed: list[str] = []
    name = _text(claims.get("name")) or " ".join(
        part
        for part in (
            _text(claims.get("family_name")),
            _text(claims.get("middle_name")),
            _text(claims.get("given_name")),
        )
        if part
    )
    if not user.full_name and name and len(name) <= 200:
        user.full_name = name
        changed.append("full_name")

    # The personal identifier (số định danh cá nhân) has exactly 12 digits; anything
    # else in the claim is not one, and must not reach reception's e-ID account check
    # (Decree 118/2025 Art. 17(1)(a)).
    personal_id = _text(claims.get(id_claim))
    if not user.personal_id and _PERSONAL_ID.match(personal_id):
        user.personal_id = personal_id
        changed.append("personal_id")

    email = _text(claims.get("email")).lower()
    if (
        not user.email
        and email
        and claims.get("email_verified") is not False
        and _is_email(email)
        and not User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
    ):
        user.email = email
        changed.append("email")

    phone = normalise_phone(_text(claims.get("phone_number")))
    if (
        not user.phone
        and phone
        and claims.get("phone_number_verified") is not False
        and not User.objects.filter(phone=phone).exclude(pk=user.pk).exists()
    ):
        user.phone = phone
        changed.append("phone")
    return changed


def _text(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return len(value) <= 254
