from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from motcua.catalog.importer import import_catalog
from motcua.catalog.models import Procedure
from motcua.catalog.tests.catalog_files import record, write_jsonl
from motcua.dossiers.tests.conftest import world  # noqa: F401  (the dossier engine's province)
from motcua.org.models import AdministrativeUnit, Agency, AgencyKind, UnitEra, UnitKind, UnitLevel

IMPORTED_AT = dt.datetime(2026, 7, 20, 8, 0, tzinfo=dt.UTC)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: imports the whole bundled national catalogue (seconds, not minutes)"
    )


@pytest.fixture
def province() -> AdministrativeUnit:
    return AdministrativeUnit.objects.create(
        code="24",
        name="Bắc Ninh",
        kind=UnitKind.PROVINCE,
        level=UnitLevel.PROVINCE,
        era=UnitEra.CURRENT,
    )


@pytest.fixture
def justice_department(province: AdministrativeUnit) -> Agency:
    return Agency.objects.create(name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT, unit=province)


@pytest.fixture
def commune_centre(province: AdministrativeUnit) -> Agency:
    return Agency.objects.create(
        name="Trung tâm Phục vụ hành chính công phường Kinh Bắc",
        kind=AgencyKind.COMMUNE_CENTRE,
        unit=province,
    )


SAMPLE = [
    # code, name, field, levels
    ("1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch", ["xa"]),
    ("1.003583", "Thủ tục đăng ký khai sinh lưu động", "Hộ tịch", ["xa"]),
    ("2.000528", "Thủ tục đăng ký khai sinh có yếu tố nước ngoài", "Hộ tịch", ["tinh"]),
    ("1.004884", "Thủ tục đăng ký lại khai sinh", "Hộ tịch", ["xa"]),
    ("1.000656", "Thủ tục đăng ký khai tử", "Hộ tịch", ["xa"]),
    ("1.000894", "Thủ tục đăng ký kết hôn", "Hộ tịch", ["xa"]),
    ("1.004222", "Đăng ký thường trú", "Đăng ký, quản lý cư trú", ["xa"]),
    (
        "1.001194",
        "Cấp thị thực cho người nước ngoài tại Việt Nam",
        "Quản lý xuất nhập cảnh",
        ["tinh"],
    ),
    ("3.000346", "Cấp giấy phép lái xe", "Đường bộ", ["tinh"]),
    ("1.008590", "Gia hạn nộp thuế", "Quản lý thuế", ["bo", "tinh"]),
    ("1.005461", "Thẩm định dự án đầu tư", "Đầu tư", ["khac"]),
]


@pytest.fixture
def sample_catalogue(tmp_path: Path) -> dict[str, Procedure]:
    """Eleven real procedure names, imported through the real importer."""
    path = write_jsonl(
        tmp_path / "sample.jsonl",
        [record(code, name, field, levels) for code, name, field, levels in SAMPLE],
    )
    import_catalog(path, at=IMPORTED_AT)
    return {p.code: p for p in Procedure.objects.all()}
