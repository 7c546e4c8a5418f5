"""Threads that work through a list, each taking the next item when it is free; threads kept for the run.

Why not a ``ThreadPoolExecutor`` per item: a talk's HLS segments and slides are about a hundred short
jobs, and an executor pays for each one a ``Future``, a wake-up of its waiter and a release of its idle
semaphore (a lock and a condition in Python) on top of the job; measured on 76 jobs of one write each,
5.8 ms of CPU against 1.7 ms for threads that take the next index themselves (docs/performance.md). Here
every worker takes the next item from a shared counter, so the cost is per worker, not per job.

Why ``Threads``: a talk fans out about 25 workers (its slides, its segments, its media download beside
them), and starting and joining a thread costs about 140 µs of CPU on the benchmark machine (its stack,
``clone``, the stack's first page faults). The run's ``Threads`` lends the threads it already has instead:
a ``Future`` per worker, not per job.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Never a bound in practice: a lent thread may fan out again (a talk's media download starts its segments'
# workers), and a pool that can run out of threads could then wait for itself. Threads are only made when
# none is idle, so the run's peak of work at once is the number it ends with.
_NO_BOUND = 1 << 16


class Threads:
    """The run's threads, lent to each fan-out; thread-safe. ``close`` once, when the run ends."""

    def __init__(self, name: str = "confarchive") -> None:
        self._pool = ThreadPoolExecutor(_NO_BOUND, thread_name_prefix=name)

    def submit(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> Future[R]:
        """``fn(*args, **kwargs)`` on an idle thread (a new one when none is idle)."""
        return self._pool.submit(fn, *args, **kwargs)

    def close(self) -> None:
        """Idle threads end; one still working ends with its job (the interpreter waits for it at exit)."""
        self._pool.shutdown(wait=False)


def run_each(
    fn: Callable[[T], R], items: Sequence[T], workers: int, name: str, threads: Threads | None = None
) -> list[R]:
    """``fn`` over every item, ``workers`` threads at a time (lent by ``threads``, else started for this
    call), items started in order; the results in the items' order. After the first failure no item is
    started, those in flight finish, and the first failure is raised (also when the caller is interrupted
    while it waits). Each worker is named ``{name}_{k}`` while it works."""
    results: list[R | None] = [None] * len(items)
    failures: list[BaseException] = []
    taken = itertools.count()  # next() on it is atomic: each index is taken once

    def work(k: int) -> None:
        me = threading.current_thread()
        lent_as, me.name = me.name, f"{name}_{k}"
        try:
            while not failures:
                n = next(taken)
                if n >= len(items):
                    return
                try:
                    results[n] = fn(items[n])
                except BaseException as exc:  # handed to the caller's thread
                    failures.append(exc)
                    return
        finally:
            me.name = lent_as

    lender = threads or Threads(name)
    try:
        done = [lender.submit(work, k) for k in range(max(1, min(workers, len(items))))]
        try:
            wait(done)
        except BaseException as exc:  # Ctrl-C while waiting: start nothing more, let the items in flight end
            failures.append(exc)
            wait(done)
            raise
    finally:
        if threads is None:
            lender.close()
    if failures:
        raise failures[0]
    return results  # type: ignore[return-value]  # every slot was filled: no failure
