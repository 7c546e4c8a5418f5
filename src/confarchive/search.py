"""Full-text search over an archive: titles, authors, abstracts, what was on the slides and what was said.

SQLite's FTS5 does the indexing and the ranking (bm25); this module only decides what a passage is:

- a talk's title, authors, conference and abstract (found "in the talk", at 0:00);
- each slide's text and heading (found "on slide 7 at 12:31", the slide's start);
- each subtitle cue (found "said at 14:02", the cue's start), read with ``webvtt-py``.

The index lives in ``.confarchive/search.sqlite`` beside the manifest. It is derived data: updated for
a talk when it finishes (a digest of what was indexed skips talks that did not change) and rebuilt
whole by ``confarchive index``. Queries are FTS5's own syntax: words, ``"a phrase"``, ``prefix*``,
``AND``/``OR``/``NOT``; the porter stemmer lets "transformers" find "transformer".
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import webvtt

from .archive import Layout
from .entry import TalkEntry
from .errors import UsageError

_SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS passages USING fts5(
    text, heading, key UNINDEXED, kind UNINDEXED, slide UNINDEXED, start_s UNINDEXED,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS talks (
    key TEXT PRIMARY KEY, title TEXT NOT NULL, video TEXT, conference TEXT, digest TEXT NOT NULL
);
"""
MARK = ("[", "]")  # how a match is shown in a snippet on a terminal


@dataclass(frozen=True)
class Passage:
    """One searchable piece of a talk and where in the talk it is."""

    key: str
    kind: str  # "talk", "slide" or "said"
    text: str
    start_s: float = 0.0
    slide: int | None = None
    heading: str | None = None


@dataclass(frozen=True)
class Hit:
    key: str
    title: str
    kind: str
    start_s: float
    slide: int | None
    snippet: str
    video: str | None
    score: float

    @property
    def where(self) -> str:
        """``slide 7 at 12:31``, ``said at 14:02`` or ``title, authors, abstract``."""
        if self.kind == "slide":
            return f"slide {self.slide} at {clock(self.start_s)}"
        if self.kind == "said":
            return f"said at {clock(self.start_s)}"
        return "title, authors, abstract"

    def to_json(self) -> dict[str, object]:
        return {
            "key": self.key, "title": self.title, "where": self.kind, "slide": self.slide,
            "start_s": self.start_s, "snippet": self.snippet, "video": self.video,
        }  # fmt: skip


def clock(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def cues(path: Path) -> Iterator[tuple[float, str]]:
    """(start in seconds, text) of each cue of a WebVTT file; nothing when it cannot be read."""
    try:
        captions = webvtt.read(str(path))
    except (OSError, ValueError, webvtt.errors.MalformedFileError, webvtt.errors.MalformedCaptionError):
        return
    for caption in captions:
        text = " ".join(caption.text.split())
        if text:
            yield caption.start_time.in_milliseconds() / 1000, text


def passages(entry: TalkEntry, root: Path) -> list[Passage]:
    """Everything searchable of a talk; subtitle files are read from the archive ``root``."""
    key = str(entry.key)
    about = " ".join(filter(None, [entry.title, ", ".join(entry.authors), entry.conference, entry.abstract]))
    found = [Passage(key, "talk", about, heading=entry.title)]
    for slide in entry.slides:
        if slide.text or slide.title:
            found.append(Passage(key, "slide", slide.text or "", slide.start_s, slide.index, slide.title))
    for subtitle in entry.subtitles:
        found += [Passage(key, "said", text, start) for start, text in cues(root / subtitle.path)]
    return found


def _digest(entry: TalkEntry, root: Path) -> str:
    """What the passages depend on: the entry, and each subtitle file's size and time."""
    parts = [json.dumps(entry.to_json(), sort_keys=True)]
    for subtitle in entry.subtitles:
        try:
            stat = (root / subtitle.path).stat()
            parts.append(f"{subtitle.path}:{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            parts.append(f"{subtitle.path}:missing")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class SearchIndex:
    """The archive's search index; one writer (the coordinator, or the ``index`` command)."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        layout.internal.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(layout.internal / "search.sqlite", isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def update(self, entry: TalkEntry) -> bool:
        """Index a done talk (again only if it changed); returns whether anything was written."""
        key, digest = str(entry.key), _digest(entry, self.layout.root)
        row = self._db.execute("SELECT digest FROM talks WHERE key = ?", (key,)).fetchone()
        if row is not None and row[0] == digest:
            return False
        rows = [(p.text, p.heading, p.key, p.kind, p.slide, p.start_s) for p in passages(entry, self.layout.root)]
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM passages WHERE key = ?", (key,))
            self._db.executemany("INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?)", rows)
            self._db.execute(
                "INSERT OR REPLACE INTO talks VALUES (?, ?, ?, ?, ?)",
                (key, entry.title, entry.video, entry.conference, digest),
            )
        return True

    def rebuild(self, entries: Iterable[TalkEntry]) -> int:
        """Exactly the given talks: the others are dropped, changed ones indexed again."""
        keep = {str(e.key): e for e in entries}
        gone = [k for (k,) in self._db.execute("SELECT key FROM talks") if k not in keep]
        with self._db:
            self._db.execute("BEGIN")
            for key in gone:
                self._db.execute("DELETE FROM passages WHERE key = ?", (key,))
                self._db.execute("DELETE FROM talks WHERE key = ?", (key,))
        return sum(self.update(e) for e in keep.values())

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """The best passages for ``query``, best first; raises UsageError for a malformed query."""
        sql = f"""
            SELECT p.key, t.title, p.kind, p.start_s, p.slide,
                   snippet(passages, -1, '{MARK[0]}', '{MARK[1]}', '…', 12), t.video, bm25(passages, 1.0, 2.0)
            FROM passages p JOIN talks t ON t.key = p.key
            WHERE passages MATCH ? ORDER BY bm25(passages, 1.0, 2.0) LIMIT ?"""
        try:
            rows = self._db.execute(sql, (query, limit)).fetchall()
        except sqlite3.OperationalError as exc:
            raise UsageError(
                f'not a valid search: {query!r} ({exc}); use words, "a phrase", prefix* and AND/OR/NOT'
            ) from exc
        return [
            Hit(str(k), str(title), str(kind), float(start or 0.0), int(slide) if slide is not None else None,
                str(snip), video, float(score))
            for k, title, kind, start, slide, snip, video, score in rows
        ]  # fmt: skip
