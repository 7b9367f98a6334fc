"""Time the back-office pages officials use all day, against an existing database.

    DATABASE_URL=… .venv/bin/python bench/pages.py [--repeat N] [--dossiers K]

(``DJANGO_SETTINGS_MODULE`` defaults to ``motcua.settings``.)

Signs in (``force_login``) as the demo officers — counter officer, handling officer,
department head, leader, supervisor — and renders through Django's test client every
worklist they are offered (the first page and the page after it, following the
"next page" link), a few searches, and the dossier page of a sample of dossiers they
can open. Each page is rendered once to warm up, then N times; the table gives the
median, 95th percentile and maximum in milliseconds and the number of queries. The
results are also written as JSON to ``bench/results/pages-<database>.json``.

Nothing is written to the database: sessions are signed cookies, ``last_login`` is
not updated, and every connection is opened read-only (PostgreSQL ``default
transaction read only``, SQLite ``query_only``), so an accidental write fails loudly
instead of landing — without holding one long transaction open on a database that
may be being filled meanwhile.
Issue 4's target: every page under 100 ms at the 95th percentile with
``simulate_dossiers --count 200000`` loaded on PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import math
import os
import re
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import update_last_login  # noqa: E402
from django.contrib.auth.signals import user_logged_in  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.backends.signals import connection_created  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils.http import urlencode  # noqa: E402

from motcua.accounts.models import User  # noqa: E402
from motcua.backoffice.worklists import EVERYWHERE, LISTS, SCOPE, SEARCH  # noqa: E402
from motcua.dossiers.models import Dossier  # noqa: E402

OFFICERS = ["motcua", "chuyenvien", "truongphong", "lanhdao", "kiemsoat"]
CODE_LINK = re.compile(r'<a class="code" href="(/can-bo/ho-so/[^"]+/)">([^<]+)</a>')
NEXT_LINK = re.compile(r'id="trang-sau" rel="next" href="([^"]+)"')
TARGET_P95_MS = 100.0


@dataclass
class Measure:
    officer: str
    page: str
    url: str
    status: int = 0
    queries: int = 0
    rows: int = 0
    times_ms: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)  # nearest rank
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def max(self) -> float:
        return max(self.times_ms)


def measure(client: Client, officer: str, label: str, url: str, repeat: int) -> tuple[Measure, str]:
    result = Measure(officer, label, url)
    client.get(url)  # warm-up: templates, the calendar, connection
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    result.queries = len(captured)
    html = response.content.decode() if response.status_code == 200 else ""
    result.status = response.status_code
    result.rows = len(CODE_LINK.findall(html))
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        result.times_ms.append((time.perf_counter() - started) * 1000)
    return result, html


def bench_officer(username: str, repeat: int, sample: int) -> list[Measure]:
    user = User.objects.filter(username=username).first()
    if user is None:
        print(f"  (no user {username!r} in this database: skipped)", file=sys.stderr)
        return []
    client = Client()
    client.force_login(user)
    results: list[Measure] = []
    codes: list[str] = []

    def run(label: str, url: str) -> str:
        found, html = measure(client, username, label, url, repeat)
        if found.status == 200:
            results.append(found)
        return html

    for slug in LISTS:
        url = f"/can-bo/danh-sach/{slug}/"
        if client.get(url).status_code == 404:
            continue  # not offered to this officer
        html = run(slug, url)
        codes += [code for _href, code in CODE_LINK.findall(html)]
        following = NEXT_LINK.search(html)
        if following:
            run(f"{slug} (trang sau)", following.group(1).replace("&amp;", "&"))
        if f'name="{SCOPE}"' in html:  # a supervisor of several agencies: all of them
            run(f"{slug} (mọi cơ quan)", f"{url}?{urlencode({SCOPE: EVERYWHERE})}")
    dossiers = list(
        Dossier.objects.filter(code__in=codes).values_list(
            "code", "applicant_identifier", "applicant_name"
        )
    )
    if dossiers:
        code, identifier, name = dossiers[len(dossiers) // 2]
        searches = {
            "tim mã": code,
            "tim tiền tố mã": code.rsplit("-", 1)[0],
            "tim số định danh": identifier,
            "tim tên": name.split()[-1],
        }
        for label, text in searches.items():
            run(f"tat-ca ({label})", f"/can-bo/danh-sach/tat-ca/?{urlencode({SEARCH: text})}")
    distinct = list(dict.fromkeys(codes))
    step = max(1, len(distinct) // max(1, sample))
    for code in distinct[::step][:sample]:
        run("ho-so", f"/can-bo/ho-so/{code}/")
    return results


def read_only(sender: Any, connection: Any, **kwargs: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA query_only = ON")


def database_label() -> str:
    name = str(settings.DATABASES["default"]["NAME"])
    return Path(name).stem if connection.vendor == "sqlite" else name


def print_table(results: list[Measure]) -> None:
    heads = ("median", "p95", "max")
    print(f"{'officer':<12} {'page':<32}", *(f"{h:>8}" for h in heads), "queries  rows")
    for r in results:
        flag = "  > 100 ms" if r.p95 > TARGET_P95_MS else ""
        print(
            f"{r.officer:<12} {r.page[:32]:<32} {r.median:8.1f} {r.p95:8.1f} {r.max:8.1f}"
            f" {r.queries:7d} {r.rows:5d}{flag}"
        )
    dossier_pages = [t for r in results if r.page == "ho-so" for t in r.times_ms]
    lists = [t for r in results if r.page != "ho-so" for t in r.times_ms]
    for label, times in (("worklist pages", lists), ("dossier pages", dossier_pages)):
        if times:
            ordered = sorted(times)
            p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
            print(f"all {label}: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="timed renders per page")
    parser.add_argument("--dossiers", type=int, default=5, help="dossier pages per officer")
    parser.add_argument("--officer", action="append", help="only these officers")
    args = parser.parse_args()

    # Probing which lists an officer is offered answers 404 for the others: not news.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    # No writes: signed-cookie sessions and no last_login update on force_login.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    connection_created.connect(read_only)
    connection.close()  # the next query opens a read-only connection

    results: list[Measure] = []
    count = Dossier.objects.count()
    print(f"{database_label()} ({connection.vendor}): {count} dossiers", file=sys.stderr)
    for username in args.officer or OFFICERS:
        print(f"  {username} …", file=sys.stderr)
        results += bench_officer(username, args.repeat, args.dossiers)

    print_table(results)
    out = ROOT / "bench" / "results" / f"pages-{database_label()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "database": database_label(),
        "vendor": connection.vendor,
        "dossiers": count,
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "repeat": args.repeat,
        "target_p95_ms": TARGET_P95_MS,
        "pages": [
            {**asdict(r), "median_ms": r.median, "p95_ms": r.p95, "max_ms": r.max} for r in results
        ],
    }
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1))
    print(f"→ {out.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
