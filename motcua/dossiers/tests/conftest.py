"""A small province and a named cast for the dossier tests; state is built through
the real actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.models import User
from motcua.catalog.importer import import_catalog
from motcua.catalog.models import ChannelRule, Component, Procedure, ProcedureVersion
from motcua.catalog.tests.catalog_files import channel, record, write_jsonl
from motcua.dossiers import actions
from motcua.dossiers.models import Dossier
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
)
from motcua.workdays.calendar import LOCAL_TZ

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


@dataclass
class World:
    province: AdministrativeUnit
    centre: Agency
    justice: Agency
    construction: Agency
    commune_a: Agency
    commune_b: Agency
    reception: User
    handler: User
    head: User
    leader: User
    construction_handler: User
    commune_a_officer: User
    commune_b_officer: User
    version: ProcedureVersion
    counter_rule: ChannelRule
    online_rule: ChannelRule

    @property
    def declaration(self) -> Component:
        return Component.objects.filter(case__version=self.version).order_by(
            "case__order", "order"
        )[0]

    def submission(self, **overrides: object) -> actions.Submission:
        values: dict[str, object] = {
            "version": self.version,
            "channel_rule": self.counter_rule,
            "applicant": actions.Applicant(
                name="Nguyễn Văn An", identifier="001090001234", phone="0912345678"
            ),
            "receiving_agency": self.centre,
            "competent_agency": self.justice,
            "documents": [
                actions.DocumentInput(
                    name="Tờ khai",
                    component=self.declaration,
                    file=pdf(),
                )
            ],
        }
        values.update(overrides)
        return actions.Submission(**values)  # type: ignore[arg-type]

    def receive(self, at: dt.datetime, **overrides: object) -> Dossier:
        return actions.receive_at_counter(self.submission(**overrides), actor=self.reception, at=at)


def _agency(name: str, kind: str, unit: AdministrativeUnit, identifier: str) -> Agency:
    agency = Agency.objects.create(name=name, kind=kind, unit=unit)
    AgencyIdentifier.objects.create(agency=agency, code=identifier)
    return agency


def _staff(username: str, agency: Agency, role: str, title: str = "") -> User:
    user = User.objects.create_user(username, full_name=username.title())
    Membership.objects.create(user=user, agency=agency, role=role, title=title)
    return user


@pytest.fixture
def world(db: None, tmp_path: Path, settings: object) -> World:
    setattr(settings, "MEDIA_ROOT", str(tmp_path / "media"))  # noqa: B010
    province = AdministrativeUnit.objects.create(
        code="24",
        name="Tỉnh Bắc Ninh",
        kind=UnitKind.PROVINCE,
        level=UnitLevel.PROVINCE,
        era=UnitEra.CURRENT,
    )
    ward_a = AdministrativeUnit.objects.create(
        code="09187",
        name="Phường Kinh Bắc",
        kind=UnitKind.WARD,
        level=UnitLevel.COMMUNE,
        era=UnitEra.CURRENT,
        parent=province,
    )
    ward_b = AdministrativeUnit.objects.create(
        code="07210",
        name="Phường Bắc Giang",
        kind=UnitKind.WARD,
        level=UnitLevel.COMMUNE,
        era=UnitEra.CURRENT,
        parent=province,
    )
    centre = _agency("Trung tâm PVHCC tỉnh", AgencyKind.PROVINCIAL_CENTRE, province, "H24.TT")
    justice = _agency("Sở Tư pháp", AgencyKind.DEPARTMENT, province, "H24.STP")
    construction = _agency("Sở Xây dựng", AgencyKind.DEPARTMENT, province, "H24.SXD")
    commune_a = _agency("UBND phường Kinh Bắc", AgencyKind.COMMUNE_COMMITTEE, ward_a, "X09187")
    commune_b = _agency("UBND phường Bắc Giang", AgencyKind.COMMUNE_COMMITTEE, ward_b, "X07210")
    import_catalog(
        write_jsonl(
            tmp_path / "catalog.jsonl",
            [
                record("1.001193", levels=("tinh", "xa")),
                record(
                    "2.000001",
                    name="Cấp giấy phép xây dựng",
                    field="Xây dựng",
                    cach_thuc_thuc_hien=[
                        channel("truc_tiep", 10, "ngay"),
                        channel("truc_tuyen", 10, "ngay"),
                    ],
                    ket_qua=[{"ten": "Giấy phép xây dựng", "ma": "KQ.XD.01"}],
                ),
            ],
        ),
        at=dt.datetime(2026, 7, 20, tzinfo=dt.UTC),
    )
    version = Procedure.objects.get(code="1.001193").current_version
    assert version is not None
    rules = {r.channel: r for r in version.channels.all()}
    return World(
        province=province,
        centre=centre,
        justice=justice,
        construction=construction,
        commune_a=commune_a,
        commune_b=commune_b,
        reception=_staff("motcua", centre, Role.RECEPTION, "Công chức một cửa"),
        handler=_staff("chuyenvien", justice, Role.HANDLER, "Chuyên viên"),
        head=_staff("truongphong", justice, Role.DEPARTMENT_HEAD, "Trưởng phòng"),
        leader=_staff("lanhdao", justice, Role.LEADER, "Phó Giám đốc Sở"),
        construction_handler=_staff("xaydung", construction, Role.HANDLER),
        commune_a_officer=_staff("xa.a", commune_a, Role.RECEPTION),
        commune_b_officer=_staff("xa.b", commune_b, Role.RECEPTION),
        version=version,
        counter_rule=rules["truc_tiep"],
        online_rule=rules["truc_tuyen"],
    )
