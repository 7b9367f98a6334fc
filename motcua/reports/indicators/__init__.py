"""The 766 indicators (Decision 766/QĐ-TTg, legal-rules §8) from MotCua's own data.

``compute(period, agencies)`` gives the scorecard of the scope (None = the province),
one scorecard per agency ranked by points, and the monthly trend of the year of the
period's last day (2.1, 3.3, 4.2, 5.4). Components MotCua has no data for yet are
results without a rate and with the reason; they never count as zero.

Queries: two for the period (facts per agency and procedure; catalogue settings), two
for the trend, one for agency names — whatever the number of agencies or dossiers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db import connection, transaction

from motcua.org.models import Agency
from motcua.reports import periods
from motcua.reports.indicators.config import ComponentConfig, Config, config_for, load_versions
from motcua.reports.indicators.counting import Scope, count_months, count_period
from motcua.reports.indicators.drill import (
    DENOMINATOR,
    NUMERATOR,
    PROCEDURE_COMPONENTS,
    DrillError,
    facts_behind,
    procedures_behind,
)
from motcua.reports.indicators.scoring import TREND_COMPONENTS, Result, Scorecard, evaluate
from motcua.reports.periods import Period

__all__ = [
    "DENOMINATOR",
    "NUMERATOR",
    "PROCEDURE_COMPONENTS",
    "TREND_COMPONENTS",
    "AgencyScore",
    "ComponentConfig",
    "Config",
    "Dashboard",
    "DrillError",
    "Month",
    "Result",
    "Scorecard",
    "analytic_queries",
    "compute",
    "config_for",
    "facts_behind",
    "load_versions",
    "months_of",
    "procedures_behind",
]


@dataclass(frozen=True)
class AgencyScore:
    agency_id: int
    name: str
    rank: int
    card: Scorecard


@dataclass(frozen=True)
class Month:
    period: Period
    card: Scorecard


@dataclass(frozen=True)
class Dashboard:
    period: Period
    config: Config
    card: Scorecard
    agencies: list[AgencyScore]
    months: list[Month]


def months_of(year: int) -> list[Period]:
    """The twelve reporting months of ``year``, with the configured cut-off day."""
    cutoff = periods.configured_cutoff_day()
    return [periods.month(year, m, cutoff) for m in range(1, 13)]


def _ranked(cards: dict[int, Scorecard]) -> list[AgencyScore]:
    """By points, highest first; equal points share a rank (1, 1, 3)."""
    names = dict(Agency.objects.filter(pk__in=list(cards)).values_list("pk", "name"))
    order = sorted(cards, key=lambda a: (-cards[a].points, names.get(a, "")))
    ranked: list[AgencyScore] = []
    for position, agency in enumerate(order, start=1):
        same = ranked and ranked[-1].card.points == cards[agency].points
        rank = ranked[-1].rank if same else position
        ranked.append(AgencyScore(agency, names.get(agency, str(agency)), rank, cards[agency]))
    return ranked


@contextlib.contextmanager
def analytic_queries() -> Iterator[None]:
    """On PostgreSQL, JIT off for the enclosed queries (in a transaction, SET LOCAL):
    the planner prices every correlated subquery as if run for each row, so it
    compiles these one-off aggregates for longer (1–2 s) than they take to run."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


def compute(
    period: Period,
    agencies: Sequence[int] | None = None,
    *,
    config: Config | None = None,
    with_trend: bool = True,
) -> Dashboard:
    """The dashboard of ``period`` for ``agencies`` (None: the whole province)."""
    config = config or config_for(period.last_day)
    with analytic_queries():
        per_agency = count_period(period, agencies)
        tallies = count_months(months_of(period.last_day.year), agencies) if with_trend else []
    total = Scope()
    for scope in per_agency.values():
        total.add(scope)
    cards = {a: evaluate(config, scope, period, agency=a) for a, scope in per_agency.items()}
    months: list[Month] = []
    if with_trend:
        year = months_of(period.last_day.year)
        for month, tally in zip(year, tallies, strict=True):
            card = evaluate(config_for(month.last_day), Scope(tally), month, only=TREND_COMPONENTS)
            months.append(Month(month, card))
    return Dashboard(period, config, evaluate(config, total, period), _ranked(cards), months)
