"""Scale-out on Dask distributed: fetch and merge run on a cluster's workers, with the same stage
interface, reporting, cancellation and politeness as local threads.

``--executor dask://HOST:PORT`` connects to an existing scheduler. What makes it safe on several
machines sharing the archive folder:

- A talk is worked on by one worker at a time: a Dask ``Lock`` per talk key. Its ``.part`` files keep
  their names, so a worker that takes over a talk (its first worker died) resumes them.
- Only the coordinator (this process) writes the manifest; workers return typed results.
- Per-host politeness holds across the cluster (``core/politeness.py``: ``ClusterHostLimiter``): a ``Semaphore``
  per host, the minimum interval and ``Retry-After`` pauses shared through the scheduler.
- Each run registers a ``WorkerPlugin`` named after the run: it builds the worker's context once
  (HTTP session, limiter, cancel flag) and is removed at the end, so a long-lived worker keeps no
  state from earlier runs. Ctrl-C sets a Dask ``Event`` that every worker watches: remote downloads
  stop within a second. Stage events and byte counts come back through a Dask ``Queue``.
- Merges ask for the ``FFMPEG`` resource when the workers declare it (``--resources FFMPEG=2``).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.cookiejar import Cookie, CookieJar
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin  # the dask extra: this module is imported only then

from ..core.entry import TalkEntry
from ..core.errors import UsageError
from ..core.layout import Layout, absolute_archive
from ..core.model import Talk, TalkKey
from ..core.net import Http
from ..core.outcome import TalkResult
from ..core.politeness import ClusterHostLimiter
from ..core.settings import Settings
from ..sites.resolve import Resolver
from ..text.whisper import Transcriber
from .executors import LocalResolution, QueuedEvents
from .ocrstage import OcrPool
from .stages import Fetched, WorkContext, fetch_talk, guarded, merge_talk, read_slides
from .transcribestage import Transcribed, TranscribeJob, model_spec, transcribe_in

WATCH_S = 0.5  # how often a worker looks at the run's cancel event (Ctrl-C stops within this)
FLUSH_S = 0.5  # how often a worker sends its byte count


@dataclass(frozen=True)
class RunSpec:
    """What a worker needs to build its context: everything picklable."""

    settings: Settings
    run: str
    cookies: tuple[Cookie, ...] = ()

    @property
    def plugin_name(self) -> str:
        return f"confarchive-{self.run}"


class _RemoteEvents:
    """A worker's events, sent to the coordinator through the run's Dask ``Queue``."""

    def __init__(self, queue: Any) -> None:
        self._queue = queue
        self._lock = threading.Lock()
        self._bytes = 0
        self._sent = time.monotonic()

    def stage(self, key: TalkKey, stage: str) -> None:
        self._queue.put(("stage", str(key), stage))

    def bytes(self, n: int) -> None:
        with self._lock:
            self._bytes += n
            if time.monotonic() - self._sent < FLUSH_S:
                return
            n, self._bytes, self._sent = self._bytes, 0, time.monotonic()
        self._queue.put(("bytes", n, ""))


class RunPlugin(WorkerPlugin):
    """Installed on every worker (and every worker that joins later) for the length of one run.

    The worker's context is built on first use, in a task's thread: Dask's synchronous primitives
    (the run's events queue, its cancel event) must not be created on the worker's event loop.
    """

    def __init__(self, spec: RunSpec) -> None:
        self.spec = spec
        self.name = spec.plugin_name

    def setup(self, worker: Any) -> None:
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ctx: WorkContext | None = None

    def context(self) -> WorkContext:
        with self._lock:
            if self._ctx is None:
                self._ctx = self._build()
            return self._ctx

    def _build(self) -> WorkContext:
        from distributed import Event, Queue, get_client

        spec, net = self.spec, self.spec.settings.network
        client = get_client()
        jar = CookieJar()
        for cookie in spec.cookies:
            jar.set_cookie(cookie)
        log = logging.getLogger("confarchive")
        limiter = ClusterHostLimiter(net.per_host_connections, net.min_interval_s, spec.run, client)
        http = Http(net, spec.settings.rewrites, jar, limiter, log=log)
        cancel = threading.Event()
        events = _RemoteEvents(Queue(f"{self.name}-events", client=client))
        stop_event = Event(f"{self.name}-cancel", client=client)
        threading.Thread(target=self._watch, args=(stop_event, cancel), name=f"{self.name}-watch", daemon=True).start()
        ocr = OcrPool(spec.settings) if spec.settings.ocr.enabled else None
        stt = spec.settings.transcribe
        transcriber = Transcriber(model_spec(stt), log) if stt.enabled else None  # loaded by its first job
        layout = Layout(spec.settings.archive_dir)
        return WorkContext(spec.settings, layout, http, log, cancel, events, ocr, transcriber)

    def _watch(self, stop_event: Any, cancel: threading.Event) -> None:
        while not self._stop.is_set():
            try:
                if stop_event.wait(WATCH_S):
                    cancel.set()
                    return
            except Exception:  # the scheduler went away: the run is over for this worker
                return

    def teardown(self, worker: Any) -> None:
        self._stop.set()
        if self._ctx is not None:
            self._ctx.http.close()
            if self._ctx.ocr is not None:
                self._ctx.ocr.close()
            if self._ctx.transcriber is not None:
                self._ctx.transcriber.close()  # the worker outlives the run: its model goes with it


def _context(run: str) -> WorkContext:
    from distributed import get_worker

    plugin: RunPlugin = get_worker().plugins[f"confarchive-{run}"]
    return plugin.context()


@contextmanager
def _talk_lock(ctx: WorkContext, key: TalkKey) -> Iterator[None]:
    from distributed import Lock

    with Lock(f"confarchive-talk-{ctx.settings.archive_dir}-{key}"):
        yield


def remote_fetch(run: str, talk: Talk, folder: str) -> Fetched | TalkResult:
    ctx = _context(run)
    with _talk_lock(ctx, talk.key):
        return guarded(partial(fetch_talk, talk, folder, ctx), talk, ctx)


def remote_merge(run: str, job: Fetched) -> Fetched | TalkResult:  # a TalkResult, in fact
    ctx = _context(run)
    with _talk_lock(ctx, job.talk.key):
        return guarded(partial(merge_talk, job, ctx), job.talk, ctx)


def remote_read(run: str, entry: TalkEntry) -> TalkResult:
    ctx = _context(run)
    with _talk_lock(ctx, entry.key):
        return read_slides(entry, ctx)


def remote_transcribe(run: str, job: TranscribeJob) -> Transcribed:
    ctx = _context(run)
    with _talk_lock(ctx, job.entry.key):
        return transcribe_in(job, ctx)


def parse_address(executor: str) -> str:
    """``dask://HOST:PORT`` -> ``tcp://HOST:PORT``."""
    if executor.startswith("dask://") and len(executor) > len("dask://"):
        return "tcp://" + executor[len("dask://") :]
    raise UsageError(f"--executor must be 'local' or dask://HOST:PORT, not {executor!r}")


class Cluster:
    """A Dask client for one run, and what the run shares through the scheduler."""

    def __init__(self, client: Any, settings: Settings, cookies: CookieJar | None, log: logging.Logger) -> None:
        from distributed import Event, Queue

        self.client = client
        self.log = log
        self.spec = RunSpec(absolute_archive(settings), uuid.uuid4().hex[:12], tuple(cookies or ()))
        self._cancel = Event(f"{self.spec.plugin_name}-cancel", client=client)
        self._events = Queue(f"{self.spec.plugin_name}-events", client=client)
        client.register_plugin(RunPlugin(self.spec), name=self.spec.plugin_name)

    @classmethod
    @contextmanager
    def connect(
        cls, executor: str, settings: Settings, cookies: CookieJar | None, log: logging.Logger
    ) -> Iterator[Cluster]:
        from distributed import Client

        address = parse_address(executor)
        try:
            client = Client(address, timeout="10s")
        except OSError as exc:
            raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
        cluster = cls(client, settings, cookies, log)
        try:
            yield cluster
        finally:
            cluster.close()

    def limiter(self) -> ClusterHostLimiter:
        net = self.spec.settings.network
        return ClusterHostLimiter(net.per_host_connections, net.min_interval_s, self.spec.run, self.client)

    def stages(self, resolver: Resolver, events: QueuedEvents, cancel: threading.Event, jobs: int) -> DaskStages:
        return DaskStages(self, resolver, events, cancel, jobs)

    def cancel(self) -> None:
        self._cancel.set()

    def forward_events(self, events: QueuedEvents) -> None:
        """Move what the workers reported into this process's events."""
        try:
            # every event there is, without waiting: get(timeout=0) on an empty queue makes the
            # scheduler log a TimeoutError with its traceback, every time
            batch = self._events.get(batch=True)
        except Exception as exc:  # the scheduler is gone: the run is ending
            self.log.debug("reading worker events: %s", exc)
            return
        for kind, value, stage in batch:
            if kind == "stage":
                events.stage(TalkKey.parse(str(value)), str(stage))
            else:
                events.bytes(int(value))

    def close(self) -> None:
        try:
            self.client.unregister_worker_plugin(self.spec.plugin_name)
            self.client.set_metadata(["confarchive", self.spec.run], None)  # the limiter's entries (core/politeness.py)
        except Exception as exc:  # workers that died meanwhile do not answer; the run is over anyway
            self.log.debug("unregistering the worker plugin: %s", exc)
        self.client.close()


class DaskStages(LocalResolution):
    """Fetch and merge on the cluster; expansion and resolution in a local pool (quick, no disk)."""

    def __init__(
        self, cluster: Cluster, resolver: Resolver, events: QueuedEvents, cancel: threading.Event, jobs: int
    ) -> None:
        super().__init__(resolver, cancel, jobs)
        self.cluster = cluster
        self.events = events
        client = cluster.client
        workers = list(client.scheduler_info().get("workers", {}).values())
        ffmpeg_slots = sum(int(w.get("resources", {}).get("FFMPEG", 0)) for w in workers)
        merge_kwargs = {"resources": {"FFMPEG": 1}} if ffmpeg_slots else {}
        self._merge_slots = ffmpeg_slots or max(1, len(workers))
        self._jobs = max(1, jobs)
        self._fetch = client.get_executor(pure=False)
        self._merge = client.get_executor(pure=False, **merge_kwargs)
        self._stopper = threading.Event()
        self._forwarder = threading.Thread(target=self._forward, name="dask-events", daemon=True)
        self._forwarder.start()

    def _forward(self) -> None:
        while not self._stopper.wait(0.2):
            self.cluster.forward_events(self.events)

    @property
    def fetch_slots(self) -> int:
        return self._jobs

    @property
    def merge_slots(self) -> int:
        return self._merge_slots

    def fetch(self, talk: Talk, folder: str) -> Future[Fetched | TalkResult]:
        return self._fetch.submit(remote_fetch, self.cluster.spec.run, talk, folder)

    def merge(self, job: Fetched) -> Future[Fetched | TalkResult]:
        return self._merge.submit(remote_merge, self.cluster.spec.run, job)

    def read(self, entry: TalkEntry) -> Future[TalkResult]:
        return self._merge.submit(remote_read, self.cluster.spec.run, entry)

    def transcribe(self, job: TranscribeJob) -> Future[Transcribed]:
        return self._merge.submit(remote_transcribe, self.cluster.spec.run, job)

    def cancel(self) -> None:
        super().cancel()
        self.cluster.cancel()

    def close(self) -> None:
        super().close()
        for executor in (self._fetch, self._merge):
            executor.shutdown(wait=True)
        self._stopper.set()
        self._forwarder.join()
        self.cluster.forward_events(self.events)
