"""`make bench`: MotCua's performance record (issue 6 §4).

    .venv/bin/python bench/run.py [--quick] [--db sqlite|postgresql] [--dossiers N]

For each database — SQLite (``var/bench/bench.sqlite3``, never the user's own
``var/motcua.sqlite3``) and PostgreSQL (``BENCH_DATABASE_URL``, else ``DATABASE_URL``,
when one is set) — it migrates an empty database, loads the demo province
(``setup_demo``), fills it with a province-year of dossiers (``generate_province
--profile bac-giang-2024 --year 2026 --scale S --seed 1``; a finished run with the same
parameters is reused), then times reception, the back-office pages, the public status
lookup, Biểu 06 and the 766 dashboard in a child process (``bench/measures.py``) with
that database's settings. It prints a table and writes ``bench/results/latest.json``
(the figures) and ``bench/results/latest-meta.json`` (machine, date, targets met).

The number of dossiers: ``--dossiers N``, else ``--quick`` (20,000), else the
environment variable ``MOTCUA_BENCH_DOSSIERS``, else 1,000,000 on PostgreSQL and
100,000 on SQLite (the embedded database is for small installations; generating a
million dossiers into it takes long and measures nothing a province would run).

This module imports nothing from Django, so its result functions can be tested alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.json"
META = ROOT / "bench" / "results" / "latest-meta.json"
BENCH_DIR = ROOT / "var" / "bench"  # the benchmark's own MOTCUA_DATA_DIR
SQLITE_FILE = BENCH_DIR / "bench.sqlite3"
MEASURES = ROOT / "bench" / "measures.py"

PROFILE, YEAR, SEED = "bac-giang-2024", 2026, 1
PROFILE_DOSSIERS = 1_000_000  # what bac-giang-2024 receives in a year at --scale 1
QUICK_DOSSIERS = 20_000
DEFAULT_DOSSIERS = {"sqlite": 100_000, "postgresql": 1_000_000}
# Without generate_province, simulate_dossiers (slow: every dossier through the real
# actions) fills the database, up to this many dossiers.
FALLBACK_MAX = 5_000
# The lookup is rate-limited per client address (MOTCUA_LOOKUP_PER_MINUTE/_PER_DAY);
# the benchmark is one client asking hundreds of times, so its limits are raised.
LOOKUP_LIMIT = "1000000000"
FIELDS = ("name", "db", "dossiers", "median_ms", "p95_ms", "per_second")
DATABASES = ("sqlite", "postgresql")
ORDER = (
    "reception",
    "worklist",
    "dossier_page",
    "lookup",
    "report_06_year",
    "report_06_year_compute",
    "dashboard_766",
    "drilldown",
)


@dataclass(frozen=True)
class Target:
    """Issue 6's target for one measurement: ``field`` compared with ``value``."""

    field: str  # "per_second" (at least) or "p95_ms" (under)
    value: float

    def met(self, row: dict[str, Any]) -> bool | None:
        figure = row.get(self.field)
        if figure is None:
            return None
        return bool(figure >= self.value if self.field == "per_second" else figure < self.value)

    def __str__(self) -> str:
        if self.field == "per_second":
            return f">= {self.value:g}/s"
        return f"p95 < {self.value:g} ms"


# At 1,000,000 dossiers on PostgreSQL on a 2-core machine (issue 6 §4).
TARGETS = {
    "reception": Target("per_second", 300),
    "worklist": Target("p95_ms", 50),
    "lookup": Target("p95_ms", 20),
    "report_06_year": Target("p95_ms", 2000),
    "dashboard_766": Target("p95_ms", 2000),
    "drilldown": Target("p95_ms", 200),
}
TARGET_DOSSIERS = 1_000_000


# --- the results files --------------------------------------------------------------------


def row(
    name: str,
    db: str,
    dossiers: int,
    *,
    median_ms: float | None = None,
    p95_ms: float | None = None,
    per_second: float | None = None,
) -> dict[str, Any]:
    """One entry of ``latest.json``, figures rounded to 0.1 (null where they do not apply)."""
    if db not in DATABASES:
        raise ValueError(f"unknown database {db!r}")

    def rounded(x: float | None) -> float | None:
        return None if x is None else round(float(x), 1)

    return {
        "name": name,
        "db": db,
        "dossiers": int(dossiers),
        "median_ms": rounded(median_ms),
        "p95_ms": rounded(p95_ms),
        "per_second": rounded(per_second),
    }


