"""The timed part of ``make bench`` (``bench/run.py``), in a child process whose
environment names the database, so Django's settings load once and cleanly.

    python bench/measures.py --out FILE --status --scale S    # what the database holds
    python bench/measures.py --out FILE [--receptions N --repeat N ...]   # measure

Measurements, each warmed up once, timed server-side through Django's test client
(one client, no network):

- ``reception``: ``actions.receive_at_counter``, the real action the counter view calls,
  N times in one process on the desks and procedures of the generated province; each
  reception is committed like real work (it adds N dossiers to the data).
- ``lookup``: the anonymous status lookup ``/tra-cuu/?ma=`` for randomly sampled codes
  (it writes its rate-limit counter, as in production; the limits are raised for the
  benchmark by ``run.py``).
- ``worklist``: every worklist offered to the officer with the most open tasks at the
  busiest agency, in turn; ``dossier_page``: that officer's dossier page for sampled
  dossiers of the agency.
- ``report_06_year`` (the page) and ``report_06_year_compute`` (``bieu06.compute``
  alone), ``dashboard_766`` and ``drilldown`` (the province's dossiers resolved late in
  the year), as a province-wide user.

The database is analysed (``ANALYZE``) first, as autovacuum would have done after
the bulk load. From ``worklist`` on, nothing is written: sessions are signed cookies, ``last_login``
is not updated and every connection is opened read-only, as in ``bench/pages.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
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
from django.db.models import Count, Max, Min, Q, QuerySet  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.pages import Measure, read_only  # noqa: E402
from motcua.accounts.models import User  # noqa: E402
from motcua.backoffice.worklists import LISTS  # noqa: E402
from motcua.dossiers.models import Dossier, Task  # noqa: E402
from motcua.org.models import Agency, Membership  # noqa: E402
from motcua.reports.scope import report_agencies  # noqa: E402

SEED = 1
PROFILE = "bac-giang-2024"
PROVINCE_WIDE = ["kiemsoat", "quantri"]  # the demo's supervisor and administrator
Fetch = Callable[[str], int]  # a URL → the response's status code


# --- status ---------------------------------------------------------------------------------


def status(scale: str, year: int) -> dict[str, Any]:
    """What the database holds: the demo province, the generator run of these
    parameters, the number of dossiers; and whether ``generate_province`` exists."""
    import importlib.util
    from decimal import Decimal

    found: dict[str, Any] | None = None
    generator = (
        importlib.util.find_spec("motcua.reports.management.commands.generate_province") is not None
    )
    if generator:
        from motcua.reports.generator.models import GeneratorRun

        run = GeneratorRun.objects.filter(
            profile=PROFILE, year=year, scale=Decimal(scale), seed=SEED
        ).first()
        if run is not None:
            found = {"done": run.done, "planned": run.planned, "finished": run.is_finished}
    return {
        "demo": User.objects.filter(username__in=PROVINCE_WIDE).exists(),
        "generator": generator,
        "run": found,
        "dossiers": Dossier.objects.count(),
    }


# --- timing -------------------------------------------------------------------------------


def figures(m: Measure) -> dict[str, float | None]:
    return {"median_ms": m.median, "p95_ms": m.p95} if m.times_ms else {}


def timed(
    name: str,
    fetch: Fetch,
    urls: list[str],
    repeat: int,
    notes: list[str],
    *,
    sampled: bool = False,
) -> Measure:
    """Warm up, then ``repeat`` requests over ``urls`` in turn. A fixed page warms up
    with each of its URLs once; ``sampled`` URLs (one request each, different
    dossiers) warm up with the first only, which is then left out, so that no timed
    dossier was read just before. Any answer but 200 is noted: a fast error page is
    no result."""
    result = Measure("bench", name, urls[0] if urls else "")
    if len(urls) < (2 if sampled else 1):
        notes.append(f"{name}: nothing to measure")
        return result
    if sampled:
        fetch(urls[0])
        urls = urls[1:]
        repeat = min(repeat, len(urls))
    else:
        for url in dict.fromkeys(urls):
            fetch(url)
    statuses: Counter[int] = Counter()
    for i in range(repeat):
        url = urls[i % len(urls)]
        started = time.perf_counter()
        statuses[fetch(url)] += 1
        result.times_ms.append((time.perf_counter() - started) * 1000)
    bad = {code: n for code, n in statuses.items() if code != 200}
    if bad:
        notes.append(f"{name}: answers other than 200: {bad}")
    print(
        f"  {name:<24} median {result.median:8.1f} ms  p95 {result.p95:8.1f} ms"
        f"  ({repeat} × {len(set(urls))} URL)",
        file=sys.stderr,
    )
    return result


def getter(client: Client) -> Fetch:
    return lambda url: int(client.get(url).status_code)


def sample_codes(dossiers: QuerySet[Dossier], n: int, rng: random.Random) -> list[str]:
    """Up to ``n`` distinct codes of ``dossiers``, spread over the whole id range
    (the first dossier at or after a random id): old and recent ones alike."""
    bounds = Dossier.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
    if bounds["lo"] is None:
        return []
    codes: dict[str, None] = {}
    for _ in range(n * 4):
        if len(codes) >= n:
            break
        at = rng.randint(bounds["lo"], bounds["hi"])
        code = (
            dossiers.filter(pk__gte=at).exclude(code="").order_by("pk").values_list("code").first()
        )
        if code is not None:
            codes[code[0]] = None
    return list(codes)


# --- reception ------------------------------------------------------------------------------


WARM_UP = 200


def reception(count: int, notes: list[str]) -> Measure:
    """``count`` receptions at the counters of the province's desks, through the real
    action, each in its own transaction, committed. Half of them carry scans."""
    from motcua.catalog.choices import Channel
    from motcua.dossiers import actions
    from motcua.dossiers.models import Delivery, IntakeChannel
    from motcua.dossiers.simulator import Simulation, pdf
    from motcua.org.models import Role

    rng = random.Random(f"bench:{SEED}")
    now = timezone.now()
    sim = Simulation(seed=SEED, since=timezone.localdate(), horizon=now + dt.timedelta(days=1))
    menu: list[tuple[Any, Any, Any]] = []
    weights: list[float] = []
    for desk in sim.desks:
        for offer, weight in zip(desk.offers, desk.weights, strict=True):
            rule = next((r for r in offer.rules if r.channel != Channel.ONLINE), None)
            if rule is not None:
                menu.append((desk, offer, rule))
                weights.append(weight)
    result = Measure("bench", "reception", "actions.receive_at_counter")
    if not menu:
        notes.append("reception: no procedure received at a counter in this province")
        return result
    officers = {
        desk.receiving.pk: sim.cast.officers(desk.receiving, Role.RECEPTION)
        for desk, _offer, _rule in menu
    }

    def submission(i: int) -> tuple[Any, User]:
        desk, offer, rule = rng.choices(menu, weights)[0]
        applicant = actions.Applicant(
            name=f"Nguyễn Văn Thử {i}",
            identifier=sim.new_identifier(rng, False),
            phone=f"09{rng.randrange(10**8):08d}",
            address="Tổ dân phố 1",
        )
        documents = [
            actions.DocumentInput(
                name=(component.name.split("\n")[0][:200] if component else "") or "Đơn đề nghị",
                component=component,
                file=pdf(f"thanh-phan-{n + 1}.pdf") if i % 2 == 0 else None,
            )
            for n, component in enumerate(offer.components or (None,))
        ]
        sub = actions.Submission(
            version=offer.version,
            channel_rule=rule,
            applicant=applicant,
            receiving_agency=desk.receiving,
            competent_agency=desk.competent,
            channel=IntakeChannel.POST if rule.channel == Channel.POST else IntakeChannel.COUNTER,
            delivery=Delivery.COUNTER,
            documents=documents,
        )
        return sub, rng.choice(officers[desk.receiving.pk])

    # Warm-up, not timed: a counter's process has been receiving all day, so it
    # remembers the workflows, identifiers and calendar it uses (dossiers.refcache);
    # the timed receptions below still meet procedures it has not seen yet.
    for i in range(WARM_UP):
        sub, officer = submission(-1 - i)
        actions.receive_at_counter(sub, actor=officer)
    # What the applicants hand in is ready before the clock starts: the figure is the
    # system's work (checks, code, deadline, tasks, events, files, statistics row,
    # commit), not the making of test PDFs.
    handed_in = [submission(i) for i in range(1, count + 1)]
    started = time.perf_counter()
    for sub, officer in handed_in:
        before = time.perf_counter()
        actions.receive_at_counter(sub, actor=officer)
        result.times_ms.append((time.perf_counter() - before) * 1000)
    wall = time.perf_counter() - started
    result.url = f"{count / wall:.1f}/s"
    print(
        f"  {'reception':<24} median {result.median:8.1f} ms  p95 {result.p95:8.1f} ms"
        f"  {count / wall:.1f} dossiers/s",
        file=sys.stderr,
    )
    return result


# --- who is measured ----------------------------------------------------------------------


def busiest_officer() -> tuple[User, Agency] | None:
    """The officer with the most open tasks (assigned to them) at the agency and role
    with the most open tasks; any member of that role there when none is assigned."""
    busiest = (
        Task.objects.filter(finished_at__isnull=True)
        .values("agency", "role")
        .annotate(n=Count("id"))
        .order_by("-n", "agency")
        .first()
    )
    if busiest is None:
        return None
    agency = Agency.objects.get(pk=busiest["agency"])
    mine = (
        Task.objects.filter(
            finished_at__isnull=True, agency=agency, role=busiest["role"], assignee__isnull=False
        )
        .values("assignee")
        .annotate(n=Count("id"))
        .order_by("-n", "assignee")
        .first()
    )
    if mine is not None:
        return User.objects.get(pk=mine["assignee"]), agency
    member = (
        Membership.objects.filter(agency=agency, role=busiest["role"], is_active=True)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return (member.user, agency) if member is not None else None


def province_wide_user() -> User | None:
    candidates = [
        *User.objects.filter(username__in=PROVINCE_WIDE).order_by("username"),
        *User.objects.filter(is_superuser=True, is_active=True).order_by("pk")[:1],
    ]
    return next((u for u in candidates if report_agencies(u) is None), None)


def no_writes() -> None:
    """From here on, as ``bench/pages.py``: nothing written, and a write would fail."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    connection_created.connect(read_only)
    connection.close()  # the next query opens a read-only connection


