"""Readiness board screen text (Chinese)."""

STRINGS: dict[str, str] = {
    "binding.readiness.close": "返回",
    "binding.readiness.export": "导出",
}
