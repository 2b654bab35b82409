"""Readiness board screen text (English)."""

STRINGS: dict[str, str] = {
    "binding.readiness.close": "Back",
    "binding.readiness.export": "Export",
}
