"""The 766 formulas on hand-made facts (legal-rules §8.2; deadlines.md §7).

Dossiers are received through the real action (the ``world`` province of the dossier
tests); their fact rows and open segments are then written by hand, so each test
states exactly what it counts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.catalog.choices import OnlineLevel
from motcua.catalog.models import Procedure, ProvinceProcedureSetting
from motcua.dossiers.tests.conftest import World, local, world  # noqa: F401
from motcua.org.models import Agency
from motcua.reports import indicators
from motcua.reports.indicators.config import (
    ComponentConfig,
    ConfigError,
    load_versions,
    parse_versions,
)
from motcua.reports.indicators.scoring import percent, score
from motcua.reports.models import DossierFact, FactSegment
from motcua.reports.periods import Period


@pytest.fixture
def town(world: World) -> World:  # noqa: F811
    """The dossier tests' small province (two departments, two wards)."""
    return world


MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31), "Tháng 3/2026")
EMPTY = Period(dt.date(2021, 3, 1), dt.date(2021, 3, 31), "Tháng 3/2021")


def put(
    town: World,
    *,
    agency: Agency | None = None,
    received: dt.datetime | None,
    ended: dt.datetime | None = None,
    due: dt.datetime | None = None,
    segments: list[tuple[dt.datetime, dt.datetime | None, dt.datetime | None, bool]] | None = None,
    procedure: Procedure | None = None,
    **values: object,
) -> DossierFact:
    """A received dossier whose fact says exactly ``values``; one open segment from
    reception to the end, due ``due``, unless ``segments`` are given."""
    dossier = town.receive(local(2026, 1, 5, 8))
    agency = agency or town.justice
    defaults: dict[str, object] = {
        "agency": agency,
        "receiving_agency": agency,
        "level": "tinh",
        "field": None,
        "procedure": procedure or town.version.procedure,
        "channel_group": "direct",
        "received_at": received,
        "ended_at": ended,
        "outcome": "result" if ended else "",
        "timeliness": "on_time" if ended else "",
        "due_at": due,
        "supplement_count": 0,
        "late_766": False,
        "handling_hours": None,
        "has_e_result": False,
        "is_digitised": False,
        "reuses_data": False,
        "uses_population_data": False,
        "rating": "",
        "updated_at": local(2026, 1, 5, 8),
    }
    defaults.update(values)
    fact, _created = DossierFact.objects.update_or_create(dossier=dossier, defaults=defaults)
    FactSegment.objects.filter(dossier=dossier).delete()
    if segments is None and received is not None:
        segments = [(received, ended, due, False)]
    for start, end, due_at, held in segments or []:
        FactSegment.objects.create(
            dossier=dossier, agency=agency, start=start, end=end, due_at=due_at, held=held
        )
    return fact


def result(dashboard: indicators.Dashboard, component: str) -> indicators.Result:
    found = dashboard.card.get(component)
    assert found is not None
    return found


def drill_count(component: str, part: str, period: Period = MARCH) -> int:
    return indicators.facts_behind(period, component, part, None).count()


# --- 2.1 ------------------------------------------------------------------------------


