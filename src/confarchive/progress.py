"""What the user sees while a run goes on: a progress bar on a terminal, plain log lines otherwise.

Logs and bars go to stderr; stdout is reserved for payloads (``resolve --json``, ``discover``).
"""

from __future__ import annotations

import logging
import sys

from tqdm import tqdm

from .model import Status, TalkResult


class Reporter:
    """Receives pipeline events (``start``, ``resolved``, ``skipped``, ``finished``)."""

    def __init__(self, total: int, log: logging.Logger, quiet: bool = False) -> None:
        self.log = log
        self.total = total
        self.count = 0
        self._bar = (
            tqdm(total=total, unit="talk", file=sys.stderr, dynamic_ncols=True)
            if sys.stderr.isatty() and not quiet
            else None
        )

    def __call__(self, event: str, result: TalkResult | None, text: str) -> None:
        if event in ("skipped", "finished") and result is not None:
            self.count += 1
            if self._bar is not None:
                self._bar.update(1)
            prefix = f"[{self.count}/{self.total}]"
            if result.skipped:
                self._write(logging.INFO, f"{prefix} already archived: {result.source_url}")
            elif result.status == Status.DONE:
                title = (result.entry or {}).get("title", result.source_url)
                self._write(logging.INFO, f"{prefix} done: {title}")
            else:
                self._write(logging.WARNING, f"{prefix} failed: {result.source_url}: {result.error}")
        elif event == "start":
            self._write(logging.DEBUG, f"resolving {text}")
        elif event == "resolved":
            self._write(logging.DEBUG, f"resolved: {text}")

    def _write(self, level: int, message: str) -> None:
        if not self.log.isEnabledFor(level):
            return
        if self._bar is not None:
            self._bar.write(message, file=sys.stderr)
        else:
            self.log.log(level, message)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
