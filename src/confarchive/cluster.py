"""Scale-out on Dask distributed: fetch and merge stages run on a cluster's workers.

``--executor dask://HOST:PORT`` connects to an existing scheduler; ``Client.get_executor`` gives a
``concurrent.futures.Executor`` (``pure=False``: every submission runs), so the pipeline is the same
as with local threads. What makes it safe on several machines sharing the archive folder:

- A talk is worked on by one worker at a time: a Dask ``Lock`` per talk key. Its ``.part`` files keep
  their names, so a worker that takes over a talk (its first worker died) resumes them.
- Only the coordinator (this process) writes the manifest; workers return results.
- Merges ask for the ``FFMPEG`` resource when the workers declare it (``--resources FFMPEG=2``).
- Per-host politeness holds across the cluster: a Dask ``Semaphore`` per host, used by the workers and
  by the coordinator's own requests.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.cookiejar import Cookie, CookieJar
from typing import Any

from .archive import Layout
from .errors import UsageError
from .model import Talk, TalkResult
from .net import Http
from .politeness import HostLimiter
from .settings import Settings
from .talkwork import Fetched, WorkContext, fetch_talk, guarded, merge_talk

_CONTEXTS: dict[str, WorkContext] = {}  # one per worker process and run: connections are reused
_CONTEXTS_LOCK = threading.Lock()


class ClusterHostLimiter(HostLimiter):
    """The per-host connection limit as a Dask ``Semaphore`` per host, shared by every process.

    The scheduler and event loop are bound when the limiter is made (in a task, or by the client):
    the slides of a talk download in threads of their own, where Dask cannot find its worker.
    """

    def __init__(self, per_host: int, min_interval_s: float, run: str, scheduler: Any, loop: Any) -> None:
        super().__init__(per_host, min_interval_s)
        self._run = run  # semaphores are named per run: two runs may have different limits
        self._scheduler = scheduler
        self._loop = loop
        self._semaphores: dict[str, Any] = {}

    @classmethod
    def here(cls, per_host: int, min_interval_s: float, run: str) -> ClusterHostLimiter:
        """Bound to the worker running this task, else to this process's client."""
        from distributed import get_client, get_worker

        try:
            node = get_worker()
        except ValueError:
            node = get_client()
        return cls(per_host, min_interval_s, run, node.scheduler, node.loop)

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        from distributed import Semaphore

        with self._lock:
            semaphore = self._semaphores.get(host)
            if semaphore is None:
                semaphore = Semaphore(self._per_host, f"confarchive-{self._run}-{host}", self._scheduler, self._loop)
                self._semaphores[host] = semaphore
        with semaphore:
            self._wait_turn(host)
            yield


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker needs to build its context: everything picklable."""

    settings: Settings
    run: str
    cookies: tuple[Cookie, ...] = ()

    def digest(self) -> str:
        return hashlib.sha256(pickle.dumps(self)).hexdigest()


def _context(spec: WorkerSpec) -> WorkContext:
    key = spec.digest()
    with _CONTEXTS_LOCK:
        ctx = _CONTEXTS.get(key)
        if ctx is None:
            jar = CookieJar()
            for cookie in spec.cookies:
                jar.set_cookie(cookie)
            net = spec.settings.network
            limiter = ClusterHostLimiter.here(net.per_host_connections, net.min_interval_s, spec.run)
            http = Http(net, spec.settings.rewrites, jar, limiter)
            ctx = WorkContext(spec.settings, Layout(spec.settings.archive_dir), http, logging.getLogger("confarchive"))
            _CONTEXTS[key] = ctx
    return ctx


def _no_stage(key: str, stage: str) -> None:
    """Stages of remote work are recorded by the coordinator from the results."""


@contextmanager
def _talk_lock(spec: WorkerSpec, key: str) -> Iterator[None]:
    from distributed import Lock

    with Lock(f"confarchive-talk-{spec.settings.archive_dir}-{key}"):
        yield


def remote_fetch(spec: WorkerSpec, talk: Talk, folder: str) -> Fetched | TalkResult:
    ctx = _context(spec)
    with _talk_lock(spec, talk.key):
        return guarded(partial(fetch_talk, talk, folder, ctx, _no_stage), talk, ctx)


def remote_merge(spec: WorkerSpec, job: Fetched) -> Fetched | TalkResult:  # a TalkResult, in fact
    ctx = _context(spec)
    with _talk_lock(spec, job.talk.key):
        return guarded(partial(merge_talk, job, ctx, _no_stage), job.talk, ctx)


def parse_address(executor: str) -> str | None:
    """``local`` -> None; ``dask://HOST:PORT`` -> ``tcp://HOST:PORT``."""
    if executor == "local":
        return None
    if executor.startswith("dask://") and len(executor) > len("dask://"):
        return "tcp://" + executor[len("dask://") :]
    raise UsageError(f"--executor must be 'local' or dask://HOST:PORT, not {executor!r}")


class DaskExecutors:
    """Fetch and merge on the cluster; resolution in a local pool (it is quick, and needs no disk)."""

    def __init__(self, client: Any, ctx: WorkContext, cookies: CookieJar | None, jobs: int, run: str) -> None:
        settings = ctx.settings
        self.spec = WorkerSpec(settings, run, tuple(cookies) if cookies is not None else ())
        self.client = client
        workers = client.scheduler_info().get("workers", {}).values()
        ffmpeg_slots = sum(int(w.get("resources", {}).get("FFMPEG", 0)) for w in workers)
        merge_kwargs = {"resources": {"FFMPEG": 1}} if ffmpeg_slots else {}
        self._merge_slots = ffmpeg_slots or max(1, len(list(workers)))
        self._fetch = client.get_executor(pure=False)
        self._merge = client.get_executor(pure=False, **merge_kwargs)
        self._resolve = ThreadPoolExecutor(max(1, jobs), thread_name_prefix="resolve")

    @property
    def merge_slots(self) -> int:
        return self._merge_slots

    def resolve(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        return self._resolve.submit(fn, *args)

    def fetch(self, talk: Talk, folder: str) -> Future[Fetched | TalkResult]:
        return self._fetch.submit(remote_fetch, self.spec, talk, folder)

    def merge(self, job: Fetched) -> Future[TalkResult]:
        return self._merge.submit(remote_merge, self.spec, job)

    def shutdown(self) -> None:
        self._resolve.shutdown(wait=True, cancel_futures=True)
        for executor in (self._fetch, self._merge):
            executor.shutdown(wait=True)


def connect(address: str) -> Any:
    """A Dask client, with a clear error when the extra is missing or the scheduler is not there."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise UsageError("the dask executor needs the extra: pip install 'confarchive[dask]'") from exc
    try:
        return Client(address, timeout="10s")
    except OSError as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
