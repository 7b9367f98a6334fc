"""The public page of one procedure, /thu-tuc/<code>/."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from motcua.catalog.choices import OnlineLevel
from motcua.catalog.importer import import_catalog
from motcua.catalog.models import Procedure, ProvinceProcedureSetting
from motcua.catalog.tests.catalog_files import channel, record, write_jsonl
from motcua.catalog.tests.conftest import IMPORTED_AT
from motcua.org.models import Agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def birth_registration(tmp_path: Path) -> Procedure:
    fee = "8,000 VNĐ(8.000 đồng/bản sao)Nộp tại Trung tâm."
    birth = record(
        "1.001193",
        yeu_cau_dieu_kien="Trẻ em sinh ra còn sống.",
        cach_thuc_thuc_hien=[
            channel("truc_tiep", 1, "khac_khong_ro"),
            channel("truc_tuyen", 3, "ngay_lam_viec", fee, None, [8000]),
            channel("buu_chinh", None, None, None, None, []),
        ],
    )
    import_catalog(write_jsonl(tmp_path / "c.jsonl", [birth]), at=IMPORTED_AT)
    return Procedure.objects.get(code="1.001193")


def test_detail_shows_the_whole_procedure(client: Client, birth_registration: Procedure) -> None:
    response = client.get(reverse("catalog:detail", args=["1.001193"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Thủ tục đăng ký khai sinh</h1>" in html
    # documents by case, with counts and form file names
    assert "<h3>* Giấy tờ phải nộp:</h3>" in html
    assert "<h3>* Giấy tờ phải xuất trình:</h3>" in html
    assert (
        "<tr><td>Tờ khai đăng ký khai sinh</td><td>To khai dang ky khai sinh.docx</td>"
        "<td>1</td><td>0</td></tr>"
    ) in html
    assert "<tr><td>Giấy chứng sinh</td><td>—</td><td>1</td><td>2</td></tr>" in html
    # time and fee per channel
    assert '<span class="unit-unknown">1 (chưa rõ đơn vị)</span>' in html
    assert "3 ngày làm việc" in html
    assert "Không ghi thời hạn" in html
    assert "8.000 đồng" in html
    assert "Miễn phí" in html
    # steps, conditions, results, legal bases, source
    assert "Bước 1: Nộp hồ sơ.<br>Bước 2: Nhận kết quả." in html
    assert "Trẻ em sinh ra còn sống." in html
    assert "Giấy khai sinh" in html and "KQ.G15.000031" in html
    assert '<span class="code">60/2014/QH13</span> — Luật Hộ tịch' in html
    assert 'href="https://dichvucong.gov.vn/thu-tuc-hanh-chinh/1.001193"' in html
    assert "Chưa có cơ quan nào của tỉnh được khai báo thực hiện thủ tục này." in html


def test_detail_lists_the_agencies_that_run_it_and_their_online_level(
    client: Client,
    birth_registration: Procedure,
    commune_centre: Agency,
    justice_department: Agency,
) -> None:
    ProvinceProcedureSetting.objects.create(
        procedure=birth_registration, agency=commune_centre, online_level=OnlineLevel.FULL_PROCESS
    )
    ProvinceProcedureSetting.objects.create(
        procedure=birth_registration, agency=justice_department, is_active=False
    )

    html = client.get(reverse("catalog:detail", args=["1.001193"])).content.decode()

    assert "Trung tâm Phục vụ hành chính công phường Kinh Bắc" in html
    assert "<strong>Toàn trình</strong>" in html
    assert "Sở Tư pháp" not in html


def test_unknown_code_is_a_vietnamese_404(client: Client) -> None:
    response = client.get(reverse("catalog:detail", args=["9.999999"]))

    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Không tìm thấy thủ tục</h1>" in html
    assert "Không có thủ tục hành chính nào mang mã «9.999999» trong danh mục." in html


def test_provincial_code_redirects_to_the_national_page(
    client: Client, birth_registration: Procedure
) -> None:
    response = client.get("/thu-tuc/1.001193.000.00.00.H29/")

    assert response.status_code == 302
    assert response["Location"] == "/thu-tuc/1.001193/"


def test_detail_costs_a_fixed_number_of_queries(
    client: Client,
    birth_registration: Procedure,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # procedure+version+field, channels, cases, components, results, agency settings
    with django_assert_num_queries(6):
        client.get(reverse("catalog:detail", args=["1.001193"]))
