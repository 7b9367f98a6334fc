"""Catalogue models; import them from here (``from motcua.catalog.models import …``)."""

from motcua.catalog.models.imports import ImportRun
from motcua.catalog.models.procedures import (
    ChannelRule,
    Component,
    ComponentCase,
    Field,
    ImmutableRowError,
    Procedure,
    ProcedureQuerySet,
    ProcedureResult,
    ProcedureVersion,
)
from motcua.catalog.models.province import ProvinceProcedureSetting

__all__ = [
    "ChannelRule",
    "Component",
    "ComponentCase",
    "Field",
    "ImmutableRowError",
    "ImportRun",
    "Procedure",
    "ProcedureQuerySet",
    "ProcedureResult",
    "ProcedureVersion",
    "ProvinceProcedureSetting",
]
