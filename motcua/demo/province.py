"""The demo province: Bắc Ninh, which took in Bắc Giang on 1 July 2025.

Real administrative units (province 24 and its 99 communes) come from the
reference data; the agencies are the ones a two-level province has — a provincial
Public Administration Service Centre, departments, the provincial police, and
three communes with their People's Committees and commune centres. Electronic
identifiers and staff are fictitious and marked so.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from motcua.accounts.models import User
from motcua.catalog.choices import Channel, OnlineLevel
from motcua.catalog.models import ChannelRule, Procedure, ProvinceProcedureSetting
from motcua.org.models import (
    AdministrativeUnit,
    Agency,
    AgencyIdentifier,
    AgencyKind,
    Membership,
    Role,
    UnitEra,
    UnitLevel,
)

PROVINCE_CODE = "24"
# Phường Kinh Bắc (old Bắc Ninh city), Phường Bắc Giang (old Bắc Giang city) and
# Xã Yên Thế: one ward from each former province and one rural commune.
DEMO_COMMUNES = ["09187", "07210", "07288"]
DEMO_PASSWORD = "motcua-demo-2026"


class DemoRefused(RuntimeError):
    pass


@dataclass(frozen=True)
class AgencySpec:
    key: str
    name: str
    kind: str
    identifier: str
    short_name: str = ""


PROVINCIAL_AGENCIES = [
    AgencySpec(
        "ttpvhcc",
        "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh",
        AgencyKind.PROVINCIAL_CENTRE,
        "DEMO.H24.TT",
        "TTPVHCC",
    ),
    AgencySpec("stp", "Sở Tư pháp tỉnh Bắc Ninh", AgencyKind.DEPARTMENT, "DEMO.H24.STP", "STP"),
    AgencySpec("sxd", "Sở Xây dựng tỉnh Bắc Ninh", AgencyKind.DEPARTMENT, "DEMO.H24.SXD", "SXD"),
    AgencySpec(
        "snnmt",
        "Sở Nông nghiệp và Môi trường tỉnh Bắc Ninh",
        AgencyKind.DEPARTMENT,
        "DEMO.H24.SNNMT",
        "SNNMT",
    ),
    AgencySpec("stc", "Sở Tài chính tỉnh Bắc Ninh", AgencyKind.DEPARTMENT, "DEMO.H24.STC", "STC"),
    AgencySpec("ca", "Công an tỉnh Bắc Ninh", AgencyKind.VERTICAL, "DEMO.H24.CA", "CA"),
]

# Which department is competent for the provincial-level procedures each ministry
# publishes (the national catalogue names generic agencies such as "Sở Tư pháp").
PUBLISHER_TO_AGENCY = {
    "Bộ Tư pháp": "stp",
    "Bộ Xây dựng": "sxd",
    "Bộ Nông nghiệp và Môi trường": "snnmt",
    "Bộ Tài chính": "stc",
    "Bộ Công an": "ca",
}


@dataclass(frozen=True)
class StaffSpec:
    username: str
    full_name: str
    agency: str
    role: str
    title: str


STAFF = [
    StaffSpec("quantri", "Nguyễn Văn Quản", "ttpvhcc", Role.ADMINISTRATOR, "Quản trị hệ thống"),
    StaffSpec("motcua", "Trần Thị Mai", "ttpvhcc", Role.RECEPTION, "Công chức một cửa"),
    StaffSpec("kiemsoat", "Lê Văn Kiểm", "ttpvhcc", Role.SUPERVISOR, "Phó Giám đốc Trung tâm"),
    StaffSpec("chuyenvien", "Phạm Thị Hoa", "stp", Role.HANDLER, "Chuyên viên"),
    StaffSpec("truongphong", "Hoàng Văn Nam", "stp", Role.DEPARTMENT_HEAD, "Trưởng phòng"),
    StaffSpec("lanhdao", "Vũ Thị Lan", "stp", Role.LEADER, "Phó Giám đốc Sở"),
    StaffSpec("vanthu", "Đỗ Văn Thư", "stp", Role.CLERK, "Văn thư"),
    StaffSpec("xa.motcua", "Ngô Thị Hằng", "ttxa:09187", Role.RECEPTION, "Công chức một cửa"),
    StaffSpec(
        "xa.chuyenvien", "Bùi Văn Tư", "ubnd:09187", Role.HANDLER, "Công chức Tư pháp - Hộ tịch"
    ),
    StaffSpec("xa.lanhdao", "Đặng Văn Chủ", "ubnd:09187", Role.LEADER, "Chủ tịch UBND phường"),
]


@dataclass
class DemoSummary:
    agencies_created: int = 0
    users_created: int = 0
    settings_created: int = 0


def _upsert_agency(
    spec: AgencySpec, unit: AdministrativeUnit, parent: Agency | None, summary: DemoSummary
) -> Agency:
    agency, created = Agency.objects.get_or_create(
        name=spec.name,
        defaults={"kind": spec.kind, "unit": unit, "parent": parent, "short_name": spec.short_name},
    )
    if created:
        summary.agencies_created += 1
        AgencyIdentifier.objects.create(agency=agency, code=spec.identifier)
    return agency


@transaction.atomic
def load_demo_province(*, password: str = DEMO_PASSWORD) -> tuple[DemoSummary, dict[str, Agency]]:
    """Create the demo agencies, staff and province settings; idempotent."""
    if settings.IS_PRODUCTION:
        raise DemoRefused(
            "Không nạp dữ liệu mẫu khi MOTCUA_ENV=production: tài khoản mẫu có mật khẩu công khai."
        )
    summary = DemoSummary()
    province = AdministrativeUnit.objects.get(
        level=UnitLevel.PROVINCE, code=PROVINCE_CODE, era=UnitEra.CURRENT
    )
    agencies: dict[str, Agency] = {}
    for spec in PROVINCIAL_AGENCIES:
        agencies[spec.key] = _upsert_agency(spec, province, None, summary)
    for code in DEMO_COMMUNES:
        commune = AdministrativeUnit.objects.get(
            level=UnitLevel.COMMUNE, code=code, era=UnitEra.CURRENT
        )
        committee = _upsert_agency(
            AgencySpec(
                f"ubnd:{code}",
                f"Ủy ban nhân dân {commune.name}",
                AgencyKind.COMMUNE_COMMITTEE,
                f"DEMO.X{code}.UBND",
                "UBND",
            ),
            commune,
            None,
            summary,
        )
        centre = _upsert_agency(
            AgencySpec(
                f"ttxa:{code}",
                f"Trung tâm Phục vụ hành chính công {commune.name}",
                AgencyKind.COMMUNE_CENTRE,
                f"DEMO.X{code}.TT",
                "TTPVHCC",
            ),
            commune,
            committee,
            summary,
        )
        agencies[f"ubnd:{code}"] = committee
        agencies[f"ttxa:{code}"] = centre

    for staff in STAFF:
        user, created = User.objects.get_or_create(
            username=staff.username,
            defaults={"full_name": staff.full_name, "email": f"{staff.username}@demo.motcua.vn"},
        )
        if created:
            summary.users_created += 1
            user.set_password(password)
            if staff.role == Role.ADMINISTRATOR:
                user.is_staff = True
                user.is_superuser = True
            user.save()
        Membership.objects.get_or_create(
            user=user,
            agency=agencies[staff.agency],
            role=staff.role,
            defaults={"title": staff.title},
        )
    return summary, agencies


def _online_level(channels: list[tuple[str, bool]]) -> str:
    """Demo rule: online submission offered → full process when free of charge
    (nothing to pay online), partial otherwise; no online channel → none."""
    online = [free for channel, free in channels if channel == Channel.ONLINE]
    if not online:
        return OnlineLevel.NONE
    return OnlineLevel.FULL_PROCESS if all(free for _, free in channels) else OnlineLevel.PARTIAL


@transaction.atomic
def map_procedures(agencies: dict[str, Agency]) -> int:
    """Give the demo agencies the real procedures of their level: commune-level
    procedures to every commune People's Committee, provincial ones to the department
    of the publishing ministry. Existing rows (an administrator's edits) are kept."""
    have = set(ProvinceProcedureSetting.objects.values_list("procedure_id", "agency_id"))
    channels: dict[int, list[tuple[str, bool]]] = {}
    for version_id, channel, free in ChannelRule.objects.values_list(
        "version_id", "channel", "is_free"
    ):
        channels.setdefault(version_id, []).append((channel, free))
    communes = [a for key, a in agencies.items() if key.startswith("ubnd:")]
    new_rows: list[ProvinceProcedureSetting] = []
    procedures = Procedure.objects.filter(current_version__isnull=False).values_list(
        "id", "current_version_id", "current_version__levels", "current_version__publisher"
    )
    for procedure_id, version_id, levels, publisher in procedures:
        targets: list[Agency] = []
        if "xa" in levels:
            targets.extend(communes)
        if "tinh" in levels and publisher in PUBLISHER_TO_AGENCY:
            targets.append(agencies[PUBLISHER_TO_AGENCY[publisher]])
        level = _online_level(channels.get(version_id, []))
        for agency in targets:
            if (procedure_id, agency.pk) not in have:
                new_rows.append(
                    ProvinceProcedureSetting(
                        procedure_id=procedure_id, agency=agency, online_level=level
                    )
                )
    ProvinceProcedureSetting.objects.bulk_create(new_rows, batch_size=1000)
    return len(new_rows)
