"""The 766 indicator set as versioned configuration (``motcua/reports/data/766.json``).

The national formula changes (legal-rules §8.2: the formula document is versioned, the
payment split was approved on 08/10/2026), so weights, targets and the scoring rule
are data: each version has the day it takes effect, and a period is scored with the
version in force on its last day.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "766.json"
SCORINGS = ("target", "linear", "monitoring")


class ConfigError(ValueError):
    """The configuration file is not a valid indicator set."""


@dataclass(frozen=True)
class Group:
    id: str
    name_vi: str
    max_points: int


@dataclass(frozen=True)
class ComponentConfig:
    """One component: ``target`` is a rate in [0, 1] when ``scoring`` is "target";
    "linear" scores rate × max points; "monitoring" is shown without points."""

    id: str
    name_vi: str
    group: str
    max_points: int
    target: Decimal | None
    scoring: str
    available: bool
    reason_unavailable: str

    @property
    def target_percent(self) -> Decimal | None:
        return None if self.target is None else self.target * 100

    @property
    def scored(self) -> bool:
        return self.scoring != "monitoring"


@dataclass(frozen=True)
class Config:
    valid_from: dt.date
    source: str
    groups: dict[str, Group]
    components: dict[str, ComponentConfig]  # in the order of legal-rules §8.1

    @property
    def max_points(self) -> int:
        return sum(c.max_points for c in self.components.values())


def _component(key: str, raw: dict[str, Any], groups: dict[str, Group]) -> ComponentConfig:
    scoring = raw["scoring"]
    target = raw.get("target")
    if scoring not in SCORINGS:
        raise ConfigError(f"component {key}: scoring {scoring!r} not in {SCORINGS}")
    if raw["group"] not in groups:
        raise ConfigError(f"component {key}: unknown group {raw['group']!r}")
    if (scoring == "target") != (target is not None):
        raise ConfigError(f"component {key}: a target goes with scoring 'target' only")
    if target is not None and not 0 < Decimal(str(target)) <= 1:
        raise ConfigError(f"component {key}: target {target} is not a rate in (0, 1]")
    if not raw["available"] and not raw.get("reason_unavailable"):
        raise ConfigError(f"component {key}: an unavailable component needs its reason")
    return ComponentConfig(
        id=key,
        name_vi=raw["name_vi"],
        group=raw["group"],
        max_points=int(raw["max_points"]),
        target=None if target is None else Decimal(str(target)),
        scoring=scoring,
        available=bool(raw["available"]),
        reason_unavailable=raw.get("reason_unavailable", ""),
    )


def parse_versions(data: dict[str, Any]) -> list[Config]:
    """The versions of a parsed configuration file, oldest first."""
    versions = []
    for raw in data["versions"]:
        groups = {
            key: Group(key, g["name_vi"], int(g["max_points"])) for key, g in raw["groups"].items()
        }
        components = {key: _component(key, c, groups) for key, c in raw["components"].items()}
        for group in groups.values():
            total = sum(c.max_points for c in components.values() if c.group == group.id)
            if total != group.max_points:
                raise ConfigError(
                    f"{raw['valid_from']}: group {group.id} has {total} points, "
                    f"declared {group.max_points}"
                )
        versions.append(
            Config(
                valid_from=dt.date.fromisoformat(raw["valid_from"]),
                source=raw["source"],
                groups=groups,
                components=components,
            )
        )
    if not versions:
        raise ConfigError("no version")
    return sorted(versions, key=lambda v: v.valid_from)


@functools.cache
def load_versions(path: Path = DATA_FILE) -> tuple[Config, ...]:
    """The versions in ``path`` (read once per process), oldest first."""
    return tuple(parse_versions(json.loads(path.read_text(encoding="utf-8"))))


def config_for(day: dt.date, versions: tuple[Config, ...] | list[Config] | None = None) -> Config:
    """The version in force on ``day``: the latest ``valid_from`` on or before it.

    A day before every version gets the oldest one (no earlier weights are known).
    """
    ordered = sorted(versions or load_versions(), key=lambda v: v.valid_from)
    chosen = ordered[0]
    for version in ordered:
        if version.valid_from <= day:
            chosen = version
    return chosen