def on_time_mix(town: World) -> dict[str, DossierFact]:
    """March 2026: nine dossiers in the base, five of them early/on time/within."""
    late_due = local(2026, 3, 20, 17)
    return {
        "early": put(
            town, received=local(2026, 3, 2, 8), ended=local(2026, 3, 10, 9), timeliness="early"
        ),
        "late": put(
            town,
            received=local(2026, 3, 2, 8),
            ended=local(2026, 3, 20, 9),
            timeliness="late",
            late_766=True,
        ),
        # On time by its due instant, but asked twice for a supplement: late for 766.
        "two_supplements": put(
            town,
            received=local(2026, 3, 2, 8),
            ended=local(2026, 3, 20, 9),
            timeliness="on_time",
            supplement_count=2,
            late_766=True,
        ),
        "carried": put(town, received=local(2026, 2, 16, 8), ended=local(2026, 3, 5, 9)),
        "open_within": put(town, received=local(2026, 3, 10, 8), due=local(2026, 4, 10, 17)),
        "open_overdue": put(town, received=local(2026, 3, 1, 8), due=late_due),
        # Overdue by its due instant, but the applicant holds it (supplement awaited).
        "held": put(
            town,
            received=local(2026, 3, 1, 8),
            segments=[
                (local(2026, 3, 1, 8), local(2026, 3, 15, 8), late_due, False),
                (local(2026, 3, 15, 8), None, late_due, True),
            ],
        ),
        # Asked twice for a supplement before E: late for 766 although within.
        "open_two_supplements": put(
            town,
            received=local(2026, 3, 3, 8),
            segments=[
                (local(2026, 3, 3, 8), local(2026, 3, 4, 8), local(2026, 4, 30, 17), False),
                (local(2026, 3, 4, 8), local(2026, 3, 9, 8), local(2026, 4, 30, 17), True),
                (local(2026, 3, 9, 8), local(2026, 3, 10, 8), local(2026, 4, 30, 17), False),
                (local(2026, 3, 10, 8), local(2026, 3, 12, 8), local(2026, 4, 30, 17), True),
                (local(2026, 3, 12, 8), None, local(2026, 4, 30, 17), False),
            ],
            supplement_count=2,
            late_766=True,
        ),
        # Asked twice too, but the second request comes after E: within at E.
        "second_request_later": put(
            town,
            received=local(2026, 3, 3, 8),
            segments=[
                (local(2026, 3, 3, 8), local(2026, 3, 4, 8), local(2026, 4, 30, 17), False),
                (local(2026, 3, 4, 8), local(2026, 3, 9, 8), local(2026, 4, 30, 17), True),
                (local(2026, 3, 9, 8), local(2026, 4, 2, 8), local(2026, 4, 30, 17), False),
                (local(2026, 4, 2, 8), None, local(2026, 4, 30, 17), True),
            ],
            supplement_count=2,
            late_766=True,
        ),
        # Outside the base: ended before March, received after it, never received.
        "before": put(town, received=local(2026, 2, 2, 8), ended=local(2026, 2, 25, 9)),
        "after": put(town, received=local(2026, 4, 2, 8)),
        "not_received": put(town, received=None),
    }


def test_on_time_rate_counts_resolved_and_open_within_over_received_and_carried(
    town: World,
) -> None:
    facts = on_time_mix(town)
    r = result(indicators.compute(MARCH, with_trend=False), "2.1")
    assert (r.numerator, r.denominator) == (5, 9)
    assert r.rate == Decimal("55.56")
    # No stated target: linear, 55.56 % of 20 points (UNVERIFIED rule, in the config).
    assert r.points == Decimal("11.11")
    behind = set(indicators.facts_behind(MARCH, "2.1", "tu-so", None))
    expected = ("early", "carried", "open_within", "held", "second_request_later")
    assert behind == {facts[k] for k in expected}
    assert drill_count("2.1", "mau-so") == r.denominator


def test_more_than_one_supplement_request_is_late_even_when_on_time(town: World) -> None:
    put(
        town,
        received=local(2026, 3, 2, 8),
        ended=local(2026, 3, 20, 9),
        timeliness="on_time",
        supplement_count=2,
        late_766=True,
    )
    put(
        town,
        received=local(2026, 3, 2, 8),
        ended=local(2026, 3, 20, 9),
        timeliness="on_time",
        supplement_count=1,
    )
    dashboard = indicators.compute(MARCH, with_trend=False)
    assert (result(dashboard, "2.1").numerator, result(dashboard, "2.1").denominator) == (1, 2)
    late = result(dashboard, "5.4").parts[0]
    assert (late.key, late.count) == ("tre-han", 1)


def test_a_dossier_ending_in_the_last_second_is_resolved_not_open(town: World) -> None:
    last_second = MARCH.end_instant + dt.timedelta(milliseconds=500)
    put(
        town,
        received=local(2026, 3, 2, 8),
        ended=last_second,
        due=local(2026, 3, 20, 17),
        timeliness="late",
        late_766=True,
    )
    r = result(indicators.compute(MARCH, with_trend=False), "2.1")
    assert (r.numerator, r.denominator) == (0, 1)


# --- Zero denominators, missing data, totals ------------------------------------------


def test_nothing_counted_gives_no_rate_never_zero(town: World) -> None:
    dashboard = indicators.compute(EMPTY, with_trend=False)
    for r in dashboard.card.results:
        assert r.rate is None and r.points is None, r.id
        assert not r.counted
    assert (dashboard.card.points, dashboard.card.max_points) == (0, 0)
    assert dashboard.agencies == []


