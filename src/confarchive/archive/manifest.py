"""The SQLite manifest under ``.confarchive/``: what is done, what failed and why, and which URLs led
to which talk.

One row per talk (its key) with its furthest verified stage; one row per (URL, talk) pair, because a
page may hold several talks and several URLs may lead to one. Only the coordinator (the thread that
runs the pipeline loop) opens it: workers return results. A talk is "finished" when its row says
done and its video is on disk with the recorded size; that decision needs no network and no media
probing, which is what makes re-running a finished archive instant.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.entry import TalkEntry
from ..core.layout import Layout
from ..core.model import Collection, PaperLink, TalkKey
from ..core.outcome import Failure, Status
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
CREATE TABLE IF NOT EXISTS sources (
    url   TEXT NOT NULL,
    key   TEXT NOT NULL,
    seen  REAL,
    PRIMARY KEY (url, key)
);
CREATE INDEX IF NOT EXISTS sources_key ON sources(key);
CREATE TABLE IF NOT EXISTS papers (
    paper     TEXT PRIMARY KEY,
    title     TEXT,
    talk_url  TEXT,
    method    TEXT NOT NULL,
    score     REAL,
    reason    TEXT,
    note      TEXT,
    seen      REAL
);
CREATE INDEX IF NOT EXISTS papers_talk_url ON papers(talk_url);
CREATE TABLE IF NOT EXISTS collections (
    url    TEXT PRIMARY KEY,
    title  TEXT,
    seen   REAL
);
CREATE TABLE IF NOT EXISTS transcripts (
    key       TEXT PRIMARY KEY,
    state     TEXT NOT NULL,
    model     TEXT,
    language  TEXT,
    vtt       TEXT,
    vtt_size  INTEGER,
    cues      INTEGER NOT NULL DEFAULT 0,
    speech_s  REAL,
    note      TEXT,
    error     TEXT,
    updated_at REAL
);
CREATE TABLE IF NOT EXISTS collection_papers (
    collection  TEXT NOT NULL,
    position    INTEGER NOT NULL,
    paper       TEXT NOT NULL,
    PRIMARY KEY (collection, position)
);
"""
# Columns added after the first release: an older manifest gets them on open.
_ADDED_COLUMNS = {"error_kind": "TEXT", "http_status": "INTEGER"}


@dataclass(frozen=True)
class Row:
    key: TalkKey
    source_url: str
    status: str
    stage: str
    attempts: int
    last_error: str | None
    folder: str | None
    entry: TalkEntry | None
    video_size: int | None
    error_kind: str | None = None
    http_status: int | None = None


@dataclass(frozen=True)
class TranscriptRow:
    """A talk's speech to text, as recorded once it was finished: ``done`` (with its WebVTT file, or a
    note such as "no speech detected" and no file) or ``failed`` (``error``; the talk itself stays done).
    No row: not transcribed yet, or cut short (it is then done again, whole)."""

    key: TalkKey
    state: str  # done | failed
    model: str | None = None
    language: str | None = None
    vtt: str | None = None  # relative to the archive
    vtt_size: int | None = None
    cues: int = 0
    speech_s: float | None = None
    note: str | None = None
    error: str | None = None


def _entry(text: object) -> TalkEntry | None:
    if not text:
        return None
    try:
        return TalkEntry.from_json(json.loads(str(text)))
    except ValueError:
        return None


