"""Where the pipeline's work runs: local thread pools by default, a Dask cluster on request.

The coordinator (pipeline.py) only ever calls ``resolve``, ``fetch`` and ``merge`` here and waits on
``concurrent.futures`` futures, so its code is the same for both. Resolution always runs in the
coordinator's process; fetching (network) and merging (ffmpeg) run in separate pools, so merges
overlap downloads instead of stalling them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any, Protocol

from .model import Talk, TalkResult
from .talkwork import Fetched, StageCallback, WorkContext, fetch_talk, guarded, merge_talk


class Executors(Protocol):
    def resolve(self, fn: Callable[..., Any], *args: Any) -> Future[Any]: ...

    def fetch(self, talk: Talk, folder: str) -> Future[Fetched | TalkResult]: ...

    def merge(self, job: Fetched) -> Future[TalkResult]: ...

    @property
    def merge_slots(self) -> int: ...

    def shutdown(self) -> None: ...


def merge_workers() -> int:
    """ffmpeg already uses several threads per merge: one merge per two cores keeps downloads going."""
    return max(1, (os.cpu_count() or 2) // 2)


class LocalExecutors:
    """Thread pools in this process: ``jobs`` talks resolving and downloading, a few merging."""

    def __init__(self, ctx: WorkContext, stage: StageCallback, jobs: int, merge_jobs: int | None = None) -> None:
        self.ctx = ctx
        self.stage = stage
        self._merge_jobs = merge_jobs or merge_workers()
        self._io = ThreadPoolExecutor(max(1, jobs), thread_name_prefix="talk")
        self._cpu = ThreadPoolExecutor(self._merge_jobs, thread_name_prefix="merge")

    @property
    def merge_slots(self) -> int:
        return self._merge_jobs

    def resolve(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        return self._io.submit(fn, *args)

    def fetch(self, talk: Talk, folder: str) -> Future[Fetched | TalkResult]:
        return self._io.submit(guarded, partial(fetch_talk, talk, folder, self.ctx, self.stage), talk, self.ctx)

    def merge(self, job: Fetched) -> Future[TalkResult]:
        return self._cpu.submit(guarded, partial(merge_talk, job, self.ctx, self.stage), job.talk, self.ctx)  # type: ignore[arg-type]

    def shutdown(self) -> None:
        for pool in (self._io, self._cpu):
            pool.shutdown(wait=True, cancel_futures=True)
