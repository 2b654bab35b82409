"""Readiness board screen text (Chinese)."""

STRINGS: dict[str, str] = {
}
