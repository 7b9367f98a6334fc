"""What the citizen account tests share: fast password hashing, predictable limits,
and reading a one-time code out of what was delivered."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

PASSWORD = "Sen-hong-2026!"


@pytest.fixture(autouse=True)
def _account_settings(settings: Any) -> None:
    # Django's default PBKDF2 takes a noticeable time per hash: these tests hash often.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MOTCUA_OTP_MINUTES = 5
    settings.MOTCUA_OTP_MAX_ATTEMPTS = 5
    settings.MOTCUA_OTP_PER_HOUR = 5
    settings.MOTCUA_SIGNIN_MAX_FAILURES = 3
    settings.MOTCUA_SIGNIN_LOCK_MINUTES = 15
    settings.MOTCUA_SMS_CONSOLE = True
    settings.MOTCUA_OIDC_ISSUER = ""


def code_in(text: object) -> str:
    found = re.search(r"\b(\d{6})\b", str(text))
    assert found, f"no 6-digit code in {text!r}"
    return found.group(1)


def page_text(response: Any) -> str:
    return str(response.content.decode())


@pytest.fixture
def post_delivering(client: Client, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """POST with the outbox's after-commit delivery run, as in a real request (the
    test's own transaction never commits)."""

    def post(name: str, data: dict[str, str], **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse(name), data, **kwargs)

    return post
