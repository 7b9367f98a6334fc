"""Biểu 06 for March and April 2026 on a scripted history, every number counted by
hand from the rules of deadlines.md §7 (the comments say where each dossier goes).

Sở Tư pháp (provincial level), received at the provincial centre; 5 working days.
- d1 counter, received 02/03, approved 05/03 (due 09/03): March, resolved early.
- d2 online to the commune, received 23/02, approved 10/03 (due 02/03): carried into
  March, resolved late.
- d3 counter, received 25/03 (due 01/04), approved 08/04: March in progress within the
  deadline; April carried over, resolved late.
- d4 counter, received 16/03 (due 23/03), never decided: overdue at the end of March
  and of April.
- d5 counter at the commune, received 20/03 (due 27/03), supplement requested 23/03,
  closed unanswered 10/04: it ends at the request (deadlines.md §7), so it is resolved
  early in March — and not in April at all.
- d6 online, submitted 30/03, received 02/04 (due 09/04), approved 03/04: not received
  in March; April online, resolved early.
- d7 online, refused at intake 11/03: never received, never counted.
- d8 counter, received 12/03, withdrawn 13/03: March resolved early, without a result.
- d9 counter, received 16/03 (due 23/03), a payment requested 18/03 and made 01/04,
  approved 02/04: waiting for a payment is no hold, so overdue at the end of March;
  April carried over, resolved late.
- d10 online, received 04/03 (due 11/03 08:00), approved 11/03 07:45: on time.
- d12 counter at the commune, received 29/04: April in progress within the deadline.
"""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.dossiers import actions
from motcua.dossiers.actions.base import system_user
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests import conftest as engine
from motcua.dossiers.tests.conftest import World, local
from motcua.reports.bieu06 import COLUMNS, Counts, compute, dossiers_behind, recount
from motcua.reports.periods import Period
from motcua.reports.tests.facts_world import approve, desks, receive, submit

pytestmark = pytest.mark.django_db
world = engine.world  # the dossier engine's test province (a fixture)

MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31), "Tháng 3/2026")
APRIL = Period(dt.date(2026, 4, 1), dt.date(2026, 4, 30), "Tháng 4/2026")
PROCEDURE = "1.001193 — Thủ tục đăng ký khai sinh"


def history(world: World) -> dict[str, Dossier]:
    d = desks(world)
    tinh, xa = d["tinh"], d["xa"]
    out: dict[str, Dossier] = {}

    out["d1"] = receive(world, tinh, local(2026, 3, 2, 8, 0))
    approve(tinh, out["d1"], local(2026, 3, 5, 10, 0))

    out["d2"] = submit(world, xa, local(2026, 2, 20, 9, 0))
    actions.accept_submission(out["d2"], actor=xa.reception, at=local(2026, 2, 23, 8, 0))
    approve(xa, out["d2"], local(2026, 3, 10, 10, 0))

    out["d3"] = receive(world, tinh, local(2026, 3, 25, 10, 0))
    approve(tinh, out["d3"], local(2026, 4, 8, 10, 0))

    out["d4"] = receive(world, tinh, local(2026, 3, 16, 9, 0))

    out["d5"] = receive(world, xa, local(2026, 3, 20, 9, 0))
    actions.request_supplement(
        out["d5"], actor=xa.handler, reason="Thiếu", missing="Giấy chứng sinh",
        at=local(2026, 3, 23, 10, 0),
    )  # fmt: skip
    actions.close_unanswered(out["d5"], actor=system_user(), at=local(2026, 4, 10, 9, 0))

    out["d6"] = submit(world, tinh, local(2026, 3, 30, 10, 0))
    actions.accept_submission(out["d6"], actor=tinh.reception, at=local(2026, 4, 2, 8, 0))
    approve(tinh, out["d6"], local(2026, 4, 3, 10, 0))

    out["d7"] = submit(world, tinh, local(2026, 3, 10, 9, 0))
    actions.refuse_at_intake(out["d7"], actor=tinh.reception, reason="Sai", at=local(2026, 3, 11))

    out["d8"] = receive(world, tinh, local(2026, 3, 12, 9, 0))
    actions.withdraw(out["d8"], actor=tinh.reception, reason="Xin rút", at=local(2026, 3, 13, 9))

    out["d9"] = receive(world, tinh, local(2026, 3, 16, 10, 0))
    actions.request_payment(
        out["d9"], actor=tinh.handler, amount_vnd=50_000, description="Lệ phí",
        at=local(2026, 3, 18, 9, 0),
    )  # fmt: skip
    actions.record_payment(
        out["d9"], actor=tinh.handler, method="Tiền mặt", at=local(2026, 4, 1, 9, 0)
    )
    approve(tinh, out["d9"], local(2026, 4, 2, 10, 0))

    out["d10"] = submit(world, tinh, local(2026, 3, 4, 7, 0))
    actions.accept_submission(out["d10"], actor=tinh.reception, at=local(2026, 3, 4, 8, 0))
    approve(tinh, out["d10"], local(2026, 3, 11, 7, 45))

    out["d12"] = receive(world, xa, local(2026, 4, 29, 10, 0))
    return out


def counts(values: list[int], **without: int) -> Counts:
    """A row from its eleven numbers, (3) to (13), and its ended-without-result ones."""
    breakdown = {"refused": 0, "withdrawn": 0, "stopped": 0, "closed": 0, **without}
    return Counts(**dict(zip(COLUMNS, values, strict=True)), without_result=breakdown)


