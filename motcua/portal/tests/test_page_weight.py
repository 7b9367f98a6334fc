"""Issue 5's look-and-feel budget for the public pages: light on a phone (no page over
300 kB, measured in a real Chromium by the same function as ``bench/page_weight.py``),
one small stylesheet, and the WCAG 2.1 AA basics (contrast, focus, touch targets)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from bench.page_weight import BUDGET_BYTES, DEFAULT_PATHS, measure, table
from motcua.portal.tests.test_public_pages_in_a_browser import province  # noqa: F401

SITE_CSS = Path(settings.BASE_DIR) / "motcua" / "portal" / "static" / "motcua" / "site.css"

# Pages this test must find, not a stub's 404: the catalogue and the home page.
MUST_ANSWER = {"/", "/thu-tuc/?q=dang+ky+khai+tu", "/thu-tuc/1.001193/"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("province")
def test_every_public_page_is_under_the_mobile_budget(browser: Any, live_server: Any) -> None:
    results = measure(browser, live_server.url, DEFAULT_PATHS)

    report = table(results)
    assert [r.path for r in results] == DEFAULT_PATHS
    for r in results:
        assert not r.error, report
        assert r.by_type.get("Document", 0) > 0, report  # the page itself was weighed
        assert r.bytes <= BUDGET_BYTES, report
        assert r.passed, report
    for r in results:
        if r.path in MUST_ANSWER:
            assert r.status == 200, report
            assert r.by_type.get("Stylesheet", 0) > 0, report  # site.css counted too


def test_the_stylesheet_is_small_and_self_contained() -> None:
    css = SITE_CSS.read_text(encoding="utf-8")

    assert len(css.encode()) < 12_000
    for outside in ("@import", "@font-face", "url(", "http:", "https:"):
        assert outside not in css, outside


def _root_colours() -> dict[str, str]:
    root = re.search(r":root\s*{([^}]*)}", SITE_CSS.read_text(encoding="utf-8"))
    assert root is not None
    found = re.findall(r"--([\w-]+):\s*#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b", root.group(1))
    # #abc is #aabbcc
    return {name: "#" + (h if len(h) == 6 else "".join(d * 2 for d in h)) for name, h in found}


def _contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_text_colours_contrast_at_least_4_5_to_1_on_their_backgrounds() -> None:
    c = _root_colours()
    white = "#ffffff"
    pairs = {
        "header text on the brand colour": (c["on-brand"], c["brand"]),
        "header text on the configured brand colour": (white, settings.MOTCUA_BRAND_COLOR),
        "links": (c["link"], white),
        "links in the configured colour": (settings.MOTCUA_BRAND_ACCENT, white),
        "links on a grey panel": (c["link"], c["bg"]),
        "muted text": (c["muted"], white),
        "muted text on a grey panel": (c["muted"], c["bg"]),
        "success badge": (c["ok"], c["ok-bg"]),
        "info badge and message": (c["link"], c["info-bg"]),
        "warning badge": (c["warn"], c["warn-bg"]),
        "error text": (c["err"], white),
        "error badge": (c["err"], c["err-bg"]),
        "body text on messages": (c["ink"], c["warn-bg"]),
    }
    low = {name: round(_contrast(*pair), 2) for name, pair in pairs.items()}
    assert {name: ratio for name, ratio in low.items() if ratio < 4.5} == {}, low
    # Field borders and the focus ring: 3:1 for non-text contrast (WCAG 1.4.11).
    assert _contrast(c["field"], white) >= 3
    assert _contrast(c["focus"], white) >= 3


def _px(length: str) -> float:
    return float(length.removesuffix("px") or 0)


CONTROLS = (
    "a.button, button, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), "
    "select, summary, .site-header nav a, .chips a, .popular a, .on-page a"
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("province")
@pytest.mark.parametrize("path", sorted(MUST_ANSWER))
def test_controls_are_44px_touch_targets(page: Any, live_server: Any, path: str) -> None:
    page.goto(live_server.url + path)

    sizes = page.eval_on_selector_all(
        CONTROLS,
        """els => els.filter(e => e.offsetParent !== null).map(e => {
            const r = e.getBoundingClientRect();
            return [e.tagName + ' ' + (e.textContent || e.name || '').trim().slice(0, 30),
                    Math.round(r.height)];
        })""",
    )
    assert len(sizes) >= 5
    assert [(name, height) for name, height in sizes if height < 44] == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("province")
def test_keyboard_focus_is_always_visible(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/thu-tuc/1.001193/")

    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        style = page.evaluate(
            """() => { const s = getComputedStyle(document.activeElement);
                       return [document.activeElement.tagName, s.outlineStyle, s.outlineWidth]; }"""
        )
        seen.append(style)
    assert all(tag != "BODY" for tag, _, _ in seen), seen
    hidden = [(tag, kind, width) for tag, kind, width in seen if kind == "none" or _px(width) < 2]
    assert hidden == [], seen
