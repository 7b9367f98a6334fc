"""Searching procedures by name or code: diacritics, typos, ranking and filters."""

from __future__ import annotations

import pytest
from pytest_django import DjangoAssertNumQueries

from motcua.catalog.choices import OnlineLevel
from motcua.catalog.models import Procedure, ProvinceProcedureSetting
from motcua.catalog.search import SearchFilters, procedures_in_order, search_procedures
from motcua.org.models import Agency

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sample_catalogue")]


def codes(query: str, filters: SearchFilters | None = None) -> list[str]:
    return [p.code for p in procedures_in_order(search_procedures(query, filters))]


def test_query_without_diacritics_finds_the_accented_name() -> None:
    assert codes("dang ky khai sinh")[0] == "1.001193"


def test_d_with_stroke_matches_plain_d_both_ways() -> None:
    assert codes("đăng ký thường trú") == codes("dang ky thuong tru")
    assert codes("ĐĂNG KÝ THƯỜNG TRÚ")[0] == "1.004222"
    assert codes("Dang Ky Thuong Tru")[0] == "1.004222"


def test_ranking_phrase_then_all_words_then_most_words_shorter_first() -> None:
    assert codes("dang ky khai sinh") == [
        "1.001193",  # the phrase, shortest name
        "1.003583",  # the phrase, longer
        "2.000528",  # the phrase, longer still
        "1.004884",  # all four words, not as a phrase ("đăng ký lại khai sinh")
        "1.000656",  # three words of four ("đăng ký khai tử")
    ]


def test_fewer_than_half_the_words_is_no_match() -> None:
    assert "1.000894" not in codes("dang ky khai sinh")  # "đăng ký kết hôn": 2 of 4


def test_exact_code_and_code_prefix() -> None:
    assert codes("1.001193") == ["1.001193"]
    assert codes(" 1.00119 ") == ["1.001193", "1.001194"]
    assert codes("3.") == ["3.000346"]


def test_provincial_code_finds_the_national_procedure() -> None:
    assert codes("1.001193.000.00.00.H29") == ["1.001193"]


@pytest.mark.parametrize(
    "query",
    [
        "dang ki khai sinh",  # i/y spelling variant
        "đăng kí khai sinh",
        "khai sihn",  # swapped letters
        "dang ky khai sinhh",  # one letter too many
        "dang ky kai sinh",  # one letter missing
        "dang ky khai sanh",  # one letter wrong
        "dang ky khai sin",  # unfinished last word
    ],
)
def test_small_typos_still_find_birth_registration(query: str) -> None:
    assert "1.001193" in codes(query)[:3]


def test_short_words_are_not_guessed() -> None:
    assert codes("xa") == []  # "xe" is one edit away but two letters are too few


def test_filter_by_field_level_and_agency(
    sample_catalogue: dict[str, Procedure], justice_department: Agency, commune_centre: Agency
) -> None:
    ProvinceProcedureSetting.objects.create(
        procedure=sample_catalogue["1.001193"],
        agency=commune_centre,
        online_level=OnlineLevel.FULL_PROCESS,
    )
    ProvinceProcedureSetting.objects.create(
        procedure=sample_catalogue["1.003583"], agency=commune_centre, is_active=False
    )
    ProvinceProcedureSetting.objects.create(
        procedure=sample_catalogue["2.000528"], agency=justice_department
    )

    assert codes("khai sinh", SearchFilters(level="tinh")) == ["2.000528"]
    assert codes("", SearchFilters(field="dang-ky-quan-ly-cu-tru")) == ["1.004222"]
    assert codes("", SearchFilters(level="bo")) == ["1.008590"]
    assert codes("", SearchFilters(level="khac")) == ["1.005461"]
    assert codes("khai sinh", SearchFilters(agency=commune_centre.pk)) == ["1.001193"]
    assert codes("", SearchFilters(field="ho-tich", level="tinh")) == ["2.000528"]


def test_empty_query_lists_everything_by_name() -> None:
    found = procedures_in_order(search_procedures(""))

    assert len(found) == 11
    assert [p.name for p in found[:3]] == [
        "Cấp giấy phép lái xe",
        "Cấp thị thực cho người nước ngoài tại Việt Nam",
        "Đăng ký thường trú",  # "Đ" sorts as "D", not after "Z"
    ]


def test_overlong_or_punctuation_only_queries_are_handled() -> None:
    assert codes("khai sinh " * 500)[0] == "1.001193"
    assert codes("?!…—") == []


def test_search_is_one_query(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    with django_assert_num_queries(1):
        search_procedures("dang ky khai sinh", SearchFilters(field="ho-tich", level="xa"))
