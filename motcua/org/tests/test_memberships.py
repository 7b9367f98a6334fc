import pytest

from motcua.accounts.models import User
from motcua.org.models import (
    AdministrativeUnit,
    Agency,
    AgencyIdentifier,
    AgencyKind,
    Membership,
    Role,
    UnitEra,
    UnitKind,
    UnitLevel,
    has_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def province() -> AdministrativeUnit:
    return AdministrativeUnit.objects.create(
        code="24",
        name="Tỉnh Bắc Ninh",
        kind=UnitKind.PROVINCE,
        level=UnitLevel.PROVINCE,
        era=UnitEra.CURRENT,
    )


@pytest.fixture
def justice(province) -> Agency:
    return Agency.objects.create(name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT, unit=province)


@pytest.fixture
def construction(province) -> Agency:
    return Agency.objects.create(name="Sở Xây dựng", kind=AgencyKind.DEPARTMENT, unit=province)


def test_an_officer_sees_only_the_agencies_of_their_memberships(justice, construction):
    hoa = User.objects.create_user("hoa")
    Membership.objects.create(user=hoa, agency=justice, role=Role.HANDLER)
    assert list(Agency.objects.for_user(hoa)) == [justice]
    assert has_role(hoa, justice, Role.HANDLER)
    assert not has_role(hoa, construction)
    assert not has_role(hoa, justice, Role.LEADER)


def test_one_person_may_hold_several_memberships(justice, construction):
    nam = User.objects.create_user("nam")
    Membership.objects.create(user=nam, agency=justice, role=Role.DEPARTMENT_HEAD)
    Membership.objects.create(user=nam, agency=construction, role=Role.SUPERVISOR)
    assert set(Agency.objects.for_user(nam)) == {justice, construction}
    assert list(Agency.objects.for_user(nam, roles=[Role.SUPERVISOR])) == [construction]


def test_an_inactive_membership_grants_nothing(justice):
    lan = User.objects.create_user("lan")
    Membership.objects.create(user=lan, agency=justice, role=Role.LEADER, is_active=False)
    assert not has_role(lan, justice)
    assert list(Agency.objects.for_user(lan)) == []


def test_the_electronic_identifier_in_force_on_a_day(justice):
    import datetime as dt

    AgencyIdentifier.objects.create(agency=justice, code="OLD.24", valid_to=dt.date(2025, 6, 30))
    AgencyIdentifier.objects.create(agency=justice, code="NEW.24", valid_from=dt.date(2025, 7, 1))
    assert justice.identifier_on(dt.date(2025, 6, 30)) == "OLD.24"
    assert justice.identifier_on(dt.date(2026, 1, 1)) == "NEW.24"


def test_where_identifiers_overlap_the_newest_one_counts_on_every_database(justice, construction):
    import datetime as dt

    from motcua.org.models import identifiers_on

    # The old one was never given an end; the new one starts on 1 July 2025.
    AgencyIdentifier.objects.create(agency=justice, code="OLD.24")
    AgencyIdentifier.objects.create(agency=justice, code="NEW.24", valid_from=dt.date(2025, 7, 1))
    AgencyIdentifier.objects.create(agency=construction, code="XD.24")
    assert justice.identifier_on(dt.date(2025, 6, 30)) == "OLD.24"
    assert justice.identifier_on(dt.date(2025, 7, 1)) == "NEW.24"
    assert identifiers_on(dt.date(2025, 7, 1)) == {justice.pk: "NEW.24", construction.pk: "XD.24"}
    assert identifiers_on(dt.date(2025, 6, 30)) == {justice.pk: "OLD.24", construction.pk: "XD.24"}


def test_identifier_dates_in_the_wrong_order_are_rejected(justice):
    import datetime as dt

    from django.core.exceptions import ValidationError

    bad = AgencyIdentifier(
        agency=justice, code="X", valid_from=dt.date(2026, 1, 2), valid_to=dt.date(2026, 1, 1)
    )
    with pytest.raises(ValidationError, match="Ngày hết hiệu lực phải sau ngày bắt đầu"):
        bad.full_clean()
