"""The whole bundled national catalogue (2,642 procedures): the one slow module.

The catalogue is imported once for this module (committed outside the per-test
transactions, removed again afterwards) and shared by its tests.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator

import pytest
from pytest_django import DjangoDbBlocker

from motcua.catalog.importer import DEFAULT_CATALOG_PATH, ImportSummary, import_catalog
from motcua.catalog.models import ChannelRule, Procedure, ProcedureVersion
from motcua.catalog.search import procedures_in_order, search_procedures
from motcua.catalog.tests.catalog_files import wipe_catalogue
from motcua.catalog.tests.conftest import IMPORTED_AT

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def full_import(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[ImportSummary]:
    with django_db_blocker.unblock():
        summary = import_catalog(DEFAULT_CATALOG_PATH, at=IMPORTED_AT)
    yield summary
    with django_db_blocker.unblock():
        wipe_catalogue()


def test_every_record_of_the_bundled_catalogue_is_imported(full_import: ImportSummary) -> None:
    assert (full_import.created, full_import.rejected) == (2642, 0)
    assert Procedure.objects.count() == 2642
    assert Procedure.objects.filter(current_version__isnull=True).count() == 0
    # The figures of catalog/data/README.md.
    assert (full_import.unknown_unit_channels, full_import.no_time_channels) == (861, 334)
    assert ChannelRule.objects.count() == 7077
    assert Procedure.objects.at_level("tinh").count() == 1251
    assert Procedure.objects.at_level("xa").count() == 588


def test_every_channel_with_a_known_unit_has_a_parsed_limit(full_import: ImportSummary) -> None:
    known = ChannelRule.objects.exclude(limit_unit="").exclude(limit_unit="khac_khong_ro")

    assert known.count() == 4154 + 1577 + 137 + 14
    assert not known.filter(limit_value__isnull=True).exists()
    assert all(rule.time_limit is not None and rule.time_limit.unit_known for rule in known)
    assert ChannelRule.objects.filter(unit_unknown=True).count() == 861


def test_stored_limits_match_the_source_rows(full_import: ImportSummary) -> None:
    with gzip.open(DEFAULT_CATALOG_PATH, "rt", encoding="utf-8") as handle:
        source = {r["ma_thu_tuc"]: r["cach_thuc_thuc_hien"] for r in map(json.loads, handle)}
    stored: dict[str, list[tuple[str, str | None]]] = {}
    for code, value, unit in ChannelRule.objects.order_by("version", "order").values_list(
        "version__procedure__code", "limit_value", "limit_unit"
    ):
        stored.setdefault(code, []).append((unit or "", None if value is None else str(value)))

    for code, rows in source.items():
        expected = [
            (
                row["don_vi"] or ("khac_khong_ro" if row["thoi_han"] is not None else ""),
                row["thoi_han"],
            )
            for row in rows
        ]
        got = stored.get(code, [])
        assert [unit for unit, _v in got] == [unit for unit, _v in expected], code
        assert [None if v is None else float(v) for _u, v in got] == [
            None if v is None else float(v) for _u, v in expected
        ], code


def test_a_second_import_of_the_same_file_is_all_unchanged(full_import: ImportSummary) -> None:
    versions = ProcedureVersion.objects.count()

    summary = import_catalog(DEFAULT_CATALOG_PATH, at=IMPORTED_AT)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2642)
    assert ProcedureVersion.objects.count() == versions


@pytest.mark.parametrize(
    "query", ["dang ky khai sinh", "Đăng ký khai sinh", "dang ki khai sinh", "khai sihn"]
)
def test_birth_registration_is_in_the_top_three(full_import: ImportSummary, query: str) -> None:
    top = [p.code for p in procedures_in_order(search_procedures(query)[:3])]

    assert "1.001193" in top


def test_code_search_on_the_full_catalogue(full_import: ImportSummary) -> None:
    assert search_procedures("1.001193") == [Procedure.objects.get(code="1.001193").pk]
