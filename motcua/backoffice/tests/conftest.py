"""Back-office tests reuse the dossier engine's small province (``world``)."""

from __future__ import annotations

import pytest

from motcua.catalog.models import ProvinceProcedureSetting
from motcua.dossiers.tests.conftest import World, world  # noqa: F401


@pytest.fixture
def office(world: World) -> World:  # noqa: F811
    """The world with its procedures offered in the province (the counter lists only
    those), run by the Department of Justice."""
    ProvinceProcedureSetting.objects.create(procedure=world.version.procedure, agency=world.justice)
    return world
