"""What a counter reception costs the database alone, without Python around it.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/motcua_bench \\
        .venv/bin/python bench/reception_floor.py [--count 300]

Copies the rows of the latest received dossier that has documents (the dossier with a
new code, its first two tasks, its documents, its first two events, its statistics
row and span) as ``receive_at_counter`` writes them on PostgreSQL, in one pipeline:
the transaction's ``BEGIN``, the foreign keys checked as written, the permission with
the code counter's number in one statement, then the dossier (its key taken ahead
from its sequence), tasks, events, statistics row and span in one statement, the
documents in another, then the commit — one committed transaction per copy, in one
process, and prints the rate. It is the floor under ``make bench``'s ``reception``:
the same statements and commit, and nothing else (no Python work to overlap with).
The copies are deleted afterwards (deleting events needs a superuser: the
append-only trigger is bypassed for them only).

PostgreSQL only.
"""

from __future__ import annotations

import argparse
import os
import time

import psycopg

TABLES = {
    "dossier": "dossiers_dossier",
    "task": "dossiers_task",
    "document": "dossiers_document",
    "event": "dossiers_dossierevent",
    "fact": "reports_dossierfact",
    "segment": "reports_factsegment",
}
PREFIX = "SAN-"


def columns(cur: psycopg.ClientCursor[tuple[object, ...]], table: str, *skip: str) -> list[str]:
    found = cur.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
        " ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [str(r[0]) for r in found if r[0] not in skip]


def copy_sql(
    cur: psycopg.ClientCursor[tuple[object, ...]], kind: str, where: str, keyed: bool = False
) -> str:
    table = TABLES[kind]
    cols = columns(cur, table, *(() if kind == "fact" or keyed else ("id",)))
    swap = {"dossier_id": "%(id)s", "code": "%(code)s", "task_id": "NULL", "id": "%(id)s"}
    chosen = ", ".join(swap.get(c, f'"{c}"') for c in cols)
    listed = ", ".join(f'"{c}"' for c in cols)
    return f"INSERT INTO {table} ({listed}) SELECT {chosen} FROM {table} WHERE {where}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL=postgresql://… is needed (PostgreSQL only).")
    with psycopg.connect(url) as conn:
        cur = psycopg.ClientCursor(conn)
        row = cur.execute(
            "SELECT d.id FROM dossiers_dossier d WHERE d.received_at IS NOT NULL"
            " AND EXISTS (SELECT 1 FROM dossiers_document x WHERE x.dossier_id = d.id)"
            " AND EXISTS (SELECT 1 FROM reports_factsegment s WHERE s.dossier_id = d.id)"
            " ORDER BY d.id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            raise SystemExit("No received dossier with documents to copy.")
        source = row[0]
        parts = [
            copy_sql(cur, "dossier", "id = %(source)s", keyed=True),
            copy_sql(cur, "task", "dossier_id = %(source)s") + " ORDER BY id LIMIT 2",
            copy_sql(cur, "event", "dossier_id = %(source)s AND seq <= 2"),
            copy_sql(cur, "fact", "dossier_id = %(source)s"),
            copy_sql(cur, "segment", "dossier_id = %(source)s"),
        ]
        written = ", ".join(f"w{i} AS ({sql})" for i, sql in enumerate(parts[:-1]))
        rows = f"WITH {written} {parts[-1]}"
        documents = copy_sql(cur, "document", "dossier_id = %(source)s")
        permission = (
            "WITH asked AS (SELECT title, (SELECT value FROM dossiers_referencestamp"
            " WHERE id = 1) AS stamp FROM org_membership WHERE user_id = %s"
            " AND agency_id = %s AND is_active AND role = %s ORDER BY id LIMIT 1),"
            " taken AS (INSERT INTO dossiers_dossiercodecounter (identifier, day, last)"
            " SELECT 'SAN', current_date, 1 FROM asked ON CONFLICT (identifier, day)"
            " DO UPDATE SET last = dossiers_dossiercodecounter.last + 1 RETURNING last)"
            " SELECT asked.*, (SELECT last FROM taken) FROM asked"
        )
        member = cur.execute(
            "SELECT user_id, agency_id, role FROM org_membership ORDER BY id LIMIT 1"
        ).fetchone()
        keys = [
            int(r[0])
            for r in cur.execute(
                "SELECT nextval(pg_get_serial_sequence('dossiers_dossier', 'id'))"
                " FROM generate_series(1, %s)",
                [args.count],
            ).fetchall()
        ]
        conn.commit()
        bound = psycopg.Cursor(conn)  # server-side binding, prepared: as common.rows
        conn.prepare_threshold = 0
        started = time.perf_counter()
        for key in keys:
            with conn.pipeline():
                bound.execute("SET CONSTRAINTS ALL IMMEDIATE")
                bound.execute(permission, member)
                asked = bound.fetchone()
                code = f"{PREFIX}{time.time_ns()}-{asked[2] if asked else 0}"
                values = {"id": key, "code": code, "source": source}
                bound.execute(rows, values)
                bound.execute(documents, values)
            conn.commit()
        seconds = time.perf_counter() - started
        print(
            f"{args.count / seconds:.0f} receptions/s, {seconds / args.count * 1000:.2f} ms"
            " each: the database's share of a counter reception (one process)"
        )
        cur.execute("SET session_replication_role = replica")
        copies = f"SELECT id FROM dossiers_dossier WHERE code LIKE '{PREFIX}%%'"
        for kind in ("segment", "fact", "event", "document", "task"):
            cur.execute(f"DELETE FROM {TABLES[kind]} WHERE dossier_id IN ({copies})")
        cur.execute(f"DELETE FROM dossiers_dossier WHERE code LIKE '{PREFIX}%%'")
        cur.execute("DELETE FROM dossiers_dossiercodecounter WHERE identifier = 'SAN'")
        conn.commit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
