"""Importing the national catalogue file into versioned procedures.

``import_catalog(path, at=…)`` is the one entry point (the ``import_catalog``
management command is a thin wrapper). Contract:

* Idempotent. Each record's content hash is compared, in bulk, with the hash of its
  procedure's current version; an unchanged record costs no write at all.
* A changed record adds version n+1 (with its own channels, documents and results)
  and moves ``current_version``; earlier versions are never touched.
* Each record is written whole or not at all (one savepoint per record inside
  batched transactions). A line that cannot be read, or whose rows the database
  refuses, is skipped and reported with its line number and the reason.
* A channel time without a unit is stored as ``khac_khong_ro`` and counted for an
  administrator, never guessed.
"""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify

from motcua.catalog.models import (
    ChannelRule,
    Component,
    ComponentCase,
    Field,
    ImportRun,
    Procedure,
    ProcedureResult,
    ProcedureVersion,
)
from motcua.catalog.records import CatalogRecord, RecordError, parse_line
from motcua.common.text import fold
from motcua.workdays.limits import LimitUnit, TimeLimit

DEFAULT_CATALOG_PATH = Path(__file__).resolve().parent / "data" / "dvcqg-tthc.jsonl.gz"
DEFAULT_BATCH_SIZE = 250
_GZIP_MAGIC = b"\x1f\x8b"

Progress = Callable[[int, int], None]
"""Called with (records written so far, records to write)."""


class CatalogFileError(Exception):
    """The catalogue file as a whole cannot be read; nothing was imported."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path


class CatalogFileMissing(CatalogFileError):
    """The catalogue file does not exist; ``path`` is the path that was expected."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, f"Không tìm thấy tệp danh mục thủ tục: {path}")


@dataclass(frozen=True)
class Rejection:
    line: int
    reason: str


@dataclass
class ImportSummary:
    """What one import did. Channel counts cover every accepted record in the file."""

    source: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    unknown_unit_channels: int = 0
    no_time_channels: int = 0
    absent: int = 0  # procedures in the database that this file does not list

    @property
    def rejected(self) -> int:
        return len(self.rejections)


class _Current(NamedTuple):
    procedure_id: int
    content_hash: str
    number: int


