"""The back office as officials use it all day, in a real Chromium at 1366×768:
the counter receives a dossier with scans and prints the receipt, the handling
officer forwards it, the head asks for a supplement, the counter records it, the
leader approves with a result and the counter returns it; plus a refusal at the
counter and a hand-over to another agency. Assertions are on what the user sees."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from motcua.accounts.models import User
from motcua.catalog.importer import DEFAULT_CATALOG_PATH, import_catalog
from motcua.demo.province import DEMO_PASSWORD, load_demo_province, map_procedures
from motcua.dossiers.models import Dossier
from motcua.org.loader import load_units
from motcua.org.models import Agency, Membership, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# "Cấp thẻ tư vấn viên pháp luật": a real provincial procedure of the Department of
# Justice, 5 working days, three components, result type KQ.G15.000077.
CODE = "1.000426"
SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def province(tmp_path: Path, settings: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    subset = tmp_path / "subset.jsonl"
    with gzip.open(DEFAULT_CATALOG_PATH, "rt", encoding="utf-8") as source:
        lines = [line for line in source if json.loads(line)["ma_thu_tuc"] == CODE]
    subset.write_text("".join(lines), encoding="utf-8")
    load_units()
    import_catalog(subset, at=dt.datetime(2026, 7, 20, tzinfo=dt.UTC))
    _, agencies = load_demo_province()
    map_procedures(agencies)


@pytest.fixture
def desk(browser: Any) -> Iterator[Any]:
    """An office PC's browser window."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    tab = context.new_page()
    yield tab
    context.close()


def sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/can-bo/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/can-bo/danh-sach/"))


def status_of(page: Any) -> str:
    return str(page.locator("#dossier-status").inner_text()).strip()


def do(page: Any, title: str, fields: dict[str, str] | None = None, files: bool = False) -> None:
    """Open the action ``title`` on the dossier page, fill it and send it."""
    block = page.locator("details.action", has=page.locator("summary", has_text=title)).first
    offered = page.locator("details.action > summary").all_inner_texts()
    assert block.count(), f"«{title}» not offered; the page offers {offered}"
    block.locator("summary").click()
    for label, value in (fields or {}).items():
        block.get_by_label(label).fill(value)
    if files:
        block.locator("input[type=file]").set_input_files(
            {"name": "van-ban.pdf", "mimeType": "application/pdf", "buffer": SCAN}
        )
    block.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".flash").inner_text().startswith("Đã thực hiện"), page.content()[:500]


def pdf_text(page: Any, href: str) -> str:
    if href.startswith("/"):
        href = re.sub(r"^(https?://[^/]+).*", r"\1", page.url) + href
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    return "\n".join(p.extract_text() for p in reader.pages)


def open_procedure_at_the_counter(page: Any, base: str) -> None:
    page.goto(base + "/can-bo/tiep-nhan/")
    # The search box has the focus; typed without diacritics.
    page.keyboard.type("cap the tu van vien phap luat")
    suggestion = page.get_by_role("link", name=re.compile(CODE))
    suggestion.first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"thu_tuc="))


def test_a_dossier_from_the_counter_to_the_returned_result(desk, live_server, province):
    page, base = desk, live_server.url
    sign_in(page, base, "motcua")
    open_procedure_at_the_counter(page, base)
    assert "Cấp thẻ tư vấn viên pháp luật" in page.locator("#procedure-name").inner_text()
    assert "hẹn trả" in page.locator("#appointment-text").inner_text()

    # Keyboard only: type into each field, tick the checklist with the space bar.
    page.get_by_label("Số định danh cá nhân / mã số thuế").focus()
    page.keyboard.type("001090001234")
    page.get_by_label("Họ tên / tên tổ chức").focus()
    page.keyboard.type("Nguyễn Thị Hằng")
    page.get_by_label("Điện thoại").focus()
    page.keyboard.type("0912345678")
    for box in page.locator("input[type=checkbox][name^=tp-]").all():
        box.focus()
        page.keyboard.press("Space")
    page.locator("input[type=file][name^=tep-]").first.set_input_files(
        [
            {"name": "don-trang-1.pdf", "mimeType": "application/pdf", "buffer": SCAN},
            {"name": "don-trang-2.pdf", "mimeType": "application/pdf", "buffer": SCAN},
        ]
    )
    page.get_by_role("button", name="Tiếp nhận và in giấy hẹn").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/can-bo/ho-so/.+\?in=01"))

    code = page.locator("#dossier-code").inner_text().strip()
    assert status_of(page) == "Đã tiếp nhận"
    assert "Đã tiếp nhận hồ sơ " + code in page.locator(".flash").inner_text()
    receipt = pdf_text(page, page.locator("#print-now").get_attribute("href"))
    assert code in receipt and "Nguyễn Thị Hằng" in receipt
    assert page.get_by_role("link", name="Xem").count() == 2  # both scanned pages

    sign_in(page, base, "chuyenvien")
    page.goto(base + "/can-bo/danh-sach/viec-cua-toi/")
    page.get_by_role("link", name=code).click()
    do(page, "Hoàn thành bước", {"Ý kiến xử lý": "Hồ sơ đủ điều kiện, trình lãnh đạo phòng."})

    sign_in(page, base, "truongphong")
    page.goto(f"{base}/can-bo/ho-so/{code}/")
    do(
        page,
        "Yêu cầu bổ sung hồ sơ",
        {
            "Lý do": "Ảnh chân dung không đúng quy cách",
            "Giấy tờ cần bổ sung, hoàn thiện (mỗi dòng một mục)": "02 ảnh màu 2x3",
        },
    )
    assert status_of(page) == "Chờ bổ sung hồ sơ"
    slip = pdf_text(page, page.locator("#print-now").get_attribute("href"))
    assert "02 ảnh màu 2x3" in slip

    sign_in(page, base, "motcua")
    page.goto(f"{base}/can-bo/ho-so/{code}/")
    do(page, "Nhận hồ sơ bổ sung", {"Ghi chú": "Đã nhận 02 ảnh"}, files=True)
    assert status_of(page) == "Đang xử lý"

    for username in ("chuyenvien", "truongphong"):
        sign_in(page, base, username)
        page.goto(f"{base}/can-bo/ho-so/{code}/")
        if page.locator("summary", has_text="Hoàn thành bước").count():
            do(page, "Hoàn thành bước")

    sign_in(page, base, "lanhdao")
    page.goto(f"{base}/can-bo/ho-so/{code}/")
    do(
        page,
        "Phê duyệt, ký kết quả",
        {"Trích yếu kết quả": "Thẻ tư vấn viên pháp luật"},
        files=True,
    )
    assert status_of(page) == "Đã xử lý xong, chờ trả kết quả"

    sign_in(page, base, "motcua")
    page.goto(f"{base}/can-bo/ho-so/{code}/")
    do(page, "Trả kết quả")
    assert status_of(page) == "Đã trả kết quả"
    timeline = page.locator("#timeline").inner_text()
    for seen in (
        "Tiếp nhận hồ sơ",
        "Yêu cầu bổ sung hồ sơ",
        "Nhận hồ sơ bổ sung",
        "Phê duyệt kết quả",
        "Trả kết quả",
        "Vũ Thị Lan, Phó Giám đốc Sở",
    ):
        assert seen in timeline
    control = pdf_text(page, f"{base}/can-bo/ho-so/{code}/bieu-mau/06/")
    assert code in control


