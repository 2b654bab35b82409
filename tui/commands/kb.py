"""``dutydrill kb``: check, search and show the rulebook (filled in by the knowledge-base work)."""

from __future__ import annotations

import click


@click.group(name="kb")
def kb_group() -> None:
    """The rulebook: check it, search it, show a section."""
