"""What a track's pack holds, read the way a test must: from the journal's text, not through the code under test."""

from __future__ import annotations

import json
from pathlib import Path


def in_pack(folder: Path) -> set[str]:
    """The segments a pack's journal lists as complete: whole lines only (a line cut short does not count)."""
    try:
        text = (folder / "pack.jsonl").read_text()
    except FileNotFoundError:
        return set()
    return {json.loads(line)[0] for line in text.splitlines(keepends=True) if line.endswith("\n")}