def test_unavailable_components_carry_their_reason_and_stay_out_of_the_total(
    town: World,
) -> None:
    put(
        town,
        received=local(2026, 3, 2, 8),
        ended=local(2026, 3, 3, 9),
        timeliness="early",
        is_digitised=True,
    )
    card = indicators.compute(MARCH, with_trend=False).card
    unavailable = {r.id for r in card.unavailable}
    assert unavailable == {
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "3.5",
        "3.5b",
        "3.6",
        "4.2b",
        "5.1",
        "5.2",
        "5.3",
    }
    assert all(r.reason and r.rate is None and r.numerator is None for r in card.unavailable)
    # Counted: 2.1 (20), 3.3 (4), 4.1 (6), 4.2 (4), 4.3 (2), 4.4 (4), 4.5a (2),
    # 4.5b (2), 5.4 (6); 3.1 and 3.2 have no catalogue settings, 2.2 is monitoring.
    assert card.max_points == 50
    assert {r.id for r in card.results if r.counted} == {
        "2.1",
        "3.3",
        "4.1",
        "4.2",
        "4.3",
        "4.4",
        "4.5a",
        "4.5b",
        "5.4",
    }
    assert card.points == sum(r.points for r in card.results if r.counted and r.points)


# --- Scoring --------------------------------------------------------------------------


def component(target: str | None, points: int = 4, scoring: str = "target") -> ComponentConfig:
    return ComponentConfig(
        "x",
        "x",
        "online",
        points,
        None if target is None else Decimal(target),
        scoring if target else "linear",
        True,
        "",
    )


def test_target_scoring_gives_full_points_at_the_target_and_proportional_below() -> None:
    assert score(Decimal("80.00"), component("0.8")) == Decimal("4.00")
    assert score(Decimal("95.50"), component("0.8")) == Decimal("4.00")
    assert score(Decimal("75.00"), component("0.8")) == Decimal("3.75")
    assert score(Decimal("25.00"), component("0.5", 12)) == Decimal("6.00")
    assert score(Decimal("45.00"), component(None, 20)) == Decimal("9.00")
    assert score(None, component("0.8")) is None
    monitoring = ComponentConfig("2.2", "x", "progress", 0, None, "monitoring", True, "")
    assert score(Decimal("12"), monitoring) is None
    assert percent(2, 3) == Decimal("66.67")
    assert percent(0, 0) is None


# --- The dossier components -----------------------------------------------------------


def test_online_digitised_reuse_population_and_e_result_rates(town: World) -> None:
    day = local(2026, 3, 9, 8)
    put(
        town,
        received=day,
        channel_group="online",
        is_digitised=True,
        reuses_data=True,
        uses_population_data=True,
    )
    put(town, received=day, channel_group="online", is_digitised=True)
    put(town, received=day, is_digitised=True)
    put(town, received=day)
    put(
        town,
        received=day,
        ended=day + dt.timedelta(days=2),
        has_e_result=True,
        handling_hours=Decimal("12.00"),
    )
    put(town, received=day, ended=day + dt.timedelta(days=3), handling_hours=Decimal("20.00"))
    # Refused: resolved, but without a decision result (not in 4.1, not in 2.2).
    put(
        town,
        received=day,
        ended=day + dt.timedelta(days=1),
        outcome="refused",
        handling_hours=Decimal("4.00"),
    )
    dashboard = indicators.compute(MARCH, with_trend=False)
    expected = {
        "3.3": (2, 7, "28.57", "2.29"),  # target 50 %: 28.57 × 4 / 50
        "4.2": (3, 7, "42.86", "2.14"),  # target 80 %: 42.86 × 4 / 80
        "4.3": (1, 7, "14.29", "0.36"),  # target 80 %: 14.29 × 2 / 80
        "4.4": (1, 7, "14.29", "0.57"),  # linear, 4 points
        "4.5b": (1, 7, "14.29", "0.29"),  # linear, 2 points
        "4.1": (1, 2, "50.00", "3.00"),  # linear, 6 points
    }
    for key, (num, den, rate, points) in expected.items():
        r = result(dashboard, key)
        assert (r.numerator, r.denominator, r.rate, r.points) == (
            num,
            den,
            Decimal(rate),
            Decimal(points),
        ), key
        assert drill_count(key, "tu-so") == num, key
        assert drill_count(key, "mau-so") == den, key
    average = result(dashboard, "2.2")
    # (12 + 20) working hours over two dossiers with a result = 2 working days.
    assert (average.denominator, average.rate, average.unit) == (2, Decimal("2.00"), "ngày")
    assert average.points is None and not average.counted
    assert result(dashboard, "4.5a").rate == Decimal("100.00")  # one TTHC, it used it


