"""Portal tests reuse the dossier engine's small province (``world``), with the birth
registration procedure offered online by the Department of Justice, and two
citizens who must never see each other's dossiers."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from motcua.accounts.models import User
from motcua.catalog.choices import OnlineLevel
from motcua.catalog.models import ProvinceProcedureSetting
from motcua.dossiers.tests.conftest import World, world  # noqa: F401

PASSWORD = "Mat-khau-2026!"


@dataclass
class Portal:
    world: World
    an: User
    binh: User


@pytest.fixture
def portal(world: World) -> Portal:  # noqa: F811
    ProvinceProcedureSetting.objects.create(
        procedure=world.version.procedure,
        agency=world.justice,
        online_level=OnlineLevel.FULL_PROCESS,
    )
    an = User.objects.create_user(
        "+84912345678",
        password=PASSWORD,
        full_name="Nguyễn Văn An",
        phone="+84912345678",
        personal_id="001090001234",
    )
    binh = User.objects.create_user(
        "binh@example.vn", password=PASSWORD, full_name="Trần Thị Bình", email="binh@example.vn"
    )
    return Portal(world, an, binh)
