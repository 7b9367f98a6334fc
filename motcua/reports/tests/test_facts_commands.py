"""``check_reports`` finds any stored statistics row that differs from a recount, and
``rebuild_reports`` repairs it (or fills the rows of data older than the statistics)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from motcua.dossiers import actions
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests import conftest as engine
from motcua.dossiers.tests.conftest import World, local
from motcua.reports.management.commands.check_reports import last_months
from motcua.reports.models import DossierFact, FactSegment
from motcua.reports.tests.facts_world import approve, desks, receive, submit

pytestmark = pytest.mark.django_db
world = engine.world  # the dossier engine's test province (a fixture)
UNTIL = "2026-04-30"


def some_dossiers(world: World) -> list[Dossier]:
    cast = desks(world)
    tinh, xa = cast["tinh"], cast["xa"]
    done = receive(world, tinh, local(2026, 3, 2, 8, 0))
    approve(tinh, done, local(2026, 3, 5, 10, 0))
    waiting = receive(world, xa, local(2026, 3, 20, 9, 0))
    actions.request_supplement(
        waiting, actor=xa.handler, reason="Thiếu", missing="Bản vẽ", at=local(2026, 3, 23, 9, 0)
    )
    online = submit(world, tinh, local(2026, 4, 1, 9, 0))
    return [done, waiting, online]


def check() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("check_reports", "--until", UNTIL, stdout=out, stderr=StringIO())
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def test_the_rows_the_actions_keep_pass_the_check(world: World) -> None:
    some_dossiers(world)
    status, output = check()
    assert status == 0, output
    assert "Đã kiểm tra 3 hồ sơ và Biểu 06 của 12 tháng: 0 sai lệch." in output


def test_a_tampered_row_is_found_and_repaired(world: World) -> None:
    done, waiting, _online = some_dossiers(world)
    DossierFact.objects.filter(pk=done.pk).update(timeliness="late")
    FactSegment.objects.filter(dossier=waiting, held=True).delete()
    status, output = check()
    assert status == 1
    assert f"{done.code}: timeliness đã lưu 'late', tính lại 'early'." in output
    assert f"{waiting.code}: các giai đoạn đã lưu" in output

    out = StringIO()
    call_command("rebuild_reports", stdout=out, stderr=StringIO())
    assert "Đã tính lại dữ liệu thống kê của 3 hồ sơ" in out.getvalue()
    assert check()[0] == 0


def test_dossiers_without_rows_are_found_and_filled_since_a_day(world: World) -> None:
    dossiers = some_dossiers(world)
    DossierFact.objects.all().delete()
    FactSegment.objects.all().delete()
    status, output = check()
    assert status == 1
    for dossier in dossiers:
        assert f"{dossier.code}: chưa có dữ liệu thống kê." in output

    # --since takes the dossiers with an event since that day, and those with no row.
    out = StringIO()
    call_command("rebuild_reports", "--since", "2026-04-01", stdout=out, stderr=StringIO())
    assert "của 3 hồ sơ" in out.getvalue()
    assert check()[0] == 0
    out = StringIO()
    call_command("rebuild_reports", "--since", "2026-04-01", stdout=out, stderr=StringIO())
    assert "của 1 hồ sơ" in out.getvalue()  # only the one submitted in April


def test_a_bad_day_or_batch_is_refused() -> None:
    with pytest.raises(CommandError, match="2026-01-31"):
        call_command("rebuild_reports", "--since", "31/01/2026", stdout=StringIO())
    with pytest.raises(CommandError, match="lớn hơn 0"):
        call_command("check_reports", "--batch", "0", stdout=StringIO())


def test_the_last_twelve_months_end_with_the_given_day_s() -> None:
    periods = last_months(dt.date(2026, 2, 10))
    assert [(p.first_day, p.last_day) for p in (periods[0], periods[-1])] == [
        (dt.date(2025, 3, 1), dt.date(2025, 3, 31)),
        (dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
    ]
    assert len(periods) == 12
    assert all(
        a.last_day + dt.timedelta(days=1) == b.first_day
        for a, b in zip(periods, periods[1:], strict=False)
    )
