"""Catalogue models; import them from here (``from motcua.catalog.models import …``)."""

from motcua.catalog.models.confirmations import (
    CONFIRMABLE_UNIT_CHOICES,
    LimitConfirmation,
    LimitConfirmationQuerySet,
    UnconfirmedLimit,
    prefetch_confirmations,
)
from motcua.catalog.models.imports import ImportRun
from motcua.catalog.models.procedures import (
    ChannelRule,
    ChannelRuleQuerySet,
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
    "CONFIRMABLE_UNIT_CHOICES",
    "ChannelRule",
    "ChannelRuleQuerySet",
    "Component",
    "ComponentCase",
    "Field",
    "ImmutableRowError",
    "ImportRun",
    "LimitConfirmation",
    "LimitConfirmationQuerySet",
    "Procedure",
    "ProcedureQuerySet",
    "ProcedureResult",
    "ProcedureVersion",
    "ProvinceProcedureSetting",
    "UnconfirmedLimit",
    "prefetch_confirmations",
]
