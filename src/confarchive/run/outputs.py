"""The archive's derived files kept in step with the manifest during a run: ``index.json``, the
``talk.json`` of done talks, and the player's search data.

The coordinator owns the one instance of a run (one writer, no locks). It says what happened (a talk
done, a URL or a reading list that leads to a done talk, an entry grown by OCR or a transcript); this
decides what must be written and when, so that a run of thousands of talks never spends its time
rewriting files that list every talk.
"""

from __future__ import annotations

import time

from ..archive.catalog import Catalog
from ..archive.index import dumps, write_index
from ..archive.manifest import Manifest, Row
from ..core.entry import TalkEntry
from ..core.layout import Layout, write_if_changed
from ..core.model import TalkKey
from ..core.outcome import Status
from ..text.search import SearchIndex

# The index lists every talk, so writing it costs O(talks) (measured: 10 ms for 200 talks): written
# after every talk, a run of thousands would be quadratic. It is written after a talk finishes unless
# the last write was less than this many times its own duration ago, so it never takes more than ~1 %
# of the coordinator's time; it is always written at the end, interrupted or not. At 5 % (20) it was a
# third of the Python CPU of a 50-talk run once the rest was lean (issue 23: 17 ms a write of 50 talks).
INDEX_BUDGET = 100


def is_finished(layout: Layout, row: Row | None) -> bool:
    """Done in the manifest and the video on disk with its recorded size: no request, no probing."""
    if row is None or row.status != Status.DONE.value or row.entry is None or not row.video_size:
        return False
    try:
        return row.entry.video is not None and (layout.root / row.entry.video).stat().st_size == row.video_size
    except OSError:
        return False


class Outputs:
    """What a run has changed, and the writes that follow from it."""

    def __init__(self, layout: Layout, search: SearchIndex) -> None:
        self.layout = layout
        self.search = search
        self.changed = False  # some talk was done, failed, read or transcribed: the search data too
        self._sources_changed: set[TalkKey] = set()  # done talks whose talk.json must list a new URL
        self._papers_seen = False  # a reading list (or a paper) was read: talk.json and search learn it
        self._written_at = 0.0
        self._cost = 0.0

    def source_added(self, key: TalkKey) -> None:
        """One more URL leads to ``key``: its talk.json lists it at the end of the run."""
        self._sources_changed.add(key)

    def papers_read(self) -> None:
        """A reading list was read: done talks learn the papers and collections they are in."""
        self._papers_seen = True

    def talk_changed(self, entry: TalkEntry) -> None:
        """A talk done, or its entry grown (slide text, transcript): searchable at once."""
        self.search.update(entry)
        self.changed = True

    def talk_failed(self) -> None:
        self.changed = True

    def after_a_talk(self, store: Manifest) -> None:
        """The index, unless it was written too recently for its cost (INDEX_BUDGET)."""
        started = time.monotonic()
        if started - self._written_at >= INDEX_BUDGET * self._cost:
            write_index(self.layout, Catalog.read(store))
            self._written_at, self._cost = started, time.monotonic() - started

    def close(self, store: Manifest, transcribed: bool = False) -> None:
        """At the end of a run, interrupted or not: talk.json files that must list more, then the index;
        the player's search data (O(archive)) only when some talk changed (``transcribed``: a transcript
        was added to the search data by the transcription stage)."""
        self._refresh_talk_files(store)
        changed = self.changed or transcribed or bool(self._sources_changed) or self._papers_seen
        write_index(self.layout, Catalog.read(store), self.search if changed else None)

    def _refresh_talk_files(self, store: Manifest) -> None:
        """``talk.json`` of a done talk lists every URL and paper that led to it, like the index; the
        search index learns the reading lists a done talk is in."""
        if not self._sources_changed and not self._papers_seen:
            return
        catalog = Catalog.read(store)
        changed = set(self._sources_changed) | (set(catalog.papers_of) if self._papers_seen else set())
        for row in catalog.rows:
            if row.key in changed and row.folder and is_finished(self.layout, row):
                entry = catalog.entry(row)
                write_if_changed(self.layout, self.layout.talk_dir(row.folder) / "talk.json", dumps(entry.to_json()))
                if self._papers_seen:
                    self.search.update(entry)
