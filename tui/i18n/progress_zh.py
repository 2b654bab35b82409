"""progress text (zh)."""

STRINGS: dict[str, str] = {
}
