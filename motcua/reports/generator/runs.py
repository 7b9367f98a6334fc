"""A generator run from start to finish: plan, write in batches, resume, remove.

Each batch is one transaction: its dossiers with every row hanging off them, the code
counters they advanced, the ``GeneratedDossier`` links and the run's new ``done``. An
interruption loses at most the batch being written; ``resume`` draws the same plan
again (it is a function of the seed) and continues after the last committed batch.
``remove`` deletes a run's dossiers and everything they own in one transaction, and
winds the code counters back, so the codes stay gapless.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.models import Document, Dossier, DossierCodeCounter, DossierEvent
from motcua.reports.generator import bulk
from motcua.reports.generator.models import GeneratedDossier, GeneratorRun
from motcua.reports.generator.plan import Codes, Entry, Menu, draw, menus
from motcua.reports.generator.profiles import Profile, get_profile
from motcua.reports.generator.story import Story, Unplayable
from motcua.reports.generator.via_actions import Replayer
from motcua.reports.generator.world import SHARED_PDF_NAME, World, prepare_world
from motcua.workdays.calendar import LOCAL_TZ

BATCH = 2000
Progress = Callable[[int, int], None]


class GenerationError(Exception):
    """A run that cannot go on; the message is for the person who ran the command."""


@dataclass
class Outcome:
    run: GeneratorRun
    written: int = 0
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0  # the whole run
    preparing: float = 0.0  # reference data and the global plan, before any dossier
    writing: float = 0.0  # inside the batches' transactions (this process)
    reused: bool = False


def _refuse_in_production() -> None:
    if settings.IS_PRODUCTION:
        raise GenerationError(
            _("Không sinh dữ liệu khi MOTCUA_ENV=production: nó tạo hồ sơ và tài khoản giả.")
        )


def find_run(profile: str, year: int, scale: Decimal, seed: int) -> GeneratorRun | None:
    return GeneratorRun.objects.filter(profile=profile, year=year, scale=scale, seed=seed).first()


def period_bounds(profile: Profile, year: int) -> tuple[dt.datetime, dt.datetime]:
    """(S, N): local 00:00 of the period's first day and of the day after its last."""
    first, last = profile.period(year)
    start = dt.datetime.combine(first, dt.time(), tzinfo=LOCAL_TZ)
    stop = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=LOCAL_TZ)
    return start, stop


def _codes(world: World, entries: list[Entry]) -> Codes:
    """The counters as committed, for every day the plan files on."""
    days = {e.submitted.astimezone(LOCAL_TZ).date() for e in entries}
    last: dict[tuple[str, dt.date], int] = {}
    if days:
        for identifier, day, n in DossierCodeCounter.objects.filter(
            day__gte=min(days), day__lte=max(days)
        ).values_list("identifier", "day", "last"):
            last[(identifier, day)] = n
    return Codes(last=last, load=lambda identifier, day: 0)


def generate(
    profile_name: str,
    *,
    year: int,
    scale: Decimal,
    seed: int,
    resume: bool = False,
    via_actions: bool = False,
    batch: int = BATCH,
    workers: int = 0,
    progress: Progress | None = None,
) -> Outcome:
    """Generate (or, with ``resume``, continue) the run of these parameters.

    ``workers``: processes that play the stories while this one writes (0: one per
    core; 1: none). The result does not depend on it."""
    _refuse_in_production()
    profile = get_profile(profile_name)
    if scale <= 0:
        raise GenerationError(_("Tỷ lệ (--scale) phải lớn hơn 0."))
    run = find_run(profile.name, year, scale, seed)
    if run is not None and run.is_finished:
        return Outcome(run, reused=True)
    if run is not None and not resume:
        raise GenerationError(
            _(
                "Lượt sinh dữ liệu này đã bắt đầu nhưng chưa xong (%(done)s/%(planned)s hồ sơ): "
                "chạy lại với --resume để tiếp tục hoặc --remove để xóa."
            )
            % {"done": run.done, "planned": run.planned}
        )
    if run is None and resume:
        raise GenerationError(_("Không có lượt sinh dữ liệu dở dang nào với các tham số này."))
    started = time.monotonic()
    planned_estimate = sum(c.received for c in profile.counts(scale).values())
    first, last = profile.period(year)
    world = prepare_world(
        seed=seed,
        planned=planned_estimate,
        people_per_dossier=profile.people_per_dossier,
        first=first - dt.timedelta(days=45),
        last=last + dt.timedelta(days=200),
    )
    entries = draw(profile, year, scale, seed, world)
    if run is None:
        run = GeneratorRun.objects.create(
            profile=profile.name,
            year=year,
            scale=scale,
            seed=seed,
            mode="actions" if via_actions else "bulk",
            planned=len(entries),
        )
    outcome = Outcome(run)
    start, stop = period_bounds(profile, year)
    horizon = stop - dt.timedelta(microseconds=1)
    codes = _codes(world, entries)
    job = Job(world, entries, profile, menus(world), seed, horizon, start)
    replayer = Replayer() if via_actions else None
    done = run.done
    outcome.preparing = time.monotonic() - started
    chunks = [(lo, min(lo + batch, len(entries))) for lo in range(done, len(entries), batch)]
    with _planner(job, workers=1 if via_actions else workers, keep_acts=via_actions) as plans:
        for (_lo, hi), (played, skipped) in zip(chunks, plans(chunks), strict=True):
            outcome.skipped.extend(skipped)
            writing = time.monotonic()
            with transaction.atomic():
                if replayer is not None:
                    for shadow, acts in played:
                        replayer.play(shadow, acts, run.pk)
                else:
                    bulk.write_packets(played, run_id=run.pk, codes=codes)
                GeneratorRun.objects.filter(pk=run.pk).update(done=hi)
            done = hi
            outcome.writing += time.monotonic() - writing
            outcome.written += len(played)
            if progress is not None:
                progress(done, len(entries))
    run.done = done
    run.finished_at = timezone.now()
    run.save(update_fields=["done", "finished_at"])
    outcome.seconds = time.monotonic() - started
    return outcome


