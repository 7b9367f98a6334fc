"""``generate_province``: the bulk writer writes exactly what the engine's actions write;
runs are reproducible, resumable and removable; the counts follow the profile.

The demo province is loaded as in the simulator's tests, with a slice of the bundled
national catalogue (a few procedures per level and ministry) to keep the tests fast.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, models, transaction

from motcua.catalog.importer import import_catalog
from motcua.demo.province import load_demo_province, map_procedures
from motcua.dossiers.models import (
    Document,
    Dossier,
    DossierCodeCounter,
    DossierEvent,
    Extension,
    Payment,
    Result,
    SupplementRequest,
    Task,
)
from motcua.dossiers.tests.test_simulator import catalogue_slice
from motcua.org.loader import load_units
from motcua.reports.generator.fastcal import FastCalendar
from motcua.reports.generator.models import GeneratedDossier, GeneratorRun
from motcua.reports.generator.profiles import PROFILES, get_profile
from motcua.reports.generator.runs import GenerationError, generate, remove
from motcua.reports.generator.world import prepare_world
from motcua.reports.models import DossierFact, FactSegment
from motcua.workdays.calendar import LOCAL_TZ
from motcua.workdays.official import bundled_calendar

pytestmark = pytest.mark.django_db
PROFILE, YEAR, SEED = "bac-giang-2021h1", 2026, 7
TINY = Decimal("0.0002")  # 70 dossiers of the 349,744

# Every table a generated dossier writes to.
TABLES: list[type[models.Model]] = [
    Dossier,
    Document,
    Task,
    SupplementRequest,
    Extension,
    Payment,
    Result,
    DossierEvent,
    DossierFact,
    FactSegment,
    GeneratedDossier,
]
# Not comparable between two writes of the same dossier: the stored file's name (one
# shared PDF in bulk, one file per upload through the actions; sizes and digests are
# compared), and the wall-clock instants of writing.
IGNORED = {"id", "file", "created_at", "updated_at", "run_id"}
STORY_ACTIONS = [
    "submit",
    "request_completion",
    "receive",
    "assign",
    "forward",
    "request_supplement",
    "record_supplement",
    "request_payment",
    "record_payment",
    "extend",
    "approve_result",
    "return_result",
    "refuse_at_intake",
    "refuse",
    "withdraw",
    "stop",
    "close_unanswered",
]


@pytest.fixture
def demo(tmp_path: Path, settings: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    load_units()
    import_catalog(
        catalogue_slice(tmp_path / "slice.jsonl"), at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    )
    _summary, agencies = load_demo_province()
    map_procedures(agencies)


def prepare(scale: Decimal = TINY, seed: int = SEED, profile: str = PROFILE) -> None:
    """What ``generate`` prepares (accounts, workflows, officers), made once before the
    two writes so both see the same reference rows."""
    chosen = get_profile(profile)
    first, last = chosen.period(YEAR)
    planned = sum(c.received for c in chosen.counts(scale).values())
    prepare_world(
        seed=seed,
        planned=planned,
        people_per_dossier=chosen.people_per_dossier,
        first=first - dt.timedelta(days=45),
        last=last + dt.timedelta(days=200),
    )


def snapshot() -> dict[str, list[str]]:
    """Every row of every table, without database ids: a generated row that points at
    another generated row names it by the dossier's code and its rank in the dossier."""
    codes: dict[Any, str] = dict(Dossier.objects.values_list("id", "code"))
    ranks: dict[type[models.Model], dict[Any, tuple[str, int]]] = {}
    for owned in (Task, Result):
        by_dossier: dict[Any, list[Any]] = {}
        for pk, dossier_id in owned.objects.order_by("id").values_list("id", "dossier_id"):
            by_dossier.setdefault(dossier_id, []).append(pk)
        ranks[owned] = {
            pk: (codes[d], n) for d, pks in by_dossier.items() for n, pk in enumerate(pks)
        }
    out: dict[str, list[str]] = {}
    tables: list[type[models.Model]] = [*TABLES, DossierCodeCounter]
    for model in tables:
        rows = []
        for row in model._default_manager.values():
            clean = {k: v for k, v in row.items() if k not in IGNORED}
            if "dossier_id" in clean:
                clean["dossier_id"] = codes[clean["dossier_id"]]
            if clean.get("task_id") is not None:
                clean["task_id"] = ranks[Task][clean["task_id"]]
            if clean.get("result_id") is not None:
                clean["result_id"] = ranks[Result][clean["result_id"]]
            rows.append(repr(sorted(clean.items())))
        out[model.__name__] = sorted(rows)
    return out


def written(
    *, via_actions: bool, scale: Decimal = TINY, profile: str = PROFILE
) -> dict[str, list[str]]:
    with transaction.atomic():
        generate(profile, year=YEAR, scale=scale, seed=SEED, via_actions=via_actions, batch=25)
        rows = snapshot()
        transaction.set_rollback(True)
    return rows


@pytest.fixture
def every_path(monkeypatch: pytest.MonkeyPatch) -> str:
    """The 2021 profile with the rare paths made common, so that a small province
    takes every one of them."""
    profile = replace(
        get_profile(PROFILE),
        name="moi-duong",
        refused=0.06,
        withdrawn=0.06,
        stopped=0.05,
        closed=0.08,
        not_received=0.3,
        completion=0.3,
        supplement=0.3,
        extension=0.1,
        paid=1.0,
        paid_online=0.5,
        e_result=0.5,
        digitised=0.5,
    )
    monkeypatch.setitem(PROFILES, profile.name, profile)
    return profile.name


