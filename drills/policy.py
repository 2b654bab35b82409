"""The time-limit policy: named limits an office sets once, which drill deadlines cite.

Local rules differ (domain-facts §1.2), so drills never carry numbers of their own.
The defaults ship beside the rulebook in ``knowledge/rulebook/policy.yaml``; an office
puts its own values in ``policy.yaml`` in the data folder, which overrides them by name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from drills.scenario import Identifier, RuleId, ShortText

M = TypeVar("M", bound=BaseModel)


class TimeLimit(BaseModel):
    """Minutes after a moment, or a time of day on the drill clock (a daily report by 16:30)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    minutes: float | None = Field(default=None, gt=0, le=30 * 24 * 60)
    clock: Annotated[str, Field(pattern=r"^([01]?\d|2[0-3]):[0-5]\d$")] | None = None
    rule: RuleId
    label: ShortText = ""

    @model_validator(mode="after")
    def _one_kind(self) -> TimeLimit:
        if (self.minutes is None) == (self.clock is None):
            raise ValueError('a time limit has exactly one of "minutes" or "clock"')
        return self


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ring_seconds: float = Field(default=5, gt=0, le=60)  # one ring of the phone
    rings_before_missed: int = Field(default=10, ge=1, le=60)  # then the caller hangs up
    pass_mark: int = Field(default=80, ge=0, le=100)  # a scorecard passes at or above it
    limits: dict[Identifier, TimeLimit]

    def limit(self, name: str) -> TimeLimit:
        return self.limits[name]


class PolicyError(Exception):
    """A policy file that cannot be used; the message names the file and the field."""


def read_mapping(path: Path, error: type[Exception], what: str) -> dict:
    """A YAML mapping from an office-editable file (an empty file is an empty mapping)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as problem:
        raise error(f"{path}: cannot read the {what}: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise error(f"{path}: the {what} is a mapping of keys to values")
    return data


def validated(model: type[M], data: dict, source: Path, error: type[Exception]) -> M:
    """The model, or ``error`` naming the file and the first field that is wrong."""
    try:
        return model.model_validate(data)
    except ValidationError as problem:
        first = problem.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise error(f"{source}: {field}: {first['msg']}") from None


def load_policy(defaults: Path, override: Path | None = None) -> Policy:
    """Load the shipped defaults, then apply an office's overrides limit by limit."""
    data = read_mapping(defaults, PolicyError, "time-limit policy")
    source = defaults
    if override is not None and override.exists():
        extra = read_mapping(override, PolicyError, "time-limit policy")
        limits = {**data.get("limits", {}), **extra.get("limits", {})}
        data = {**data, **extra, "limits": limits}
        source = override
    return validated(Policy, data, source, PolicyError)
