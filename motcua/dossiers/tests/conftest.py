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


# --- Reaching any status through the real actions (appended for the action tests) ---

# Mon 02/03/2026 08:00, the reception of deadlines.md §8's supplement example:
# 5 working days → due Mon 09/03/2026 08:00.
MONDAY = local(2026, 3, 2, 8, 0)


def citizen(username: str = "congdan") -> User:
    """An applicant's portal account (no membership in any agency)."""
    user, _created = User.objects.get_or_create(
        username=username, defaults={"full_name": "Nguyễn Văn An"}
    )
    return user


def submit_online(world: World, at: dt.datetime = MONDAY, **overrides: object) -> Dossier:
    """An online submission (status 1) filed by the applicant's own account."""
    applicant = citizen()
    values: dict[str, object] = {
        "channel": "online",
        "channel_rule": world.online_rule,
        "delivery": "online",
        "citizen": applicant,
    }
    values.update(overrides)
    return actions.submit_dossier(world.submission(**values), actor=applicant, at=at)


def result_file(name: str = "ket-qua.pdf") -> list[actions.DocumentInput]:
    return [actions.DocumentInput(name="Giấy khai sinh", file=pdf(name))]


def to_approval(world: World, dossier: Dossier, at: dt.datetime) -> None:
    """Handler and department head forward: the dossier waits at the leader's step."""
    actions.forward(dossier, actor=world.handler, at=at)
    actions.forward(dossier, actor=world.head, at=at + dt.timedelta(hours=1))


def reach(world: World, status: str, at: dt.datetime = MONDAY) -> Dossier:
    """A dossier in ``status``, brought there by the real actions (received at ``at``
    when it is received at all); returned freshly loaded."""
    day = dt.timedelta(days=1)
    if status in {"submitted", "not_received"}:
        dossier = submit_online(world, at)
        if status == "not_received":
            actions.refuse_at_intake(
                dossier, actor=world.reception, reason="Không thuộc thẩm quyền", at=at + day
            )
    else:
        dossier = world.receive(at)
    if status == "in_progress":
        actions.assign(dossier, actor=world.head, assignee=world.handler, at=at + day)
    elif status in {"awaiting_supplement", "closed"}:
        actions.request_supplement(
            dossier,
            actor=world.handler,
            reason="Thiếu giấy tờ",
            missing="Giấy chứng sinh",
            at=at + day,
        )
        if status == "closed":
            from motcua.dossiers.actions.base import system_user

            actions.close_unanswered(dossier, actor=system_user(), at=at + 17 * day)
    elif status == "awaiting_payment":
        actions.request_payment(
            dossier, actor=world.handler, amount_vnd=50_000, description="Lệ phí", at=at + day
        )
    elif status == "withdrawn":
        actions.withdraw(dossier, actor=world.reception, reason="Người nộp xin rút", at=at + day)
    elif status == "stopped":
        actions.stop(dossier, actor=world.leader, reason="Người nộp đề nghị dừng", at=at + day)
    elif status in {"processed", "returned"}:
        to_approval(world, dossier, at + day)
        actions.approve_result(
            dossier,
            actor=world.leader,
            result_type_code="KQ.G15.000031",
            documents=result_file(),
            at=at + 2 * day,
        )
        if status == "returned":
            actions.return_result(dossier, actor=world.reception, at=at + 3 * day)
    dossier.refresh_from_db()
    assert dossier.status == status, (dossier.status, status)
    return dossier


def snapshot(dossier: Dossier | None = None) -> dict[str, object]:
    """Everything an action could write: row counts of every dossier table, and the
    dossier's own row and tasks. Equal snapshots before and after = nothing written."""
    from motcua.dossiers import models as m

    state: dict[str, object] = {
        model.__name__: model.objects.count()
        for model in (
            m.Dossier,
            m.Document,
            m.Task,
            m.SupplementRequest,
            m.Extension,
            m.Payment,
            m.Result,
            m.DossierEvent,
        )
    }
    state["counters"] = list(m.DossierCodeCounter.objects.values_list("identifier", "day", "last"))
    if dossier is not None:
        state["dossier"] = m.Dossier.objects.values().get(pk=dossier.pk)
        state["tasks"] = list(dossier.tasks.order_by("pk").values())
        state["requests"] = list(dossier.supplement_requests.order_by("pk").values())
        state["payments"] = list(dossier.payments.order_by("pk").values())
        state["results"] = list(dossier.results.order_by("pk").values())
    return state