def test_satisfaction_subtracts_the_late_share_and_the_not_satisfied_share(
    town: World,
) -> None:
    day = local(2026, 3, 9, 8)
    end = day + dt.timedelta(days=1)
    for _ in range(6):
        put(town, received=day, ended=end, rating="satisfied")
    put(town, received=day, ended=end, timeliness="late", late_766=True)
    put(town, received=day, ended=end, rating="not_satisfied")
    put(town, received=day, ended=end, timeliness="late", late_766=True, rating="not_satisfied")
    put(town, received=day, ended=end, outcome="withdrawn")
    r = result(indicators.compute(MARCH, with_trend=False), "5.4")
    # 10 resolved; 2 late (20 %), 2 not satisfied (20 %): 100 − 40 = 60 %.
    assert (r.numerator, r.denominator, r.rate) == (6, 10, Decimal("60.00"))
    assert r.points == Decimal("4.00")  # 60 × 6 / 90
    assert [(p.key, p.count) for p in r.parts] == [("tre-han", 2), ("khong-hai-long", 2)]
    assert drill_count("5.4", "tre-han") == 2
    assert drill_count("5.4", "khong-hai-long") == 2
    assert drill_count("5.4", "mau-so") == 10
    with pytest.raises(indicators.DrillError):
        indicators.facts_behind(MARCH, "5.4", "tu-so", None)


def test_catalogue_components_count_procedures(town: World) -> None:
    birth = town.version.procedure
    permit = Procedure.objects.get(code="2.000001")
    ProvinceProcedureSetting.objects.create(
        procedure=birth, agency=town.justice, online_level=OnlineLevel.PARTIAL
    )
    ProvinceProcedureSetting.objects.create(
        procedure=permit, agency=town.construction, online_level=OnlineLevel.FULL_PROCESS
    )
    ProvinceProcedureSetting.objects.create(procedure=birth, agency=town.commune_a)
    # Inactive settings are not in the province's competence.
    ProvinceProcedureSetting.objects.create(
        procedure=permit, agency=town.commune_b, is_active=False
    )
    put(town, received=local(2026, 3, 9, 8), channel_group="online")
    put(
        town,
        agency=town.construction,
        procedure=permit,
        received=local(2026, 3, 9, 8),
        uses_population_data=True,
    )
    dashboard = indicators.compute(MARCH, with_trend=False)
    assert (result(dashboard, "3.1").numerator, result(dashboard, "3.1").denominator) == (2, 2)
    assert result(dashboard, "3.1").points == Decimal("4.00")
    online = result(dashboard, "3.2")
    assert (online.numerator, online.denominator, online.lists) == (1, 2, "procedures")
    assert [p.code for p in indicators.procedures_behind(MARCH, "3.2", "tu-so", None)] == [
        "1.001193"
    ]
    population = result(dashboard, "4.5a")
    assert (population.numerator, population.denominator) == (1, 2)
    assert list(indicators.procedures_behind(MARCH, "4.5a", "tu-so", None)) == [permit]
    commune = next(a for a in dashboard.agencies if a.agency_id == town.commune_a.pk)
    offered = commune.card.get("3.1")
    assert offered is not None and (offered.numerator, offered.denominator) == (0, 1)
    assert offered.rate == Decimal("0.00") and offered.points == Decimal("0.00")


# --- Scope, agencies, ranking ---------------------------------------------------------


