"""For random dossier histories played through the real actions, Biểu 06 always
balances (issue 6, "done when"): for random pairs of consecutive periods and both
groupings, every identity of legal-rules §7.1 holds on every row, the rows add up to
their subtotals and to the total, the agencies add up to the province, what is in
progress at the end of one period is what the next carries over, and the stored
facts are exactly what ``derive`` recomputes from the events — so the roll-ups equal
a recount from the dossiers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from motcua.dossiers.models import Dossier
from motcua.dossiers.tests import conftest as engine
from motcua.dossiers.tests.conftest import World, local
from motcua.reports.bieu06 import GROUPINGS, Counts, Report, compute, recount
from motcua.reports.facts import SEGMENT_FIELDS, derive, facts_queryset
from motcua.reports.models import DossierFact, FactSegment
from motcua.reports.periods import Period
from motcua.reports.tests.facts_world import Driver, desks
from motcua.workdays.services import get_calendar

world = engine.world  # the dossier engine's test province (a fixture)
FIRST = local(2026, 1, 5, 7, 0)  # receptions over the next 120 days or so
DAY = dt.timedelta(days=1)


def assert_adds_up(report: Report) -> None:
    """Every identity on every row; each row is the sum of the rows just under it,
    and the top rows add up to the total."""
    for row in [*report.rows]:
        assert row.counts.broken_identities() == [], (row.label, row.counts)
    assert report.total.broken_identities() == [], report.total
    assert sum((r.counts for r in report.rows if r.depth == 0), Counts()) == report.total
    for index, row in enumerate(report.rows):
        children = []
        for below in report.rows[index + 1 :]:
            if below.depth <= row.depth:
                break
            if below.depth == row.depth + 1:
                children.append(below.counts)
        if row.depth < 2 and report.by == "level":
            assert children, row.label
            assert sum(children, Counts()) == row.counts, row.label


def by_filters(report: Report, column: str) -> dict[tuple[tuple[str, str], ...], int]:
    return {tuple(sorted(r.filters.items())): getattr(r.counts, column) for r in report.rows}


def assert_facts_are_derived() -> None:
    """The rows the actions stored are what ``derive`` gives now, and agree with what
    the engine itself stored on each dossier."""
    calendar = get_calendar()
    stored = {f.pk: f for f in DossierFact.objects.all()}
    spans: dict[int, list[tuple[Any, ...]]] = {}
    for row in FactSegment.objects.order_by("dossier_id", "start").values_list(
        "dossier_id", *SEGMENT_FIELDS
    ):
        spans.setdefault(row[0], []).append(tuple(row[1:]))
    dossiers = list(facts_queryset(Dossier.objects.order_by("pk")))
    assert set(stored) == {d.pk for d in dossiers}
    for dossier in dossiers:
        fact, segments = derive(dossier, calendar=calendar)
        mine = stored[dossier.pk]
        for f in DossierFact._meta.concrete_fields:
            if f.name != "updated_at":
                assert getattr(mine, f.attname) == getattr(fact, f.attname), (dossier, f.name)
        assert spans.get(dossier.pk, []) == [
            tuple(getattr(s, n) for n in SEGMENT_FIELDS) for s in segments
        ]
        # The engine's own columns say the same.
        assert fact.received_at == dossier.received_at
        assert fact.ended_at == dossier.ended_at
        assert fact.supplement_count == dossier.supplement_count
        if fact.received_at is not None:
            assert fact.due_at == dossier.due_at
        if dossier.timeliness:
            assert fact.timeliness == dossier.timeliness
        # Spans follow each other without gap or overlap, from reception to the end.
        if segments:
            assert segments[0].start == fact.received_at
            assert segments[-1].end == fact.ended_at
            for before, after in zip(segments, segments[1:], strict=False):
                assert before.end == after.start


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_histories_always_balance(world: World, data: st.DataObject) -> None:
    def choose(options: Sequence[Any]) -> Any:
        return data.draw(st.sampled_from(list(options)))

    def integer(low: int, high: int) -> int:
        return data.draw(st.integers(low, high))

    # Each example in a savepoint rolled back at its end: events are append-only, so a
    # fresh start cannot be had by deleting rows.
    with transaction.atomic():
        cast = desks(world)
        calendar = get_calendar()
        for _ in range(integer(1, 6)):
            played = Driver(world, cast, calendar, FIRST, choose, integer).play()
            event(f"a dossier ends {played.status}")
        assert_facts_are_derived()
        agencies = sorted(DossierFact.objects.values_list("agency_id", flat=True).distinct())
        for _ in range(2):
            first = FIRST.date() + integer(-10, 150) * DAY
            this = Period(first, first + integer(0, 62) * DAY)
            following = Period(this.last_day + DAY, this.last_day + integer(1, 62) * DAY)
            for by in GROUPINGS:
                now, then = compute(this, by=by), compute(following, by=by)
                assert_adds_up(now)
                assert_adds_up(then)
                assert then.total.carried == now.total.open
                # Row by row too: each agency's (or procedure's) carried over is its own
                # in progress of the period before.
                carried, still_open = by_filters(then, "carried"), by_filters(now, "open")
                for key in carried.keys() | still_open.keys():
                    assert carried.get(key, 0) == still_open.get(key, 0), key
                assert recount(this, by=by) == now
            province = compute(this, by="agency").total
            assert sum((compute(this, agencies=[a]).total for a in agencies), Counts()) == (
                province
            )
        transaction.set_rollback(True)
