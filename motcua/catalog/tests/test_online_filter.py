"""Filing online here: the "mức độ trực tuyến" filter and the badge of each result.

A procedure can be filed online in this province when its national record offers the
online channel and an active agency of the province runs it online (partial or full
process); the best agency's level counts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from motcua.catalog.choices import Channel, OnlineLevel
from motcua.catalog.importer import import_catalog
from motcua.catalog.models import ChannelRule, Procedure, ProvinceProcedureSetting
from motcua.catalog.search import (
    ONLINE_ANY,
    SearchFilters,
    online_level,
    procedures_in_order,
    search_procedures,
)
from motcua.catalog.tests.catalog_files import channel, record, write_jsonl
from motcua.catalog.tests.conftest import IMPORTED_AT
from motcua.org.models import Agency

pytestmark = pytest.mark.django_db

URL = reverse("catalog:search")
OFFLINE_CODE = "1.000999"  # the national record has no online channel


@pytest.fixture
def catalogue(tmp_path: Path) -> dict[str, Procedure]:
    records = [
        record("1.001193", "Thủ tục đăng ký khai sinh"),
        record("1.000656", "Thủ tục đăng ký khai tử"),
        record("1.000894", "Thủ tục đăng ký kết hôn"),
        record("1.004884", "Thủ tục đăng ký lại khai sinh"),
        record(
            OFFLINE_CODE,
            "Thủ tục đăng ký khai sinh lưu động",
            cach_thuc_thuc_hien=[channel("truc_tiep")],
        ),
    ]
    import_catalog(write_jsonl(tmp_path / "online.jsonl", records), at=IMPORTED_AT)
    return {p.code: p for p in Procedure.objects.all()}


@pytest.fixture
def settings_here(
    catalogue: dict[str, Procedure], commune_centre: Agency, justice_department: Agency
) -> None:
    """Khai sinh: full process; khai tử: partial; kết hôn: run, but not online; lại
    khai sinh: online only through an inactive setting; lưu động: online per the
    province, but the national record has no online channel."""

    def run(code: str, agency: Agency, level: str, *, active: bool = True) -> None:
        ProvinceProcedureSetting.objects.create(
            procedure=catalogue[code], agency=agency, online_level=level, is_active=active
        )

    run("1.001193", commune_centre, OnlineLevel.FULL_PROCESS)
    run("1.001193", justice_department, OnlineLevel.PARTIAL)
    run("1.000656", commune_centre, OnlineLevel.PARTIAL)
    run("1.000894", commune_centre, OnlineLevel.NONE)
    run("1.004884", commune_centre, OnlineLevel.FULL_PROCESS, active=False)
    run(OFFLINE_CODE, commune_centre, OnlineLevel.FULL_PROCESS)


def codes(filters: SearchFilters) -> set[str]:
    return {p.code for p in procedures_in_order(search_procedures("", filters))}


@pytest.mark.usefixtures("settings_here")
def test_the_online_filter_keeps_what_can_be_filed_online_here() -> None:
    assert codes(SearchFilters(online=OnlineLevel.FULL_PROCESS)) == {"1.001193"}
    assert codes(SearchFilters(online=OnlineLevel.PARTIAL)) == {"1.000656"}
    assert codes(SearchFilters(online=ONLINE_ANY)) == {"1.001193", "1.000656"}
    assert len(codes(SearchFilters())) == 5


def test_an_agency_that_stops_counts_no_more(
    settings_here: None, commune_centre: Agency, catalogue: dict[str, Procedure]
) -> None:
    commune_centre.is_active = False
    commune_centre.save()

    # Khai sinh is still run online, partially, by the department; khai tử no more.
    assert codes(SearchFilters(online=ONLINE_ANY)) == {"1.001193"}
    assert codes(SearchFilters(online=OnlineLevel.PARTIAL)) == {"1.001193"}


@pytest.mark.usefixtures("settings_here")
def test_the_online_filter_combines_with_the_others(commune_centre: Agency) -> None:
    query = search_procedures(
        "khai sinh", SearchFilters(online=ONLINE_ANY, level="xa", agency=commune_centre.pk)
    )

    assert [p.code for p in procedures_in_order(query)] == ["1.001193"]


def test_an_unknown_online_value_matches_nothing(settings_here: None) -> None:
    assert codes(SearchFilters(online="yes")) == set()


@pytest.mark.usefixtures("settings_here")
def test_the_sql_rule_and_the_python_rule_agree(catalogue: dict[str, Procedure]) -> None:
    listed = procedures_in_order(
        list(Procedure.objects.values_list("pk", flat=True)), with_online_level=True
    )

    for procedure in listed:
        assert procedure.current_version is not None
        levels = ProvinceProcedureSetting.objects.active().filter(procedure=procedure)
        channels = ChannelRule.objects.filter(version=procedure.current_version)
        expected = online_level(
            levels.values_list("online_level", flat=True),
            channels.values_list("channel", flat=True),
        )
        assert procedure.online_here == expected, procedure.code  # type: ignore[attr-defined]
    assert {p.code: p.online_here for p in listed} == {  # type: ignore[attr-defined]
        "1.001193": OnlineLevel.FULL_PROCESS,
        "1.000656": OnlineLevel.PARTIAL,
        "1.000894": OnlineLevel.NONE,
        "1.004884": OnlineLevel.NONE,
        OFFLINE_CODE: OnlineLevel.NONE,
    }


def test_online_level_needs_the_online_channel_and_takes_the_best_agency() -> None:
    online = [Channel.IN_PERSON, Channel.ONLINE]
    assert online_level([OnlineLevel.PARTIAL, OnlineLevel.FULL_PROCESS], online) == "full_process"
    assert online_level([OnlineLevel.NONE, OnlineLevel.PARTIAL], online) == "partial"
    assert online_level([OnlineLevel.NONE], online) == "none"
    assert online_level([], online) == "none"
    assert online_level([OnlineLevel.FULL_PROCESS], [Channel.IN_PERSON, Channel.POST]) == "none"


# --- the search page ---------------------------------------------------------------


@pytest.mark.usefixtures("settings_here")
def test_the_page_offers_the_online_filter_with_a_label(client: Client) -> None:
    html = client.get(URL).content.decode()

    assert '<label for="id_truc_tuyen">Mức độ trực tuyến</label>' in html
    assert '<option value="any">Nộp được trực tuyến</option>' in html
    assert '<option value="full_process">Trực tuyến toàn trình</option>' in html
    assert '<option value="partial">Trực tuyến một phần</option>' in html
    # Filters fold away on a phone until one is used.
    assert '<details class="filters">' in html


@pytest.mark.usefixtures("settings_here")
def test_the_page_filters_by_online_level_and_keeps_the_choice(client: Client) -> None:
    response = client.get(URL, {"q": "dang ky", "truc_tuyen": "any"})

    assert [p.code for p in response.context["procedures"]] == ["1.000656", "1.001193"]
    html = response.content.decode()
    assert "Tìm thấy 2 thủ tục." in html
    assert '<option value="any" selected>Nộp được trực tuyến</option>' in html
    assert '<details class="filters" open>' in html


@pytest.mark.usefixtures("settings_here")
def test_each_result_says_whether_it_can_be_filed_online_and_its_time_limit(
    client: Client,
) -> None:
    html = client.get(URL, {"q": "dang ky"}).content.decode()

    items = {
        code: html.split(f'href="/thu-tuc/{code}/"')[1].split("</li>")[0]
        for code in ("1.001193", "1.000656", "1.000894", "1.004884", OFFLINE_CODE)
    }
    assert '<span class="status-badge success"' in items["1.001193"]
    assert ">Toàn trình</span>" in items["1.001193"]
    assert '<span class="status-badge info"' in items["1.000656"]
    assert ">Một phần</span>" in items["1.000656"]
    for code in ("1.000894", "1.004884", OFFLINE_CODE):
        assert '<span class="status-badge">Chưa nộp trực tuyến</span>' in items[code], code
    for item in items.values():
        assert "Thời hạn:" in item and "<strong>5 ngày làm việc</strong>" in item


@pytest.mark.usefixtures("settings_here")
def test_an_unknown_online_value_is_reported_and_ignored(client: Client) -> None:
    response = client.get(URL, {"truc_tuyen": "co"})

    assert len(response.context["procedures"]) == 5
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_truc_tuyen-loi"' in html
    assert '<p class="field-error" id="id_truc_tuyen-loi">' in html


@pytest.mark.usefixtures("settings_here")
def test_the_badges_cost_no_extra_query(
    client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    # fields and agencies for the form, the ranking, the page's rows with their badge
    with django_assert_max_num_queries(4):
        client.get(URL, {"q": "dang ky", "truc_tuyen": "any", "cap": "xa"})
