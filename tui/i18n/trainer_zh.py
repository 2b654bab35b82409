"""Trainer sign-in and group console screen text (Chinese)."""

STRINGS: dict[str, str] = {
}
