"""What the user sees while a run goes on: live bars on a terminal, one plain line per event otherwise.

On a terminal: a bar of talks done (with ETA), a byte counter with speed, and one line per running
talk with its current stage. Not on a terminal (CI, cron, a pipe): one log line per talk event, so a
log file reads as a history. Everything goes to stderr: stdout is for payloads (``discover``,
``resolve --json``).
"""

from __future__ import annotations

import logging
import sys
import threading

from tqdm import tqdm

from ..core.outcome import Status, TalkResult


class Reporter:
    """Receives pipeline events; ``bytes`` may be called from any worker thread."""

    def __init__(self, total: int, log: logging.Logger, quiet: bool = False, live: bool | None = None) -> None:
        self.log = log
        self.total = total
        self.count = 0
        self._lock = threading.Lock()
        self._live = (sys.stderr.isatty() if live is None else live) and not quiet
        self._bars: dict[str, tqdm] = {}
        self._talks: tqdm | None = None
        self._bytes: tqdm | None = None
        if self._live:
            self._talks = tqdm(total=total, unit="talk", desc="talks", file=sys.stderr, dynamic_ncols=True, position=0)
            self._bytes = tqdm(unit="B", unit_scale=True, unit_divisor=1024, desc="downloaded", file=sys.stderr,
                               dynamic_ncols=True, position=1)  # fmt: skip

    # -- events --------------------------------------------------------------------------------------
    def skipped(self, url: str) -> None:
        self._count()
        self._write(logging.INFO, f"[{self.count}/{self.total}] already archived: {url}")

    def grow(self, n: int) -> None:
        """More talks than first known (a listing, a page with several talks)."""
        with self._lock:
            self.total += n
            if self._talks is not None:
                self._talks.total = self.total
                self._talks.refresh()

    def started(self, url: str) -> None:
        self._write(logging.DEBUG, f"resolving {url}")

    def stage(self, title: str, stage: str) -> None:
        if self._live:
            with self._lock:
                bar = self._bars.get(title)
                if bar is None:
                    bar = tqdm(
                        total=0, bar_format="  {desc}", file=sys.stderr, position=2 + len(self._bars), leave=False
                    )
                    self._bars[title] = bar
                bar.set_description_str(f"{stage:>8}: {title[:70]}")
        else:
            self._write(logging.DEBUG if stage == "resolved" else logging.INFO, f"{stage}: {title}")

    def settled(self, title: str) -> None:
        """A done talk's later step (its slides read, its transcript) is over: its line goes, nothing is counted."""
        if self._live:
            with self._lock:
                bar = self._bars.pop(title, None)
                if bar is not None:
                    bar.close()

    def finished(self, result: TalkResult) -> None:
        self._count()
        title = result.entry.title if result.entry is not None else result.source_url
        if self._live:
            with self._lock:
                bar = self._bars.pop(title, None)
                if bar is not None:
                    bar.close()
        prefix = f"[{self.count}/{self.total}]"
        if result.status == Status.DONE:
            self._write(logging.INFO, f"{prefix} done: {title}")
        else:
            message = result.failure.message if result.failure else "unknown error"
            self._write(logging.WARNING, f"{prefix} failed: {result.source_url}: {message}")

    def bytes(self, n: int) -> None:
        if self._bytes is not None:
            with self._lock:
                self._bytes.update(n)

    # -- output --------------------------------------------------------------------------------------
    def _count(self) -> None:
        with self._lock:
            self.count += 1
            if self._talks is not None:
                self._talks.update(1)

    def _write(self, level: int, message: str) -> None:
        if not self.log.isEnabledFor(level):
            return
        if self._live:
            tqdm.write(message, file=sys.stderr)
        else:
            self.log.log(level, message)

    def close(self) -> None:
        with self._lock:
            for bar in [*self._bars.values(), self._bytes, self._talks]:
                if bar is not None:
                    bar.close()
            self._bars.clear()