def test_agencies_add_up_to_the_province_and_are_ranked_by_points(town: World) -> None:
    day = local(2026, 3, 9, 8)
    end = day + dt.timedelta(days=1)
    put(town, received=day, ended=end, timeliness="early")
    put(town, received=day, ended=end, timeliness="late", late_766=True)
    put(town, agency=town.construction, received=day, ended=end)
    put(town, agency=town.commune_a, received=day, ended=end, timeliness="late", late_766=True)
    dashboard = indicators.compute(MARCH, with_trend=False)
    ranks = [(a.name, a.rank) for a in dashboard.agencies]
    assert ranks == [("Sở Xây dựng", 1), ("Sở Tư pháp", 2), ("UBND phường Kinh Bắc", 3)]
    province = result(dashboard, "2.1")
    parts = [a.card.get("2.1") for a in dashboard.agencies]
    assert province.numerator == sum(p.numerator for p in parts if p)  # type: ignore[misc]
    assert province.denominator == sum(p.denominator for p in parts if p)  # type: ignore[misc]
    mine = indicators.compute(MARCH, [town.justice.pk], with_trend=False)
    assert [a.agency_id for a in mine.agencies] == [town.justice.pk]
    assert (result(mine, "2.1").numerator, result(mine, "2.1").denominator) == (1, 2)
    assert indicators.facts_behind(MARCH, "2.1", "mau-so", [town.justice.pk]).count() == 2
    assert indicators.compute(MARCH, [], with_trend=False).card.max_points == 0


# --- The monthly trend ----------------------------------------------------------------


def test_the_monthly_trend_equals_each_month_computed_on_its_own(town: World) -> None:
    """The bucketed trend queries agree with twelve separate computations, across
    carried-over dossiers, holds, extensions and dossiers open at the year's end."""
    jan = local(2026, 1, 12, 8)
    put(
        town,
        received=local(2025, 12, 20, 8),
        ended=local(2026, 2, 3, 9),
        timeliness="late",
        late_766=True,
        due=local(2026, 1, 20, 17),
    )
    put(
        town,
        received=jan,
        ended=local(2026, 1, 14, 9),
        timeliness="early",
        channel_group="online",
        is_digitised=True,
        rating="not_satisfied",
    )
    put(town, received=jan, due=local(2026, 5, 1, 17))  # open all year, overdue from May
    put(
        town,
        received=local(2026, 3, 30, 8),
        segments=[
            (local(2026, 3, 30, 8), local(2026, 4, 10, 8), local(2026, 4, 20, 17), False),
            (local(2026, 4, 10, 8), local(2026, 6, 2, 8), local(2026, 4, 20, 17), True),
            (local(2026, 6, 2, 8), local(2026, 8, 3, 9), local(2026, 7, 15, 17), False),
        ],
        ended=local(2026, 8, 3, 9),
        timeliness="late",
        late_766=True,
        supplement_count=1,
        channel_group="online",
    )
    put(town, received=local(2026, 6, 30, 23, 59), ended=local(2026, 7, 1, 8), is_digitised=True)
    # Second supplement request on 07/12: within at the end of November, late for
    # 766 at the end of December.
    nov = local(2026, 11, 2, 8)
    put(
        town,
        received=nov,
        segments=[
            (nov, local(2026, 11, 3, 8), local(2027, 1, 10, 17), True),
            (local(2026, 11, 3, 8), local(2026, 12, 7, 8), local(2027, 1, 10, 17), False),
            (local(2026, 12, 7, 8), None, local(2027, 1, 10, 17), True),
        ],
        supplement_count=2,
        late_766=True,
    )
    # Ends in the last second of March (resolved in March, not open at its end); and
    # one whose due instant changes in the last second of April (still open).
    last_second = local(2026, 3, 31, 23, 59) + dt.timedelta(seconds=59, milliseconds=400)
    put(
        town,
        received=local(2026, 3, 20, 8),
        ended=last_second,
        due=local(2026, 4, 20, 17),
        timeliness="early",
    )
    cut = local(2026, 4, 30, 23, 59) + dt.timedelta(seconds=59, milliseconds=400)
    put(
        town,
        received=local(2026, 4, 20, 8),
        segments=[
            (local(2026, 4, 20, 8), cut, local(2026, 5, 5, 17), False),
            (cut, None, local(2026, 5, 20, 17), False),
        ],
    )
    trend = indicators.compute(MARCH, with_trend=True).months
    assert [m.period.first_day.month for m in trend] == list(range(1, 13))
    for month in trend:
        alone = indicators.compute(month.period, with_trend=False).card
        on_time = alone.get("2.1")
        assert on_time is not None
        # The list behind the numerator (facts, with their segments) agrees with the
        # count (segments alone).
        assert drill_count("2.1", "tu-so", month.period) == on_time.numerator
        for key in indicators.TREND_COMPONENTS:
            a, b = month.card.get(key), alone.get(key)
            assert a is not None and b is not None
            assert (a.numerator, a.denominator, a.rate, a.points) == (
                b.numerator,
                b.denominator,
                b.rate,
                b.points,
            ), (month.period.label, key)
    # May: open all year (overdue from 01/05), the held one (within), the one cut in
    # April's last second (overdue from 20/05).
    may = trend[4].card.get("2.1")
    assert may is not None and (may.numerator, may.denominator) == (1, 3)
    march = trend[2].card.get("2.1")
    assert march is not None and (march.numerator, march.denominator) == (3, 3)
    counts = [(c.numerator, c.denominator) for m in trend if (c := m.card.get("2.1"))]
    assert counts[10:] == [(1, 3), (0, 3)]


