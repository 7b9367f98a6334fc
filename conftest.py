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
