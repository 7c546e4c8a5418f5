"""Where the pipeline's stages run: thread pools of this process, or a Dask cluster (``dask.py``).

The coordinator only ever calls the ``Stages`` methods and waits on ``concurrent.futures`` futures,
so its code is the same for both. Expanding pages and resolving talks (a few requests each, and the
browser) always run in this process; fetching (network) and merging (ffmpeg, CPU) run where the
executor puts them, in separate budgets: ``-j`` talks download at once while merges are bounded by
the cores, so a merge overlaps the next talks' downloads instead of stalling them.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Protocol

from ..archive.index import failed_entry, ref_entry
from ..core.entry import TalkEntry
from ..core.errors import ErrorKind
from ..core.model import Expansion, Talk, TalkKey, TalkRef
from ..core.outcome import TalkResult, failure_of
from ..sites.resolve import Resolver
from .stages import Fetched, WorkContext, fetch_talk, guarded, merge_talk, read_slides
from .transcribestage import Transcribed, TranscribeJob, transcribe_in


class Stages(Protocol):
    """The stage interface both executors implement, with the same reporting and cancellation."""

    @property
    def fetch_slots(self) -> int: ...

    @property
    def merge_slots(self) -> int: ...

    def expand(self, ref: TalkRef) -> Future[Expansion | TalkResult]: ...

    def resolve(self, ref: TalkRef) -> Future[Talk | TalkResult]: ...

    def fetch(self, talk: Talk, folder: str) -> Future[Fetched | TalkResult]: ...

    def merge(self, job: Fetched) -> Future[Fetched | TalkResult]: ...

    def read(self, entry: TalkEntry) -> Future[TalkResult]: ...

    def transcribe(self, job: TranscribeJob) -> Future[Transcribed]: ...

    def cancel(self) -> None: ...

    def close(self) -> None: ...


def merge_workers(configured: int = 0) -> int:
    """Merges at once: ``configured``, else one per core. Measured (scripts/bench/latency.py, 2 cores):
    one merge per two cores left a latency-bound conference waiting on merges (a merge is also process
    starts and disk waits, not only encoding); more than one per core made it slower again."""
    return configured if configured > 0 else max(1, os.cpu_count() or 2)


class QueuedEvents:
    """Worker events for the coordinator: stages queued (only the coordinator writes the manifest),
    bytes counted at once (the reporter is thread-safe)."""

    def __init__(self, on_bytes: Callable[[int], None] | None = None) -> None:
        self.queue: queue.SimpleQueue[tuple[TalkKey, str]] = queue.SimpleQueue()
        self._on_bytes = on_bytes

    def stage(self, key: TalkKey, stage: str) -> None:
        self.queue.put((key, stage))

    def bytes(self, n: int) -> None:
        if self._on_bytes is not None:
            self._on_bytes(n)

    def drain(self) -> list[tuple[TalkKey, str]]:
        out = []
        while True:
            try:
                out.append(self.queue.get_nowait())
            except queue.Empty:
                return out


def _failed(ref: TalkRef, exc: Exception, cancel: threading.Event, log: logging.Logger) -> TalkResult:
    failure = failure_of(exc, cancelled=cancel.is_set())
    if failure.kind == ErrorKind.INTERNAL:
        log.exception("internal error while reading %s", ref.url)
    key = ref.key or TalkKey.for_url(ref.url)
    return TalkResult(key, ref.url, failed_entry(ref_entry(key, ref), failure), failure)


def expand_ref(resolver: Resolver, ref: TalkRef, cancel: threading.Event) -> Expansion | TalkResult:
    try:
        return resolver.expand(ref)
    except Exception as exc:
        return _failed(ref, exc, cancel, resolver.web.log)


def resolve_ref(resolver: Resolver, ref: TalkRef, cancel: threading.Event) -> Talk | TalkResult:
    try:
        return resolver.resolve(ref)
    except Exception as exc:
        return _failed(ref, exc, cancel, resolver.web.log)


class LocalResolution:
    """Expansion and resolution in a pool of this process (both executors): one browser per thread."""

    def __init__(self, resolver: Resolver, cancel: threading.Event, jobs: int) -> None:
        self._resolver = resolver
        self._cancel = cancel
        self._resolve = ThreadPoolExecutor(max(1, jobs), thread_name_prefix="resolve")

    def expand(self, ref: TalkRef) -> Future[Expansion | TalkResult]:
        return self._resolve.submit(expand_ref, self._resolver, ref, self._cancel)

    def resolve(self, ref: TalkRef) -> Future[Talk | TalkResult]:
        return self._resolve.submit(resolve_ref, self._resolver, ref, self._cancel)

    def cancel(self) -> None:
        self._cancel.set()

    def close(self) -> None:
        self._resolve.shutdown(wait=True, cancel_futures=True)


class LocalStages(LocalResolution):
    """Thread pools in this process: ``jobs`` talks downloading, a few merging."""

    def __init__(self, resolver: Resolver, ctx: WorkContext, jobs: int, merge_jobs: int | None = None) -> None:
        super().__init__(resolver, ctx.cancel, jobs)
        self.ctx = ctx
        self._jobs = max(1, jobs)
        self._merge_jobs = merge_workers(merge_jobs or ctx.settings.merge_jobs)
        self._io = ThreadPoolExecutor(self._jobs, thread_name_prefix="talk")
        self._cpu = ThreadPoolExecutor(self._merge_jobs, thread_name_prefix="merge")
        self._stt: ThreadPoolExecutor | None = None  # made by the first transcription

    @property
    def fetch_slots(self) -> int:
        return self._jobs

    @property
    def merge_slots(self) -> int:
        return self._merge_jobs

    def fetch(self, talk: Talk, folder: str) -> Future[Fetched | TalkResult]:
        return self._io.submit(guarded, partial(fetch_talk, talk, folder, self.ctx), talk, self.ctx)

    def merge(self, job: Fetched) -> Future[Fetched | TalkResult]:
        return self._cpu.submit(guarded, partial(merge_talk, job, self.ctx), job.talk, self.ctx)

    def read(self, entry: TalkEntry) -> Future[TalkResult]:
        return self._cpu.submit(read_slides, entry, self.ctx)

    def transcribe(self, job: TranscribeJob) -> Future[Transcribed]:
        """Speech to text in a pool of its own (CPU-bound, one thread per talk by default): it never
        takes a merge's place, and a download never waits for it."""
        if self._stt is None:
            self._stt = ThreadPoolExecutor(self.ctx.settings.transcribe.jobs, thread_name_prefix="transcribe")
        return self._stt.submit(transcribe_in, job, self.ctx)

    def close(self) -> None:
        super().close()
        for pool in (self._io, self._cpu):
            pool.shutdown(wait=True, cancel_futures=True)
        if self._stt is not None:
            self._stt.shutdown(wait=True, cancel_futures=True)
