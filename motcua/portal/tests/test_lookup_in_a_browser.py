"""The receipt's QR code opened on a cheap phone: /tra-cuu/?ma=<code> in a real
Chromium at 360×740, as a camera app opens it, then the applicant's own view."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.dossiers.statuses import Status
from motcua.dossiers.tests.conftest import World, reach

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_scanned_receipt_shows_the_status_with_the_name_masked(
    page: Any, live_server: Any, world: World
) -> None:
    dossier = reach(world, Status.AWAITING_SUPPLEMENT)

    response = page.goto(f"{live_server.url}/tra-cuu/?ma={dossier.code}")

    assert response is not None and response.status == 200
    assert page.locator("#tinh-trang").inner_text() == "Đang chờ người nộp bổ sung giấy tờ"
    assert page.locator("#nguoi-nop").inner_text() == "N*** V*** A***"
    main = page.locator("main").inner_text()
    assert "Nguyễn Văn An" not in main
    assert "Giấy chứng sinh" not in main
    assert "Cơ quan yêu cầu bổ sung hồ sơ" in main
    assert _no_sideways_scroll(page)

    # The applicant types their phone number for the full detail.
    page.get_by_label("Số điện thoại hoặc số định danh của người nộp").fill("0912 345 678")
    page.get_by_role("button", name="Xem đầy đủ").click()
    page.wait_for_load_state()

    assert page.locator("#nguoi-nop").inner_text() == "Nguyễn Văn An"
    assert "Giấy chứng sinh" in page.locator("#can-bo-sung").inner_text()
    assert _no_sideways_scroll(page)
