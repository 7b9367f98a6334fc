"""The public pages as a citizen on a cheap phone sees them, in a real Chromium."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from motcua.catalog.importer import DEFAULT_CATALOG_PATH, import_catalog
from motcua.demo.province import load_demo_province, map_procedures
from motcua.org.loader import load_units

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Real records of the bundled national catalogue: birth registration and the
# procedures whose names come closest to it.
CODES = {"1.001193", "1.003583", "2.000528", "1.004884", "1.000656", "1.000894", "1.001695"}


@pytest.fixture
def province(tmp_path: Path) -> None:
    subset = tmp_path / "subset.jsonl"
    with gzip.open(DEFAULT_CATALOG_PATH, "rt", encoding="utf-8") as source:
        lines = [line for line in source if json.loads(line)["ma_thu_tuc"] in CODES]
    subset.write_text("".join(lines), encoding="utf-8")
    load_units()
    import_catalog(subset, at=dt.datetime(2026, 7, 20, tzinfo=dt.UTC))
    _, agencies = load_demo_province()
    map_procedures(agencies)


def _no_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_citizen_finds_birth_registration_without_typing_diacritics(page, live_server, province):
    page.goto(live_server.url + "/")
    assert _no_sideways_scroll(page)
    page.get_by_role("searchbox").fill("dang ky khai sinh")
    page.keyboard.press("Enter")
    page.wait_for_url("**/thu-tuc/?q=*")
    assert _no_sideways_scroll(page)
    first_three = page.locator(".results li h2 a, .results li a").all_inner_texts()[:3]
    assert "Thủ tục đăng ký khai sinh" in [text.strip() for text in first_three]

    page.get_by_role("link", name="Thủ tục đăng ký khai sinh", exact=True).click()
    page.wait_for_url("**/thu-tuc/1.001193/")
    assert page.locator("h1").inner_text() == "Thủ tục đăng ký khai sinh"
    body = page.locator("main").inner_text()
    assert "1.001193" in body
    assert "Thành phần hồ sơ" in body
    assert "Ủy ban nhân dân Phường Kinh Bắc" in body
    assert "chưa rõ đơn vị" in body
    assert _no_sideways_scroll(page)


def test_the_site_switches_to_english_and_back(page, live_server, province):
    page.goto(live_server.url + "/thu-tuc/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Tiếng Việt").is_visible()
    page.get_by_role("button", name="Tiếng Việt").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "vi"


def test_an_unknown_code_gets_a_page_that_says_so(page, live_server, province):
    response = page.goto(live_server.url + "/thu-tuc/9.999999/")
    assert response is not None and response.status == 404
    assert "9.999999" in page.locator("main").inner_text()


def test_a_phone_set_to_english_still_gets_vietnamese_first(browser, live_server, province):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-US")
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Public services")
    context.close()