# --- the whole run --------------------------------------------------------------------------


def measure(args: argparse.Namespace) -> dict[str, Any]:
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # 404 probes are not news
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    load_before = [round(x, 2) for x in os.getloadavg()]
    started = time.monotonic()
    notes: list[str] = []
    # Fresh statistics first. Bulk-generated tables have never been analysed: the
    # PostgreSQL planner then guesses thousands of tasks per dossier and picks hash
    # joins that spill to disk, where a living database's autovacuum would long have
    # analysed them. Seconds on a million dossiers.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    notes.append(f"ANALYZE before measuring: {time.monotonic() - started:.1f} s")
    rng = random.Random(SEED)
    results: list[Measure] = []
    per_second: dict[str, float] = {}

    got = reception(args.receptions, notes)
    results.append(got)
    if got.times_ms:
        per_second["reception"] = float(got.url.removesuffix("/s"))
    dossiers = Dossier.objects.count()
    print(f"  ({dossiers} dossiers)", file=sys.stderr)

    codes = sample_codes(Dossier.objects.all(), args.repeat + 1, rng)
    anonymous = Client()
    results.append(
        timed(
            "lookup",
            getter(anonymous),
            [f"/tra-cuu/?ma={c}" for c in codes],
            args.repeat,
            notes,
            sampled=True,
        )
    )

    no_writes()
    officer = busiest_officer()
    if officer is None:
        notes.append("worklist, dossier_page: no open task in the database")
    else:
        user, agency = officer
        client = Client()
        client.force_login(user)
        fetch = getter(client)
        offered = [f"/can-bo/danh-sach/{slug}/" for slug in LISTS]
        offered = [url for url in offered if fetch(url) != 404]
        notes.append(f"worklist: {user.username} at {agency.name}, {len(offered)} lists in turn")
        results.append(timed("worklist", fetch, offered, max(args.repeat, 50), notes))
        mine = Dossier.objects.filter(Q(competent_agency=agency) | Q(receiving_agency=agency))
        sampled = sample_codes(mine, args.repeat + 1, rng)
        pages = [f"/can-bo/ho-so/{code}/" for code in sampled]
        results.append(timed("dossier_page", fetch, pages, args.repeat, notes, sampled=True))

    leader = province_wide_user()
    if leader is None:
        notes.append("reports: no province-wide user (kiemsoat, quantri or a superuser)")
    else:
        from motcua.reports import bieu06, periods

        client = Client()
        client.force_login(leader)
        fetch = getter(client)
        year = f"ky=nam&nam={args.year}"
        n = args.report_repeat
        results.append(
            timed("report_06_year", fetch, [f"/bao-cao/bieu-06/?{year}&theo=co-quan"], n, notes)
        )
        period = periods.year(args.year)

        def compute(_url: str) -> int:
            bieu06.compute(period, by="agency")
            return 200

        results.append(timed("report_06_year_compute", compute, ["compute"], n, notes))
        results.append(timed("dashboard_766", fetch, [f"/bao-cao/chi-so-766/?{year}"], n, notes))
        drill = f"/bao-cao/bieu-06/ho-so/?{year}&theo=co-quan&cot=late"
        results.append(timed("drilldown", fetch, [drill], 2 * n, notes))

    rows = [
        {"name": m.page, "dossiers": dossiers, **figures(m), "per_second": per_second.get(m.page)}
        for m in results
    ]
    for m in results:  # the spread, for whoever reads the notes
        if len(m.times_ms) > 1:
            notes.append(
                f"{m.page}: n={len(m.times_ms)} max {max(m.times_ms):.1f} ms, "
                f"stdev {statistics.stdev(m.times_ms):.1f} ms"
            )
    return {
        "rows": rows,
        "dossiers": dossiers,
        "notes": notes,
        "seconds": round(time.monotonic() - started, 1),
        "load_before": load_before,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--status", action="store_true")
    parser.add_argument("--scale", default="1")
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--report-repeat", type=int, default=10)
    parser.add_argument("--receptions", type=int, default=500)
    args = parser.parse_args()
    answer = status(args.scale, args.year) if args.status else measure(args)
    args.out.write_text(json.dumps(answer, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
