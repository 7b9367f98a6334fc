"""Reading one line of the national catalogue (``dvcqg-tthc.jsonl``) into typed values.

Pure functions, no database: ``parse_line`` either returns a complete
``CatalogRecord`` or raises ``RecordError`` with a reason a person can act on
("cach_thuc_thuc_hien[2].thoi_han: cần một số, không phải chuỗi"). Every limit the
database would enforce (lengths, ranges, NUL characters PostgreSQL refuses) is
checked here, so that a record is accepted or refused the same way on SQLite and
PostgreSQL. Field meanings: ``catalog/data/README.md``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from motcua.catalog.choices import Channel, Level
from motcua.workdays.limits import LimitParseError, TimeLimit, limit_from_catalog

_TYPE_NAMES = {
    bool: "true/false",
    int: "số",
    float: "số",
    str: "chuỗi",
    list: "danh sách",
    dict: "đối tượng",
    type(None): "null",
}
_MAX_LIMIT = Decimal(100_000_000)
_MAX_AMOUNT = 10**15
_MAX_COUNT = 2_147_483_647
_MAX_ROWS = 32_767  # the order columns are small integers
_URL = re.compile(r"^https?://\S+$")
# The fee column as the portal prints it: amount (or "Miễn phí") then "(note)".
_FEE_HEAD = re.compile(
    r"^\s*(?:Miễn phí|[\d.,]+\s*(?:Việt Nam Đồng|VNĐ|USD|đồng|Đồng)|VNĐ|Việt Nam Đồng)\s*\(",
)


class RecordError(ValueError):
    """A line that cannot be imported; the message says where and why, in Vietnamese."""


@dataclass(frozen=True)
class ChannelRow:
    channel: Channel
    limit: TimeLimit | None
    fee_text: str
    fee_note: str
    fee_amounts: tuple[int, ...]
    is_free: bool


@dataclass(frozen=True)
class DocumentRow:
    name: str
    form_file: str
    originals: int
    copies: int


@dataclass(frozen=True)
class CaseRow:
    heading: str
    note: str
    documents: tuple[DocumentRow, ...]


@dataclass(frozen=True)
class ResultRow:
    name: str
    code: str


@dataclass(frozen=True)
class CatalogRecord:
    """One procedure as the national catalogue describes it, checked and typed."""

    code: str
    name: str
    field: str
    levels: tuple[Level, ...]
    levels_text: str
    procedure_type: str
    publisher: str
    decision: str
    implementing_agency: str
    competent_agency: str
    delegated_agency: str
    coordinating_agency: str
    reception_address: str
    applicants: tuple[str, ...]
    steps: str
    conditions: str
    legal_bases: tuple[dict[str, Any], ...]
    related: str
    source_url: str
    source_file: str
    channels: tuple[ChannelRow, ...]
    cases: tuple[CaseRow, ...]
    results: tuple[ResultRow, ...]
    raw: dict[str, Any]
    content_hash: str


def content_hash(raw: dict[str, Any]) -> str:
    """SHA-256 of the record in canonical JSON: key order and spacing do not count."""
    canonical = json.dumps(raw, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _reject_constant(name: str) -> Any:
    raise RecordError(f"giá trị {name} không hợp lệ trong JSON")


def parse_line(line: bytes) -> CatalogRecord:
    """Decode, parse and check one JSONL line. Raises ``RecordError``."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError(f"không phải UTF-8 (byte {exc.start})") from exc
    if "\x00" in text or "\\u0000" in text:
        raise RecordError("chứa ký tự NUL")
    try:
        raw = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise RecordError(f"JSON sai cú pháp: {exc.msg} (cột {exc.colno})") from exc
    return parse_record(raw)


