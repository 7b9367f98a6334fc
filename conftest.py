"""Fixtures shared by every app's tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium driven by Playwright.

    Without Chromium the browser tests are skipped locally, and fail in CI, where
    MOTCUA_REQUIRE_BROWSER=1 is set, so a missing browser never passes silently there.
    """
    if not shutil.which(CHROMIUM):
        if os.environ.get("MOTCUA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is required for the browser tests (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop; Django refuses ORM calls from a thread
    # with a running loop unless told this is deliberate (tests only).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh phone-sized page (a cheap Android phone's viewport)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    tab = context.new_page()
    yield tab
    context.close()


class _ReceivedMail:
    """aiosmtpd handler keeping every message received, parsed."""

    def __init__(self, messages: list[Any]) -> None:
        self.messages = messages

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import email
        import email.policy

        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Any]:
    """A real SMTP server (aiosmtpd) on a free localhost port, with Django's e-mail
    backend switched to SMTP there. Yields an object with ``host``, ``port`` and
    ``messages`` (the ``email.message.EmailMessage`` objects received, in order)."""
    import socket
    import types

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    messages: list[Any] = []
    controller = Controller(_ReceivedMail(messages), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield types.SimpleNamespace(host="127.0.0.1", port=port, messages=messages)
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def _fresh_reference_memory() -> Iterator[None]:
    """Each test starts with no reference data remembered (``dossiers.refcache``):
    a rolled-back test database can give the next test's rows the same keys. Nor with
    keys taken ahead (``common.rows.reserve_keys``): a test's query count does not
    depend on where the tests before it left the block."""
    from motcua.common import rows
    from motcua.dossiers import refcache

    refcache.forget()
    rows.forget_keys()
    yield
    refcache.forget()
