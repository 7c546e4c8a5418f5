"""The one exception type a user sees. Anything else escaping a stage is a bug."""

from __future__ import annotations

import errno


class ConfarchiveError(Exception):
    """An expected failure, with a one-line message that says what went wrong and where."""

    def one_line(self) -> str:
        return " ".join(str(self).split())


class UsageError(ConfarchiveError):
    """Bad command line or configuration: exit code 2."""


class FetchError(ConfarchiveError):
    """An HTTP request that did not give what was expected."""

    def __init__(self, message: str, *, url: str, status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class NoVideoError(ConfarchiveError):
    """A page with no recognisable talk media."""


class MissingToolError(ConfarchiveError):
    """A required program (ffmpeg, ffprobe, chromium) is not installed."""


class ResolveError(ConfarchiveError):
    """Resolution failed after the page was read: what the page said is kept for the index."""

    def __init__(self, message: str, *, key: str | None, page: object) -> None:
        super().__init__(message)
        self.key = key
        self.page = page


class Interrupted(Exception):
    """The run is stopping (Ctrl-C): work in progress stays resumable and is not a failure."""


class Halt(ConfarchiveError):
    """Stops the whole run, not just one talk (the disk is full): finished work is kept."""


def is_disk_full(exc: BaseException) -> bool:
    """ENOSPC anywhere in the exception chain, or in a message from ffmpeg, yt-dlp or SQLite."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno == errno.ENOSPC:
            return True
        text = str(current)
        if "No space left on device" in text or "database or disk is full" in text:
            return True
        current = current.__cause__ or current.__context__
    return False
