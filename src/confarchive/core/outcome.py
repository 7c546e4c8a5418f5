"""Typed outcomes: what a worker reports back, and why a talk failed.

A failure travels as a ``Failure`` (its kind, one line for the user, the HTTP status when there is
one), never as text to be matched later: ``retry`` retries transient failures and leaves permanent
ones alone, which it can only do if the kind was decided where the error happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .entry import TalkEntry
from .errors import ConfarchiveError, ErrorKind, Interrupted, is_disk_full
from .model import TalkKey


class Status(StrEnum):
    DONE = "done"
    FAILED = "failed"
    PENDING = "pending"


@dataclass(frozen=True)
class Failure:
    """Why a talk is not done: its kind, one line for the user, the HTTP status that decided it."""

    kind: ErrorKind
    message: str
    status: int | None = None

    @property
    def counts_as_failed(self) -> bool:
        """Cancelled and halted talks are simply not finished yet: they resume, nothing is recorded."""
        return self.kind not in (ErrorKind.CANCELLED, ErrorKind.HALTED)


DISK_FULL = "the disk is full: free some space and run the same command again (finished talks are kept)"


def failure_of(exc: BaseException, cancelled: bool = False) -> Failure:
    """The failure an exception stands for. ``cancelled``: the run was stopping when it happened."""
    if isinstance(exc, Interrupted):
        return Failure(ErrorKind.CANCELLED, "interrupted")
    if is_disk_full(exc):
        return Failure(ErrorKind.HALTED, DISK_FULL)
    if cancelled:
        return Failure(ErrorKind.CANCELLED, "interrupted")
    if isinstance(exc, ConfarchiveError):
        return Failure(exc.kind, exc.one_line(), getattr(exc, "status", None))
    return Failure(ErrorKind.INTERNAL, f"internal error ({type(exc).__name__}: {exc}); please report this")


@dataclass(frozen=True)
class TalkResult:
    """What a worker reports to the coordinator, which alone writes the manifest.

    ``entry`` is what is known of the talk (a done talk's entry is complete); ``failure`` says why a
    talk is not done.
    """

    key: TalkKey
    source_url: str
    entry: TalkEntry | None = None
    failure: Failure | None = None

    @property
    def status(self) -> Status:
        if self.failure is None:
            return Status.DONE
        return Status.FAILED if self.failure.counts_as_failed else Status.PENDING