# --- playing the stories, here or in worker processes ------------------------------------


@dataclass
class Job:
    world: World
    entries: list[Entry]
    profile: Profile
    menu: dict[tuple[str, bool, bool | None], Menu]
    seed: int
    horizon: dt.datetime
    start: dt.datetime


Played = tuple[list[Any], list[str]]
_JOB: Job | None = None  # the job a forked worker plays (inherited, never pickled)


def _play(job: Job, lo: int, hi: int, *, keep_acts: bool) -> Played:
    """Play entries ``lo``..``hi``: packets for ``bulk`` (or, ``keep_acts``, the shadows
    with their acts for ``via_actions``), and the entries that could not be played."""
    played: list[Any] = []
    skipped: list[str] = []
    for entry in job.entries[lo:hi]:
        story = Story(
            entry,
            world=job.world,
            profile=job.profile,
            menu=job.menu,
            seed=job.seed,
            horizon=job.horizon,
            period_start=job.start,
        )
        try:
            shadow = story.play()
        except Unplayable as exc:
            skipped.append(f"#{entry.index}: {exc}")
            continue
        played.append((shadow, story.acts) if keep_acts else bulk.pack(shadow, job.world.calendar))
    return played, skipped


def _play_forked(bounds: tuple[int, int]) -> Played:
    assert _JOB is not None
    return _play(_JOB, *bounds, keep_acts=False)


@contextmanager
def _planner(
    job: Job, *, workers: int, keep_acts: bool
) -> Iterator[Callable[[list[tuple[int, int]]], Iterator[Played]]]:
    """A function from chunks to their played stories, in order. With several workers
    (PostgreSQL, outside a transaction), forked processes play ahead while this one
    writes; they inherit the prepared world and never touch the database."""
    global _JOB
    workers = workers or (os.cpu_count() or 1)
    if workers <= 1 or connection.in_atomic_block or connection.vendor != "postgresql":
        yield lambda chunks: (_play(job, lo, hi, keep_acts=keep_acts) for lo, hi in chunks)
        return
    _warm(job)
    connection.close()  # the children must not share this process's connection
    _JOB = job
    pool = multiprocessing.get_context("fork").Pool(workers)

    def ahead(chunks: list[tuple[int, int]]) -> Iterator[Played]:
        # A few chunks in flight, not all: played stories wait in memory until written.
        pending: deque[Any] = deque()
        for bounds in chunks:
            pending.append(pool.apply_async(_play_forked, (bounds,)))
            if len(pending) > 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()

    try:
        yield ahead
    finally:
        pool.terminate()
        pool.join()
        _JOB = None


def _warm(job: Job) -> None:
    """Ask the database, before forking, everything the stories may ask it: the limits
    in force (a rule with an unconfirmed unit reads its confirmations once) and the
    agencies' identifiers on each day."""
    for desks in job.world.desks.values():
        for desk in desks:
            for offer in desk.offers:
                for rule in offer.rules:
                    rule.confirmations()
    for day in {e.submitted.astimezone(LOCAL_TZ).date() for e in job.entries}:
        for desks in job.world.desks.values():
            for desk in desks:
                for agency in (desk.competent.pk, desk.receiving.pk):
                    job.world.identifier(agency, day)


