"""A fixed number of threads working through a list, each taking the next item when it is free.

Why not ``ThreadPoolExecutor``: a talk's HLS segments and slides are about a hundred short jobs, and
an executor pays for each one a ``Future``, a wake-up of its waiter and a release of its idle semaphore
(a lock and a condition in Python) on top of the job; measured on 76 jobs of one write each, 5.8 ms
of CPU against 1.7 ms for threads that take the next index themselves (docs/performance.md). Here
every thread takes the next item from a shared counter, so the cost is per thread, not per job.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def run_each(fn: Callable[[T], R], items: Sequence[T], workers: int, name: str) -> list[R]:
    """``fn`` over every item, ``workers`` threads at a time, items started in order; the results in
    the items' order. After the first failure no item is started, those in flight finish, and the first
    failure is raised (also when the caller is interrupted while it waits)."""
    results: list[R | None] = [None] * len(items)
    failures: list[BaseException] = []
    taken = itertools.count()  # next() on it is atomic: each index is taken once

    def work() -> None:
        while not failures:
            n = next(taken)
            if n >= len(items):
                return
            try:
                results[n] = fn(items[n])
            except BaseException as exc:  # handed to the caller's thread
                failures.append(exc)
                return

    threads = [threading.Thread(target=work, name=f"{name}_{n}") for n in range(max(1, min(workers, len(items))))]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    except BaseException as exc:  # Ctrl-C while waiting: start nothing more, let the items in flight end
        failures.append(exc)
        for thread in threads:
            thread.join()
        raise
    if failures:
        raise failures[0]
    return results  # type: ignore[return-value]  # every slot was filled: no failure
