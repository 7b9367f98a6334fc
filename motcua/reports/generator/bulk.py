"""Writing a batch of shadow dossiers: every row the actions would have written.

Ids are reserved first (PostgreSQL: from each table's own sequence; SQLite: after the
largest id, the writer being alone), so rows can point at each other before they are
written; ids follow creation order, as the actions' would. On PostgreSQL the rows go
in with ``COPY`` (an order of magnitude faster than INSERTs, and what makes a million
dossiers fit in minutes); elsewhere with ``bulk_create``. The statistics rows come
from ``motcua.reports.facts.derive`` on the same events, as ``record()`` would have
stored them. The caller wraps a batch in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, cast

from django.db import connection, models
from django.utils import timezone

from motcua.dossiers.models import (
    Document,
    Dossier,
    DossierCodeCounter,
    DossierEvent,
    Extension,
    Payment,
    Result,
    ResultKind,
    SupplementRequest,
    Task,
)
from motcua.reports.generator.models import GeneratedDossier
from motcua.reports.generator.plan import Codes
from motcua.reports.generator.shadow import Row, Shadow
from motcua.reports.models import DossierFact, FactSegment
from motcua.workdays.calendar import WorkCalendar

try:  # written by the facts helper; absent, the batch has no statistics rows
    from motcua.reports.facts import derive
except ImportError:  # pragma: no cover - only while reports.facts does not exist
    derive = None  # type: ignore[assignment]


def _columns(model: type[models.Model]) -> list[str]:
    return [str(f.column) for f in model._meta.concrete_fields]


_ATTNAMES: dict[type[models.Model], list[str]] = {}


def _attnames(model: type[models.Model]) -> list[str]:
    if model not in _ATTNAMES:
        _ATTNAMES[model] = [f.attname for f in model._meta.concrete_fields]
    return _ATTNAMES[model]


def _json_fields(model: type[models.Model]) -> set[str]:
    return {f.attname for f in model._meta.concrete_fields if isinstance(f, models.JSONField)}


class Writer:
    """Accumulates rows per model, then writes them (``flush``)."""

    def __init__(self) -> None:
        self.rows: dict[type[models.Model], list[Any]] = {}
        self.postgres = connection.vendor == "postgresql"

    def reserve(self, model: type[models.Model], count: int) -> list[int]:
        if count == 0:
            return []
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, count],
                )
                return [int(r[0]) for r in cursor.fetchall()]
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608
            start = int(cursor.fetchone()[0]) + 1
        pending = len(self.rows.get(model, []))  # ids handed out in this batch already
        return list(range(start + pending, start + pending + count))

    def flush(self) -> None:
        for model, rows in self.rows.items():
            if not rows:
                continue
            if self.postgres:
                self._copy(model, rows)
            else:
                names = _attnames(model)
                model._default_manager.bulk_create(
                    [model(**dict(zip(names, r, strict=True))) for r in rows], batch_size=500
                )
        self.rows.clear()

    def _copy(self, model: type[models.Model], rows: list[Any]) -> None:
        names = _attnames(model)
        jsons = [i for i, n in enumerate(names) if n in _json_fields(model)]
        columns = ", ".join(f'"{c}"' for c in _columns(model))
        with connection.cursor() as wrapper:
            cursor = wrapper.cursor  # the psycopg cursor
            with cursor.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
                for row in rows:
                    for i in jsons:
                        row[i] = json.dumps(row[i])
                    copy.write_row(row)


def _fact_source(shadow: Shadow, dossier_id: int) -> Any:
    """What ``facts.derive`` reads of a dossier, without a query."""
    d = shadow.dossier
    has_e_result = any(
        r["kind"] == ResultKind.DECISION
        and r["is_current"]
        and r["e_result_code"]
        and any(doc["_result"] is r and doc["file"] for doc in shadow.documents)
        for r in shadow.results
    )
    return SimpleNamespace(
        pk=dossier_id,
        competent_agency=shadow.desk.competent,
        competent_agency_id=d["competent_agency_id"],
        receiving_agency_id=d["receiving_agency_id"],
        procedure_version=shadow.world.versions[shadow.rule.version_id],
        channel=d["channel"],
        is_digitised=d["is_digitised"],
        reuses_data=d["reuses_data"],
        fact_events=[
            SimpleNamespace(action=e["action"], at=e["at"], changes=e["changes"])
            for e in shadow.events
        ],
        fact_has_e_result=has_e_result,
        fact_rating=None,
    )


@dataclass
class Packet:
    """One dossier's rows, ready to write but for the ids (and the code): built where
    the story was played (possibly another process), filled in by ``write_packets``.
    Rows are lists in ``_attnames`` order; references between the dossier's own rows
    are indices into its lists."""

    code_key: tuple[str, dt.date]
    rows: dict[type[models.Model], list[list[Any]]]
    event_tasks: list[int | None]
    document_results: list[int | None]


# The models a packet carries, in the order their ids are reserved and rows written.
OWN = (Task, Result, Document, SupplementRequest, Extension, Payment, DossierEvent)


def pack(shadow: Shadow, calendar: WorkCalendar) -> Packet:
    """``shadow``'s rows (see ``Packet``); the facts come from ``facts.derive``."""
    assert shadow.code_key is not None
    task_index = {id(t): n for n, t in enumerate(shadow.tasks)}
    result_index = {id(r): n for n, r in enumerate(shadow.results)}
    rows: dict[type[models.Model], list[list[Any]]] = {}

    def listed(model: type[models.Model], row: Row) -> list[Any]:
        return [row.get(a) for a in _attnames(model)]

    rows[Dossier] = [listed(Dossier, shadow.dossier)]
    rows[Task] = [listed(Task, t) for t in shadow.tasks]
    rows[Result] = [listed(Result, r) for r in shadow.results]
    rows[Document] = [listed(Document, d) for d in shadow.documents]
    rows[SupplementRequest] = [listed(SupplementRequest, r) for r in shadow.supplements]
    rows[Extension] = [listed(Extension, r) for r in shadow.extensions]
    rows[Payment] = [listed(Payment, r) for r in shadow.payments]
    rows[DossierEvent] = [listed(DossierEvent, e) for e in shadow.events]
    if derive is not None:
        fact, segments = derive(cast(Dossier, _fact_source(shadow, 0)), calendar=calendar)
        rows[DossierFact] = [[getattr(fact, a) for a in _attnames(DossierFact)]]
        rows[FactSegment] = [[getattr(g, a) for a in _attnames(FactSegment)] for g in segments]
    return Packet(
        code_key=shadow.code_key,
        rows=rows,
        event_tasks=[
            task_index[id(e["_task"])] if e["_task"] is not None else None for e in shadow.events
        ],
        document_results=[
            result_index[id(d["_result"])] if d["_result"] is not None else None
            for d in shadow.documents
        ],
    )