# --- removal -----------------------------------------------------------------------------


def _delete_events(dossiers: str, params: list[int]) -> None:
    """Events are append-only (dossiers migration 0002): on PostgreSQL a trigger refuses
    any DELETE. Removing generated data is the one sanctioned exception: the trigger is
    bypassed for this statement only, in this transaction only (``session_replication_role
    = replica`` skips ordinary triggers; it needs a superuser, as test and demo databases
    have), and switched back at once."""
    table = DossierEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            try:
                cursor.execute("SET LOCAL session_replication_role = replica")
            except DatabaseError as exc:
                raise GenerationError(
                    _(
                        "Không xóa được lịch sử xử lý của hồ sơ sinh tự động: tài khoản cơ sở dữ "
                        "liệu cần quyền superuser (%(error)s)."
                    )
                    % {"error": exc}
                ) from exc
        cursor.execute(f'DELETE FROM "{table}" WHERE dossier_id IN ({dossiers})', params)  # noqa: S608
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def remove(run: GeneratorRun) -> int:
    """Delete ``run``'s dossiers and every row that hangs off them, and the run. One
    transaction: all or nothing. Returns the number of dossiers removed."""
    _refuse_in_production()
    links = GeneratedDossier._meta.db_table
    dossiers = f'SELECT dossier_id FROM "{links}" WHERE run_id = %s'  # noqa: S608
    params: list[int] = [run.pk]
    own_files = list(
        Document.objects.filter(
            dossier_id__in=GeneratedDossier.objects.filter(run=run).values("dossier_id")
        )
        .exclude(file="")
        .exclude(file=SHARED_PDF_NAME)
        .values_list("file", flat=True)
    )
    with transaction.atomic():
        prefixes = _code_days(run)
        count = GeneratedDossier.objects.filter(run=run).count()
        _delete_events(dossiers, params)
        with connection.cursor() as cursor:
            # Every table pointing at dossiers, hidden relations (related_name "+") too.
            relations = [
                f
                for f in Dossier._meta.get_fields(include_hidden=True)
                if f.auto_created and not f.concrete and isinstance(f, models.ForeignObjectRel)
            ]
            for relation in relations:
                model = relation.related_model
                if model in (DossierEvent, GeneratedDossier) or not isinstance(model, type):
                    continue
                field = relation.field
                table = model._meta.db_table
                column = field.column
                if relation.on_delete is models.SET_NULL:
                    sql = f'UPDATE "{table}" SET "{column}" = NULL WHERE "{column}" IN ({dossiers})'
                else:
                    sql = f'DELETE FROM "{table}" WHERE "{column}" IN ({dossiers})'
                cursor.execute(sql, params)  # noqa: S608
            dossier_table = Dossier._meta.db_table
            cursor.execute(
                f'DELETE FROM "{dossier_table}" WHERE id IN ({dossiers})',
                params,  # noqa: S608
            )
            cursor.execute(f'DELETE FROM "{links}" WHERE run_id = %s', params)  # noqa: S608
        _rewind_counters(prefixes)
        run.delete()
    for name in own_files:
        default_storage.delete(name)
    return count


def _code_days(run: GeneratorRun) -> set[tuple[str, dt.date]]:
    """(identifier, day) of every code the run used (codes: identifier-YYMMDD-NNNN)."""
    keys = set()
    codes = Dossier.objects.filter(
        pk__in=GeneratedDossier.objects.filter(run=run).values("dossier_id")
    ).values_list("code", flat=True)
    for code in codes.iterator(chunk_size=10_000):
        identifier, day, _n = code.rsplit("-", 2)
        keys.add((identifier, dt.datetime.strptime(day, "%y%m%d").date()))
    return keys


def _rewind_counters(keys: set[tuple[str, dt.date]]) -> None:
    """Set each counter back to the largest number still used (or drop it)."""
    for identifier, day in sorted(keys):
        prefix = f"{identifier}-{day:%y%m%d}-"
        numbers = [
            int(code[len(prefix) :])
            for code in Dossier.objects.filter(code__startswith=prefix).values_list(
                "code", flat=True
            )
        ]
        counter = DossierCodeCounter.objects.filter(identifier=identifier, day=day)
        if numbers:
            counter.update(last=max(numbers))
        else:
            counter.delete()