def test_the_counter_refuses_a_dossier_and_prints_slip_03(desk, live_server, province):
    page, base = desk, live_server.url
    sign_in(page, base, "motcua")
    open_procedure_at_the_counter(page, base)
    page.get_by_label("Số định danh cá nhân / mã số thuế").fill("12345")
    page.get_by_label("Họ tên / tên tổ chức").fill("Trần Văn Bình")
    page.locator("summary", has_text="Không tiếp nhận").click()
    page.get_by_label("Lý do (khi yêu cầu bổ sung hoặc từ chối)").fill("Không thuộc thẩm quyền")
    page.get_by_role("button", name="Từ chối tiếp nhận (phiếu 03)").click()
    # The ID number has the wrong shape: said on the page, the typed name kept.
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số" in page.content()
    assert page.get_by_label("Họ tên / tên tổ chức").input_value() == "Trần Văn Bình"
    assert not Dossier.objects.exists()
    page.get_by_label("Số định danh cá nhân / mã số thuế").fill("001090009999")
    page.locator("summary", has_text="Không tiếp nhận").click()
    if not page.get_by_label("Lý do (khi yêu cầu bổ sung hoặc từ chối)").input_value():
        page.get_by_label("Lý do (khi yêu cầu bổ sung hoặc từ chối)").fill("Không thuộc thẩm quyền")
    page.get_by_role("button", name="Từ chối tiếp nhận (phiếu 03)").click()
    page.wait_for_url(re.compile(r"\?in=03"))
    assert status_of(page) == "Không được tiếp nhận"
    slip = pdf_text(page, page.locator("#print-now").get_attribute("href"))
    assert "Không thuộc thẩm quyền" in slip and "Trần Văn Bình" in slip


def test_a_dossier_handed_over_to_another_agency(desk, live_server, province):
    page, base = desk, live_server.url
    construction = Agency.objects.get(name__startswith="Sở Xây dựng")
    officer = User.objects.create_user(
        "sxd.chuyenvien", password=DEMO_PASSWORD, full_name="Bùi Văn Dũng"
    )
    Membership.objects.create(
        user=officer, agency=construction, role=Role.HANDLER, title="Chuyên viên"
    )
    sign_in(page, base, "motcua")
    open_procedure_at_the_counter(page, base)
    page.get_by_label("Số định danh cá nhân / mã số thuế").fill("001090005555")
    page.get_by_label("Họ tên / tên tổ chức").fill("Lê Thị Cúc")
    for box in page.locator("input[type=checkbox][name^=tp-]").all():
        box.check()
    page.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    code = page.locator("#dossier-code").inner_text().strip()

    sign_in(page, base, "chuyenvien")
    page.goto(f"{base}/can-bo/ho-so/{code}/")
    block = page.locator(
        "details.action", has=page.locator("summary", has_text="Chuyển cơ quan khác")
    )
    block.locator("summary").click()
    block.get_by_label("Chuyển cho cơ quan").select_option(label=construction.name)
    block.get_by_label("Lý do").fill("Cần ý kiến thẩm định của Sở Xây dựng")
    block.locator("button[type=submit]").click()
    assert "Đã thực hiện" in page.locator(".flash").inner_text()

    sign_in(page, base, "sxd.chuyenvien")
    page.goto(base + "/can-bo/danh-sach/viec-cua-toi/")
    page.get_by_role("link", name=code).click()
    assert "Chuyển cơ quan khác xử lý" in page.locator("#timeline").inner_text()
    do(page, "Hoàn thành bước", {"Ý kiến xử lý": "Thống nhất"})
