"""Per-host politeness shared by every worker: a connection limit, a minimum interval between request
starts, and a pause for everyone when a server answers 429/503 with ``Retry-After``.

Keyed by the host name actually contacted (after URL rewrites): politeness is owed to the server that
receives the connections. A holder of a slot never waits for another slot, so slots cannot deadlock.
``HostLimiter`` holds for the threads of one process; ``ClusterHostLimiter`` for every process of a
Dask cluster, through the scheduler (its clock is the wall clock: the machines of a cluster are
expected to keep theirs in step, as NTP does).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class HostLimiter:
    def __init__(self, per_host: int, min_interval_s: float) -> None:
        self._per_host = max(1, per_host)
        self._min_interval = max(0.0, min_interval_s)
        self._lock = threading.Lock()
        self._slots: dict[str, queue.SimpleQueue[None]] = {}
        self._next_start: dict[str, float] = {}
        self._paused_until: dict[str, float] = {}  # wall clock

    def pause(self, host: str, seconds: float) -> None:
        """No new request to ``host`` for ``seconds`` (a ``Retry-After`` answer), from any worker."""
        with self._lock:
            until = time.time() + max(0.0, seconds)
            self._paused_until[host] = max(until, self._paused_until.get(host, 0.0))

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold one of the host's connection slots, starting no sooner than politeness allows."""
        tokens = self._slots.get(host)
        if tokens is None:
            with self._lock:
                tokens = self._slots.setdefault(host, self._tokens())
        tokens.get()
        try:
            self._wait_turn(host)
            yield
        finally:
            tokens.put(None)

    def _tokens(self) -> queue.SimpleQueue[None]:
        """A host's slots as tokens in a queue: a semaphore written in C (``threading.Semaphore`` is Python
        around a lock and a condition, twice per request)."""
        tokens: queue.SimpleQueue[None] = queue.SimpleQueue()
        for _ in range(self._per_host):
            tokens.put(None)
        return tokens

    def _paused(self, host: str) -> float:
        return self._paused_until.get(host, 0.0)

    def _reserve_start(self, host: str) -> float:
        """The wall-clock time this request may start, reserving the next one's turn."""
        with self._lock:
            now = time.time()
            start = max(now, self._next_start.get(host, now))
            self._next_start[host] = start + self._min_interval
            return start

    def _wait_turn(self, host: str) -> None:
        while (wait := self._paused(host) - time.time()) > 0:
            time.sleep(min(wait, 1.0))
        if self._min_interval > 0:
            start = self._reserve_start(host)
            if (wait := start - time.time()) > 0:
                time.sleep(wait)


class ClusterHostLimiter(HostLimiter):
    """The same politeness for every process of a Dask cluster: a ``Semaphore`` per host for the
    connections, a scheduler metadata entry per host for the end of a ``Retry-After`` pause (read before
    every request), and a ``Lock`` plus an entry per host for the minimum interval (only when one is set).

    Metadata, not ``Variable``: a ``Variable`` never set answers ``get(timeout=0)`` with a TimeoutError
    that the scheduler logs as an ERROR with its traceback, once per request of a run without pauses
    (831 of them in one benchmark run); ``get_metadata`` takes a default instead.

    ``client`` is bound when the limiter is made (in a task, or by the coordinator): slides download in
    threads of their own, where Dask cannot find its worker. Names carry the run id: two runs may have
    different limits.
    """

    def __init__(self, per_host: int, min_interval_s: float, run: str, client: Any) -> None:
        super().__init__(per_host, min_interval_s)
        self._run = run
        self._client = client
        self._semaphores: dict[str, Any] = {}

    def _name(self, what: str, host: str) -> str:
        return f"confarchive-{self._run}-{what}-{host}"

    def _read(self, what: str, host: str) -> float:
        return float(self._client.get_metadata(["confarchive", self._run, what, host], default=0.0))

    def _write(self, what: str, host: str, value: float) -> None:
        self._client.set_metadata(["confarchive", self._run, what, host], value)

    def pause(self, host: str, seconds: float) -> None:
        super().pause(host, seconds)
        self._write("pause", host, max(self._read("pause", host), time.time() + max(0.0, seconds)))

    def _paused(self, host: str) -> float:
        return max(super()._paused(host), self._read("pause", host))

    def _reserve_start(self, host: str) -> float:
        from distributed import Lock

        with Lock(self._name("turn-lock", host), self._client.scheduler, self._client.loop):
            start = max(time.time(), self._read("turn", host))
            self._write("turn", host, start + self._min_interval)
            return start

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        from distributed import Semaphore

        with self._lock:
            semaphore = self._semaphores.get(host)
            if semaphore is None:
                semaphore = Semaphore(
                    self._per_host, self._name("slots", host), self._client.scheduler, self._client.loop
                )
                self._semaphores[host] = semaphore
        with semaphore:
            self._wait_turn(host)
            yield