def parse_record(raw: object) -> CatalogRecord:
    """Check one decoded record and convert it. Raises ``RecordError``."""
    if not isinstance(raw, dict):
        raise RecordError(f"dòng phải là một đối tượng JSON, không phải {_kind(raw)}")
    code = _required_str(raw, "ma_thu_tuc", max_length=30)
    if re.search(r"\s", code):
        raise RecordError(f"ma_thu_tuc: mã «{code}» có khoảng trắng")
    levels: list[Level] = []
    for i, item in enumerate(_list(raw, "cap_thuc_hien")):
        where = f"cap_thuc_hien[{i}]"
        if not isinstance(item, str) or item not in Level.values:
            raise RecordError(f"{where}: cấp «{item}» không thuộc {', '.join(Level.values)}")
        if Level(item) not in levels:
            levels.append(Level(item))
    source_url = _str(raw, "nguon_url", max_length=500)
    if source_url and not _URL.match(source_url):
        raise RecordError(f"nguon_url: «{source_url[:80]}» không phải địa chỉ http(s)")
    return CatalogRecord(
        code=code,
        name=_required_str(raw, "ten_thu_tuc"),
        field=_required_str(raw, "linh_vuc", max_length=255),
        levels=tuple(levels),
        levels_text=_str(raw, "cap_thuc_hien_goc", max_length=200),
        procedure_type=_str(raw, "loai_thu_tuc", max_length=200),
        publisher=_str(raw, "co_quan_cong_bo", max_length=200),
        decision=_str(raw, "so_quyet_dinh_cong_bo", max_length=200),
        implementing_agency=_str(raw, "co_quan_thuc_hien"),
        competent_agency=_str(raw, "co_quan_co_tham_quyen"),
        delegated_agency=_str(raw, "co_quan_duoc_uy_quyen"),
        coordinating_agency=_str(raw, "co_quan_phoi_hop"),
        reception_address=_str(raw, "dia_chi_tiep_nhan"),
        applicants=tuple(_str_items(raw, "doi_tuong_thuc_hien")),
        steps=_str(raw, "trinh_tu_thuc_hien"),
        conditions=_str(raw, "yeu_cau_dieu_kien"),
        legal_bases=tuple(_legal_bases(raw)),
        related=_str(raw, "thu_tuc_lien_quan"),
        source_url=source_url,
        source_file=_str(raw, "nguon_file", max_length=300),
        channels=tuple(_channels(raw)),
        cases=tuple(_cases(raw)),
        results=tuple(_results(raw)),
        raw=raw,
        content_hash=content_hash(raw),
    )


def split_fee_note(fee_text: str) -> str:
    """The note in brackets after the fee amount: "50,000 VNĐ(50.000 đồng/lần)…" →
    "50.000 đồng/lần". Empty when the text does not start with an amount."""
    head = _FEE_HEAD.match(fee_text)
    if not head:
        return ""
    depth = 1
    for i in range(head.end(), len(fee_text)):
        if fee_text[i] == "(":
            depth += 1
        elif fee_text[i] == ")":
            depth -= 1
            if depth == 0:
                return fee_text[head.end() : i].strip()
    return fee_text[head.end() :].strip()


def _channels(raw: dict[str, Any]) -> list[ChannelRow]:
    rows = []
    for i, item in enumerate(_list(raw, "cach_thuc_thuc_hien")):
        where = f"cach_thuc_thuc_hien[{i}]."
        obj = _object(item, where.rstrip("."))
        channel = obj.get("hinh_thuc")
        if channel not in Channel.values:
            raise RecordError(f"{where}hinh_thuc: hình thức «{channel}» không hợp lệ")
        value = obj.get("thoi_han")
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise RecordError(f"{where}thoi_han: cần một số, không phải {_kind(value)}")
        unit = _str(obj, "don_vi", where=where) or None
        try:
            limit = limit_from_catalog(value, unit)
        except LimitParseError as exc:
            raise RecordError(f"{where}thoi_han: {exc}") from exc
        if limit is not None and (
            limit.value >= _MAX_LIMIT or limit.value != limit.value.quantize(Decimal("0.01"))
        ):
            raise RecordError(f"{where}thoi_han: {value} vượt quá giới hạn hoặc quá 2 chữ số lẻ")
        amounts = _list(obj, "so_tien_vnd", where=where)
        for j, amount in enumerate(amounts):
            if not _is_int(amount) or not 0 <= amount <= _MAX_AMOUNT:
                raise RecordError(f"{where}so_tien_vnd[{j}]: cần số tiền nguyên không âm")
        free = obj.get("mien_phi")
        if free is not None and not isinstance(free, bool):
            raise RecordError(f"{where}mien_phi: cần true/false, không phải {_kind(free)}")
        fee_text = _str(obj, "phi_le_phi", where=where)
        rows.append(
            ChannelRow(
                channel=Channel(channel),
                limit=limit,
                fee_text=fee_text,
                fee_note=split_fee_note(fee_text),
                fee_amounts=tuple(amounts),
                is_free=free is True,
            )
        )
    return rows