def _sort_key(entry: dict[str, Any]) -> tuple[int, int, str]:
    name = str(entry.get("name", ""))
    db = str(entry.get("db", ""))
    rank = ORDER.index(name) if name in ORDER else len(ORDER)
    return (DATABASES.index(db) if db in DATABASES else len(DATABASES), rank, name)


def merge(existing: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The new rows, plus the existing rows of the databases the new ones do not cover:
    a run on one database keeps the other's figures, and replaces all of its own (a
    measurement dropped from the run does not linger with old figures)."""
    measured = {entry["db"] for entry in new}
    kept = [e for e in existing if isinstance(e, dict) and e.get("db") not in measured]
    return sorted([*kept, *new], key=_sort_key)


def read_json(path: Path, default: Any) -> Any:
    """The file's JSON, or ``default`` when it is missing or unreadable (a file cut
    short by an interrupted run must not stop the next one)."""
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return default


def write_json(path: Path, data: Any) -> None:
    """Write through a temporary file and rename: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    tmp.replace(path)


def save_results(new: list[dict[str, Any]], path: Path = RESULTS) -> list[dict[str, Any]]:
    existing = read_json(path, [])
    merged = merge(existing if isinstance(existing, list) else [], new)
    write_json(path, merged)
    return merged


def verdicts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row's target and whether it is met (None: no target, or no figure). A
    target counts only at its scale: PostgreSQL with at least 1,000,000 dossiers."""
    out = []
    for entry in rows:
        target = TARGETS.get(entry["name"])
        out.append(
            {
                "name": entry["name"],
                "target": str(target) if target else None,
                "met": target.met(entry) if target else None,
                "at_target_scale": entry["db"] == "postgresql"
                and entry["dossiers"] >= TARGET_DOSSIERS,
            }
        )
    return out


def machine() -> dict[str, Any]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "cores": os.cpu_count(),
        "load_average": [round(x, 2) for x in load],
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def save_meta(db: str, info: dict[str, Any], path: Path = META) -> dict[str, Any]:
    """Keep ``info`` (machine, date, data, verdicts) under ``db``; the other database's
    entry stays as it was."""
    meta = read_json(path, {})
    if not isinstance(meta, dict):
        meta = {}
    meta[db] = info
    meta["targets"] = {name: str(t) for name, t in TARGETS.items()}
    meta["target_scale"] = f"postgresql, {TARGET_DOSSIERS} dossiers"
    write_json(path, meta)
    return meta


def earlier_generation(db: str, scale: str, path: Path = META) -> dict[str, Any]:
    """How long generating the reused data took, from the run that generated it (as
    recorded in the meta file), so that figure survives the runs that reuse it."""
    before = read_json(path, {}).get(db, {})
    data = before.get("data", {}) if isinstance(before, dict) else {}
    if data.get("scale") != scale:
        return {}
    if data.get("generator") == "generated":
        data = {**data, "generated_on": before.get("date")}
    keep = ("generated_on", "generate_seconds", "generate_per_second")
    return {k: data[k] for k in keep if k in data}


def table(rows: list[dict[str, Any]]) -> str:
    def figure(x: float | None) -> str:
        return "—" if x is None else f"{x:.1f}"

    lines = [
        f"{'name':<24} {'db':<10} {'dossiers':>9} {'median ms':>10} {'p95 ms':>9} "
        f"{'per s':>8}  target"
    ]
    for entry, verdict in zip(rows, verdicts(rows), strict=True):
        if verdict["target"] is None:
            mark = ""
        else:
            met = {True: "met", False: "NOT MET", None: "no figure"}[verdict["met"]]
            scale = "" if verdict["at_target_scale"] else " (below target scale)"
            mark = f"{verdict['target']}: {met}{scale}"
        lines.append(
            f"{entry['name']:<24} {entry['db']:<10} {entry['dossiers']:>9} "
            f"{figure(entry['median_ms']):>10} {figure(entry['p95_ms']):>9} "
            f"{figure(entry['per_second']):>8}  {mark}"
        )
    return "\n".join(lines)


# --- which database, how many dossiers ----------------------------------------------------


def target_dossiers(db: str, *, dossiers: int | None, quick: bool) -> int:
    if dossiers is not None:
        return dossiers
    if quick:
        return QUICK_DOSSIERS
    configured = os.environ.get("MOTCUA_BENCH_DOSSIERS", "").replace("_", "").replace(",", "")
    if configured.strip():
        return int(configured)
    return DEFAULT_DOSSIERS[db]


def scale_for(dossiers: int) -> Decimal:
    """``--scale`` of the profile that receives about ``dossiers`` in the year."""
    return max(Decimal(dossiers) / PROFILE_DOSSIERS, Decimal("0.000001")).quantize(
        Decimal("0.000001")
    )


def postgres_url() -> str | None:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    return url if url.startswith(("postgres://", "postgresql://")) else None


def ensure_postgres_database(url: str, *, reset: bool = False) -> None:
    """Create the database named in ``url`` when it is missing (``--reset``: drop it
    first), through the server's ``postgres`` database. Without the right to create
    databases, say so and let the migration fail with the server's own message."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise SystemExit(f"No database name in {url!r} (e.g. …:5432/motcua_bench).")
    admin = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            if reset:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if found is None:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"  created database {name}", file=sys.stderr)
    except psycopg.Error as exc:
        print(f"  (could not check or create database {name}: {exc})", file=sys.stderr)


