"""The public search page /thu-tuc/."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from motcua.catalog import views
from motcua.catalog.models import Procedure, ProvinceProcedureSetting
from motcua.org.models import Agency

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sample_catalogue")]

URL = reverse("catalog:search")


def test_page_has_a_labelled_form_and_lists_the_catalogue(client: Client) -> None:
    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_q">Tên hoặc mã thủ tục</label>' in html
    assert '<label for="id_linh_vuc">Lĩnh vực</label>' in html
    assert '<label for="id_cap">Cấp thực hiện</label>' in html
    assert "<h1>Tra cứu thủ tục hành chính</h1>" in html
    assert "Danh mục có 11 thủ tục." in html


def test_results_show_name_code_field_levels_and_time(client: Client) -> None:
    response = client.get(URL, {"q": "dang ky khai sinh"})

    procedures = response.context["procedures"]
    assert procedures[0].code == "1.001193"
    html = response.content.decode()
    assert 'href="/thu-tuc/1.001193/">Thủ tục đăng ký khai sinh</a>' in html
    assert 'Mã <span class="code">1.001193</span>' in html
    assert "Hộ tịch" in html
    assert "Cấp xã" in html
    assert "5 ngày làm việc" in html
    assert "Tìm thấy 5 thủ tục." in html


def test_filters_narrow_the_results(client: Client, commune_centre: Agency) -> None:
    ProvinceProcedureSetting.objects.create(
        procedure=Procedure.objects.get(code="1.004222"), agency=commune_centre
    )

    by_level = client.get(URL, {"q": "khai sinh", "cap": "tinh"}).context["procedures"]
    by_field = client.get(URL, {"linh_vuc": "quan-ly-thue"}).context["procedures"]
    by_agency = client.get(URL, {"co_quan": commune_centre.pk}).context["procedures"]

    assert [p.code for p in by_level] == ["2.000528"]
    assert [p.code for p in by_field] == ["1.008590"]
    assert [p.code for p in by_agency] == ["1.004222"]


def test_the_agency_filter_appears_only_when_agencies_are_configured(
    client: Client, commune_centre: Agency
) -> None:
    assert 'id="id_co_quan"' not in client.get(URL).content.decode()
    ProvinceProcedureSetting.objects.create(
        procedure=Procedure.objects.get(code="1.004222"), agency=commune_centre
    )

    html = client.get(URL).content.decode()

    assert '<label for="id_co_quan">Cơ quan thực hiện</label>' in html
    assert "Trung tâm Phục vụ hành chính công phường Kinh Bắc" in html


def test_an_unknown_filter_value_is_shown_as_an_error_and_ignored(client: Client) -> None:
    response = client.get(URL, {"cap": "huyen", "linh_vuc": "khong-co"})

    assert response.status_code == 200
    assert len(response.context["procedures"]) == 11
    assert response.context["form"].errors.keys() == {"cap", "linh_vuc"}


@pytest.mark.parametrize("page", ["abc", "0", "-3", "999", "1.5", ""])
def test_a_bad_page_number_shows_page_one(client: Client, page: str) -> None:
    response = client.get(URL, {"trang": page})

    assert response.status_code == 200
    assert response.context["page"].number == 1


def test_pagination_keeps_the_query(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "PER_PAGE", 2)

    response = client.get(URL, {"q": "dang ky khai sinh", "trang": "2"})

    assert [p.code for p in response.context["procedures"]] == ["2.000528", "1.004884"]
    html = response.content.decode()
    assert 'href="?q=dang+ky+khai+sinh&amp;trang=3"' in html
    assert 'href="?q=dang+ky+khai+sinh&amp;trang=1"' in html


def test_an_overlong_query_is_cut_not_refused(client: Client) -> None:
    response = client.get(URL, {"q": "khai sinh " * 1000})

    assert response.status_code == 200
    assert response.context["procedures"][0].code == "1.001193"
    assert "Từ khóa quá dài: chỉ dùng 200 ký tự đầu tiên." in response.content.decode()


def test_no_result_says_so(client: Client) -> None:
    response = client.get(URL, {"q": "zzzzzz"})

    assert "Không tìm thấy thủ tục phù hợp." in response.content.decode()


def test_the_page_costs_a_fixed_number_of_queries(
    client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    # fields for the form, agencies for the form, the ranking, the page's rows
    with django_assert_max_num_queries(4):
        client.get(URL, {"q": "thu tuc", "cap": "xa"})
