"""The coordinator: streams URLs through expand, resolve, fetch and merge (docs/architecture.md).

Only this loop writes the manifest and the index (one writer, no locks). What it guarantees:

- A finished talk is skipped before any request: by its key when the URL tells it, else by the
  talks its URL led to last time.
- One presentation, one talk: a key is worked on by one worker at a time, a key seen again in the
  same run (a poster page and its ``slideslive.com/{id}`` URL, the same page with ``?utm=1``) is not
  fetched again, and every URL that led to it is recorded.
- A listing met on the way (a ``papers.html``, a page of talk links) feeds its URLs back in.
- Budgets: ``jobs`` pages/talks resolving and ``fetch_slots`` talks downloading at once; merges
  bounded by ``merge_slots`` with at most as many again waiting, so downloads never run far ahead
  of what the cores can merge.
- Ctrl-C sets the cancel flag (workers stop between chunks, leaving resumable ``.part`` files) and
  the manifest stays consistent; a full disk stops the run with finished work kept.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field

from ..archive.manifest import Manifest, rebuild_rows
from ..archive.naming import safe_name
from ..core.entry import TalkEntry
from ..core.errors import ErrorKind, is_disk_full
from ..core.layout import Layout
from ..core.model import Expansion, Talk, TalkKey, TalkRef
from ..core.outcome import DISK_FULL, Status, TalkResult
from ..core.settings import TranscribeSettings
from ..text.search import SearchIndex
from .executors import QueuedEvents, Stages
from .ocrstage import needs_ocr
from .outputs import Outputs, is_finished
from .progress import Reporter
from .selection import Selection
from .stages import Fetched
from .transcribestage import Tally, Transcriptions


@dataclass
class Summary:
    done: int = 0
    skipped: int = 0
    failed: list[tuple[str, str, ErrorKind]] = field(default_factory=list)
    interrupted: bool = False
    halted: str | None = None  # why the run stopped early (a full disk, --strict)
    unmatched: int = 0  # papers of reading lists that no listing has a talk for (reported, not failures)
    transcripts: Tally = field(default_factory=Tally)  # speech to text, reported apart from the talks

    @property
    def ok(self) -> bool:
        return not self.failed and not self.interrupted and self.halted is None


class Pipeline:
    def __init__(
        self, layout: Layout, stages: Stages, events: QueuedEvents, reporter: Reporter, log: logging.Logger,
        selection: Selection | None = None, jobs: int = 2, strict: bool = False, ocr: bool = False,
        transcribe: TranscribeSettings | None = None,
    ) -> None:  # fmt: skip
        self.layout = layout
        self.stages = stages
        self.events = events
        self.reporter = reporter
        self.log = log
        self.selection = selection or Selection()
        self.jobs = max(1, jobs)
        self.strict = strict
        self.ocr = ocr  # read the slides of every done talk (and of finished ones not read yet)
        self.summary = Summary()
        self._inputs: deque[TalkRef] = deque()
        self._urls: set[str] = set()  # input URLs taken this run
        self._keys: dict[TalkKey, str] = {}  # talks taken this run -> the first URL that led to them
        self._waiting: deque[TalkRef] = deque()  # expanded, to be resolved
        self._ready: deque[tuple[Talk, str]] = deque()  # resolved and claimed, to be fetched
        self._expanding: dict[Future[object], TalkRef] = {}
        self._resolving: dict[Future[object], TalkRef] = {}
        self._fetching: dict[Future[object], Talk] = {}
        self._merging: dict[Future[object], Talk] = {}
        self._reading: dict[Future[object], TalkKey] = {}  # slide text of done talks
        self._selected = 0
        self._titles: dict[TalkKey, str] = {}
        # speech to text of done talks (--transcribe), after their slides are read when both are asked for
        self.stt = Transcriptions(transcribe, stages.transcribe, log) if transcribe is not None else None
        if self.stt is not None:
            self.summary.transcripts = self.stt.tally

    # -- the run ---------------------------------------------------------------------------------------
    def run(self, refs: Iterable[TalkRef]) -> Summary:
        self._inputs.extend(refs)
        fresh = not self.layout.manifest.exists()
        with Manifest(self.layout.manifest) as store, SearchIndex(self.layout) as search:
            self._out = Outputs(self.layout, search)
            if fresh:
                rebuild_rows(store, self.layout)  # a lost database: talk.json files say what is done
            if self.stt is not None:
                self.stt.check_model()  # before any talk: a missing model is said once, the run goes on
            try:
                self._loop(store)
            except Exception as exc:  # the coordinator's own writes (manifest, index) on a full disk
                if not is_disk_full(exc):
                    raise
                self._halt(DISK_FULL)
            except KeyboardInterrupt:
                self.summary.interrupted = True
                self.stages.cancel()  # workers stop between chunks; .part files stay resumable
                self.log.warning("interrupted: stopping the running downloads (Ctrl-C again to quit at once)")
                raise
            finally:
                try:
                    self.stages.close()  # waits for the workers to stop
                except KeyboardInterrupt:
                    os._exit(130)
                try:
                    self._drain(store)  # the workers' last stage events, then the index
                    self._out.close(store, transcribed=self.stt is not None and self.stt.changed)
                except Exception as exc:  # OSError, or SQLite's "database or disk is full"
                    if not is_disk_full(exc):
                        raise
                    self._halt(DISK_FULL)
        return self.summary

    def _loop(self, store: Manifest) -> None:
        while True:
            self._admit(store)
            if not self._busy():
                break  # admission took everything it could: nothing left, or --limit reached
            held = [f for f in self._expanding if not f.done()]  # done ones wait for those before them
            futures = [*held, *self._resolving, *self._fetching, *self._merging, *self._reading, *self._stt_running]
            done, _ = wait(futures, timeout=0.5, return_when=FIRST_COMPLETED) if futures else (set(), set())
            self._drain(store)
            self._expansions_in_order(store)
            for future in done:
                self._completed(future, store)
        self._drain(store)

    def _limit_reached(self) -> bool:
        return self.selection.full(self._selected)

    def _busy(self) -> bool:
        return bool(
            self._expanding or self._resolving or self._fetching or self._merging or self._ready or self._reading
        ) or bool(self._stt_running)

    @property
    def _stt_running(self) -> dict[Future[object], TalkEntry]:
        return self.stt.running if self.stt is not None else {}  # type: ignore[return-value]

    # -- admission -------------------------------------------------------------------------------------
    def _room(self) -> int:
        """How many more talks may still be taken under ``--limit`` (counting those on their way)."""
        if self.selection.limit is None:
            return 1 << 30
        return self.selection.limit - self._selected - len(self._resolving) - len(self._waiting)

    def _admit(self, store: Manifest) -> None:
        if self.summary.halted:
            return
        while self._ready and len(self._fetching) < self.stages.fetch_slots:
            if len(self._merging) > 2 * self.stages.merge_slots:
                break  # downloads must not run far ahead of the merges
            talk, folder = self._ready.popleft()
            self._fetching[self.stages.fetch(talk, folder)] = talk
        while self._waiting and len(self._resolving) < self.jobs and len(self._ready) < self.jobs:
            ref = self._waiting.popleft()
            if self._room() <= 0:
                continue
            self._resolving[self.stages.resolve(ref)] = ref
        while self._inputs and len(self._expanding) + len(self._resolving) < self.jobs and not self._waiting:
            if self._room() <= len(self._expanding):
                break
            self._take_input(self._inputs.popleft(), store)

    def _take_input(self, ref: TalkRef, store: Manifest) -> None:
        if ref.url in self._urls or self.selection.excluded_before_resolving(ref):
            return
        self._urls.add(ref.url)
        if ref.key is not None and ref.key in self._keys:
            self._also(ref.key, ref.url, store)  # the same talk again: not fetched twice
            return
        keys = [ref.key] if ref.key is not None else store.keys_for_source(ref.url)
        rows = [store.get(k) for k in keys]
        if keys and all(is_finished(self.layout, r) for r in rows):
            titles = [r.entry.title if r and r.entry else None for r in rows]
            if any(self.selection.matches(ref.url, t or ref.title) for t in titles):
                for key in keys:
                    self._skip(key, ref.url, store)
                return
        self.reporter.started(ref.url)
        self._expanding[self.stages.expand(ref)] = ref

    def _also(self, key: TalkKey, url: str, store: Manifest) -> None:
        """One more URL that leads to a talk taken this run: recorded, never fetched again."""
        if store.add_source(key, url):
            self._out.source_added(key)
        self.log.debug("%s leads to %s, already taken from %s", url, key, self._keys[key])

    def _skip(self, key: TalkKey, url: str, store: Manifest) -> None:
        if key in self._keys:
            self._also(key, url, store)
            return
        if store.add_source(key, url):
            self._out.source_added(key)
        self._keys[key] = url
        self._selected += 1
        self.summary.skipped += 1
        self.reporter.skipped(url)
        row = store.get(key)
        if row is not None and row.entry is not None:
            self._after_done(row.entry, store)  # archived before --ocr/--transcribe, or cut short meanwhile

    def _take_talk(self, ref: TalkRef, store: Manifest) -> None:
        """An expanded talk: resolved unless it is done, or already taken this run."""
        assert ref.key is not None
        if ref.key in self._keys:
            self._also(ref.key, ref.url, store)
            return
        row = store.get(ref.key)
        if is_finished(self.layout, row) and self.selection.matches(ref.url, row.entry.title if row.entry else None):
            self._skip(ref.key, ref.url, store)
            return
        if self.selection.excluded_before_resolving(ref):
            return
        self._keys[ref.key] = ref.url
        self._waiting.append(ref)

    # -- completions -----------------------------------------------------------------------------------
    def _expansions_in_order(self, store: Manifest) -> None:
        """Finished expansions, taken in input order whatever order they finish in: the first URL that
        leads to a talk is its source (a poster page listed before its slideslive.com URL names it)."""
        while self._expanding and (first := next(iter(self._expanding))).done():
            self._expanding.pop(first)
            outcome = first.result()
            if isinstance(outcome, Expansion):
                self._expanded(outcome, store)
            else:
                self._finished(outcome, store)  # type: ignore[arg-type]

    def _completed(self, future: Future[object], store: Manifest) -> None:
        if self.stt is not None and future in self.stt.running:
            self.reporter.settled(self.stt.running[future].title)  # type: ignore[index]
            self.stt.completed(future, store, self._out.search)  # type: ignore[arg-type]
            self._out.after_a_talk(store)
            return
        if future in self._reading:
            self._reading.pop(future)
            self._slides_read(future.result(), store)  # type: ignore[arg-type]
            return
        table = next((t for t in (self._resolving, self._fetching, self._merging) if future in t), None)
        if table is None:
            return  # an expansion: taken in its turn
        table.pop(future)  # type: ignore[arg-type]
        outcome = future.result()
        if isinstance(outcome, Talk):
            self._resolved(outcome, store)
        elif isinstance(outcome, Fetched):
            store.set_stage(outcome.talk.key, "media")  # verified on disk by the worker
            self._merging[self.stages.merge(outcome)] = outcome.talk
        elif isinstance(outcome, TalkResult):
            self._finished(outcome, store)

    def _expanded(self, expansion: Expansion, store: Manifest) -> None:
        if expansion.papers:
            store.record_papers(expansion.papers, expansion.collection)
            self._out.papers_read()
            self.summary.unmatched += sum(1 for p in expansion.papers if p.method == "none")
        more = len(expansion.talks) + len(expansion.listed) - 1
        if more > 0:
            self.reporter.grow(more)
        for ref in expansion.talks:
            self._take_talk(ref, store)
        self._inputs.extendleft(reversed(expansion.listed))  # a listing's talks come next, in its order

    def _resolved(self, talk: Talk, store: Manifest) -> None:
        if not self.selection.matches(talk.source_url, talk.title) or self._limit_reached():
            self.log.debug("not selected: %s (%s)", talk.title, talk.source_url)
            return
        self._selected += 1
        folder = store.claim(talk.key, talk.source_url, safe_name(talk.title))
        self._titles[talk.key] = talk.title
        self.reporter.stage(talk.title, "resolved")
        self._ready.append((talk, folder))

    def _after_done(self, entry: TalkEntry, store: Manifest) -> None:
        """A done talk's extras: its slides read (--ocr), then what was said (--transcribe). One after the
        other, because each remuxes the MP4 and grows the entry the other would start from."""
        if self.ocr and needs_ocr(entry, self.layout):
            self._read(entry)
        else:
            self._transcribe(entry, store)

    def _transcribe(self, entry: TalkEntry, store: Manifest) -> None:
        if self.stt is not None and self.stt.offer(entry, store, self.layout):
            self.reporter.stage(entry.title, "transcribe")

    def _read(self, entry: TalkEntry) -> None:
        """Read a done talk's slides in the CPU pool; its MP4 is already there."""
        self._reading[self.stages.read(entry)] = entry.key
        self.reporter.stage(entry.title, "ocr")

    def _slides_read(self, result: TalkResult, store: Manifest) -> None:
        if result.entry is not None and result.failure is None:
            video = self.layout.root / result.entry.video if result.entry.video else None
            size = video.stat().st_size if video is not None and video.is_file() else None  # retitled: a new size
            store.update_entry(result.key, result.entry, size)
            self._out.talk_changed(result.entry.with_sources(store.sources_of(result.key)))
        if result.entry is not None:
            self._transcribe(result.entry, store)  # read or not, the slides are done with: its turn now

    def _drain(self, store: Manifest) -> None:
        for key, stage in self.events.drain():
            store.set_stage(key, stage)
            self.reporter.stage(self._titles.get(key, str(key)), stage)

    def _halt(self, reason: str) -> None:
        """Stop taking talks and stop the running ones; what is finished stays finished."""
        if self.summary.halted is None:
            self.summary.halted = reason
            self.log.error("stopping: %s", reason)
        self._inputs.clear()
        self._waiting.clear()
        self._ready.clear()
        self.stages.cancel()

    def _finished(self, result: TalkResult, store: Manifest) -> None:
        self._drain(store)
        failure = result.failure
        if failure is not None and failure.kind == ErrorKind.HALTED:
            self._halt(failure.message)
        if result.status == Status.PENDING:  # interrupted: nothing to record, it resumes next time
            return
        if result.status == Status.DONE and result.entry is not None:
            video = result.entry.video
            size = (self.layout.root / video).stat().st_size if video else None
            store.finish(result.key, result.source_url, result.entry, size)
            self._out.talk_changed(result.entry)  # searchable as soon as it is done
            self.summary.done += 1
            self._after_done(result.entry, store)
        elif failure is not None:
            store.fail(result.key, result.source_url, failure, result.entry)
            self.summary.failed.append((result.source_url, failure.message, failure.kind))
            self._out.talk_failed()
            if self.strict:
                self._halt(f"stopped at the first failure (--strict): {result.source_url}")
        self._titles.pop(result.key, None)  # nothing of a finished talk stays in memory
        self._out.after_a_talk(store)
        self.reporter.finished(result)
