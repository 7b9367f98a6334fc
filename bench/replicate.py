"""Grow a PostgreSQL benchmark database to a target number of dossiers by copying the
dossiers that ``simulate_dossiers`` wrote, with every row that belongs to them.

    DATABASE_URL=postgres://… .venv/bin/python bench/replicate.py --to 200000

For measuring pages at scale only: a copy keeps its source's instants, statuses,
agencies and officials, and gets the code ``R<n>-<source code>``. The report says how
many dossiers were simulated and how many are copies, so figures are never presented
as coming from simulated data alone. Refuses SQLite and production.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

# Tables copied with the dossier, their own id offset, and their columns that point
# at another copied table (column → table whose offset applies).
CHILDREN: dict[str, dict[str, str]] = {
    "dossiers_task": {"dossier_id": "dossiers_dossier"},
    "dossiers_result": {"dossier_id": "dossiers_dossier", "corrects_id": "dossiers_result"},
    "dossiers_document": {"dossier_id": "dossiers_dossier", "result_id": "dossiers_result"},
    "dossiers_dossierevent": {"dossier_id": "dossiers_dossier", "task_id": "dossiers_task"},
    "dossiers_supplementrequest": {"dossier_id": "dossiers_dossier"},
    "dossiers_extension": {"dossier_id": "dossiers_dossier"},
    "dossiers_payment": {"dossier_id": "dossiers_dossier"},
}


def columns(table: str) -> list[str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
            [table],
        )
        return [row[0] for row in cur.fetchall()]


def scalar(sql: str, params: list[object] | None = None) -> int:
    with connection.cursor() as cur:
        cur.execute(sql, params or [])
        return int(cur.fetchone()[0] or 0)


def copy_round(number: int, limit: int) -> int:
    """Copy up to ``limit`` simulated dossiers (with their rows) as round ``number``."""
    offsets = {t: scalar(f"SELECT max(id) FROM {t}") for t in ["dossiers_dossier", *CHILDREN]}
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE picked ON COMMIT DROP AS SELECT id FROM dossiers_dossier "
            "WHERE code NOT LIKE 'R%%-%%' ORDER BY id LIMIT %s",
            [limit],
        )
        cols = columns("dossiers_dossier")
        values = [
            f"id + {offsets['dossiers_dossier']}"
            if c == "id"
            else f"'R{number}-' || code"
            if c == "code"
            else f'"{c}"'
            for c in cols
        ]
        cur.execute(
            f"INSERT INTO dossiers_dossier ({', '.join(chr(34) + c + chr(34) for c in cols)}) "
            f"SELECT {', '.join(values)} FROM dossiers_dossier WHERE id IN (SELECT id FROM picked)"
        )
        copied = cur.rowcount
        for table, refs in CHILDREN.items():
            cols = columns(table)
            values = []
            for c in cols:
                if c == "id":
                    values.append(f"id + {offsets[table]}")
                elif c in refs:
                    values.append(f'"{c}" + {offsets[refs[c]]}')
                else:
                    values.append(f'"{c}"')
            cur.execute(
                f"INSERT INTO {table} ({', '.join(chr(34) + c + chr(34) for c in cols)}) "
                f"SELECT {', '.join(values)} FROM {table} "
                f"WHERE dossier_id IN (SELECT id FROM picked)"
            )
        for table in ["dossiers_dossier", *CHILDREN]:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    return copied


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--to", type=int, required=True, help="dossiers wanted in all")
    args = parser.parse_args()
    if connection.vendor != "postgresql" or getattr(settings, "MOTCUA_ENV", "") == "production":
        print("Chỉ dùng cho cơ sở dữ liệu PostgreSQL thử nghiệm.", file=sys.stderr)
        return 2
    started = time.monotonic()
    simulated = scalar("SELECT count(*) FROM dossiers_dossier WHERE code NOT LIKE 'R%%-%%'")
    total = scalar("SELECT count(*) FROM dossiers_dossier")
    if simulated == 0:
        print("Chưa có hồ sơ mô phỏng nào để sao chép.", file=sys.stderr)
        return 2
    number = scalar(
        "SELECT coalesce(max(substring(code from '^R([0-9]+)-')::int), 0) FROM dossiers_dossier"
    )
    while total < args.to:
        number += 1
        with transaction.atomic():
            total += copy_round(number, min(simulated, args.to - total))
        print(f"round {number}: {total} dossiers", file=sys.stderr)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(
        f"dossiers={total} simulated={simulated} copies={total - simulated} "
        f"seconds={time.monotonic() - started:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
