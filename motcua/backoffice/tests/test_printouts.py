"""The forms of a dossier and the tracking book, as the back office serves them."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.dossiers.tests.conftest import MONDAY, World, reach

pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_receipt_carries_the_code_and_the_lookup_address(
    client: Client, office: World, settings: object
) -> None:
    settings.MOTCUA_PUBLIC_URL = "https://dichvucong.bacninh.gov.vn"  # type: ignore[attr-defined]
    dossier = office.receive(MONDAY)
    client.force_login(office.reception)
    response = client.get(f"/can-bo/ho-so/{dossier.code}/bieu-mau/01/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    assert dossier.code in text
    assert "Nguyễn Văn An" in text


@pytest.mark.parametrize(
    ("status", "form"),
    [("awaiting_supplement", "02"), ("not_received", "03"), ("stopped", "05"), ("returned", "06")],
)
def test_each_form_follows_its_action(
    client: Client, office: World, status: str, form: str
) -> None:
    dossier = reach(office, status)
    client.force_login(office.reception)
    response = client.get(f"/can-bo/ho-so/{dossier.code}/bieu-mau/{form}/")
    assert response.status_code == 200, response.content[:300]
    assert dossier.code in text_of(response.content) or form == "03"


def test_a_form_that_does_not_apply_is_explained(client: Client, office: World) -> None:
    dossier = office.receive(MONDAY)
    client.force_login(office.reception)
    response = client.get(f"/can-bo/ho-so/{dossier.code}/bieu-mau/04/")
    assert response.status_code == 409
    assert "Không in được biểu mẫu" in response.content.decode()


def test_another_agency_cannot_print_a_dossier_s_forms(client: Client, office: World) -> None:
    dossier = office.receive(MONDAY)
    client.force_login(office.commune_b_officer)
    assert client.get(f"/can-bo/ho-so/{dossier.code}/bieu-mau/01/").status_code == 404


def test_the_tracking_book_as_pdf_and_xlsx(client: Client, office: World) -> None:
    first = office.receive(MONDAY)
    office.receive(MONDAY.replace(hour=9))
    client.force_login(office.reception)
    pdf = client.get(
        "/can-bo/so-theo-doi/", {"start": "01/03/2026", "end": "31/03/2026", "dang": "pdf"}
    )
    assert pdf["Content-Type"] == "application/pdf"
    # A narrow column may break the code over two lines.
    assert first.code in "".join(text_of(pdf.content).split())
    xlsx = client.get(
        "/can-bo/so-theo-doi/", {"start": "01/03/2026", "end": "31/03/2026", "dang": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    codes = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert first.code in codes


def test_a_bad_date_range_is_refused_in_vietnamese(client: Client, office: World) -> None:
    client.force_login(office.reception)
    response = client.get("/can-bo/so-theo-doi/", {"start": "31/03/2026", "end": "01/03/2026"})
    assert response.status_code == 400
    assert "Ngày kết thúc phải sau ngày bắt đầu." in response.content.decode()
    response = client.get("/can-bo/so-theo-doi/", {"start": "hôm qua", "end": "01/03/2026"})
    assert "Nhập ngày dạng 01/11/2026." in response.content.decode()
