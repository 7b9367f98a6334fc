import pytest
from django.contrib.auth import authenticate

from motcua.demo.province import DEMO_PASSWORD, DemoRefused, load_demo_province
from motcua.org.loader import load_units
from motcua.org.models import Agency, AgencyKind, Membership, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def units() -> None:
    load_units()


def test_the_demo_province_has_the_agencies_of_a_two_level_province(units):
    _, agencies = load_demo_province()
    kinds = [a.kind for a in Agency.objects.all()]
    assert kinds.count(AgencyKind.PROVINCIAL_CENTRE) == 1
    assert kinds.count(AgencyKind.DEPARTMENT) >= 4
    assert kinds.count(AgencyKind.VERTICAL) == 1
    assert kinds.count(AgencyKind.COMMUNE_COMMITTEE) == 3
    assert kinds.count(AgencyKind.COMMUNE_CENTRE) == 3
    names = set(Agency.objects.values_list("name", flat=True))
    for department in ["Sở Tư pháp", "Sở Xây dựng", "Sở Nông nghiệp và Môi trường", "Sở Tài chính"]:
        assert f"{department} tỉnh Bắc Ninh" in names
    assert "Công an tỉnh Bắc Ninh" in names
    # Real communes of Bắc Ninh after 1 July 2025, one from each former province.
    assert {a.unit.name for a in Agency.objects.filter(kind=AgencyKind.COMMUNE_COMMITTEE)} == {
        "Phường Kinh Bắc",
        "Phường Bắc Giang",
        "Xã Yên Thế",
    }
    parents = {a.unit.parent_id for a in Agency.objects.filter(kind=AgencyKind.COMMUNE_COMMITTEE)}
    assert parents == {agencies["stp"].unit_id}
    assert all(a.identifiers.exists() for a in Agency.objects.all())


def test_every_role_has_a_demo_login(units):
    load_demo_province()
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    for membership in Membership.objects.select_related("user"):
        assert authenticate(username=membership.user.username, password=DEMO_PASSWORD)


def test_loading_twice_creates_nothing_new(units):
    load_demo_province()
    counts = (Agency.objects.count(), Membership.objects.count())
    summary, _ = load_demo_province()
    assert (summary.agencies_created, summary.users_created) == (0, 0)
    assert (Agency.objects.count(), Membership.objects.count()) == counts


def test_the_demo_is_refused_in_production(units, settings):
    settings.IS_PRODUCTION = True
    with pytest.raises(DemoRefused):
        load_demo_province()
    assert Agency.objects.count() == 0
