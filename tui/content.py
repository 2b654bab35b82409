"""Loading what every command needs (policy, drill library, rule ids) with clean errors."""

from __future__ import annotations

from pathlib import Path

import click

from drills.catalog import Library, load_library
from drills.locations import DEFAULT_POLICY, policy_override
from drills.policy import Policy, PolicyError, load_policy


def current_policy() -> Policy:
    """The shipped time limits with the office's own ``policy.yaml`` applied over them."""
    try:
        return load_policy(DEFAULT_POLICY, policy_override())
    except PolicyError as error:
        raise click.ClickException(str(error)) from None


def rule_ids() -> set[str] | None:
    """Every section id of the rulebook (both editions share them), or None if it is absent."""
    from knowledge.rulebook import cached_rulebook

    ids = set(cached_rulebook("zh").rule_ids())
    return ids or None


def current_library(paths: list[Path] | None = None) -> Library:
    return load_library(current_policy(), paths, rule_ids())
