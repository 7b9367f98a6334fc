"""``common.rows`` writes the ORM's rows, and its errors are Django's."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

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
    with pytest.raises(IntegrityError), transaction.atomic():
        # The same (level, code, era) twice: the second statement is refused.
        rows.insert_together([[_unit("90011")], [_unit("90010")]])
    assert list(AdministrativeUnit.objects.values_list("code", flat=True)) == ["90010"]