def import_catalog(
    path: Path = DEFAULT_CATALOG_PATH,
    *,
    at: dt.datetime,
    progress: Progress | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> ImportSummary:
    """Import ``path`` (JSONL, gzip or plain); ``at`` stamps the new versions.

    Raises ``CatalogFileMissing`` / ``CatalogFileError`` when the file as a whole
    cannot be read; a bad line only adds a ``Rejection`` to the summary.
    """
    summary = ImportSummary(source=str(path))
    records = _read(path, summary)
    current = {
        code: _Current(pk, digest or "", number or 0)
        for code, pk, digest, number in Procedure.objects.values_list(
            "code", "pk", "current_version__content_hash", "current_version__number"
        )
    }
    summary.absent = len(current.keys() - {record.code for _n, record in records})
    pending = []
    for number, record in records:
        known = current.get(record.code)
        if known is not None and known.content_hash == record.content_hash:
            summary.unchanged += 1
        else:
            pending.append((number, record, known))
    _write_all(pending, summary, at=at, progress=progress, batch_size=batch_size)
    summary.rejections.sort(key=lambda rejection: rejection.line)
    _log(summary, started=at)
    return summary


def _read(path: Path, summary: ImportSummary) -> list[tuple[int, CatalogRecord]]:
    """The file's valid records with their line numbers; the rest go to ``summary``."""
    if not path.is_file():
        raise CatalogFileMissing(path)
    try:
        lines = list(_lines(path))
    except (OSError, EOFError) as exc:  # unreadable, or a truncated/corrupt gzip
        raise CatalogFileError(path, f"Không đọc được tệp danh mục {path}: {exc}") from exc
    records: list[tuple[int, CatalogRecord]] = []
    seen: dict[str, int] = {}
    for number, line in lines:
        try:
            record = parse_line(line)
        except RecordError as exc:
            summary.rejections.append(Rejection(number, str(exc)))
            continue
        if record.code in seen:
            reason = f"mã thủ tục {record.code} đã có ở dòng {seen[record.code]}"
            summary.rejections.append(Rejection(number, reason))
            continue
        seen[record.code] = number
        records.append((number, record))
        for channel in record.channels:
            if channel.limit is None:
                summary.no_time_channels += 1
            elif not channel.limit.unit_known:
                summary.unknown_unit_channels += 1
    return records


def _write_all(
    pending: list[tuple[int, CatalogRecord, _Current | None]],
    summary: ImportSummary,
    *,
    at: dt.datetime,
    progress: Progress | None,
    batch_size: int,
) -> None:
    """Write each record in its own savepoint, ``batch_size`` records per transaction
    (one commit per record would make SQLite sync thousands of times)."""
    from motcua.dossiers import refcache

    fields = _FieldCache()
    done = 0
    for start in range(0, len(pending), batch_size):
        with transaction.atomic():
            # Versions, their components and channel rows are written in bulk (no
            # signals): tell the processes that remember the catalogue to read it again.
            refcache.bump()
            for number, record, known in pending[start : start + batch_size]:
                try:
                    with transaction.atomic():
                        _write(record, known, fields, at)
                except (DatabaseError, ValidationError, ValueError, ArithmeticError) as exc:
                    summary.rejections.append(Rejection(number, f"không ghi được: {exc}"))
                    fields.forget()  # a field created in the rolled-back savepoint is gone
                else:
                    if known is None:
                        summary.created += 1
                    else:
                        summary.updated += 1
                done += 1
                if progress is not None:
                    progress(done, len(pending))
    if progress is not None and not pending:
        progress(0, 0)


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Non-blank lines with their 1-based numbers; gzip is recognised by content."""
    with path.open("rb") as probe:
        compressed = probe.read(2) == _GZIP_MAGIC
    with gzip.open(path, "rb") if compressed else path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, line


class _FieldCache:
    """Fields by name, loaded once; emptied after a rollback that may have lost one."""

    def __init__(self) -> None:
        self._by_name: dict[str, Field] | None = None

    def forget(self) -> None:
        self._by_name = None

    def get(self, name: str) -> Field:
        if self._by_name is None:
            self._by_name = {f.name: f for f in Field.objects.all()}
        found = self._by_name.get(name)
        if found is None:
            taken = {f.slug for f in self._by_name.values()}
            base = slugify(fold(name))[:240] or "linh-vuc"
            slug, n = base, 1
            while slug in taken:
                n += 1
                slug = f"{base}-{n}"
            found = Field.objects.create(name=name, slug=slug)
            self._by_name[name] = found
        return found


def _summary_limit(record: CatalogRecord) -> tuple[TimeLimit | None, bool]:
    """The limit all channels share (None if none given) and whether they differ."""
    limits = {channel.limit for channel in record.channels}
    if len(limits) > 1:
        return None, True
    only = limits.pop() if limits else None
    return only, False


def _write(
    record: CatalogRecord, known: _Current | None, fields: _FieldCache, at: dt.datetime
) -> None:
    field_ = fields.get(record.field)
    summary_limit, varies = _summary_limit(record)
    listing = {
        "name": record.name,
        "name_folded": fold(record.name),
        "field": field_,
        "level_codes": f",{','.join(record.levels)}," if record.levels else "",
        "limit_value": summary_limit.value if summary_limit else None,
        "limit_unit": summary_limit.unit.value if summary_limit else "",
        "limit_varies": varies,
    }
    if known is None:
        procedure_id = Procedure.objects.create(code=record.code, **listing).pk
        number = 1
    else:
        procedure_id, number = known.procedure_id, known.number + 1
    version = ProcedureVersion.objects.create(
        procedure_id=procedure_id,
        number=number,
        content_hash=record.content_hash,
        imported_at=at,
        name=record.name,
        field=field_,
        levels=list(record.levels),
        levels_text=record.levels_text,
        procedure_type=record.procedure_type,
        publisher=record.publisher,
        decision=record.decision,
        implementing_agency=record.implementing_agency,
        competent_agency=record.competent_agency,
        delegated_agency=record.delegated_agency,
        coordinating_agency=record.coordinating_agency,
        reception_address=record.reception_address,
        applicants=list(record.applicants),
        steps=record.steps,
        conditions=record.conditions,
        legal_bases=list(record.legal_bases),
        related=record.related,
        source_url=record.source_url,
        source_file=record.source_file,
        raw=record.raw,
    )
    ChannelRule.objects.bulk_create(
        ChannelRule(
            version=version,
            order=order,
            channel=row.channel,
            limit_value=row.limit.value if row.limit else None,
            limit_unit=row.limit.unit.value if row.limit else "",
            unit_unknown=row.limit is not None and row.limit.unit is LimitUnit.UNKNOWN,
            fee_text=row.fee_text,
            fee_note=row.fee_note,
            fee_amounts=list(row.fee_amounts),
            fee_vnd=row.fee_amounts[0] if row.fee_amounts else None,
            is_free=row.is_free,
        )
        for order, row in enumerate(record.channels, start=1)
    )
    cases = ComponentCase.objects.bulk_create(
        ComponentCase(version=version, order=order, heading=case.heading, note=case.note)
        for order, case in enumerate(record.cases, start=1)
    )
    Component.objects.bulk_create(
        Component(
            case=case,
            order=order,
            name=doc.name,
            form_file=doc.form_file,
            originals=doc.originals,
            copies=doc.copies,
        )
        for case, source in zip(cases, record.cases, strict=True)
        for order, doc in enumerate(source.documents, start=1)
    )
    ProcedureResult.objects.bulk_create(
        ProcedureResult(version=version, order=order, name=result.name, code=result.code)
        for order, result in enumerate(record.results, start=1)
    )
    Procedure.objects.filter(pk=procedure_id).update(current_version=version, **listing)


def _log(summary: ImportSummary, *, started: dt.datetime) -> None:
    # The finishing time is a log stamp only; nothing is computed from it.
    ImportRun.objects.create(
        started_at=started,
        finished_at=timezone.now(),
        source=summary.source[:500],
        created=summary.created,
        updated=summary.updated,
        unchanged=summary.unchanged,
        rejected=summary.rejected,
        unknown_unit_channels=summary.unknown_unit_channels,
        no_time_channels=summary.no_time_channels,
        rejections=[{"line": r.line, "reason": r.reason} for r in summary.rejections],
    )


__all__ = [
    "DEFAULT_CATALOG_PATH",
    "CatalogFileError",
    "CatalogFileMissing",
    "ImportSummary",
    "Rejection",
    "import_catalog",
]
