"""Load the administrative units shipped in ``motcua/org/data``.

Sources (see data/README.md): the National Statistics Office list of the 34
provinces and 3,321 commune-level units in force from 1 July 2025, and the
10,571-row old → new commune conversion table. The pre-2025 communes, districts
and provinces exist only in the conversion table, so they are built from it, with
``valid_to`` = 30 June 2025.

Loading is idempotent: rows are matched on (level, code, era), missing ones are
created and renamed ones updated; a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from motcua.common.text import fold
from motcua.org.models import (
    REORGANISATION_DATE,
    AdministrativeUnit,
    UnitConversion,
    UnitEra,
    UnitKind,
    UnitLevel,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
PROVINCES_FILE = DATA_DIR / "provinces-2025.jsonl.gz"
WARDS_FILE = DATA_DIR / "wards-2025.jsonl.gz"
CONVERSION_FILE = DATA_DIR / "ward-conversion-2025.jsonl.gz"
LAST_DAY_BEFORE = REORGANISATION_DATE - dt.timedelta(days=1)

Key = tuple[int, str, str]  # (level, code, era)


class MissingDataFile(FileNotFoundError):
    pass


@dataclass
class UnitLoadSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    conversions_created: int = 0
    name_conflicts: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"Đơn vị hành chính: thêm mới {self.created}, cập nhật {self.updated}, "
            f"không đổi {self.unchanged}.",
            f"Bảng chuyển đổi: thêm mới {self.conversions_created} dòng.",
            f"Mã có nhiều tên trong dữ liệu nguồn (lấy tên xuất hiện nhiều nhất): "
            f"{len(self.name_conflicts)}.",
        ]


def read_jsonl_gz(path: Path) -> Iterator[dict[str, object]]:
    if not path.exists():
        raise MissingDataFile(f"Không tìm thấy tệp dữ liệu: {path}")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _commune_kind(name: str) -> str:
    folded = fold(name)
    if folded.startswith("phuong"):
        return UnitKind.WARD
    if folded.startswith("thi tran"):
        return UnitKind.TOWNSHIP
    if folded.startswith("dac khu"):
        return UnitKind.SPECIAL_ZONE
    return UnitKind.COMMUNE


_NEW_COMMUNE_KINDS = {
    "xã": UnitKind.COMMUNE,
    "phường": UnitKind.WARD,
    "đặc khu": UnitKind.SPECIAL_ZONE,
}


@dataclass
class _Row:
    name: str
    kind: str
    parent: Key | None
    codename: str = ""


def _most_common(names: Counter[str]) -> str:
    # Ties break on the name that starts with a capital letter ("Thị xã" over "Thị Xã"
    # is a matter of taste; the official style is the more frequent one).
    return sorted(names.items(), key=lambda item: (-item[1], item[0]))[0][0]


def _wanted_units(summary: UnitLoadSummary) -> dict[Key, _Row]:
    wanted: dict[Key, _Row] = {}
    new, old = UnitEra.CURRENT.value, UnitEra.PRE_2025.value
    for rec in read_jsonl_gz(PROVINCES_FILE):
        kind = UnitKind.CENTRAL_CITY if rec["loai"] == "thành phố trung ương" else UnitKind.PROVINCE
        wanted[(UnitLevel.PROVINCE, str(rec["ma"]), new)] = _Row(
            str(rec["ten"]), kind, None, str(rec.get("codename") or "")
        )
    for rec in read_jsonl_gz(WARDS_FILE):
        wanted[(UnitLevel.COMMUNE, str(rec["ma"]), new)] = _Row(
            str(rec["ten"]),
            _NEW_COMMUNE_KINDS.get(str(rec["loai"]), UnitKind.COMMUNE),
            (UnitLevel.PROVINCE, str(rec["ma_tinh"]), new),
            str(rec.get("codename") or ""),
        )

    province_names: dict[str, Counter[str]] = defaultdict(Counter)
    district_names: dict[str, Counter[str]] = defaultdict(Counter)
    district_province: dict[str, str] = {}
    commune_names: dict[str, Counter[str]] = defaultdict(Counter)
    commune_district: dict[str, str] = {}
    for rec in read_jsonl_gz(CONVERSION_FILE):
        province_names[str(rec["ma_tinh_cu"])][str(rec["ten_tinh_cu"])] += 1
        district_names[str(rec["ma_huyen_cu"])][str(rec["ten_huyen_cu"])] += 1
        district_province.setdefault(str(rec["ma_huyen_cu"]), str(rec["ma_tinh_cu"]))
        if rec["ma_xa_cu"]:
            commune_names[str(rec["ma_xa_cu"])][str(rec["ten_xa_cu"])] += 1
            commune_district.setdefault(str(rec["ma_xa_cu"]), str(rec["ma_huyen_cu"]))

    for code, names in province_names.items():
        name = _most_common(names)
        if len(names) > 1:
            summary.name_conflicts.append(f"tỉnh cũ {code}: {', '.join(sorted(names))}")
        kind = UnitKind.CENTRAL_CITY if fold(name).startswith("thanh pho") else UnitKind.PROVINCE
        wanted[(UnitLevel.PROVINCE, code, old)] = _Row(name, kind, None)
    for code, names in district_names.items():
        if len(names) > 1:
            summary.name_conflicts.append(f"huyện cũ {code}: {', '.join(sorted(names))}")
        wanted[(UnitLevel.DISTRICT, code, old)] = _Row(
            _most_common(names),
            UnitKind.DISTRICT,
            (UnitLevel.PROVINCE, district_province[code], old),
        )
    for code, names in commune_names.items():
        if len(names) > 1:
            summary.name_conflicts.append(f"xã cũ {code}: {', '.join(sorted(names))}")
        name = _most_common(names)
        wanted[(UnitLevel.COMMUNE, code, old)] = _Row(
            name, _commune_kind(name), (UnitLevel.DISTRICT, commune_district[code], old)
        )
    return wanted


def _validity(era: str) -> tuple[dt.date | None, dt.date | None]:
    if era == UnitEra.CURRENT:
        return REORGANISATION_DATE, None
    return None, LAST_DAY_BEFORE


@transaction.atomic
def load_units() -> UnitLoadSummary:
    """Create or update every unit and conversion row; return what changed."""
    summary = UnitLoadSummary()
    wanted = _wanted_units(summary)
    existing = {
        (u.level, u.code, u.era): u
        for u in AdministrativeUnit.objects.only(
            "id", "level", "code", "era", "name", "kind", "parent_id", "codename"
        )
    }
    # Parents first: provinces, then districts, then communes.
    for level in (UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE):
        to_create: list[AdministrativeUnit] = []
        to_update: list[AdministrativeUnit] = []
        for key, row in wanted.items():
            if key[0] != level:
                continue
            parent_id = existing[row.parent].pk if row.parent else None
            unit = existing.get(key)
            if unit is None:
                valid_from, valid_to = _validity(key[2])
                to_create.append(
                    AdministrativeUnit(
                        level=key[0],
                        code=key[1],
                        era=key[2],
                        name=row.name,
                        kind=row.kind,
                        parent_id=parent_id,
                        codename=row.codename,
                        valid_from=valid_from,
                        valid_to=valid_to,
                    )
                )
            elif (unit.name, unit.kind, unit.parent_id, unit.codename) != (
                row.name,
                row.kind,
                parent_id,
                row.codename,
            ):
                unit.name, unit.kind, unit.parent_id = row.name, row.kind, parent_id
                unit.codename = row.codename
                to_update.append(unit)
            else:
                summary.unchanged += 1
        AdministrativeUnit.objects.bulk_create(to_create, batch_size=1000)
        AdministrativeUnit.objects.bulk_update(
            to_update, ["name", "kind", "parent", "codename"], batch_size=1000
        )
        summary.created += len(to_create)
        summary.updated += len(to_update)
        if to_create:
            existing.update(
                {
                    (u.level, u.code, u.era): u
                    for u in AdministrativeUnit.objects.filter(level=level).only(
                        "id", "level", "code", "era"
                    )
                }
            )

    summary.conversions_created = _load_conversions(existing)
    return summary


def _load_conversions(units: dict[Key, AdministrativeUnit]) -> int:
    have = set(UnitConversion.objects.values_list("old_unit_id", "new_unit_id"))
    new, old = UnitEra.CURRENT.value, UnitEra.PRE_2025.value
    to_create: list[UnitConversion] = []
    for rec in read_jsonl_gz(CONVERSION_FILE):
        if rec["ma_xa_cu"]:
            old_unit = units[(UnitLevel.COMMUNE, str(rec["ma_xa_cu"]), old)]
        else:
            # A whole district became one unit (e.g. Huyện Côn Đảo → Đặc khu Côn Đảo),
            # or an area with no commune code joined a commune: the district is the
            # old side of the conversion.
            old_unit = units[(UnitLevel.DISTRICT, str(rec["ma_huyen_cu"]), old)]
        new_unit = units[(UnitLevel.COMMUNE, str(rec["ma_xa_moi"]), new)]
        pair = (old_unit.pk, new_unit.pk)
        if pair in have:
            continue
        have.add(pair)
        note = str(rec.get("ghi_chu") or "")
        if not rec["ma_xa_cu"] and rec.get("ten_xa_cu"):
            note = f"{note} ({rec['ten_xa_cu']})"
        to_create.append(UnitConversion(old_unit_id=pair[0], new_unit_id=pair[1], note=note[:200]))
    UnitConversion.objects.bulk_create(to_create, batch_size=2000)
    return len(to_create)