# --- Configuration --------------------------------------------------------------------


def version(valid_from: str, points_21: int) -> dict[str, object]:
    return {
        "valid_from": valid_from,
        "source": "test",
        "groups": {"progress": {"name_vi": "Tiến độ", "max_points": points_21}},
        "components": {
            "2.1": {
                "name_vi": "2.1",
                "group": "progress",
                "max_points": points_21,
                "target": None,
                "scoring": "linear",
                "available": True,
                "reason_unavailable": "",
            },
        },
    }


def test_the_latest_version_in_force_on_the_day_wins() -> None:
    versions = parse_versions({"versions": [version("2027-01-01", 30), version("2022-06-23", 20)]})
    assert indicators.config_for(dt.date(2026, 12, 31), versions).components["2.1"].max_points == 20
    assert indicators.config_for(dt.date(2027, 1, 1), versions).components["2.1"].max_points == 30
    assert indicators.config_for(dt.date(2030, 5, 5), versions).components["2.1"].max_points == 30
    # Before every version: the oldest one (no earlier weights are known).
    assert indicators.config_for(dt.date(2020, 1, 1), versions).valid_from == dt.date(2022, 6, 23)


def test_a_later_version_changes_the_points_of_the_same_rate(town: World) -> None:
    put(town, received=local(2026, 3, 2, 8), ended=local(2026, 3, 3, 9), timeliness="early")
    put(
        town,
        received=local(2026, 3, 2, 8),
        ended=local(2026, 3, 3, 9),
        timeliness="late",
        late_766=True,
    )
    versions = parse_versions({"versions": [version("2022-06-23", 20), version("2026-03-15", 30)]})
    config = indicators.config_for(MARCH.last_day, versions)
    r = indicators.compute(MARCH, config=config, with_trend=False).card.get("2.1")
    assert r is not None and (r.rate, r.points) == (Decimal("50.00"), Decimal("15.00"))


def test_the_shipped_configuration_is_complete() -> None:
    current = load_versions()[-1]
    assert current.max_points == 100
    assert {k: g.max_points for k, g in current.groups.items()} == {
        "transparency": 18,
        "progress": 20,
        "online": 12,
        "payment": 10,
        "digitisation": 22,
        "satisfaction": 18,
    }
    available = {k for k, c in current.components.items() if c.available}
    assert available == {
        "2.1",
        "2.2",
        "3.1",
        "3.2",
        "3.3",
        "4.1",
        "4.2",
        "4.3",
        "4.4",
        "4.5a",
        "4.5b",
        "5.4",
    }
    targets = {k: c.target for k, c in current.components.items() if c.target is not None}
    assert targets == {
        "3.1": Decimal("0.8"),
        "3.3": Decimal("0.5"),
        "3.5": Decimal("0.8"),
        "4.2": Decimal("0.8"),
        "4.3": Decimal("0.8"),
        "5.4": Decimal("0.9"),
    }
    assert "UNVERIFIED" in current.source and "2.1" in current.source


def test_a_bad_configuration_is_refused() -> None:
    bad = version("2026-01-01", 20)
    bad["components"]["2.1"]["scoring"] = "target"  # type: ignore[index]
    with pytest.raises(ConfigError):
        parse_versions({"versions": [bad]})
    wrong_total = version("2026-01-01", 20)
    wrong_total["groups"]["progress"]["max_points"] = 25  # type: ignore[index]
    with pytest.raises(ConfigError):
        parse_versions({"versions": [wrong_total]})
