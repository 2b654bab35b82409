"""Trainer sign-in and group console screen text (English)."""

STRINGS: dict[str, str] = {
}