#                  (3) (4) (5) (6) (7) (8) (9) (10) (11) (12) (13)
MARCH_TOTAL = counts([8, 1, 6, 1, 5, 3, 1, 1, 3, 1, 2], closed=1, withdrawn=1)
MARCH_JUSTICE = counts([6, 1, 5, 0, 3, 2, 1, 0, 3, 1, 2], withdrawn=1)
MARCH_COMMUNE = counts([2, 0, 1, 1, 2, 1, 0, 1, 0, 0, 0], closed=1)
APRIL_TOTAL = counts([5, 1, 1, 3, 3, 1, 0, 2, 2, 1, 1])
APRIL_JUSTICE = counts([4, 1, 0, 3, 3, 1, 0, 2, 1, 0, 1])
APRIL_COMMUNE = counts([1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0])


def test_march_and_april_by_agency(world: World) -> None:
    history(world)
    march = compute(MARCH, by="agency")
    assert march.total == MARCH_TOTAL
    assert [(r.label, r.depth, r.counts, r.filters) for r in march.rows] == [
        ("Sở Tư pháp", 0, MARCH_JUSTICE, {"co-quan": str(world.justice.pk)}),
        ("UBND phường Kinh Bắc", 0, MARCH_COMMUNE, {"co-quan": str(world.commune_a.pk)}),
    ]
    april = compute(APRIL, by="agency")
    assert april.total == APRIL_TOTAL
    assert [r.counts for r in april.rows] == [APRIL_JUSTICE, APRIL_COMMUNE]
    # What was in progress at the end of March is what April carries over.
    assert april.total.carried == march.total.open == 3
    assert [r.counts.carried for r in april.rows] == [r.counts.open for r in march.rows]
    for report in (march, april):
        assert report.total.broken_identities() == []
        assert recount(report.period, by="agency") == report


def test_march_by_level_field_and_procedure(world: World) -> None:
    history(world)
    march = compute(MARCH, by="level")
    field = str(world.version.field_id)
    procedure = str(world.version.procedure_id)
    assert [(r.label, r.depth, r.counts, r.filters) for r in march.rows] == [
        ("Cấp tỉnh", 0, MARCH_JUSTICE, {"cap": "tinh"}),
        ("Hộ tịch", 1, MARCH_JUSTICE, {"cap": "tinh", "linh-vuc": field}),
        (PROCEDURE, 2, MARCH_JUSTICE, {"cap": "tinh", "linh-vuc": field, "thu-tuc": procedure}),
        ("Cấp xã", 0, MARCH_COMMUNE, {"cap": "xa"}),
        ("Hộ tịch", 1, MARCH_COMMUNE, {"cap": "xa", "linh-vuc": field}),
        (PROCEDURE, 2, MARCH_COMMUNE, {"cap": "xa", "linh-vuc": field, "thu-tuc": procedure}),
    ]
    assert march.total == MARCH_TOTAL
    assert recount(MARCH, by="level") == march


def test_one_agency_s_report_and_an_agency_without_dossiers(world: World) -> None:
    history(world)
    mine = compute(MARCH, agencies=[world.commune_a.pk, world.construction.pk])
    assert [(r.label, r.counts) for r in mine.rows] == [
        ("Sở Xây dựng", counts([0] * 11)),
        ("UBND phường Kinh Bắc", MARCH_COMMUNE),
    ]
    assert mine.total == MARCH_COMMUNE


def codes(queryset: object, found: dict[str, Dossier]) -> list[str]:
    names = {d.pk: name for name, d in found.items()}
    return sorted(names[d.pk] for d in queryset)  # type: ignore[attr-defined]


def test_every_number_opens_its_dossiers(world: World) -> None:
    found = history(world)
    assert codes(dossiers_behind(MARCH, "received", {}), found) == sorted(
        ["d1", "d2", "d3", "d4", "d5", "d8", "d9", "d10"]
    )
    assert codes(dossiers_behind(MARCH, "overdue", {}), found) == ["d4", "d9"]
    assert codes(dossiers_behind(MARCH, "within", {}), found) == ["d3"]
    assert codes(dossiers_behind(MARCH, "carried", {}), found) == ["d2"]
    assert codes(dossiers_behind(MARCH, "closed", {}), found) == ["d5"]
    assert codes(dossiers_behind(MARCH, "received", {"cap": "xa"}), found) == ["d2", "d5"]
    assert codes(dossiers_behind(APRIL, "carried", {}), found) == ["d3", "d4", "d9"]
    assert codes(dossiers_behind(APRIL, "online", {}), found) == ["d6"]
    assert codes(dossiers_behind(APRIL, "late", {"co-quan": str(world.justice.pk)}), found) == [
        "d3",
        "d9",
    ]
    assert codes(dossiers_behind(APRIL, "open", {}, agencies=[world.commune_a.pk]), found) == [
        "d12"
    ]
    # Each list has exactly as many dossiers as its number says.
    for period in (MARCH, APRIL):
        for by in ("agency", "level"):
            report = compute(period, by=by)
            for row in report.rows:
                for column in COLUMNS:
                    listed = dossiers_behind(period, column, row.filters).count()
                    assert listed == getattr(row.counts, column), (row.label, column)


@pytest.mark.parametrize(
    ("column", "filters"),
    [("nope", {}), ("received", {"cap": "huyen"}), ("received", {"thu-tuc": "x"}),
     ("received", {"lanh-dao": "1"})],
)  # fmt: skip
def test_an_unknown_column_or_filter_is_refused(column: str, filters: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        dossiers_behind(MARCH, column, filters)


def test_an_unknown_grouping_is_refused() -> None:
    with pytest.raises(ValueError):
        compute(MARCH, by="field")