_SUPERUSER: dict[str, bool] = {}


def _superuser() -> bool:
    """Whether this connection may skip the triggers (a superuser's)."""
    alias = connection.alias
    if alias not in _SUPERUSER:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('is_superuser') = 'on'")
            _SUPERUSER[alias] = bool(cursor.fetchone()[0])
    return _SUPERUSER[alias]


def _position(model: type[models.Model], name: str) -> int | None:
    names = _attnames(model)
    return names.index(name) if name in names else None


def write_packets(packets: Sequence[Packet], *, run_id: int, codes: Codes) -> None:
    """Write ``packets`` (in plan order): ids reserved per table, codes allocated in
    that order (as the actions would), then one COPY (or bulk_create) per table, the
    run's links and the code counters. Call inside a transaction."""
    w = Writer()
    if w.postgres:
        with connection.cursor() as cursor:
            # Generated data: a crash loses the batch, which resume writes again; no
            # need to wait for each commit's WAL flush.
            cursor.execute("SET LOCAL synchronous_commit = off")
            if _superuser():
                # As a restore does: foreign keys are not re-checked row by row (about 80
                # look-ups per dossier, most of the database's work). The rows point at
                # ids reserved here and at reference rows read when the run started; the
                # test that compares them with the actions' rows checks the rest.
                cursor.execute("SET LOCAL session_replication_role = replica")
    now = timezone.now()
    dossier_ids = w.reserve(Dossier, len(packets))
    ids: dict[type[models.Model], Iterator[int]] = {
        model: iter(w.reserve(model, sum(len(p.rows.get(model, ())) for p in packets)))
        for model in (*OWN, FactSegment)
    }
    at = {
        model: {
            name: _position(model, name) for name in ("id", "dossier_id", "task_id", "result_id")
        }
        for model in (Dossier, *OWN, DossierFact, FactSegment)
    }
    code_at, created_at = _position(Dossier, "code"), _position(Dossier, "created_at")
    for packet, dossier_id in zip(packets, dossier_ids, strict=True):
        own: dict[type[models.Model], list[int]] = {}
        for model in (Dossier, *OWN, DossierFact, FactSegment):
            lists = packet.rows.get(model, [])
            pos = at[model]
            new_ids = own[model] = []
            for n, row in enumerate(lists):  # the packet's own lists: filled in place
                if model is Dossier:
                    row[pos["id"]] = dossier_id  # type: ignore[index]
                    row[code_at] = codes.allocate(*packet.code_key)  # type: ignore[index]
                    row[created_at] = now  # type: ignore[index]
                else:
                    if pos["id"] is not None and model is not DossierFact:
                        new_id = next(ids[model])
                        row[pos["id"]] = new_id
                        new_ids.append(new_id)
                    row[pos["dossier_id"]] = dossier_id  # type: ignore[index]
                if model is DossierEvent and packet.event_tasks[n] is not None:
                    row[pos["task_id"]] = own[Task][packet.event_tasks[n]]  # type: ignore[index]
                if model is Document and packet.document_results[n] is not None:
                    row[pos["result_id"]] = own[Result][packet.document_results[n]]  # type: ignore[index]
                w.rows.setdefault(model, []).append(row)
        w.rows.setdefault(GeneratedDossier, []).append([dossier_id, run_id])
    w.flush()
    _counters(codes)


def write_batch(
    shadows: Sequence[Shadow], *, run_id: int, codes: Codes, calendar: WorkCalendar
) -> None:
    """``pack`` and ``write_packets`` in one go (one process)."""
    write_packets([pack(s, calendar) for s in shadows], run_id=run_id, codes=codes)


def _counters(codes: Codes) -> None:
    """Store the last number of every (identifier, day) the batch used."""
    if not codes.touched:
        return
    DossierCodeCounter.objects.bulk_create(
        [
            DossierCodeCounter(identifier=identifier, day=day, last=codes.last[(identifier, day)])
            for identifier, day in sorted(codes.touched)
        ],
        update_conflicts=True,
        unique_fields=["identifier", "day"],
        update_fields=["last"],
    )
    codes.touched.clear()
