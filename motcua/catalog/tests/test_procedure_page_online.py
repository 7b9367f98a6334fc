"""The procedure page in plain language: can it be filed online here (and the button
that starts it), what to bring, where to go otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from motcua.catalog.choices import OnlineLevel
from motcua.catalog.importer import import_catalog
from motcua.catalog.models import Procedure, ProvinceProcedureSetting
from motcua.catalog.tests.catalog_files import channel, record, write_jsonl
from motcua.catalog.tests.conftest import IMPORTED_AT
from motcua.org.models import Agency

pytestmark = pytest.mark.django_db

BUTTON = "Nộp hồ sơ trực tuyến</a>"
FILE_URL = reverse("portal:file_start", args=["1.001193"])
FORM_URL = "https://dichvucong.gov.vn/p/home/dvc-tthc-mau-don.html?id=123"


def _import(tmp_path: Path, **overrides: Any) -> Procedure:
    path = write_jsonl(tmp_path / "one.jsonl", [record("1.001193", **overrides)])
    import_catalog(path, at=IMPORTED_AT)
    return Procedure.objects.get(code="1.001193")


@pytest.fixture
def birth(tmp_path: Path) -> Procedure:
    """Offered online by the national record (in person, online, by post)."""
    return _import(tmp_path)


@pytest.fixture
def counter_only(tmp_path: Path) -> Procedure:
    """The national record offers it in person and by post, not online."""
    return _import(tmp_path, cach_thuc_thuc_hien=[channel("truc_tiep"), channel("buu_chinh")])


def page(client: Client) -> str:
    response = client.get(reverse("catalog:detail", args=["1.001193"]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("level", "badge", "explanation"),
    [
        (
            OnlineLevel.FULL_PROCESS,
            '<span class="status-badge success">Toàn trình</span>',
            "Nộp hồ sơ, theo dõi và nhận kết quả trực tuyến, không phải đến cơ quan.",
        ),
        (
            OnlineLevel.PARTIAL,
            '<span class="status-badge info">Một phần</span>',
            "Nộp hồ sơ trực tuyến; còn một bước phải đến cơ quan",
        ),
    ],
)
def test_an_agency_running_it_online_brings_the_button(
    client: Client,
    birth: Procedure,
    commune_centre: Agency,
    level: str,
    badge: str,
    explanation: str,
) -> None:
    ProvinceProcedureSetting.objects.create(
        procedure=birth, agency=commune_centre, online_level=level
    )

    html = page(client)

    assert f'<a class="button primary large" href="{FILE_URL}">{BUTTON}' in html
    assert badge in html
    assert explanation in html


def test_not_run_online_here_no_button_and_where_to_go_instead(
    client: Client, birth: Procedure, commune_centre: Agency
) -> None:
    commune_centre.address = "Số 1 đường Lý Thái Tổ, phường Kinh Bắc"
    commune_centre.phone = "0222 3822 000"
    commune_centre.save()
    ProvinceProcedureSetting.objects.create(
        procedure=birth, agency=commune_centre, online_level=OnlineLevel.NONE
    )

    html = page(client)

    assert BUTTON not in html
    assert FILE_URL not in html
    assert '<span class="status-badge">Chưa nộp trực tuyến</span>' in html
    assert "Tại tỉnh, thủ tục này chưa nộp trực tuyến được." in html
    assert (
        "Hãy mang giấy tờ đến nộp trực tiếp tại một trong các cơ quan ở mục «Nơi nộp hồ sơ»."
        in (html)
    )
    assert "Thủ tục này cũng nhận hồ sơ qua dịch vụ bưu chính." in html
    assert "Trung tâm Phục vụ hành chính công phường Kinh Bắc" in html
    assert "Địa chỉ: Số 1 đường Lý Thái Tổ, phường Kinh Bắc" in html
    assert '<a href="tel:02223822000">0222 3822 000</a>' in html


def test_no_button_when_the_national_record_has_no_online_channel(
    client: Client, counter_only: Procedure, commune_centre: Agency
) -> None:
    ProvinceProcedureSetting.objects.create(
        procedure=counter_only, agency=commune_centre, online_level=OnlineLevel.FULL_PROCESS
    )

    html = page(client)

    assert BUTTON not in html
    assert "Tại tỉnh, thủ tục này chưa nộp trực tuyến được." in html


def test_no_button_when_the_only_online_setting_is_inactive(
    client: Client, birth: Procedure, commune_centre: Agency, justice_department: Agency
) -> None:
    ProvinceProcedureSetting.objects.create(
        procedure=birth,
        agency=commune_centre,
        online_level=OnlineLevel.FULL_PROCESS,
        is_active=False,
    )
    justice_department.is_active = False
    justice_department.save()
    ProvinceProcedureSetting.objects.create(
        procedure=birth, agency=justice_department, online_level=OnlineLevel.PARTIAL
    )

    html = page(client)

    assert BUTTON not in html
    assert "Chưa có cơ quan nào của tỉnh được khai báo thực hiện thủ tục này." in html


def test_no_agency_at_all_points_to_the_national_reception_address(
    client: Client, tmp_path: Path
) -> None:
    _import(tmp_path, dia_chi_tiep_nhan="Bộ phận Một cửa Ủy ban nhân dân cấp xã")

    html = page(client)

    assert BUTTON not in html
    assert "Theo danh mục quốc gia, hồ sơ nộp tại: Bộ phận Một cửa Ủy ban nhân dân cấp xã" in html


def test_a_form_given_as_an_address_is_a_download_link(client: Client, tmp_path: Path) -> None:
    documents = [
        {
            "truong_hop": None,
            "giay_to": [
                {"ten": "Tờ khai", "mau_don": FORM_URL, "ban_chinh": 1, "ban_sao": 0},
                {"ten": "Giấy chứng sinh", "mau_don": "Mau CS.doc", "ban_chinh": 1, "ban_sao": 1},
            ],
        }
    ]
    _import(tmp_path, thanh_phan_ho_so=documents)

    html = page(client)

    assert (
        f'<tr><td>Tờ khai</td><td><a href="{FORM_URL.replace("&", "&amp;")}" '
        'rel="external noopener" download>Tải mẫu</a></td><td>1</td><td>0</td></tr>'
    ) in html
    # A bare file name is shown as text, with the national page to fetch it from.
    assert "<tr><td>Giấy chứng sinh</td><td>Mau CS.doc</td><td>1</td><td>1</td></tr>" in html
    assert "tải được trên trang thủ tục của Cổng Dịch vụ công quốc gia" in html


def test_remarks_listed_as_documents_are_shown_as_notes(client: Client, tmp_path: Path) -> None:
    documents = [
        {
            "truong_hop": "* Giấy tờ phải nộp:",
            "giay_to": [
                {"ten": "Tờ khai", "mau_don": None, "ban_chinh": 1, "ban_sao": 0},
                {
                    "ten": "Trường hợp đã có bản điện tử thì không phải nộp bản giấy.",
                    "mau_don": None,
                    "ban_chinh": 0,
                    "ban_sao": 0,
                },
            ],
        }
    ]
    _import(tmp_path, thanh_phan_ho_so=documents)

    html = page(client)

    assert "<tr><td>Tờ khai</td><td>—</td><td>1</td><td>0</td></tr>" in html
    assert "<summary>Lưu ý (1)</summary>" in html
    assert "<li>Trường hợp đã có bản điện tử thì không phải nộp bản giấy.</li>" in html
    assert "<td>Trường hợp đã có bản điện tử" not in html


def test_the_summary_gives_time_limit_and_fee(client: Client, birth: Procedure) -> None:
    html = page(client)

    summary = html.split('<section class="card summary"')[1].split("</section>")[0]
    assert "<strong>5 ngày làm việc</strong>" in summary
    assert "Miễn phí" in summary
    for anchor in ("#giay-to", "#thoi-han", "#noi-nop", "#trinh-tu"):
        assert f'href="{anchor}"' in summary
