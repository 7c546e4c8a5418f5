"""Full-text search over an archive: titles, authors, abstracts, what was on the slides and what was said.

SQLite's FTS5 does the indexing and the ranking (bm25); this module only decides what a passage is:

- a talk's title, authors, conference, abstract and the titles of the reading lists it is in (found
  "in the talk", at 0:00);
- each slide's text and heading (found "on slide 7 at 12:31", the slide's start);
- what was said, read from the subtitles with ``webvtt-py`` (found "said at 14:02", the start of the
  first cue that matched): cues are kept in windows of about 30 s, because one passage per cue made
  a common word's ranking slow on a big archive (measured: 490,000 passages for 1,000 talks, 260 ms
  a query); each window remembers where its cues start, so a hit still says which cue.

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

from ..core.entry import TalkEntry
from ..core.errors import UsageError
from ..core.layout import Layout

SCHEMA_VERSION = 2  # derived data: an index of another version is dropped and rebuilt
WINDOW_S = 30.0
_SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS passages USING fts5(
    text, heading, key UNINDEXED, kind UNINDEXED, slide UNINDEXED, start_s UNINDEXED, cues UNINDEXED,
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
    cues: tuple[tuple[int, float], ...] = ()  # what was said: (offset in text, start) of each cue

    def start_at(self, offset: int) -> float:
        """The start of the cue holding character ``offset`` of the text (the passage's start otherwise)."""
        start = self.start_s
        for at, cue_start in self.cues:
            if at > offset:
                break
            start = cue_start
        return start


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
    import webvtt  # only when a talk has subtitles to index

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
    about = " ".join(
        filter(None, [entry.title, ", ".join(entry.authors), entry.conference, entry.abstract, *entry.collections])
    )  # the reading lists it is in: "ICLR 2020 highlights" finds their talks
    found = [Passage(key, "talk", about, heading=entry.title)]
    for slide in entry.slides:
        if slide.text or slide.title:
            found.append(Passage(key, "slide", slide.text or "", slide.start_s, slide.index, slide.title))
    for subtitle in entry.subtitles:
        found += said(key, cues(root / subtitle.path))
    return found


def said(key: str, spoken: Iterable[tuple[float, str]], window_s: float = WINDOW_S) -> list[Passage]:
    """Consecutive cues in windows of ``window_s``, each cue's offset and start kept."""
    windows: list[Passage] = []
    texts: list[str] = []
    offsets: list[tuple[int, float]] = []
    length = 0
    for start, text in spoken:
        if offsets and start - offsets[0][1] >= window_s:
            windows.append(Passage(key, "said", " ".join(texts), offsets[0][1], cues=tuple(offsets)))
            texts, offsets, length = [], [], 0
        offsets.append((length, start))
        texts.append(text)
        length += len(text) + 1
    if offsets:
        windows.append(Passage(key, "said", " ".join(texts), offsets[0][1], cues=tuple(offsets)))
    return windows


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
        if self._db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            self._db.executescript("DROP TABLE IF EXISTS passages; DROP TABLE IF EXISTS talks;")
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
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
        rows = [
            (p.text, p.heading, p.key, p.kind, p.slide, p.start_s, json.dumps(p.cues) if p.cues else None)
            for p in passages(entry, self.layout.root)
        ]
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM passages WHERE key = ?", (key,))
            self._db.executemany("INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            self._db.execute(
                "INSERT OR REPLACE INTO talks VALUES (?, ?, ?, ?, ?)",
                (key, entry.title, entry.video, entry.conference, digest),
            )
        return True

    def passages(self) -> Iterator[Passage]:
        """Every indexed passage, talk by talk: what the offline player's search data is made of."""
        rows = self._db.execute(
            "SELECT key, kind, text, start_s, slide, heading, cues FROM passages ORDER BY key, rowid"
        )
        for key, kind, text, start, slide, heading, cue_json in rows:
            cues = tuple((int(a), float(b)) for a, b in json.loads(cue_json)) if cue_json else ()
            yield Passage(key, kind, text, float(start or 0.0), slide, heading, cues)

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
        """The best passages for ``query``, best first; raises UsageError for a malformed query.

        Ranked first (bm25, the heading weighing twice the text), then only the shown hits get their
        snippet and, for what was said, the cue of their first match."""
        rank = "SELECT rowid, bm25(passages, 1.0, 2.0) FROM passages WHERE passages MATCH ? ORDER BY 2 LIMIT ?"
        details = f"""
            SELECT p.key, t.title, p.kind, p.start_s, p.slide, t.video, p.cues,
                   snippet(passages, -1, '{MARK[0]}', '{MARK[1]}', '…', 12), highlight(passages, 0, char(1), '')
            FROM passages p JOIN talks t ON t.key = p.key WHERE passages MATCH ? AND p.rowid = ?"""
        try:
            ranked = self._db.execute(rank, (query, limit)).fetchall()
            rows = [(self._db.execute(details, (query, rowid)).fetchone(), score) for rowid, score in ranked]
        except sqlite3.OperationalError as exc:
            raise UsageError(
                f'not a valid search: {query!r} ({exc}); use words, "a phrase", prefix* and AND/OR/NOT'
            ) from exc
        hits = []
        for row, score in rows:
            if row is None:
                continue
            key, title, kind, start, slide, video, cue_json, snip, marked = row
            start = float(start or 0.0)
            if cue_json and isinstance(marked, str) and "\x01" in marked:
                cues = tuple((int(a), float(b)) for a, b in json.loads(cue_json))
                start = Passage(key, kind, "", start, cues=cues).start_at(marked.index("\x01"))
            hits.append(
                Hit(str(key), str(title), str(kind), start, int(slide) if slide is not None else None,
                    " ".join(str(snip).split()), video, float(score))  # one line, whatever the slide's lines
            )  # fmt: skip
        return hits
