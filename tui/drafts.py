"""What the trainee has typed but not yet sent, kept on disk so closing the app loses nothing.

One small JSON file per attempt in the data folder's ``drafts/``; written when a field
changes (at most once a second), read back when the attempt is resumed, removed at the end.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from drills.locations import data_home


def drafts_path(attempt_id: int) -> Path:
    return data_home() / "drafts" / f"attempt-{attempt_id}.json"


def load_drafts(attempt_id: int) -> dict[str, str]:
    try:
        data = json.loads(drafts_path(attempt_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def save_drafts(attempt_id: int, drafts: dict[str, str]) -> None:
    """Write atomically (a temporary file, then rename), so a crash never leaves half a file."""
    path = drafts_path(attempt_id)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(drafts, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass  # drafts are a convenience; the journal already holds every action taken


def discard_drafts(attempt_id: int) -> None:
    drafts_path(attempt_id).unlink(missing_ok=True)