class Manifest:
    _COLUMNS = (
        "key, source_url, status, stage, attempts, last_error, folder, entry, video_size, error_kind, http_status"
    )

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        have = {row[1] for row in self._db.execute("PRAGMA table_info(talks)")}
        for name, kind in _ADDED_COLUMNS.items():
            if name not in have:
                self._db.execute(f"ALTER TABLE talks ADD COLUMN {name} {kind}")

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
        key, url, status, stage, attempts, error, folder, entry, size, kind, http = values
        return Row(
            TalkKey.parse(str(key)), str(url), str(status), str(stage), int(attempts),  # type: ignore[call-overload]
            error if error is None else str(error), folder if folder is None else str(folder), _entry(entry),
            size if size is None else int(size), kind if kind is None else str(kind),  # type: ignore[call-overload]
            http if http is None else int(http),  # type: ignore[call-overload]
        )  # fmt: skip

    def get(self, key: TalkKey) -> Row | None:
        cur = self._db.execute(f"SELECT {self._COLUMNS} FROM talks WHERE key = ?", (str(key),))
        return self._row(cur.fetchone())

    def rows(self) -> list[Row]:
        cur = self._db.execute(f"SELECT {self._COLUMNS} FROM talks ORDER BY key")
        return [r for r in map(self._row, cur.fetchall()) if r is not None]

    # -- which URLs led to which talk --------------------------------------------------------------------
    def add_source(self, key: TalkKey, url: str) -> bool:
        """Record that ``url`` leads to ``key``; whether that was news."""
        cur = self._db.execute(
            "INSERT OR IGNORE INTO sources (url, key, seen) VALUES (?, ?, ?)", (url, str(key), time.time())
        )
        return cur.rowcount > 0

    def keys_for_source(self, url: str) -> list[TalkKey]:
        """The talks this URL led to last time (a provisional ``url:`` key only when nothing better); a
        paper leads to the talks of the talk page a listing linked it to."""
        cur = self._db.execute(
            """SELECT key FROM sources WHERE url = ? UNION SELECT key FROM talks WHERE source_url = ?
               UNION SELECT s.key FROM papers p JOIN sources s ON s.url = p.talk_url WHERE p.paper = ?""",
            (url, url, url),
        )  # talks.source_url: manifests written before the sources table
        keys = sorted({TalkKey.parse(k) for (k,) in cur.fetchall()})
        real = [k for k in keys if not k.provisional]
        return real or keys

    def sources_of(self, key: TalkKey) -> tuple[str, ...]:
        cur = self._db.execute("SELECT url FROM sources WHERE key = ? ORDER BY seen, url", (str(key),))
        return tuple(url for (url,) in cur.fetchall())

    def sources(self) -> dict[TalkKey, tuple[str, ...]]:
        found: dict[TalkKey, list[str]] = defaultdict(list)
        for url, key in self._db.execute("SELECT url, key FROM sources ORDER BY seen, url"):
            found[TalkKey.parse(key)].append(url)
        return {k: tuple(v) for k, v in found.items()}

    # -- reading lists: which papers asked for which talk pages ------------------------------------------
    def record_papers(self, links: Sequence[PaperLink], collection: Collection | None) -> None:
        """What each paper led to (the latest run's answer), and a reading list's papers in its order."""
        now = time.time()
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR REPLACE INTO papers VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(p.name, p.title, p.talk_url, p.method, p.score, p.reason, p.note, now) for p in links],
            )
            if collection is not None:
                self._db.execute(
                    "INSERT INTO collections VALUES (?, ?, ?) ON CONFLICT(url) DO UPDATE SET title = excluded.title",
                    (collection.url, collection.title, now),
                )
                self._db.execute("DELETE FROM collection_papers WHERE collection = ?", (collection.url,))
                self._db.executemany(
                    "INSERT INTO collection_papers VALUES (?, ?, ?)",
                    [(collection.url, n, p.name) for n, p in enumerate(links)],
                )

    def papers(self) -> dict[str, PaperLink]:
        """Every paper recorded, by its name (its URL, or ``title:...``)."""
        rows = self._db.execute("SELECT paper, title, talk_url, method, score, reason, note FROM papers")
        return {
            name: PaperLink(None if name.startswith("title:") else name, title, talk, method, score, reason, note)
            for name, title, talk, method, score, reason, note in rows
        }

    def collections(self) -> list[tuple[Collection, tuple[str, ...]]]:
        """Each reading list (in the order first seen) and the names of its papers, in its order."""
        found = []
        for url, title in self._db.execute("SELECT url, title FROM collections ORDER BY seen, url").fetchall():
            names = self._db.execute(
                "SELECT paper FROM collection_papers WHERE collection = ? ORDER BY position", (url,)
            )
            found.append((Collection(url, title), tuple(name for (name,) in names)))
        return found

    # -- the life of a talk ------------------------------------------------------------------------------
    def claim(self, key: TalkKey, source_url: str, base_name: str) -> str:
        """Record a resolved talk and the folder it owns: its title, or ``title [key]`` when taken.

        Claims persist, so a talk keeps its folder across runs whatever order talks finish in.
        """
        existing = self.get(key)
        if existing is not None and existing.folder:
            folder = existing.folder
        else:
            taken = self._db.execute(
                "SELECT 1 FROM talks WHERE folder = ? COLLATE NOCASE AND key != ?", (base_name, str(key))
            ).fetchone()
            folder = with_suffix(base_name, str(key)) if taken or base_name.startswith(".") else base_name
        provisional = str(TalkKey.for_url(source_url))
        self._db.execute("DELETE FROM talks WHERE key = ?", (provisional,))
        self._db.execute("DELETE FROM sources WHERE key = ?", (provisional,))
        self._db.execute(
            """INSERT INTO talks (key, source_url, status, stage, folder, updated_at)
               VALUES (?, ?, 'pending', 'resolved', ?, ?)
               ON CONFLICT(key) DO UPDATE SET folder = excluded.folder, status = 'pending',
                   stage = CASE WHEN stage = 'new' THEN 'resolved' ELSE stage END,
                   updated_at = excluded.updated_at""",
            (str(key), source_url, folder, time.time()),
        )
        self.add_source(key, source_url)
        return folder

    def set_stage(self, key: TalkKey, stage: str) -> None:
        assert stage in STAGES, stage
        self._db.execute("UPDATE talks SET stage = ?, updated_at = ? WHERE key = ?", (stage, time.time(), str(key)))

    def finish(self, key: TalkKey, source_url: str, entry: TalkEntry, video_size: int | None) -> None:
        self._db.execute(
            """INSERT INTO talks (key, source_url, status, stage, attempts, entry, video_size, updated_at)
               VALUES (?, ?, 'done', 'done', 1, ?, ?, ?)
               ON CONFLICT(key) DO UPDATE SET status = 'done', stage = 'done', last_error = NULL,
                   error_kind = NULL, http_status = NULL, attempts = attempts + 1, entry = excluded.entry,
                   video_size = excluded.video_size, updated_at = excluded.updated_at""",
            (str(key), source_url, json.dumps(entry.to_json()), video_size, time.time()),
        )
        self.add_source(key, source_url)

    def update_entry(self, key: TalkKey, entry: TalkEntry, video_size: int | None = None) -> None:
        """What is known of a done talk grew (its slide text, a transcript): the row keeps its status.
        ``video_size``: the MP4 was remuxed (new chapter titles, a subtitle track) and has this size now."""
        self._db.execute(
            "UPDATE talks SET entry = ?, video_size = COALESCE(?, video_size), updated_at = ? WHERE key = ?",
            (json.dumps(entry.to_json()), video_size, time.time(), str(key)),
        )

    # -- speech to text ----------------------------------------------------------------------------------
    _TRANSCRIPT_COLUMNS = "key, state, model, language, vtt, vtt_size, cues, speech_s, note, error"

    def transcript(self, key: TalkKey) -> TranscriptRow | None:
        cur = self._db.execute(f"SELECT {self._TRANSCRIPT_COLUMNS} FROM transcripts WHERE key = ?", (str(key),))
        values = cur.fetchone()
        return None if values is None else TranscriptRow(TalkKey.parse(values[0]), *values[1:])

    def transcripts(self) -> list[TranscriptRow]:
        cur = self._db.execute(f"SELECT {self._TRANSCRIPT_COLUMNS} FROM transcripts ORDER BY key")
        return [TranscriptRow(TalkKey.parse(v[0]), *v[1:]) for v in cur.fetchall()]

    def record_transcript(
        self, row: TranscriptRow, entry: TalkEntry | None = None, video_size: int | None = None
    ) -> None:
        """Record a finished transcription and, in the same transaction, the talk's entry and MP4 size
        that it changed (the MP4 got a subtitle track): a kill leaves both or neither."""
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute(
                "INSERT OR REPLACE INTO transcripts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (str(row.key), row.state, row.model, row.language, row.vtt, row.vtt_size, row.cues, row.speech_s,
                 row.note, row.error, time.time()),
            )  # fmt: skip
            if entry is not None:
                self.update_entry(row.key, entry, video_size)

    def fail(self, key: TalkKey, source_url: str, failure: Failure, entry: TalkEntry | None) -> None:
        """Record a failure, unless the talk is done: a finished talk is never recorded as failed."""
        self._db.execute(
            """INSERT INTO talks (key, source_url, status, attempts, last_error, error_kind, http_status, entry,
                                  updated_at)
               VALUES (?, ?, 'failed', 1, ?, ?, ?, ?, ?)
               ON CONFLICT(key) DO UPDATE SET status = 'failed', last_error = excluded.last_error,
                   error_kind = excluded.error_kind, http_status = excluded.http_status,
                   attempts = attempts + 1, entry = COALESCE(excluded.entry, entry),
                   updated_at = excluded.updated_at
               WHERE status != 'done'""",
            (
                str(key), source_url, failure.message, failure.kind.value, failure.status,
                json.dumps(entry.to_json()) if entry else None, time.time(),
            ),
        )  # fmt: skip
        self.add_source(key, source_url)


def rebuild_rows(store: Manifest, layout: Layout) -> int:
    """Recreate the rows of finished talks from their ``talk.json`` files (the database was lost).

    Only talks whose video is on disk count as done; anything else is simply archived again.
    """
    count = 0
    for talk_json in sorted(layout.root.glob("*/talk.json")):
        try:
            entry = TalkEntry.from_json(json.loads(talk_json.read_text(encoding="utf-8")))
            size = (layout.root / str(entry.video)).stat().st_size if entry.video else None
        except (OSError, ValueError):
            continue
        if entry.status != Status.DONE.value or size is None:
            continue
        store.claim(entry.key, entry.source_url, talk_json.parent.name)
        store.finish(entry.key, entry.source_url, entry, size)
        for url in entry.source_urls:
            store.add_source(entry.key, url)
        count += 1
    return count
