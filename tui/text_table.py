"""Plain-text tables for the command line; Chinese characters take two columns."""

from __future__ import annotations

from scoring.exports import display_width


def pad(cell: str, width: int) -> str:
    """``cell`` followed by spaces up to ``width`` terminal columns."""
    return cell + " " * max(0, width - display_width(cell))


def aligned(rows: list[list[str]]) -> str:
    """A plain table with a rule under the headings (the first row)."""
    widths = [max(display_width(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = ["  ".join(pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
