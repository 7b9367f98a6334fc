"""``common.rows`` writes the ORM's rows, and its errors are Django's."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from motcua.common import rows
from motcua.org.models import AdministrativeUnit, UnitEra, UnitKind, UnitLevel


def _unit(code: str, name: str = "Phường Thử") -> AdministrativeUnit:
    return AdministrativeUnit(
        code=code, name=name, kind=UnitKind.WARD, level=UnitLevel.COMMUNE, era=UnitEra.CURRENT
    )


@pytest.mark.django_db
def test_inserted_rows_read_back_as_the_orm_would_have_written_them() -> None:
    by_orm = _unit("90001")
    by_orm.save()
    ours = rows.insert([_unit("90002"), _unit("90003")])
    assert all(u.pk is not None and not u._state.adding for u in ours)

    def stored(pk: int) -> dict[str, object]:
        found = model_to_dict(AdministrativeUnit.objects.get(pk=pk))
        found.pop("id")
        found.pop("code")
        return found

    assert stored(ours[0].pk) == stored(by_orm.pk) == stored(ours[1].pk)


@pytest.mark.django_db(transaction=True)
def test_a_refused_row_sent_together_leaves_nothing_written() -> None:
    rows.insert([_unit("90010")])
    # The same (level, code, era) twice: the second row is refused.
    with pytest.raises(IntegrityError), transaction.atomic(), rows.ahead() as ahead:
        ahead.insert([_unit("90011")], [_unit("90010")])
    assert list(AdministrativeUnit.objects.values_list("code", flat=True)) == ["90010"]


@pytest.mark.django_db
def test_rows_written_past_the_prepare_threshold_are_still_the_orm_s_rows() -> None:
    """On PostgreSQL the statement is prepared by the server at its first run
    (``DATABASE_PREPARE``): the rows written then and later are alike, dates too."""
    import datetime as dt

    by_orm = _unit("90100")
    by_orm.valid_from = dt.date(2025, 7, 1)
    by_orm.save()
    ours: list[AdministrativeUnit] = []
    for n in range(8):
        unit = _unit(f"9011{n}")
        unit.valid_from = dt.date(2025, 7, 1)
        ours.extend(rows.insert([unit]))

    def stored(pk: int) -> dict[str, object]:
        found = model_to_dict(AdministrativeUnit.objects.get(pk=pk))
        found.pop("id")
        found.pop("code")
        return found

    assert all(stored(u.pk) == stored(by_orm.pk) for u in ours)


@pytest.mark.django_db
def test_keys_taken_ahead_let_rows_that_point_to_each_other_go_together() -> None:
    from django.db import connection

    keys = rows.reserve_keys(AdministrativeUnit, 2)
    if connection.vendor != "postgresql":
        assert keys is None  # SQLite: keys come with the insert
        return
    assert keys is not None and len(set(keys)) == 2
    province, ward = _unit("90200", "Tỉnh Thử"), _unit("90201")
    province.pk, ward.pk = keys
    ward.parent = province
    with transaction.atomic(), rows.ahead() as ahead:
        ahead.insert([province], [ward])
    assert AdministrativeUnit.objects.get(pk=keys[1]).parent_id == keys[0]
    # The ORM's own inserts draw from the same sequence: never one of those keys.
    later = _unit("90202")
    later.save()
    assert later.pk not in keys
    # A process that drops its block (or dies) leaves a gap, never a collision.
    rows.forget_keys()
    again = rows.reserve_keys(AdministrativeUnit, 1)
    assert again is not None and again[0] > max([*keys, later.pk])


@pytest.mark.django_db
def test_a_forked_worker_does_not_use_the_keys_its_parent_took() -> None:
    import os

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("keys are taken ahead on PostgreSQL only")
    taken = rows.reserve_keys(AdministrativeUnit, 1)
    assert taken is not None and rows._keys  # the parent holds the rest of the block
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child reports whether it inherited any key, then leaves
        os.write(write, b"1" if rows._keys else b"0")
        os._exit(0)
    os.waitpid(child, 0)
    assert os.read(read, 1) == b"0"
    assert rows._keys  # the parent's own block is untouched


@pytest.mark.django_db
def test_the_query_log_names_every_statement_however_it_ran() -> None:
    # A prepared statement is run by name: the log (tests, the debug page) still shows
    # its text, each time.
    with CaptureQueriesContext(connection) as logged:
        for n in range(3):
            rows.insert([_unit(f"9020{n}")])
    inserts = [q["sql"] for q in logged if q["sql"] and "org_administrativeunit" in q["sql"]]
    assert len(inserts) == 3 and all(sql.startswith("INSERT") for sql in inserts)
