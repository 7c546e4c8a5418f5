"""The coordinator: streams talk references through resolve, fetch and merge.

Resolving and fetching (network) run in one pool of ``jobs`` workers; merging (ffmpeg, CPU) runs in
its own small pool, so a merge overlaps the next talks' downloads instead of stalling them. Only this
loop writes the manifest and the index (one writer, no locks). A finished talk is skipped before any
request: its row says done and its video has the recorded size on disk. Ctrl-C sets the cancel flag:
workers stop between chunks, leaving resumable ``.part`` files, and the manifest stays consistent.
"""

from __future__ import annotations

import os
import queue
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field

from .archive import Layout
from .errors import ConfarchiveError, ResolveError, is_disk_full
from .executors import Executors, LocalExecutors
from .index import page_entry, placeholder_entry, write_index
from .model import PageInfo, Status, Talk, TalkRef, TalkResult
from .naming import safe_name
from .progress import Reporter
from .resolvers import Resolver
from .selection import Selection
from .store import Manifest, Row, failed_key, rebuild_rows
from .talkwork import DISK_FULL, Fetched, StageCallback, WorkContext

# The index lists every talk, so writing it costs O(talks) (measured: 10 ms for 200 talks): written
# after every talk, a run of thousands would be quadratic. It is written after a talk finishes unless
# the last write was less than this many times its own duration ago, so it never takes more than ~5 %
# of the coordinator's time; it is always written at the end, interrupted or not.
INDEX_BUDGET = 20


@dataclass
class Summary:
    done: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    interrupted: bool = False
    halted: str | None = None  # why the run stopped early (a full disk, --strict)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.interrupted and self.halted is None


def is_finished(layout: Layout, row: Row | None) -> bool:
    """Done in the manifest and the video on disk with its recorded size: no request, no probing."""
    if row is None or row.status != Status.DONE.value or not row.entry or not row.video_size:
        return False
    video = row.entry.get("video")
    try:
        return isinstance(video, str) and (layout.root / video).stat().st_size == row.video_size
    except OSError:
        return False


def resolve_ref(ref: TalkRef, resolver: Resolver, ctx: WorkContext) -> Talk | TalkResult:
    """Resolve in a worker; an expected failure becomes a failed result with a one-line reason."""
    key = ref.key or failed_key(ref.url)
    entry = None
    try:
        return resolver.resolve(ref.url)
    except ResolveError as exc:
        error = exc.one_line()
        key = exc.key or key
        entry = page_entry(key, ref.url, exc.page) if isinstance(exc.page, PageInfo) else None
    except ConfarchiveError as exc:
        error = exc.one_line()
    except Exception as exc:
        ctx.log.exception("internal error while resolving %s", ref.url)
        error = f"internal error ({type(exc).__name__}: {exc}); please report this"
    if ctx.cancel.is_set():
        return TalkResult(ref.url, key, Status.PENDING, error="interrupted")
    return TalkResult(ref.url, key, Status.FAILED, error=error, entry=entry)


def _title(row: Row | None) -> str | None:
    title = (row.entry or {}).get("title") if row is not None else None
    return title if isinstance(title, str) else None