def test_bulk_writes_exactly_what_the_actions_write(demo: None, every_path: str) -> None:
    prepare(profile=every_path)

    bulk = written(via_actions=False, profile=every_path)
    engine = written(via_actions=True, profile=every_path)

    assert len(bulk["Dossier"]) >= 60
    assert {name: len(rows) for name, rows in bulk.items()} == {
        name: len(rows) for name, rows in engine.items()
    }
    for name in bulk:
        assert bulk[name] == engine[name], name
    # The stories use what the engine offers, not only the happy path.
    seen = " ".join(bulk["DossierEvent"])
    for action in STORY_ACTIONS:
        assert f"('action', '{action}')" in seen, action


def test_a_run_reproduces_the_profile_counts(demo: None) -> None:
    out = StringIO()
    call_command(
        "generate_province",
        profile=PROFILE,
        year=YEAR,
        scale=str(TINY * 5),
        seed=SEED,
        stdout=out,
        stderr=StringIO(),
    )

    text = out.getvalue()
    run = GeneratorRun.objects.get()
    assert run.is_finished and run.done == run.planned
    # Exact by construction: received, online, in person, carried over (scaled counts).
    assert "Tiếp nhận (3): 350 (mẫu: 350)" in text
    assert "trực tuyến (4): 26 (mẫu: 26)" in text
    assert "trực tiếp, bưu chính (5): 315 (mẫu: 315)" in text
    assert "kỳ trước chuyển qua (6): 9 (mẫu: 9)" in text
    resolved = DossierFact.objects.filter(ended_at__gte=dt.datetime(2026, 1, 1, tzinfo=LOCAL_TZ))
    assert resolved.count() >= 340


def test_the_same_seed_gives_the_same_dossiers_and_another_seed_others(demo: None) -> None:
    prepare()
    first = written(via_actions=False)
    again = written(via_actions=False)
    with transaction.atomic():
        generate(PROFILE, year=YEAR, scale=TINY, seed=SEED + 1)
        other = snapshot()
        transaction.set_rollback(True)

    assert first == again
    assert first["Dossier"] != other["Dossier"]


def test_an_interrupted_run_resumes_where_it_stopped(demo: None) -> None:
    prepare()
    whole = written(via_actions=False)

    def interrupt(done: int, total: int) -> None:
        if done >= 40:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generate(PROFILE, year=YEAR, scale=TINY, seed=SEED, batch=20, progress=interrupt)
    run = GeneratorRun.objects.get()
    assert run.done == 40 and not run.is_finished
    assert GeneratedDossier.objects.count() == 40 - 0  # whole batches only
    with pytest.raises(GenerationError, match="--resume"):
        generate(PROFILE, year=YEAR, scale=TINY, seed=SEED)

    generate(PROFILE, year=YEAR, scale=TINY, seed=SEED, resume=True, batch=20)

    assert snapshot() == whole


def test_remove_deletes_a_run_and_rewinds_the_codes(demo: None) -> None:
    before = snapshot()
    call_command(
        "generate_province",
        profile=PROFILE,
        year=YEAR,
        scale=str(TINY),
        seed=SEED,
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert Dossier.objects.count() > 0 and DossierEvent.objects.count() > 0
    out = StringIO()

    call_command(
        "generate_province",
        profile=PROFILE,
        year=YEAR,
        scale=str(TINY),
        seed=SEED,
        remove=True,
        stdout=out,
    )

    assert "Đã xóa" in out.getvalue()
    assert snapshot() == before
    assert not GeneratorRun.objects.exists()
    assert not DossierCodeCounter.objects.exists()


def test_bad_input_is_refused_with_a_message(demo: None, settings: Any) -> None:
    def run(**options: Any) -> str:
        with pytest.raises(CommandError) as caught:
            call_command("generate_province", stdout=StringIO(), stderr=StringIO(), **options)
        return str(caught.value)

    assert "Không có hồ sơ mẫu «ha-noi»" in run(profile="ha-noi")
    assert "Tỷ lệ" in run(profile=PROFILE, scale="-1")
    assert "không đọc được tỷ lệ" in run(profile=PROFILE, scale="abc").lower()
    assert "Không có lượt" in run(profile=PROFILE, scale="0.001", seed=99, remove=True)
    assert "Không có lượt" in run(profile=PROFILE, scale="0.001", seed=99, resume=True)
    settings.IS_PRODUCTION = True
    assert "production" in run(profile=PROFILE, scale="0.001")
    assert not Dossier.objects.exists()


def test_the_fast_calendar_agrees_with_the_work_calendar() -> None:
    slow = bundled_calendar()
    fast = FastCalendar(slow, dt.date(2025, 11, 1), dt.date(2026, 12, 31))
    rng = random.Random(3)
    for _ in range(3000):
        start = dt.datetime(2025, 10, 20, tzinfo=LOCAL_TZ) + dt.timedelta(
            minutes=rng.randrange(60 * 24 * 450), microseconds=rng.choice([0, 999_999])
        )
        if rng.random() < 0.2:
            start = start.astimezone(dt.UTC)
        hours = Fraction(rng.randrange(0, 3000), rng.choice([1, 4, 60, 7]))
        expected = slow.add_working_hours(start, hours)
        got = fast.add_working_hours(start, hours)
        assert (got, got.isoformat()) == (expected, expected.isoformat())
        stop = start + dt.timedelta(minutes=rng.randrange(60 * 24 * 90))
        assert fast.working_hours_between(start, stop) == slow.working_hours_between(start, stop)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="worker processes write on PostgreSQL only"
)
@pytest.mark.django_db(transaction=True)
def test_worker_processes_write_the_same_rows(demo: None) -> None:
    generate(PROFILE, year=YEAR, scale=TINY, seed=SEED, workers=1, batch=20)
    one = snapshot()
    remove(GeneratorRun.objects.get())

    generate(PROFILE, year=YEAR, scale=TINY, seed=SEED, workers=2, batch=20)

    assert snapshot() == one
