"""``make bench`` (``bench/run.py``): the results file keeps the issue's schema, a run
on one database keeps the other database's figures, and the verdicts against the
issue's targets are right — including "below the target scale"."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from bench.run import (
    FIELDS,
    earlier_generation,
    merge,
    row,
    save_meta,
    save_results,
    scale_for,
    table,
    target_dossiers,
    verdicts,
)


def test_a_row_has_exactly_the_issues_fields_with_null_where_a_figure_does_not_apply() -> None:
    entry = row("worklist", "postgresql", 1_000_512, median_ms=12.345, p95_ms=30.06)

    assert tuple(entry) == FIELDS
    assert entry == {
        "name": "worklist",
        "db": "postgresql",
        "dossiers": 1_000_512,
        "median_ms": 12.3,
        "p95_ms": 30.1,
        "per_second": None,
    }
    with pytest.raises(ValueError):
        row("worklist", "mysql", 1)


def test_a_run_on_one_database_keeps_the_others_figures_and_replaces_its_own() -> None:
    old = [
        row("reception", "sqlite", 100, per_second=40),
        row("worklist", "sqlite", 100, median_ms=9, p95_ms=12),
        row("reception", "postgresql", 20_000, per_second=16),
        row("lookup", "postgresql", 20_000, median_ms=30, p95_ms=39),  # not measured again
    ]
    new = [
        row("lookup", "postgresql", 1_000_000, median_ms=5, p95_ms=8),
        row("reception", "postgresql", 1_000_000, per_second=320),
    ]

    merged = merge(old, new)

    assert [(e["db"], e["name"], e["dossiers"]) for e in merged] == [
        ("sqlite", "reception", 100),
        ("sqlite", "worklist", 100),
        ("postgresql", "reception", 1_000_000),
        ("postgresql", "lookup", 1_000_000),
    ]


def test_results_are_merged_into_the_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "results" / "latest.json"
    save_results([row("lookup", "sqlite", 100, median_ms=10, p95_ms=15)], path)
    save_results([row("lookup", "postgresql", 200, median_ms=4, p95_ms=6)], path)
    save_results([row("lookup", "sqlite", 300, median_ms=11, p95_ms=16)], path)

    on_disk = json.loads(path.read_text())
    assert [(e["db"], e["dossiers"], e["p95_ms"]) for e in on_disk] == [
        ("sqlite", 300, 16.0),
        ("postgresql", 200, 6.0),
    ]
    assert all(tuple(e) == FIELDS for e in on_disk)
    assert not list(path.parent.glob("*.tmp"))


def test_a_damaged_results_file_is_replaced_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "latest.json"
    path.write_text('[{"name": "lookup", "db": "sqlite"')  # cut short by a killed run

    saved = save_results([row("lookup", "sqlite", 1, median_ms=1, p95_ms=2)], path)

    assert json.loads(path.read_text()) == saved
    assert len(saved) == 1


def test_verdicts_apply_the_issues_targets_only_at_its_scale() -> None:
    rows = [
        row("reception", "postgresql", 1_000_000, median_ms=3, p95_ms=4, per_second=299.9),
        row("worklist", "postgresql", 1_000_000, median_ms=20, p95_ms=49.9),
        row("lookup", "postgresql", 1_000_000, median_ms=15, p95_ms=20.0),
        row("dossier_page", "postgresql", 1_000_000, median_ms=20, p95_ms=30),
        row("drilldown", "sqlite", 1_000_000, median_ms=20, p95_ms=30),
        row("report_06_year", "postgresql", 20_000),  # no figure: not a pass
    ]

    got = {(v["name"], v["met"], v["at_target_scale"]) for v in verdicts(rows)}

    assert got == {
        ("reception", False, True),  # at least 300 a second
        ("worklist", True, True),  # under 50 ms
        ("lookup", False, True),  # under 20 ms: exactly 20 is not under
        ("dossier_page", None, True),  # no target in the issue
        ("drilldown", True, False),  # met, but SQLite is not where the target applies
        ("report_06_year", None, False),
    }
    printed = table(rows)
    assert "p95 < 20 ms: NOT MET" in printed
    assert "p95 < 200 ms: met (below target scale)" in printed


def test_the_meta_file_keeps_each_databases_machine_and_verdicts(tmp_path: Path) -> None:
    path = tmp_path / "latest-meta.json"
    save_meta("sqlite", {"date": "2026-12-04", "machine": {"cores": 2}}, path)
    save_meta("postgresql", {"date": "2026-12-05", "machine": {"cores": 2}}, path)

    meta = json.loads(path.read_text())
    assert meta["sqlite"]["date"] == "2026-12-04"
    assert meta["postgresql"]["date"] == "2026-12-05"
    assert meta["targets"]["reception"] == ">= 300/s"
    assert meta["targets"]["lookup"] == "p95 < 20 ms"


def test_a_run_that_reuses_the_data_keeps_how_long_generating_it_took(tmp_path: Path) -> None:
    path = tmp_path / "latest-meta.json"
    generated = {"scale": "1.000000", "generator": "generated", "generate_per_second": 632.4}
    save_meta("postgresql", {"date": "2026-12-05T00:02", "data": generated}, path)

    kept = earlier_generation("postgresql", "1.000000", path)
    assert kept == {"generated_on": "2026-12-05T00:02", "generate_per_second": 632.4}
    save_meta("postgresql", {"date": "2026-12-06", "data": {"scale": "1.000000", **kept}}, path)
    assert earlier_generation("postgresql", "1.000000", path) == kept  # and the next one
    assert earlier_generation("postgresql", "0.020000", path) == {}  # other data
    assert earlier_generation("sqlite", "1.000000", path) == {}


def test_the_number_of_dossiers_and_the_generators_scale(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MOTCUA_BENCH_DOSSIERS", raising=False)
    assert target_dossiers("postgresql", dossiers=None, quick=False) == 1_000_000
    assert target_dossiers("sqlite", dossiers=None, quick=False) == 100_000
    assert target_dossiers("postgresql", dossiers=None, quick=True) == 20_000
    monkeypatch.setenv("MOTCUA_BENCH_DOSSIERS", "250_000")
    assert target_dossiers("postgresql", dossiers=None, quick=False) == 250_000
    assert target_dossiers("postgresql", dossiers=5_000, quick=True) == 5_000

    assert scale_for(1_000_000) == Decimal("1.000000")
    assert scale_for(20_000) == Decimal("0.020000")
