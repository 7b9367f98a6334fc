"""``simulate_dossiers``: realistic dossiers on the demo province, through the real
actions, reproducible by seed; and ``check_dossiers``, which verifies any data.

The demo province is loaded as ``setup_demo`` does, with a slice of the bundled
national catalogue (a few procedures per level and ministry) to keep the tests fast.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from motcua.catalog.importer import DEFAULT_CATALOG_PATH, import_catalog
from motcua.demo.province import PUBLISHER_TO_AGENCY, load_demo_province, map_procedures
from motcua.dossiers.invariants import check_dossier
from motcua.dossiers.models import Dossier, DossierEvent, IntakeChannel
from motcua.dossiers.simulator import Simulation
from motcua.dossiers.statuses import Status
from motcua.dossiers.tests.conftest import World
from motcua.org.loader import load_units
from motcua.org.models import Agency, AgencyKind
from motcua.workdays.calendar import LOCAL_TZ
from motcua.workdays.services import get_calendar

pytestmark = pytest.mark.django_db
PER_LEVEL_AND_MINISTRY = 4
SINCE, UNTIL = "2026-03-02", "2026-06-30"
HORIZON = dt.datetime(2026, 6, 30, 23, 59, 59, 999999, tzinfo=LOCAL_TZ)


def catalogue_slice(path: Path) -> Path:
    """The first few real procedures of each level and ministry the demo maps."""
    taken: dict[tuple[str, str], int] = {}
    lines = []
    with gzip.open(DEFAULT_CATALOG_PATH, "rt", encoding="utf-8") as source:
        for line in source:
            record = json.loads(line)
            for level in ("xa", "tinh"):
                key = (level, record["co_quan_cong_bo"])
                if level in record["cap_thuc_hien"] and key[1] in PUBLISHER_TO_AGENCY:
                    if taken.get(key, 0) < PER_LEVEL_AND_MINISTRY:
                        taken[key] = taken.get(key, 0) + 1
                        lines.append(line)
                    break
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def demo(tmp_path: Path, settings: Any) -> dict[str, Agency]:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    load_units()
    import_catalog(
        catalogue_slice(tmp_path / "slice.jsonl"), at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    )
    _summary, agencies = load_demo_province()
    map_procedures(agencies)
    return agencies


def simulate(count: int, seed: int, *agencies: str) -> str:
    out = StringIO()
    options: dict[str, Any] = {"count": count, "seed": seed, "since": SINCE, "until": UNTIL}
    if agencies:
        options["agency"] = list(agencies)
    call_command("simulate_dossiers", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def fingerprint() -> list[tuple[object, ...]]:
    """What a run produced, without database ids (PostgreSQL does not roll sequences back)."""
    return [
        (
            d.code,
            d.status,
            d.timeliness,
            d.due_at,
            d.competent_agency.name,
            d.applicant_identifier,
            [(e.action, e.at, e.actor.username) for e in d.events.order_by("seq")],
        )
        for d in Dossier.objects.select_related("competent_agency").order_by("code")
    ]


def test_simulated_dossiers_keep_every_invariant(demo: dict[str, Agency]) -> None:
    summary = simulate(60, 3)

    assert "Đã mô phỏng 60 hồ sơ" in summary
    calendar = get_calendar()
    dossiers = list(Dossier.objects.select_related("channel_rule").order_by("code"))
    assert len(dossiers) == 60
    assert {d.code: check_dossier(d, calendar) for d in dossiers} == {d.code: [] for d in dossiers}
    out = StringIO()
    call_command("check_dossiers", stdout=out)
    assert "Đã kiểm tra 60 hồ sơ: 0 hồ sơ vi phạm." in out.getvalue()


def test_time_only_moves_forward_and_officers_work_office_hours(demo: dict[str, Agency]) -> None:
    simulate(40, 4)

    calendar = get_calendar()
    for dossier in Dossier.objects.all():
        instants = list(dossier.events.order_by("seq").values_list("at", flat=True))
        assert instants == sorted(instants), dossier.code
    assert max(DossierEvent.objects.values_list("at", flat=True)) <= HORIZON
    # Counters and post rooms receive in office hours; citizens file online at any hour.
    for received in Dossier.objects.exclude(channel=IntakeChannel.ONLINE).values_list(
        "received_at", flat=True
    ):
        assert received is not None and calendar.clock_start(received) == received


def test_the_same_seed_on_the_same_data_gives_the_same_dossiers(demo: dict[str, Agency]) -> None:
    with transaction.atomic():
        simulate(40, 5)
        first = fingerprint()
        transaction.set_rollback(True)
    assert not Dossier.objects.exists()

    simulate(40, 5)

    assert fingerprint() == first
    assert len(first) == 40


def test_another_seed_plans_other_dossiers(demo: dict[str, Agency]) -> None:
    def plan(seed: int) -> list[tuple[object, ...]]:
        simulation = Simulation(seed=seed, since=dt.date(2026, 3, 2), horizon=HORIZON)
        return [(p.desk.competent.name, p.offer.version.pk, p.at) for p in simulation.plan(40)]

    assert plan(5) == plan(5)
    assert plan(5) != plan(6)


def test_agency_option_limits_where_dossiers_are_filed(demo: dict[str, Agency]) -> None:
    commune = demo["ubnd:09187"]

    simulate(10, 7, commune.name)
    simulate(10, 7, "DEMO.H24.TT")  # the provincial centre: the departments it serves

    by_commune = Dossier.objects.filter(competent_agency=commune)
    assert by_commune.count() == 10
    assert set(by_commune.values_list("receiving_agency", flat=True)) == {demo["ttxa:09187"].pk}
    provincial = Dossier.objects.exclude(competent_agency=commune)
    assert set(provincial.values_list("receiving_agency", flat=True)) == {demo["ttpvhcc"].pk}
    assert not provincial.filter(competent_agency__kind=AgencyKind.COMMUNE_COMMITTEE).exists()


def test_an_unknown_agency_is_refused(demo: dict[str, Agency]) -> None:
    with pytest.raises(CommandError, match="Không tìm thấy cơ quan «Sở Du lịch»"):
        simulate(5, 1, "Sở Du lịch")


def test_the_simulator_refuses_to_run_in_production(demo: dict[str, Agency], settings: Any) -> None:
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        simulate(5, 1)
    assert not Dossier.objects.exists()


def test_check_dossiers_reports_a_broken_dossier_and_fails(world: World) -> None:
    dossier = world.receive(dt.datetime(2026, 3, 2, 8, 0, tzinfo=LOCAL_TZ))
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.IN_PROGRESS)
    out = StringIO()

    with pytest.raises(CommandError) as failure:
        call_command("check_dossiers", stdout=out)

    assert failure.value.returncode == 1
    assert (
        f"{dossier.code}: status 'in_progress' but the events lead to 'received'" in out.getvalue()
    )
