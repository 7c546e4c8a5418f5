"""The exceptions a user sees, and what kind of failure each is. Anything else escaping a stage is a bug.

The kind is decided where the error happens (the HTTP boundary knows a 404 from a 503; a parser knows
that malformed data will still be malformed tomorrow) and travels with it, so nothing later has to
guess from the message text.
"""

from __future__ import annotations

import errno
from enum import StrEnum


class ErrorKind(StrEnum):
    """Why a talk is not done, as far as what to do next is concerned."""

    PERMANENT = "permanent"  # the source says no (404, no video, malformed data): retrying will not help
    TRANSIENT = "transient"  # the network or the server (5xx, 429, resets, a host that is down): try later
    CANCELLED = "cancelled"  # Ctrl-C: resumes next time, not a failure
    HALTED = "halted"  # the whole run stopped (the disk is full): resumes next time, not a failure
    INTERNAL = "internal"  # a bug in confarchive


# HTTP statuses that may pass: a timeout, too early, too many requests, a server error. Any other answer
# (a 404, a 403, a 200 that is not what was asked for) will be the same tomorrow.
TRANSIENT_STATUSES = frozenset({408, 425, 429})


def kind_of_status(status: int | None) -> ErrorKind:
    """No answer at all (a reset, a timeout) may pass; so may the statuses above and every 5xx."""
    if status is None or status in TRANSIENT_STATUSES or status >= 500:
        return ErrorKind.TRANSIENT
    return ErrorKind.PERMANENT


class ConfarchiveError(Exception):
    """An expected failure, with a one-line message that says what went wrong and where."""

    def __init__(self, message: str, *, kind: ErrorKind = ErrorKind.PERMANENT) -> None:
        super().__init__(message)
        self.kind = kind

    def one_line(self) -> str:
        return " ".join(str(self).split())


class UsageError(ConfarchiveError):
    """Bad command line or configuration: exit code 2."""


class FetchError(ConfarchiveError):
    """An HTTP request that did not give what was expected; permanent or not by its status."""

    def __init__(self, message: str, *, url: str, status: int | None = None, kind: ErrorKind | None = None) -> None:
        super().__init__(message, kind=kind or kind_of_status(status))
        self.url = url
        self.status = status


class HostDown(FetchError):
    """A request not even tried: its host could not be reached several times in this run."""


class NoVideoError(ConfarchiveError):
    """A page with no recognisable talk media."""


class NoTalkError(NoVideoError):
    """A paper that no ``--from`` listing has a talk for."""


class MissingToolError(ConfarchiveError):
    """A required program (ffmpeg, ffprobe, chromium, tesseract) is not installed."""


class Interrupted(Exception):
    """The run is stopping (Ctrl-C): work in progress stays resumable and is not a failure."""


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