class Pipeline:
    def __init__(
        self, ctx: WorkContext, reporter: Reporter, selection: Selection | None = None,
        executors: Callable[[StageCallback], Executors] | None = None, strict: bool = False,
    ) -> None:  # fmt: skip
        self.ctx = ctx
        self.strict = strict
        self.reporter = reporter
        self.selection = selection or Selection()
        self.selected = 0
        self.layout = ctx.layout
        self._make_executors = executors or (lambda stage: LocalExecutors(ctx, stage, ctx.settings.jobs))
        self._events: queue.SimpleQueue[tuple[str, str]] = queue.SimpleQueue()
        self._titles: dict[str, str] = {}
        self._index_at = 0.0  # when the index was last written (time.monotonic)
        self._index_cost = 0.0  # and how long that took

    def run(self, refs: Iterable[TalkRef]) -> Summary:
        summary = Summary()
        fresh = not self.layout.manifest.exists()
        executors = self._make_executors(self._stage)
        with Manifest(self.layout.manifest) as store:
            if fresh:
                rebuild_rows(store, self.layout)  # a lost database: talk.json files say what is done
            try:
                self._loop(iter(refs), store, executors, summary)
            except Exception as exc:  # the coordinator's own writes (manifest, index) on a full disk
                if not is_disk_full(exc):
                    raise
                self._halt(summary, DISK_FULL)
            except KeyboardInterrupt:
                summary.interrupted = True
                self.ctx.cancel.set()  # workers stop between chunks; .part files stay resumable
                self.ctx.log.warning("interrupted: stopping the running downloads (Ctrl-C again to quit at once)")
                try:
                    executors.shutdown()
                except KeyboardInterrupt:
                    os._exit(130)
                self._drain_events(store)
                raise
            finally:
                executors.shutdown()
                try:
                    write_index(self.layout, store.rows())
                except OSError as exc:
                    if not is_disk_full(exc):
                        raise
                    self._halt(summary, DISK_FULL)
        return summary

    def _loop(self, refs: Iterator[TalkRef], store: Manifest, executors: Executors, summary: Summary) -> None:
        io: dict[Future[object], str] = {}
        merging: dict[Future[object], str] = {}
        exhausted = False
        jobs = max(1, self.ctx.settings.jobs)
        resolving: set[Future[object]] = set()
        while io or merging or not exhausted:
            while not exhausted and len(io) < jobs and len(merging) <= 2 * executors.merge_slots:
                if summary.halted:
                    exhausted = True
                    break
                if self.selection.full(self.selected + len(resolving)):
                    exhausted = not resolving  # wait: a resolving talk may not match and free its place
                    break
                ref = next(refs, None)
                if ref is None:
                    exhausted = True
                    break
                if self.selection.excluded_before_resolving(ref):
                    continue
                row = store.get(ref.key) if ref.key else store.by_source(ref.url)
                if is_finished(self.layout, row) and self.selection.matches(ref.url, _title(row) or ref.title):
                    self.selected += 1
                    summary.skipped += 1
                    self.reporter.skipped(ref.url)
                    continue
                if ref.key is None and row is not None:
                    ref = TalkRef(ref.url, row.key, ref.title)  # a failure keeps the key it had before
                self.reporter.started(ref.url)
                resolver = Resolver(self.ctx.http, self.ctx.settings, self.ctx.render)
                future = executors.resolve(resolve_ref, ref, resolver, self.ctx)
                io[future] = ref.url
                resolving.add(future)
            if not io and not merging:
                continue
            done, _ = wait([*io, *merging], timeout=0.5, return_when=FIRST_COMPLETED)
            self._drain_events(store)
            for future in done:
                io.pop(future, None) or merging.pop(future, None)
                resolving.discard(future)
                outcome = future.result()
                if isinstance(outcome, Talk):
                    submitted = self._resolved(outcome, store, executors, summary)
                    if submitted is not None:
                        io[submitted] = outcome.source_url
                elif isinstance(outcome, Fetched):
                    store.set_stage(outcome.talk.key, "media")  # verified on disk by the worker
                    merging[executors.merge(outcome)] = outcome.talk.source_url
                elif isinstance(outcome, TalkResult):
                    self._finished(outcome, store, summary)
        self._drain_events(store)

    def _resolved(self, talk: Talk, store: Manifest, executors: Executors, summary: Summary) -> Future[object] | None:
        if not self.selection.matches(talk.source_url, talk.title) or self.selection.full(self.selected):
            self.ctx.log.debug("not selected: %s (%s)", talk.title, talk.source_url)
            return None
        self.selected += 1
        row = store.get(talk.key)
        if row is not None and row.source_url != talk.source_url and is_finished(self.layout, row):
            summary.skipped += 1
            self.ctx.log.info("%s is %s, already archived from %s", talk.source_url, talk.key, row.source_url)
            self.reporter.skipped(talk.source_url)
            return None
        folder = store.claim(talk.key, talk.source_url, safe_name(talk.title))
        self._titles[talk.key] = talk.title
        self.reporter.stage(talk.title, "resolved")

        return executors.fetch(talk, folder)

    def _stage(self, key: str, stage: str) -> None:
        """Called from workers: queued, and written by the coordinator."""
        self._events.put((key, stage))

    def _drain_events(self, store: Manifest) -> None:
        while True:
            try:
                key, stage = self._events.get_nowait()
            except queue.Empty:
                return
            store.set_stage(key, stage)
            self.reporter.stage(self._titles.get(key, key), stage)

    def _halt(self, summary: Summary, reason: str) -> None:
        """Stop taking talks and stop the running ones; what is finished stays finished."""
        if summary.halted is None:
            summary.halted = reason
            self.ctx.log.error("stopping: %s", reason)
        self.ctx.cancel.set()

    def _finished(self, result: TalkResult, store: Manifest, summary: Summary) -> None:
        self._drain_events(store)
        if result.halt:
            self._halt(summary, result.error or "stopped")
        if result.status == Status.PENDING:  # interrupted: nothing to record, it resumes next time
            return
        if result.status == Status.DONE and result.entry is not None:
            video = result.entry.get("video")
            size = (self.layout.root / str(video)).stat().st_size if video else None
            store.finish(result.key, result.source_url, result.entry, size)
            summary.done += 1
        else:
            entry = result.entry or placeholder_entry(result.key, result.source_url)
            store.fail(result.key, result.source_url, result.error or "unknown error", entry)
            summary.failed.append((result.source_url, result.error or "unknown error"))
            if self.strict:
                self._halt(summary, f"stopped at the first failure (--strict): {result.source_url}")
        self._titles.pop(result.key, None)  # nothing of a finished talk stays in memory
        started = time.monotonic()
        if started - self._index_at >= INDEX_BUDGET * self._index_cost:
            write_index(self.layout, store.rows())
            self._index_at, self._index_cost = started, time.monotonic() - started
        self.reporter.finished(result)