def bench_env(db: str, url: str | None) -> dict[str, str]:
    """The child processes' environment: the bench's own data directory and database,
    DEBUG off (as in production: no query log growing through the run), lookups not
    rate-limited."""
    env = dict(os.environ)
    env.update(
        MOTCUA_DATA_DIR=str(BENCH_DIR),
        DATABASE_URL=f"sqlite:///{SQLITE_FILE}" if db == "sqlite" else str(url),
        DJANGO_SETTINGS_MODULE="motcua.settings",
        DEBUG="0",
        MOTCUA_LOOKUP_PER_MINUTE=LOOKUP_LIMIT,
        MOTCUA_LOOKUP_PER_DAY=LOOKUP_LIMIT,
    )
    env.pop("MEDIA_ROOT", None)  # files go under the bench's data directory
    return env


# --- running the steps --------------------------------------------------------------------


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``manage.py`` in a child with ``env``; its progress goes to the terminal, its
    standard output is kept (and echoed)."""
    print(f"  $ manage.py {' '.join(args)}", file=sys.stderr)
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.stdout.strip():
        print("    " + done.stdout.strip().replace("\n", "\n    "), file=sys.stderr)
    return done


def child(env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run ``bench/measures.py`` with ``env``; it writes its answer as JSON to a file."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        subprocess.run(
            [sys.executable, str(MEASURES), "--out", str(out), *args],
            env=env,
            cwd=ROOT,
            check=True,
        )
        answer: dict[str, Any] = json.loads(out.read_text())
        return answer


def prepare(env: dict[str, str], dossiers: int) -> dict[str, Any]:
    """Migrate, load the demo province, generate the dossiers (or reuse them).
    Returns what was done, for the meta file."""
    data: dict[str, Any] = {"profile": PROFILE, "year": YEAR, "seed": SEED}
    if manage(env, "migrate", "--noinput", "-v0").returncode != 0:
        raise SystemExit("migrate failed")
    status = child(env, "--status", "--scale", str(scale_for(dossiers)))
    if not status["demo"]:
        if manage(env, "setup_demo").returncode != 0:
            raise SystemExit("setup_demo failed")
        status = child(env, "--status", "--scale", str(scale_for(dossiers)))
    scale = scale_for(dossiers)
    data["scale"] = str(scale)
    run = status["run"]
    if run is not None and run["finished"]:
        print(f"  data reused: generator run ×{scale}, {run['done']} dossiers", file=sys.stderr)
        data.update(generator="reused", generated=run["done"])
        return data
    if status["generator"]:
        args = ["generate_province", "--profile", PROFILE, "--year", str(YEAR)]
        args += ["--scale", str(scale), "--seed", str(SEED)]
        if run is not None:
            args.append("--resume")
        started = time.monotonic()
        done = manage(env, *args)
        seconds = time.monotonic() - started
        if done.returncode == 0:
            after = child(env, "--status", "--scale", str(scale))["run"] or {}
            written = int(after.get("done", 0)) - int((run or {}).get("done", 0))
            data.update(
                generator="generated",
                generated=after.get("done"),
                generate_seconds=round(seconds, 1),
                generate_per_second=round(written / max(seconds, 1e-9), 1),
            )
            return data
        print("  generate_province FAILED: falling back to simulate_dossiers", file=sys.stderr)
    else:
        print("  no generate_province command: falling back to simulate_dossiers", file=sys.stderr)
    wanted = min(dossiers, FALLBACK_MAX)
    have = int(status["dossiers"])
    note = f"simulate_dossiers (fallback, at most {FALLBACK_MAX} dossiers)"
    print(f"  ({note}: {wanted} dossiers wanted)", file=sys.stderr)
    if have < wanted:
        started = time.monotonic()
        simulated = manage(
            env, "simulate_dossiers", "--count", str(wanted - have), "--seed", str(SEED)
        )
        if simulated.returncode != 0:
            raise SystemExit("simulate_dossiers failed")
        data["generate_seconds"] = round(time.monotonic() - started, 1)
    data.update(generator=note)
    return data


def bench_database(db: str, url: str | None, args: argparse.Namespace) -> list[dict[str, Any]]:
    dossiers = target_dossiers(db, dossiers=args.dossiers, quick=args.quick)
    print(f"\n== {db}: {dossiers} dossiers wanted", file=sys.stderr)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if db == "postgresql":
        assert url is not None
        ensure_postgres_database(url, reset=args.reset)
    elif args.reset:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
    env = bench_env(db, url)
    started = time.monotonic()
    data = prepare(env, dossiers)
    prepared = time.monotonic() - started
    repeat = args.repeat or (20 if args.quick else 50)
    receptions = args.receptions or (100 if args.quick else 500)
    measured = child(
        env,
        "--repeat",
        str(repeat),
        "--report-repeat",
        str(args.report_repeat or (5 if args.quick else 10)),
        "--receptions",
        str(receptions),
        "--year",
        str(YEAR),
    )
    rows = [row(db=db, **entry) for entry in measured["rows"]]
    save_results(rows)
    if data["generator"] == "reused":
        data.update(earlier_generation(db, data["scale"]))
    meta = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "mode": "quick" if args.quick else "full",
        "data": {**data, "dossiers_in_database": measured["dossiers"]},
        "prepare_seconds": round(prepared, 1),
        "measure_seconds": measured["seconds"],
        "receptions": receptions,
        "repeat": repeat,
        "notes": measured["notes"],
        "verdicts": verdicts(rows),
    }
    meta["machine"]["load_average_before"] = measured["load_before"]
    save_meta(db, meta)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_DOSSIERS} dossiers")
    parser.add_argument("--db", choices=DATABASES, action="append", help="only this database")
    parser.add_argument("--dossiers", type=int, help="dossiers to generate (overrides the rest)")
    parser.add_argument("--receptions", type=int, help="timed receptions (500; quick 100)")
    parser.add_argument("--repeat", type=int, help="timed page requests (50; quick 20)")
    parser.add_argument("--report-repeat", type=int, help="timed report renders (10; quick 5)")
    parser.add_argument("--reset", action="store_true", help="empty the bench database first")
    args = parser.parse_args(argv)

    url = postgres_url()
    wanted = args.db or ["sqlite", *(["postgresql"] if url else [])]
    if "postgresql" in wanted and url is None:
        parser.error("PostgreSQL: set BENCH_DATABASE_URL (or DATABASE_URL) to postgres://…/name")
    if not args.db and url is None:
        print("(PostgreSQL skipped: BENCH_DATABASE_URL / DATABASE_URL not set)", file=sys.stderr)
    started = time.monotonic()
    rows: list[dict[str, Any]] = []
    for db in wanted:
        rows += bench_database(db, url, args)
    print()
    print(table(sorted(rows, key=_sort_key)))
    print(f"\n→ {RESULTS.relative_to(ROOT)} and {META.relative_to(ROOT)}", end="")
    print(f" ({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
