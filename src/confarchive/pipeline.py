"""The coordinator: streams talk references through resolve and archive on an executor.

Only this loop writes the manifest and the index (one writer, no locks). Workers resolve talks and
archive them; their results come back here. A finished talk is skipped before any request: its row
says done and its video has the recorded size on disk.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from .archive import Layout
from .errors import ConfarchiveError, ResolveError
from .index import page_entry, placeholder_entry, write_index
from .model import PageInfo, Status, Talk, TalkRef, TalkResult
from .naming import safe_name
from .resolvers import Resolver
from .store import Manifest, Row, failed_key
from .talkwork import WorkContext, run_talk


@dataclass
class Summary:
    done: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def is_finished(layout: Layout, row: Row | None) -> bool:
    """Done in the manifest and the video on disk with its recorded size: no request, no probing."""
    if row is None or row.status != Status.DONE.value or not row.entry or not row.video_size:
        return False
    video = row.entry.get("video")
    try:
        return isinstance(video, str) and (layout.root / video).stat().st_size == row.video_size
    except OSError:
        return False


def resolve_ref(ref: TalkRef, resolver: Resolver, log: logging.Logger) -> Talk | TalkResult:
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
        log.exception("internal error while resolving %s", ref.url)
        error = f"internal error ({type(exc).__name__}: {exc}); please report this"
    return TalkResult(ref.url, key, Status.FAILED, error=error, entry=entry)


Reporter = Callable[[str, TalkResult | None, str], None]


class Pipeline:
    def __init__(self, ctx: WorkContext, report: Reporter, executor: Executor | None = None) -> None:
        self.ctx = ctx
        self.report = report
        self.layout = ctx.layout
        self._executor = executor
        self._events: queue.SimpleQueue[tuple[str, str]] = queue.SimpleQueue()

    def run(self, refs: Iterable[TalkRef]) -> Summary:
        summary = Summary()
        jobs = max(1, self.ctx.settings.jobs)
        executor = self._executor or ThreadPoolExecutor(jobs, thread_name_prefix="talk")
        resolver = Resolver(self.ctx.http, self.ctx.settings)
        try:
            with Manifest(self.layout.manifest) as store:
                self._loop(iter(refs), store, executor, resolver, jobs, summary)
                write_index(self.layout, store.rows())
        finally:
            if self._executor is None:
                executor.shutdown(wait=True, cancel_futures=True)
        return summary

    def _loop(
        self, refs: Iterator[TalkRef], store: Manifest, executor: Executor, resolver: Resolver, jobs: int,
        summary: Summary,
    ) -> None:  # fmt: skip
        pending: dict[Future[object], TalkRef | Talk] = {}
        exhausted = False
        while pending or not exhausted:
            while not exhausted and len(pending) < jobs:
                ref = next(refs, None)
                if ref is None:
                    exhausted = True
                    break
                row = store.get(ref.key) if ref.key else store.by_source(ref.url)
                if is_finished(self.layout, row):
                    summary.skipped += 1
                    self.report("skipped", TalkResult(ref.url, row.key, Status.DONE, skipped=True), "")  # type: ignore[union-attr]
                    continue
                if ref.key is None and row is not None:
                    ref = TalkRef(ref.url, row.key)  # a failure keeps the key it had before
                self.report("start", None, ref.url)
                pending[executor.submit(resolve_ref, ref, resolver, self.ctx.log)] = ref
            if not pending:
                continue
            done, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            self._drain_events(store)
            for future in done:
                pending.pop(future)
                outcome = future.result()
                if isinstance(outcome, Talk):
                    self._resolved(outcome, store, executor, pending, summary)
                elif isinstance(outcome, TalkResult):
                    self._finished(outcome, store, summary)
        self._drain_events(store)

    def _resolved(
        self, talk: Talk, store: Manifest, executor: Executor, pending: dict[Future[object], TalkRef | Talk],
        summary: Summary,
    ) -> None:  # fmt: skip
        row = store.get(talk.key)
        if row is not None and row.source_url != talk.source_url and is_finished(self.layout, row):
            summary.skipped += 1
            self.ctx.log.info("%s is %s, already archived from %s", talk.source_url, talk.key, row.source_url)
            self.report("skipped", TalkResult(talk.source_url, talk.key, Status.DONE, skipped=True), "")
            return
        folder = store.claim(talk.key, talk.source_url, safe_name(talk.title))
        self.report("resolved", None, talk.title)
        pending[executor.submit(run_talk, talk, folder, self.ctx, self._stage)] = talk

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

    def _finished(self, result: TalkResult, store: Manifest, summary: Summary) -> None:
        self._drain_events(store)
        if result.status == Status.DONE and result.entry is not None:
            video = result.entry.get("video")
            size = (self.layout.root / str(video)).stat().st_size if video else None
            store.finish(result.key, result.source_url, result.entry, size)
            summary.done += 1
        else:
            entry = result.entry or placeholder_entry(result.key, result.source_url)
            store.fail(result.key, result.source_url, result.error or "unknown error", entry)
            summary.failed.append((result.source_url, result.error or "unknown error"))
        write_index(self.layout, store.rows())
        self.report("finished", result, "")
