"""The SQLite manifest under ``.confarchive/``: what is done, what failed and why.

One row per talk with its furthest verified stage; later work adds stages, not tables. Only the
coordinator (the thread that runs the pipeline loop) opens it: workers return results. A talk is
"finished" when its row says done and its video is on disk with the recorded size; that decision
needs no network and no media probing, which is what makes re-running a finished archive instant.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from .archive import Layout
from .naming import with_suffix

STAGES = ("new", "resolved", "slides", "media", "merged", "done")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS talks (
    key         TEXT PRIMARY KEY,
    source_url  TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending',
    stage       TEXT NOT NULL DEFAULT 'new',
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    folder      TEXT,
    entry       TEXT,
    video_size  INTEGER,
    updated_at  REAL
);
CREATE INDEX IF NOT EXISTS talks_source_url ON talks(source_url);
CREATE UNIQUE INDEX IF NOT EXISTS talks_folder ON talks(folder COLLATE NOCASE);
"""


@dataclass(frozen=True)
class Row:
    key: str
    source_url: str
    status: str
    stage: str
    attempts: int
    last_error: str | None
    folder: str | None
    entry: dict[str, object] | None
    video_size: int | None


def failed_key(source_url: str) -> str:
    """The key of a talk that failed before its real key was known."""
    return f"url:{source_url}"


class Manifest:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Manifest:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @staticmethod
    def _row(values: tuple[object, ...] | None) -> Row | None:
        if values is None:
            return None
        key, url, status, stage, attempts, error, folder, entry, size = values
        return Row(
            str(key), str(url), str(status), str(stage), int(attempts),  # type: ignore[call-overload]
            error if error is None else str(error), folder if folder is None else str(folder),
            json.loads(str(entry)) if entry else None, size if size is None else int(size),  # type: ignore[call-overload]
        )  # fmt: skip

    _COLUMNS = "key, source_url, status, stage, attempts, last_error, folder, entry, video_size"

    def get(self, key: str) -> Row | None:
        cur = self._db.execute(f"SELECT {self._COLUMNS} FROM talks WHERE key = ?", (key,))
        return self._row(cur.fetchone())

    def by_source(self, source_url: str) -> Row | None:
        """The row a URL led to last time; a resolved row wins over an early failure."""
        cur = self._db.execute(
            f"SELECT {self._COLUMNS} FROM talks WHERE source_url = ? ORDER BY key LIKE 'url:%' LIMIT 1",
            (source_url,),
        )
        return self._row(cur.fetchone())

    def rows(self) -> list[Row]:
        cur = self._db.execute(f"SELECT {self._COLUMNS} FROM talks ORDER BY key")
        return [r for r in map(self._row, cur.fetchall()) if r is not None]

    def claim(self, key: str, source_url: str, base_name: str) -> str:
        """Record a resolved talk and the folder it owns: its title, or ``title [key]`` when taken.

        Claims persist, so a talk keeps its folder across runs whatever order talks finish in.
        """
        existing = self.get(key)
        if existing is not None and existing.folder:
            folder = existing.folder
        else:
            taken = self._db.execute(
                "SELECT 1 FROM talks WHERE folder = ? COLLATE NOCASE AND key != ?", (base_name, key)
            ).fetchone()
            folder = with_suffix(base_name, key) if taken or base_name.startswith(".") else base_name
        self._db.execute("DELETE FROM talks WHERE key = ?", (failed_key(source_url),))
        self._db.execute(
            """INSERT INTO talks (key, source_url, status, stage, folder, updated_at)
               VALUES (?, ?, 'pending', 'resolved', ?, ?)
               ON CONFLICT(key) DO UPDATE SET folder = excluded.folder, status = 'pending',
                   stage = CASE WHEN stage = 'new' THEN 'resolved' ELSE stage END,
                   updated_at = excluded.updated_at""",
            (key, source_url, folder, time.time()),
        )
        return folder

    def set_stage(self, key: str, stage: str) -> None:
        assert stage in STAGES, stage
        self._db.execute("UPDATE talks SET stage = ?, updated_at = ? WHERE key = ?", (stage, time.time(), key))

    def finish(self, key: str, source_url: str, entry: dict[str, object], video_size: int | None) -> None:
        self._db.execute(
            """INSERT INTO talks (key, source_url, status, stage, attempts, entry, video_size, updated_at)
               VALUES (?, ?, 'done', 'done', 1, ?, ?, ?)
               ON CONFLICT(key) DO UPDATE SET status = 'done', stage = 'done', last_error = NULL,
                   attempts = attempts + 1, entry = excluded.entry, video_size = excluded.video_size,
                   updated_at = excluded.updated_at""",
            (key, source_url, json.dumps(entry), video_size, time.time()),
        )

    def fail(self, key: str, source_url: str, error: str, entry: dict[str, object] | None) -> None:
        self._db.execute(
            """INSERT INTO talks (key, source_url, status, attempts, last_error, entry, updated_at)
               VALUES (?, ?, 'failed', 1, ?, ?, ?)
               ON CONFLICT(key) DO UPDATE SET status = 'failed', last_error = excluded.last_error,
                   attempts = attempts + 1, entry = COALESCE(excluded.entry, entry),
                   updated_at = excluded.updated_at""",
            (key, source_url, error, json.dumps(entry) if entry else None, time.time()),
        )


def rebuild_rows(store: Manifest, layout: Layout) -> int:
    """Recreate the rows of finished talks from their ``talk.json`` files (the database was lost).

    Only talks whose video is on disk count as done; anything else is simply archived again.
    """
    count = 0
    for talk_json in sorted(layout.root.glob("*/talk.json")):
        try:
            entry = json.loads(talk_json.read_text(encoding="utf-8"))
            key, source, video = entry["key"], entry["source_url"], entry["video"]
            size = (layout.root / video).stat().st_size
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if entry.get("status") != "done" or not isinstance(key, str) or not isinstance(source, str):
            continue
        store.claim(key, source, talk_json.parent.name)
        store.finish(key, source, entry, size)
        count += 1
    return count
