"""Per-host politeness shared by every worker: a connection limit, a minimum interval between request
starts, and a pause for everyone when a server answers 429/503 with ``Retry-After``.

Keyed by the host name actually contacted (after URL rewrites): politeness is owed to the server that
receives the connections. A holder of a slot never waits for another slot (a request, or a whole
yt-dlp run whose fragments are sequential), so slots cannot deadlock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class HostLimiter:
    def __init__(self, per_host: int, min_interval_s: float) -> None:
        self._per_host = max(1, per_host)
        self._min_interval = max(0.0, min_interval_s)
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._next_start: dict[str, float] = {}
        self._paused_until: dict[str, float] = {}

    def pause(self, host: str, seconds: float) -> None:
        """No new request to ``host`` for ``seconds`` (a ``Retry-After`` answer), from any worker."""
        with self._lock:
            until = time.monotonic() + max(0.0, seconds)
            self._paused_until[host] = max(until, self._paused_until.get(host, 0.0))

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold one of the host's connection slots, starting no sooner than politeness allows."""
        with self._lock:
            sem = self._slots.setdefault(host, threading.BoundedSemaphore(self._per_host))
        with sem:
            self._wait_turn(host)
            yield

    def _wait_turn(self, host: str) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                paused = self._paused_until.get(host, 0.0)
                if paused <= now:
                    start = max(now, self._next_start.get(host, now))
                    self._next_start[host] = start + self._min_interval
                    break
            time.sleep(min(paused - now, 1.0))
        if start > now:
            time.sleep(start - now)
