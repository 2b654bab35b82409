"""Readiness board screen text (English)."""

STRINGS: dict[str, str] = {
}
