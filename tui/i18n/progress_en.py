"""progress text (en)."""

STRINGS: dict[str, str] = {
}
