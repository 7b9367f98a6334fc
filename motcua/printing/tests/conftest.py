"""The printing tests build their dossiers through the real actions, in the dossier
engine's small province (``world``)."""

from __future__ import annotations

import pytest

from motcua.dossiers import actions
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import MONDAY, World, pdf, world  # noqa: F401
from motcua.org.models import AdministrativeUnit


def hang(world: World) -> actions.Applicant:  # noqa: F811
    """Nguyễn Thị Hằng of Phường Kinh Bắc, filing for her father by proxy."""
    return actions.Applicant(
        name="Nguyễn Thị Hằng",
        identifier="001190001234",
        phone="0912345678",
        email="hang@example.vn",
        address="Số 5 phố Lý Thái Tổ",
        unit=AdministrativeUnit.objects.get(code="09187", parent=world.province),
        principal_name="Trần Văn Bình",
        principal_identifier="001080009999",
    )


@pytest.fixture
def dossier(world: World) -> Dossier:  # noqa: F811
    """Her dossier, received at the provincial centre on Monday 02/03/2026 at 08:00
    (5 working days: appointment Monday 09/03/2026 at 08:00), result by post."""
    return world.receive(
        MONDAY,
        applicant=hang(world),
        delivery="post",
        documents=[
            actions.DocumentInput(
                name="Tờ khai đăng ký khai sinh", component=world.declaration, file=pdf()
            ),
            actions.DocumentInput(name="Giấy chứng sinh", file=pdf("chung-sinh.pdf")),
        ],
    )
