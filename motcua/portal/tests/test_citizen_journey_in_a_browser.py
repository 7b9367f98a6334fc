"""A citizen's whole journey on a cheap phone, in a real Chromium at 360×740: sign up
with a one-time code sent by e-mail (a real SMTP server), find "đăng ký khai tử"
typed without diacritics, file online with uploads, answer the supplement request,
download the e-result and rate the service; and an anonymous status lookup by code
that shows only masked personal data.

The officials' side (accept, request a supplement, forward, approve) goes through the
engine's actions, as the back office would; its pages have their own browser tests.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile

from motcua.accounts.models import User
from motcua.catalog.importer import DEFAULT_CATALOG_PATH, import_catalog
from motcua.catalog.models import ProvinceProcedureSetting
from motcua.demo.province import load_demo_province, map_procedures
from motcua.dossiers import actions
from motcua.dossiers.actions.base import superiors_of
from motcua.dossiers.models import Dossier, Task
from motcua.org.loader import load_units
from motcua.org.models import Membership, Role
from motcua.portal.masking import mask_name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# "Thủ tục đăng ký khai tử": a real commune-level procedure, online, 1 working day,
# result "Trích lục khai tử" (KQ.G15.000034).
CODE = "1.000656"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EMAIL = "chi.le@example.vn"
PASSWORD = "Hoa-sen-2026!"


@pytest.fixture
def province(tmp_path: Path, settings: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    subset = tmp_path / "subset.jsonl"
    wanted = {CODE, "1.000419", "1.001766", "1.005461"}  # and its neighbours by name
    with gzip.open(DEFAULT_CATALOG_PATH, "rt", encoding="utf-8") as source:
        lines = [line for line in source if json.loads(line)["ma_thu_tuc"] in wanted]
    subset.write_text("".join(lines), encoding="utf-8")
    load_units()
    import_catalog(subset, at=dt.datetime(2026, 7, 20, tzinfo=dt.UTC))
    _, agencies = load_demo_province()
    map_procedures(agencies)


def _officer(task: Task) -> User:
    """Who acts on the step: its role at its agency, or a superior standing in."""
    members = Membership.objects.filter(agency=task.agency, is_active=True)
    member = (
        members.filter(role=task.role).first()
        or members.filter(role__in=superiors_of(task.role)).first()
    )
    assert member is not None, f"no {task.role} at {task.agency}"
    return member.user


def _open_task(dossier: Dossier) -> Task:
    task = dossier.open_tasks().select_related("step", "agency").first()
    assert task is not None
    return task


def _upload(page: Any, selector: str, name: str) -> None:
    page.locator(selector).set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": PDF}
    )


def _no_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_citizen_files_online_and_collects_the_result(page, live_server, province, smtp_server):
    base = live_server.url
    offered = ProvinceProcedureSetting.objects.filter(procedure__code=CODE).exclude(
        online_level="none"
    )
    assert offered.count() >= 1

    # Sign up with an e-mail address and the code that arrives by e-mail.
    page.goto(base + "/tai-khoan/dang-ky/")
    page.get_by_label("Số điện thoại di động hoặc e-mail").fill(EMAIL)
    page.get_by_label("Họ và tên").fill("Lê Thị Chi")
    page.get_by_label(re.compile(r"^Mật khẩu")).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Nhận mã xác thực").click()
    page.wait_for_url("**/tai-khoan/xac-nhan/**")
    assert smtp_server.messages, "no e-mail reached the SMTP server"
    mail = smtp_server.messages[-1]
    assert mail["To"] == EMAIL
    body = mail.get_body(preferencelist=("plain",)).get_content()
    code = re.search(r"\b(\d{6})\b", body)
    assert code is not None, body
    page.get_by_label("Mã xác thực (6 chữ số)").fill(code.group(1))
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Hồ sơ của tôi").first.is_visible()

    # Find the procedure typed without diacritics.
    page.goto(base + "/")
    page.get_by_role("searchbox").first.fill("dang ky khai tu")
    page.keyboard.press("Enter")
    page.wait_for_url("**/thu-tuc/?*")
    page.get_by_role("link", name="Thủ tục đăng ký khai tử", exact=True).first.click()
    page.wait_for_url(f"**/thu-tuc/{CODE}/")
    assert _no_sideways_scroll(page)
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").first.click()
    page.wait_for_url(f"**/nop-truc-tuyen/{CODE}/")
    # Each commune runs it: the citizen picks theirs (the demo's staffed ward).
    page.get_by_role("radio", name=re.compile("Kinh Bắc")).check()
    page.get_by_role("button", name="Bắt đầu khai hồ sơ").click()
    page.wait_for_url("**/ho-so-nhap/*/")

    # The form: the account's name is already there; the rest is typed.
    assert page.get_by_label("Họ và tên (hoặc tên tổ chức)").input_value() == "Lê Thị Chi"
    page.get_by_label("Số định danh cá nhân (12 số) hoặc mã số thuế").fill("001190004321")
    page.get_by_label("Số điện thoại").fill("0987 654 321")
    page.get_by_label("Địa chỉ").fill("Thôn Đông, xã Tiên Du, tỉnh Bắc Ninh")
    # Submitting with nothing attached names what is missing and keeps what was typed.
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.wait_for_load_state()
    assert "Hồ sơ còn thiếu thành phần bắt buộc" in page.locator("main").inner_text()
    assert page.get_by_label("Địa chỉ").input_value() == "Thôn Đông, xã Tiên Du, tỉnh Bắc Ninh"
    required = page.locator(".component.has-error input[type=file]")
    assert required.count() >= 1
    for i in range(required.count()):
        _upload(page, f".component.has-error >> nth={0} >> input[type=file]", f"giay-{i}.pdf")
        page.get_by_role("button", name="Lưu nháp").last.click()
        page.wait_for_load_state()
        if not page.locator(".component.has-error").count():
            break
    assert page.get_by_text("Đã lưu hồ sơ nháp.").is_visible()
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.wait_for_url("**/ho-so-cua-toi/*/")
    dossier = Dossier.objects.get(citizen__email=EMAIL)
    main = page.locator("main").inner_text()
    assert dossier.code in main and "Mới đăng ký, chờ tiếp nhận" in main
    assert _no_sideways_scroll(page)

    # The one-stop unit accepts it; the handling officer asks for a supplement.
    reception = Membership.objects.filter(
        agency=dossier.receiving_agency, role=Role.RECEPTION, is_active=True
    ).first()
    assert reception is not None
    actions.accept_submission(dossier, actor=reception.user)
    actions.request_supplement(
        dossier,
        actor=_officer(_open_task(dossier)),
        reason="Giấy báo tử chụp thiếu trang 2",
        missing="Giấy báo tử (đủ 2 trang)",
    )
    page.reload()
    main = page.locator("main").inner_text()
    assert "Chờ bổ sung hồ sơ" in main and "Giấy báo tử (đủ 2 trang)" in main
    _upload(page, "#tep-bo-sung", "giay-bao-tu-du-trang.pdf")
    page.get_by_role("button", name="Gửi hồ sơ bổ sung").click()
    page.wait_for_load_state()
    assert "Đã gửi hồ sơ bổ sung" in page.locator("main").inner_text()
    dossier.refresh_from_db()
    assert dossier.status == "in_progress"

    # The officers forward it to the approval step; the leader approves with an e-result.
    while not (task := _open_task(dossier)).step.is_approval:
        actions.forward(dossier, actor=_officer(task))
        dossier.refresh_from_db()
    actions.approve_result(
        dossier,
        actor=_officer(task),
        result_type_code="KQ.G15.000034",
        documents=[
            actions.DocumentInput(
                name="Trích lục khai tử",
                file=ContentFile(PDF, name="trich-luc-khai-tu.pdf"),
            )
        ],
    )
    page.reload()
    assert "Đã xử lý xong, chờ trả kết quả" in page.locator("main").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải kết quả về").click()
    assert download.value.suggested_filename.startswith("trich-luc-khai-tu")
    assert Path(download.value.path()).read_bytes() == PDF
    page.get_by_role("link", name="Giấy tờ của tôi").first.click()
    assert "Trích lục khai tử" in page.locator("main").inner_text()

    # Rate the service: every criterion, then the overall level.
    page.goto(f"{base}/ho-so-cua-toi/{dossier.code}/")
    for fieldset in page.locator("#danh-gia fieldset").all():
        fieldset.get_by_label("Hài lòng", exact=True).check()
    page.get_by_label("Góp ý khác (không bắt buộc)").fill("Nhanh, không phải đi lại")
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_load_state()
    assert "Cảm ơn bạn đã đánh giá." in page.locator("main").inner_text()
    assert dossier.rating.overall == "satisfied"  # type: ignore[attr-defined]

    # Anyone with the code sees the status, with the name masked.
    page.context.clear_cookies()
    page.goto(f"{base}/tra-cuu/?ma={dossier.code}")
    main = page.locator("main").inner_text()
    assert dossier.code in main and "Thủ tục đăng ký khai tử" in main
    assert "Lê Thị Chi" not in main and "001190004321" not in main
    assert mask_name("Lê Thị Chi") in main
    assert _no_sideways_scroll(page)