def _cases(raw: dict[str, Any]) -> list[CaseRow]:
    cases = []
    for i, item in enumerate(_list(raw, "thanh_phan_ho_so")):
        where = f"thanh_phan_ho_so[{i}]."
        obj = _object(item, where.rstrip("."))
        documents = []
        for j, doc in enumerate(_list(obj, "giay_to", where=where)):
            doc_where = f"{where}giay_to[{j}]."
            doc_obj = _object(doc, doc_where.rstrip("."))
            documents.append(
                DocumentRow(
                    name=_required_str(doc_obj, "ten", where=doc_where),
                    form_file=_str(doc_obj, "mau_don", where=doc_where),
                    originals=_count(doc_obj, "ban_chinh", doc_where),
                    copies=_count(doc_obj, "ban_sao", doc_where),
                )
            )
        cases.append(
            CaseRow(
                heading=_str(obj, "truong_hop", where=where),
                note=_str(obj, "ghi_chu_cuoi", where=where),
                documents=tuple(documents),
            )
        )
    return cases


def _results(raw: dict[str, Any]) -> list[ResultRow]:
    results = []
    for i, item in enumerate(_list(raw, "ket_qua")):
        where = f"ket_qua[{i}]."
        obj = _object(item, where.rstrip("."))
        results.append(
            ResultRow(
                name=_required_str(obj, "ten", where=where),
                code=_str(obj, "ma", where=where, max_length=50),
            )
        )
    return results


def _legal_bases(raw: dict[str, Any]) -> list[dict[str, Any]]:
    bases = []
    for i, item in enumerate(_list(raw, "can_cu_phap_ly")):
        where = f"can_cu_phap_ly[{i}]."
        obj = _object(item, where.rstrip("."))
        unsplit = obj.get("chua_tach_duoc", False)
        if not isinstance(unsplit, bool):
            raise RecordError(f"{where}chua_tach_duoc: cần true/false")
        bases.append(
            {
                "name": _str(obj, "ten", where=where),
                "number": _str(obj, "so_hieu", where=where),
                "chua_tach_duoc": unsplit,
            }
        )
    return bases


def _kind(value: object) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _object(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RecordError(f"{where}: cần một đối tượng, không phải {_kind(value)}")
    return value


def _str(obj: dict[str, Any], key: str, *, where: str = "", max_length: int | None = None) -> str:
    """An optional text: missing or null becomes ""."""
    value = obj.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RecordError(f"{where}{key}: cần chuỗi ký tự, không phải {_kind(value)}")
    value = value.strip()
    if max_length is not None and len(value) > max_length:
        raise RecordError(f"{where}{key}: dài {len(value)} ký tự, tối đa {max_length}")
    return value


def _required_str(
    obj: dict[str, Any], key: str, *, where: str = "", max_length: int | None = None
) -> str:
    if obj.get(key) is None:
        raise RecordError(f"{where}{key}: thiếu")
    value = _str(obj, key, where=where, max_length=max_length)
    if not value:
        raise RecordError(f"{where}{key}: đang để trống")
    return value


def _list(obj: dict[str, Any], key: str, *, where: str = "") -> list[Any]:
    """An optional list: missing or null becomes []."""
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{where}{key}: cần danh sách, không phải {_kind(value)}")
    if len(value) > _MAX_ROWS:
        raise RecordError(f"{where}{key}: quá nhiều phần tử ({len(value)})")
    return value


def _str_items(obj: dict[str, Any], key: str) -> list[str]:
    items = _list(obj, key)
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise RecordError(f"{key}[{i}]: cần chuỗi ký tự, không phải {_kind(item)}")
    return [item.strip() for item in items]


def _count(obj: dict[str, Any], key: str, where: str) -> int:
    value = obj.get(key, 0)
    if value is None:
        return 0
    if not _is_int(value) or not 0 <= value <= _MAX_COUNT:
        raise RecordError(f"{where}{key}: cần số nguyên không âm, không phải {value!r}")
    return int(value)
