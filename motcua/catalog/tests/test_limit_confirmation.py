"""The province confirms the unit of a catalogue time limit given as a bare number, and
the dossier engine computes due instants from it — for dossiers received afterwards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.accounts.models import User
from motcua.catalog.importer import import_catalog
from motcua.catalog.limit_confirmations import (
    ConfirmationError,
    confirm_limit,
    revoke_confirmation,
)
from motcua.catalog.models import (
    ChannelRule,
    LimitConfirmation,
    Procedure,
    ProcedureVersion,
    prefetch_confirmations,
)
from motcua.catalog.tests.catalog_files import channel, record, write_jsonl
from motcua.dossiers import actions, refcache
from motcua.dossiers.invariants import check_dossier
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import World, local, pdf
from motcua.org.models import Membership, Role
from motcua.workdays.limits import LimitUnit, TimeLimit
from motcua.workdays.services import get_calendar

CODE = "1.000025"  # a real procedure whose national time is a bare "1"; here 10


def import_bare_number(
    tmp_path: Path, number: float, *, name: str = "Thủ tục thử thời hạn", n: int = 1
) -> ProcedureVersion:
    """Import ``CODE`` with an in-person time of ``number`` and no unit; returns its
    current version (a new one whenever the record changes)."""
    path = write_jsonl(
        tmp_path / f"bare-{n}.jsonl",
        [
            record(
                CODE,
                name=name,
                levels=("tinh",),
                cach_thuc_thuc_hien=[
                    channel("truc_tiep", number, "khac_khong_ro"),
                    channel("truc_tuyen", 15, "ngay_lam_viec"),
                ],
            )
        ],
    )
    import_catalog(path, at=dt.datetime(2026, 7, 20, tzinfo=dt.UTC))
    version = Procedure.objects.get(code=CODE).current_version
    assert version is not None and version.number == n
    return version


def in_person(version: ProcedureVersion) -> ChannelRule:
    """The row freshly loaded, as a screen would load it for one request."""
    return ChannelRule.objects.get(version=version, channel="truc_tiep")


def administrator(world: World) -> User:
    user = User.objects.create_user("quantri.tinh", full_name="Nguyễn Văn Quản")
    Membership.objects.create(user=user, agency=world.centre, role=Role.ADMINISTRATOR)
    return user


def receive(world: World, version: ProcedureVersion, at: dt.datetime) -> Dossier:
    return world.receive(
        at,
        version=version,
        channel_rule=in_person(version),
        documents=[actions.DocumentInput(name="Tờ khai", file=pdf())],
    )


def test_a_confirmed_unit_sets_the_due_instant_of_dossiers_received_afterwards(
    world: World, tmp_path: Path
) -> None:
    version = import_bare_number(tmp_path, 10)
    admin = administrator(world)

    # Mon 02/03/2026 08:00, no confirmation yet: 10 counted as working days (§4).
    before = receive(world, version, local(2026, 3, 2, 8, 0))
    confirm_limit(
        in_person(version),
        value=Decimal(10),
        unit="ngay",
        note="Nghị định 63/2010/NĐ-CP Điều 9: 10 ngày",
        actor=admin,
        at=local(2026, 3, 4, 9, 0),
    )
    # Mon 09/03/2026 08:00: 10 calendar days → 17:00 on Thu 19/03/2026.
    after = receive(world, version, local(2026, 3, 9, 8, 0))

    assert before.due_at == local(2026, 3, 16, 8, 0)
    assert after.due_at == after.original_due_at == local(2026, 3, 19, 17, 0)
    # Unconfirmed, the same reception would have been due 10 working days later.
    assert after.due_at != local(2026, 3, 23, 8, 0)
    # The earlier dossier keeps the limit it was received under; both are consistent.
    calendar = get_calendar()
    for dossier in Dossier.objects.select_related("channel_rule").order_by("pk"):
        assert check_dossier(dossier, calendar) == []


def test_the_engine_reads_the_confirmation_once_per_dossier(world: World, tmp_path: Path) -> None:
    version = import_bare_number(tmp_path, 10)
    confirm_limit(
        in_person(version),
        value=Decimal(10),
        unit="ngay",
        note="Nghị định 63/2010/NĐ-CP Điều 9",
        actor=administrator(world),
        at=local(2026, 3, 1, 9, 0),
    )

    with CaptureQueriesContext(connection) as queries:
        receive(world, version, local(2026, 3, 9, 8, 0))

    reads = [q["sql"] for q in queries if "catalog_limitconfirmation" in q["sql"]]
    assert len(reads) == 1


def _ten_days_confirmed(
    world: World, tmp_path: Path
) -> tuple[ProcedureVersion, User, LimitConfirmation]:
    """The bare "10" confirmed as ten calendar days on 1 March."""
    version = import_bare_number(tmp_path, 10)
    admin = administrator(world)
    confirmation = confirm_limit(
        in_person(version),
        value=Decimal(10),
        unit="ngay",
        note="Nghị định 63/2010/NĐ-CP Điều 9",
        actor=admin,
        at=local(2026, 3, 1, 9, 0),
    )
    return version, admin, confirmation


def test_a_revoked_confirmation_stops_applying_but_stays_on_record(
    world: World, tmp_path: Path
) -> None:
    version, admin, confirmation = _ten_days_confirmed(world, tmp_path)
    during = receive(world, version, local(2026, 3, 9, 8, 0))
    revoke_confirmation(confirmation, actor=admin, at=local(2026, 3, 10, 9, 0))
    later = receive(world, version, local(2026, 3, 11, 8, 0))

    assert during.due_at == local(2026, 3, 19, 17, 0)
    # Wed 11/03 08:00 + 10 working days → Wed 25/03 08:00.
    assert later.due_at == local(2026, 3, 25, 8, 0)
    stored = LimitConfirmation.objects.get()
    assert (stored.revoked_by, stored.revoked_at) == (admin, local(2026, 3, 10, 9, 0))
    assert in_person(version).limit_in_force == TimeLimit(Decimal(10), LimitUnit.UNKNOWN)
    assert check_dossier(Dossier.objects.get(pk=during.pk), get_calendar()) == []
    with pytest.raises(ConfirmationError, match="đã được thu hồi"):
        revoke_confirmation(stored, actor=admin, at=local(2026, 3, 12, 9, 0))


def test_a_confirmation_survives_a_new_version_with_the_same_national_number(
    world: World, tmp_path: Path
) -> None:
    first = import_bare_number(tmp_path, 10)
    confirm_limit(
        in_person(first),
        value=Decimal(10),
        unit="ngay",
        note="Nghị định 63/2010/NĐ-CP Điều 9",
        actor=administrator(world),
        at=local(2026, 3, 1, 9, 0),
    )

    second = import_bare_number(tmp_path, 10, name="Thủ tục thử thời hạn (sửa tên)", n=2)

    assert second.pk != first.pk
    assert in_person(second).limit_in_force == TimeLimit(Decimal(10), LimitUnit.CALENDAR_DAYS)
    # The row itself stays as the national catalogue gives it.
    assert in_person(second).time_limit == TimeLimit(Decimal(10), LimitUnit.UNKNOWN)
    assert not ChannelRule.objects.awaiting_confirmation().exists()


def test_a_changed_national_number_invalidates_the_confirmation(
    world: World, tmp_path: Path
) -> None:
    first = import_bare_number(tmp_path, 10)
    confirm_limit(
        in_person(first),
        value=Decimal(10),
        unit="ngay",
        note="Nghị định 63/2010/NĐ-CP Điều 9",
        actor=administrator(world),
        at=local(2026, 3, 1, 9, 0),
    )
    rows_before = list(ChannelRule.objects.order_by("pk").values_list())

    second = import_bare_number(tmp_path, 12, n=2)

    assert in_person(second).limit_in_force == TimeLimit(Decimal(12), LimitUnit.UNKNOWN)
    assert [r.pk for r in ChannelRule.objects.awaiting_confirmation()] == [in_person(second).pk]
    # A dossier received now follows the new national number, as working days:
    # Mon 09/03 08:00 + 12 working days → Wed 25/03 08:00.
    assert receive(world, second, local(2026, 3, 9, 8, 0)).due_at == local(2026, 3, 25, 8, 0)
    # The old version's rows are untouched and still carry the confirmation.
    assert list(ChannelRule.objects.filter(version=first).order_by("pk").values_list()) == [
        row for row in rows_before if row[1] == first.pk
    ]
    assert in_person(first).limit_in_force == TimeLimit(Decimal(10), LimitUnit.CALENDAR_DAYS)


def test_prefetching_confirmations_reads_them_for_a_list_in_one_query(
    world: World, tmp_path: Path, django_assert_num_queries: object
) -> None:
    first = import_bare_number(tmp_path, 10)
    confirm_limit(
        in_person(first),
        value=Decimal(2),
        unit="thang",
        note="Luật thử Điều 1",
        actor=administrator(world),
        at=local(2026, 3, 1, 9, 0),
    )
    import_bare_number(tmp_path, 10, name="Tên mới", n=2)
    rules = list(ChannelRule.objects.order_by("pk"))  # the world's rows and ours

    with django_assert_num_queries(1):  # type: ignore[operator]
        prefetch_confirmations(rules)
        limits = [(rule.version_id, rule.channel, rule.limit_in_force) for rule in rules]

    ours = [(channel, limit) for version, channel, limit in limits if version >= first.pk]
    assert (
        ours
        == [
            ("truc_tiep", TimeLimit(Decimal(2), LimitUnit.MONTHS)),
            ("truc_tuyen", TimeLimit(Decimal(15), LimitUnit.WORKING_DAYS)),
        ]
        * 2
    )  # two versions, the confirmation applying to both


@pytest.mark.parametrize(
    ("value", "unit", "note", "message"),
    [
        (Decimal(0), "ngay", "Căn cứ", "lớn hơn 0"),
        (Decimal(-3), "ngay", "Căn cứ", "lớn hơn 0"),
        (Decimal(100_000), "ngay", "Căn cứ", "không hợp lý"),
        (Decimal(400), "ngay_lam_viec", "Căn cứ", "không hợp lý"),
        (Decimal("1.234"), "ngay", "Căn cứ", "2 chữ số thập phân"),
        (Decimal("NaN"), "ngay", "Căn cứ", "lớn hơn 0"),
        (None, "ngay", "Căn cứ", "Nhập thời hạn"),
        (Decimal(10), "", "Căn cứ", "Chọn đơn vị"),
        (Decimal(10), "khac_khong_ro", "Căn cứ", "không dùng được"),
        (Decimal(2), "trong_ngay", "Căn cứ", "ghi là 1"),
        (Decimal(10), "ngay", "   ", "Ghi căn cứ"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(
    world: World, tmp_path: Path, value: Decimal | None, unit: str, note: str, message: str
) -> None:
    version = import_bare_number(tmp_path, 10)

    with pytest.raises(ConfirmationError, match=message):
        confirm_limit(
            in_person(version),
            value=value,
            unit=unit,
            note=note,
            actor=administrator(world),
            at=local(2026, 3, 1, 9, 0),
        )

    assert not LimitConfirmation.objects.exists()


def test_only_administrators_confirm_and_only_unknown_units_once(
    world: World, tmp_path: Path
) -> None:
    version = import_bare_number(tmp_path, 10)
    admin = administrator(world)
    at = local(2026, 3, 1, 9, 0)

    with pytest.raises(PermissionDenied):
        confirm_limit(
            in_person(version), value=Decimal(10), unit="ngay", note="x", actor=world.head, at=at
        )
    with pytest.raises(ConfirmationError, match="đã có đơn vị"):
        online = ChannelRule.objects.get(version=version, channel="truc_tuyen")
        confirm_limit(online, value=Decimal(15), unit="ngay", note="x", actor=admin, at=at)
    assert not LimitConfirmation.objects.exists()

    confirm_limit(in_person(version), value=Decimal(10), unit="ngay", note="x", actor=admin, at=at)
    with pytest.raises(ConfirmationError, match="đã được xác nhận"):
        confirm_limit(
            in_person(version), value=Decimal(5), unit="ngay", note="y", actor=admin, at=at
        )
    assert LimitConfirmation.objects.count() == 1


def test_a_reception_remembering_confirmations_sees_the_revocation(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """Committed receptions remember the confirmations (``dossiers.refcache``); a
    revocation (an ``update``, which sends no signal) still reaches the next one."""
    version, admin, confirmation = _ten_days_confirmed(world, tmp_path)
    for day in (9, 9, 9):  # the first ones create the workflow; the last is remembered
        with django_capture_on_commit_callbacks(execute=True):
            during = receive(world, version, local(2026, 3, day, 8, 0))
    assert ("confirmations",) in refcache._memory
    revoke_confirmation(confirmation, actor=admin, at=local(2026, 3, 10, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        later = receive(world, version, local(2026, 3, 11, 8, 0))

    assert during.due_at == local(2026, 3, 19, 17, 0)
    assert later.due_at == local(2026, 3, 25, 8, 0)


def test_a_rule_loaded_before_the_revocation_does_not_bring_it_back(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """The counter page reads the rule (and its confirmations) to show the appointment,
    then receives: a revocation made in between is not undone for later receptions."""
    version, admin, confirmation = _ten_days_confirmed(world, tmp_path)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            receive(world, version, local(2026, 3, 9, 8, 0))
    shown = in_person(version)
    assert shown.limit_at(local(2026, 3, 11, 8, 0)) == TimeLimit(
        Decimal(10), LimitUnit.CALENDAR_DAYS
    )
    revoke_confirmation(confirmation, actor=admin, at=local(2026, 3, 10, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        at_counter = world.receive(
            local(2026, 3, 11, 8, 0),
            version=version,
            channel_rule=shown,
            documents=[actions.DocumentInput(name="Tờ khai", file=pdf())],
        )
    with django_capture_on_commit_callbacks(execute=True):
        later = receive(world, version, local(2026, 3, 11, 8, 0))

    assert at_counter.due_at == later.due_at == local(2026, 3, 25, 8, 0)
