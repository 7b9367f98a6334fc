"""The counts behind the 766 components, in a handful of aggregate queries.

Populations (the shared counting rules of the reports, deadlines.md §7), for a period
[S, N) with end instant E:

- base (Biểu 06 column 3): received before N and not ended before S — received in
  the period plus carried over;
- received: S <= received_at < N; resolved: S <= ended_at < N;
- open at the end: received before N, not ended before N; within deadline when the
  open segment covering E is held, has no due instant, or is due at or after E.

"OK" for 766 (legal-rules §8.2, 2.1) is early or on time *and* not ``late_766`` for a
resolved dossier: one with more than one supplement request counts as late. An open
dossier is judged at E: late by that rule once its second request came before E.

Everything is conditional aggregates (portable: FILTER on PostgreSQL, CASE on SQLite)
so one scan of the facts gives every component for every agency, and the monthly
trend groups rows into month buckets with CASE expressions instead of one query per
month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Least

from motcua.catalog.choices import OnlineLevel
from motcua.catalog.models import ProvinceProcedureSetting
from motcua.reports.models import ChannelGroup, DossierFact, FactSegment, Outcome
from motcua.reports.periods import Period

OK_TIMELINESS = ("early", "on_time")
NOT_SATISFIED = "not_satisfied"


@dataclass
class Tally:
    """Dossier counts of one scope (an agency, a set of agencies, a month)."""

    base: int = 0
    received: int = 0
    online: int = 0
    digitised: int = 0
    reuses: int = 0
    population: int = 0
    resolved: int = 0
    ok_resolved: int = 0
    not_satisfied: int = 0
    with_result: int = 0
    e_result: int = 0
    hours_n: int = 0
    hours_sum: Decimal = Decimal(0)
    open_within: int = 0

    def add(self, other: Tally) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class Scope:
    """A tally plus the sets of procedures that the per-TTHC components count."""

    tally: Tally = field(default_factory=Tally)
    procedures_received: set[int] = field(default_factory=set)
    procedures_online_received: set[int] = field(default_factory=set)
    procedures_population: set[int] = field(default_factory=set)
    procedures_competent: set[int] = field(default_factory=set)
    procedures_online_service: set[int] = field(default_factory=set)

    def add(self, other: Scope) -> None:
        self.tally.add(other.tally)
        self.procedures_received |= other.procedures_received
        self.procedures_online_received |= other.procedures_online_received
        self.procedures_population |= other.procedures_population
        self.procedures_competent |= other.procedures_competent
        self.procedures_online_service |= other.procedures_online_service


# --- Filters on DossierFact --------------------------------------------------------


def q_base(period: Period) -> Q:
    return Q(received_at__lt=period.stop) & (
        Q(ended_at__isnull=True) | Q(ended_at__gte=period.start)
    )


def q_received(period: Period) -> Q:
    return Q(received_at__gte=period.start, received_at__lt=period.stop)


def q_resolved(period: Period) -> Q:
    return Q(received_at__isnull=False, ended_at__gte=period.start, ended_at__lt=period.stop)


def q_ok() -> Q:
    return Q(timeliness__in=OK_TIMELINESS, late_766=False)


def q_open_within(period: Period) -> Q:
    """Open at the period's end and within deadline at E, and not yet late by the 766
    rule at E: a second supplement request before E makes it late (``late_766`` is
    the dossier's final state, which an open dossier of a past period may reach only
    later). The second request is looked for only when the dossier has one at all."""
    end = period.end_instant
    covering_within = FactSegment.objects.filter(
        Q(end__isnull=True) | Q(end__gt=end),
        Q(held=True) | Q(due_at__isnull=True) | Q(due_at__gte=end),
        start__lte=end,
    ).values("dossier_id")
    earlier_request = FactSegment.objects.filter(
        dossier_id=OuterRef("dossier_id"), held=True, start__lt=OuterRef("start")
    )
    second_request = FactSegment.objects.filter(
        Exists(earlier_request), dossier_id=OuterRef("dossier_id"), held=True, start__lte=end
    )
    return (
        Q(received_at__lt=period.stop)
        & (Q(ended_at__isnull=True) | Q(ended_at__gte=period.stop))
        & Q(dossier_id__in=covering_within)
        & (Q(supplement_count__lte=1) | ~Q(Exists(second_request)))
    )


def in_scope(agencies: Sequence[int] | None, prefix: str = "") -> Q:
    return Q() if agencies is None else Q(**{f"{prefix}agency_id__in": list(agencies)})


# --- The period: per agency -----------------------------------------------------------


def _requests_by_start(at_least: int) -> Exists:
    """The segment's dossier had ``at_least`` supplement requests by the segment's
    start: held spans begin only with a request (the engine allows neither an
    extension nor another request while the applicant holds the dossier)."""
    requests = (
        FactSegment.objects.filter(
            dossier_id=OuterRef("dossier_id"), held=True, start__lte=OuterRef("start")
        )
        .order_by()
        .values("dossier_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=at_least)
    )
    return Exists(requests)


def _followed() -> Exists:
    """Another segment of the dossier starts where this one ends (it did not end)."""
    return Exists(
        FactSegment.objects.filter(dossier_id=OuterRef("dossier_id"), start=OuterRef("end"))
    )


def _twice() -> Q:
    """Cheap gate before ``_requests_by_start(2)``: dossiers ever asked twice."""
    return Q(
        dossier_id__in=DossierFact.objects.filter(supplement_count__gte=2).values("dossier_id")
    )


def count_open_within(period: Period, agencies: Sequence[int] | None) -> dict[int, int]:
    """Per agency: dossiers open at N and within deadline at E, not yet late by the
    766 rule — counted on the segments covering E alone (a segment's agency is its
    dossier's competent agency, as the fact's), which an index on ``end`` finds.
    The same set as ``q_open_within`` on the facts."""
    end, stop = period.end_instant, period.stop
    rows = (
        FactSegment.objects.filter(
            Q(end__isnull=True) | Q(end__gt=end),
            Q(held=True) | Q(due_at__isnull=True) | Q(due_at__gte=end),
            in_scope(agencies),
            start__lte=end,
        )
        # Ended in the period's last second (E < end < N, nothing follows): resolved.
        .exclude(Q(end__lt=stop) & ~Q(_followed()))
        .exclude(_twice() & Q(_requests_by_start(2)))
        .values("agency_id")
        .order_by()
        .annotate(n=Count("pk"))
    )
    return {row["agency_id"]: row["n"] for row in rows}


def count_period(period: Period, agencies: Sequence[int] | None) -> dict[int, Scope]:
    """Per agency (competent agency of the fact, or of the catalogue setting) in scope:
    its tally and procedure sets for ``period``. Three queries."""
    received = q_received(period)
    resolved = q_resolved(period)
    result = resolved & Q(outcome=Outcome.RESULT)
    rows = (
        DossierFact.objects.filter(q_base(period), in_scope(agencies))
        .values("agency_id", "procedure_id")
        .order_by()
        .annotate(
            base=Count("pk"),
            received=Count("pk", filter=received),
            online=Count("pk", filter=received & Q(channel_group=ChannelGroup.ONLINE)),
            digitised=Count("pk", filter=received & Q(is_digitised=True)),
            reuses=Count("pk", filter=received & Q(reuses_data=True)),
            population=Count("pk", filter=received & Q(uses_population_data=True)),
            resolved=Count("pk", filter=resolved),
            ok_resolved=Count("pk", filter=resolved & q_ok()),
            not_satisfied=Count("pk", filter=resolved & Q(rating=NOT_SATISFIED)),
            with_result=Count("pk", filter=result),
            e_result=Count("pk", filter=result & Q(has_e_result=True)),
            hours_n=Count("pk", filter=result & Q(handling_hours__isnull=False)),
            hours_sum=Sum("handling_hours", filter=result),
        )
    )
    tally_fields = [f.name for f in fields(Tally) if f.name != "open_within"]
    scopes: dict[int, Scope] = {}
    for row in rows:
        scope = scopes.setdefault(row["agency_id"], Scope())
        procedure = row["procedure_id"]
        counts = {name: row[name] for name in tally_fields}  # type: ignore[literal-required]
        counts["hours_sum"] = counts["hours_sum"] or Decimal(0)
        scope.tally.add(Tally(**counts))
        if row["received"]:
            scope.procedures_received.add(procedure)
        if row["online"]:
            scope.procedures_online_received.add(procedure)
        if row["population"]:
            scope.procedures_population.add(procedure)
    for agency, count in count_open_within(period, agencies).items():
        scopes.setdefault(agency, Scope()).tally.open_within += count
    settings = ProvinceProcedureSetting.objects.active().filter(in_scope(agencies))
    for agency, procedure, level in settings.values_list(
        "agency_id", "procedure_id", "online_level"
    ):
        scope = scopes.setdefault(agency, Scope())
        scope.procedures_competent.add(procedure)
        if level != OnlineLevel.NONE:
            scope.procedures_online_service.add(procedure)
    return scopes


# --- The monthly trend ---------------------------------------------------------------


def _bucket(lookup: str, bounds: Sequence[dt.datetime]) -> Case:
    """The first index i with ``field <lookup> bounds[i]`` true; len(bounds) if none
    (or the field is null)."""
    return Case(
        *(When(**{lookup: bound}, then=Value(i)) for i, bound in enumerate(bounds)),
        default=Value(len(bounds)),
        output_field=IntegerField(),
    )


def count_months(months: Sequence[Period], agencies: Sequence[int] | None) -> list[Tally]:
    """One tally per consecutive month (base, received, online, digitised, resolved,
    ok_resolved, not_satisfied, open_within), in two grouped queries."""
    starts = [m.start for m in months]
    stops = [m.stop for m in months]
    ends = [m.end_instant for m in months]
    n = len(months)
    tallies = [Tally() for _ in months]

    # Facts by (month received, month ended): 0..n-1 inside the year, for "received"
    # -1 is before it (the Case gives 0 for before the first start, so shift by one).
    facts = (
        DossierFact.objects.filter(
            Q(received_at__lt=stops[-1]),
            Q(ended_at__isnull=True) | Q(ended_at__gte=starts[0]),
            in_scope(agencies),
        )
        .annotate(rm=_bucket("received_at__lt", [*starts, stops[-1]]))
        .annotate(em=_bucket("ended_at__lt", stops))
        .values("rm", "em")
        .order_by()
        .annotate(
            n=Count("pk"),
            ok=Count("pk", filter=q_ok()),
            not_satisfied=Count("pk", filter=Q(rating=NOT_SATISFIED)),
            online=Count("pk", filter=Q(channel_group=ChannelGroup.ONLINE)),
            digitised=Count("pk", filter=Q(is_digitised=True)),
        )
    )
    for row in facts:
        received_month = row["rm"] - 1  # -1: before the first month
        ended_month = row["em"]  # n: open at the last stop
        for i in range(max(received_month, 0), min(ended_month, n - 1) + 1):
            tallies[i].base += row["n"]
        if 0 <= received_month < n:
            t = tallies[received_month]
            t.received += row["n"]
            t.online += row["online"]
            t.digitised += row["digitised"]
        if ended_month < n:
            t = tallies[ended_month]
            t.resolved += row["n"]
            t.ok_resolved += row["ok"]
            t.not_satisfied += row["not_satisfied"]

    # Open segments, alone (no join: a segment's agency is its dossier's competent
    # agency, as the fact's), and only those covering some month's end E_i. A
    # segment counts for month i from the month "sm" of its start until the first
    # of: it ends (end <= E_i); it is overdue; the dossier ended in the last second
    # of month i (E_i < end < N_i, no segment follows). It never counts once the
    # dossier has had two supplement requests by its start (no segment starts
    # between its start and E_i, so the requests by E_i are those by its start).
    covers_some_end = Q()
    windows = Q()
    for end, stop in zip(ends, stops, strict=True):
        covers_some_end |= Q(start__lte=end) & (Q(end__isnull=True) | Q(end__gt=end))
        windows |= Q(end__gt=end, end__lt=stop)
    last_second = Q(end__isnull=False) & windows
    segments = (
        FactSegment.objects.filter(covers_some_end, in_scope(agencies))
        .annotate(
            sm=_bucket("start__lte", ends),
            until=Least(
                _bucket("end__lte", ends),
                Case(
                    When(Q(held=True) | Q(due_at__isnull=True), then=Value(n)),
                    default=_bucket("due_at__lt", ends),
                    output_field=IntegerField(),
                ),
                Case(
                    When(last_second & ~Q(_followed()), then=_bucket("end__lt", stops)),
                    default=Value(n),
                    output_field=IntegerField(),
                ),
                Case(
                    When(_twice() & Q(_requests_by_start(2)), then=Value(0)),
                    default=Value(n),
                    output_field=IntegerField(),
                ),
            ),
        )
        .values("sm", "until")
        .order_by()
        .annotate(n=Count("pk"))
    )
    for span in segments:
        for i in range(span["sm"], min(span["until"], n)):
            tallies[i].open_within += span["n"]
    return tallies
