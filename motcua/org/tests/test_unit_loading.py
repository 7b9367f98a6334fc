import datetime as dt

import pytest
from django.db.models import Count

from motcua.org import loader
from motcua.org.models import AdministrativeUnit, UnitConversion, UnitEra, UnitKind, UnitLevel

pytestmark = pytest.mark.django_db


@pytest.fixture
def units() -> loader.UnitLoadSummary:
    return loader.load_units()


def test_the_two_level_map_has_34_provinces_and_3321_communes(units):
    current = AdministrativeUnit.objects.current()
    assert current.provinces().count() == 34
    assert current.communes().count() == 3321
    assert current.filter(level=UnitLevel.DISTRICT).count() == 0
    assert UnitConversion.objects.count() == 10571
    kinds = dict(current.communes().values_list("kind").order_by().annotate(n=Count("id")))
    assert kinds == {UnitKind.COMMUNE: 2621, UnitKind.WARD: 687, UnitKind.SPECIAL_ZONE: 13}


def test_a_second_load_changes_nothing(units):
    again = loader.load_units()
    assert (again.created, again.updated, again.conversions_created) == (0, 0, 0)
    assert again.unchanged == units.created


def test_the_same_code_names_different_provinces_in_the_two_eras(units):
    new = AdministrativeUnit.objects.get(level=UnitLevel.PROVINCE, code="24", era=UnitEra.CURRENT)
    old = AdministrativeUnit.objects.get(level=UnitLevel.PROVINCE, code="24", era=UnitEra.PRE_2025)
    assert new.name == "Tỉnh Bắc Ninh"
    assert old.name == "Tỉnh Bắc Giang"
    assert new.is_valid_on(dt.date(2025, 7, 1)) and not new.is_valid_on(dt.date(2025, 6, 30))
    assert old.is_valid_on(dt.date(2025, 6, 30)) and not old.is_valid_on(dt.date(2025, 7, 1))


def test_an_old_commune_leads_to_the_commune_that_took_it_over(units):
    truc_bach = AdministrativeUnit.objects.get(
        level=UnitLevel.COMMUNE, code="00004", era=UnitEra.PRE_2025
    )
    assert truc_bach.name == "Phường Trúc Bạch"
    assert truc_bach.parent is not None and truc_bach.parent.name == "Quận Ba Đình"
    assert truc_bach.parent.level == UnitLevel.DISTRICT
    assert [u.name for u in truc_bach.successors()] == ["Phường Ba Đình"]


def test_a_commune_split_between_several_new_communes_lists_them_all(units):
    split = (
        UnitConversion.objects.filter(note="Nhập một phần")
        .values("old_unit")
        .order_by()
        .annotate(n=Count("new_unit"))
        .filter(n__gt=1)
        .order_by("old_unit")
        .first()
    )
    assert split is not None
    old = AdministrativeUnit.objects.get(pk=split["old_unit"])
    assert old.successors().count() == split["n"] > 1


def test_a_whole_district_that_became_a_special_zone_converts_from_the_district(units):
    con_dao = AdministrativeUnit.objects.get(level=UnitLevel.COMMUNE, code="26732", era="2025")
    assert con_dao.kind == UnitKind.SPECIAL_ZONE
    sources = [c.old_unit for c in UnitConversion.objects.filter(new_unit=con_dao)]
    assert [(u.level, u.name) for u in sources] == [(UnitLevel.DISTRICT, "Huyện Côn Đảo")]


def test_valid_on_filters_by_era():
    loader.load_units()
    before = AdministrativeUnit.objects.valid_on(dt.date(2025, 1, 1)).provinces().count()
    after = AdministrativeUnit.objects.valid_on(dt.date(2026, 1, 1)).provinces().count()
    assert (before, after) == (63, 34)


def test_a_missing_data_file_is_named(monkeypatch, tmp_path):
    missing = tmp_path / "wards-2025.jsonl.gz"
    monkeypatch.setattr(loader, "WARDS_FILE", missing)
    with pytest.raises(loader.MissingDataFile, match=str(missing)):
        loader.load_units()
    assert AdministrativeUnit.objects.count() == 0
