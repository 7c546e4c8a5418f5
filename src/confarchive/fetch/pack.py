"""A track's small HLS segments packed into one file, with the crash safety of a file per segment.

Why: a 5-minute talk is 76 segments, and a file per segment was the costliest thing its download did.
Creating a file on ext4 scans its inode bitmap for one not recently deleted; each segment was also
renamed, stat'ed, opened again by ffmpeg, and deleted after the merge, and the scan slows down as
a run deletes more. Packed, the archiving process's system time per talk halved (docs/performance.md).

The folder holds ``pack<suffix>`` (the segments' bytes back to back, in the order they completed) and
``pack.jsonl``: one line per segment, ``[name, offset, length]``, written after its bytes. Both are
written under one lock, so the lines, in order, tile the start of the pack file. After a kill, the
lines that tile are kept. Bytes no line covers, a line cut short, and a line past the end of the file
(an OS crash lost its bytes) are dropped: the pack is cut back and the journal rewritten, and those
segments are fetched again. A segment counts only once its line is written, as a segment file counted
only once it was renamed. Nothing here is fsync'ed: the merge's ffprobe judges the result, as before.

The local playlist refers to each packed segment by ``EXT-X-BYTERANGE`` (``localise``). ffmpeg reads
ranges of a local file in any order, and the pack keeps the segments' own extension, which ffmpeg 7.1
and later compare with their content.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import m3u8

JOURNAL = "pack.jsonl"


@dataclass(frozen=True)
class Extent:
    """Where one segment is in the pack: its first byte and its length."""

    offset: int
    length: int


def _tiling(lines: list[str], size: int) -> tuple[list[str], dict[str, Extent], int]:
    """The journal lines that tile the start of a pack of ``size`` bytes, their extents, and their end."""
    kept: list[str] = []
    extents: dict[str, Extent] = {}
    end = 0
    for line in lines:
        try:
            name, offset, length = json.loads(line)
        except (ValueError, TypeError):
            break
        complete = line.endswith("\n") and isinstance(name, str) and type(offset) is int and type(length) is int
        if not complete or offset != end or length < 0 or end + length > size:
            break
        kept.append(line)
        extents[name] = Extent(offset, length)
        end += length
    return kept, extents, end


class Pack:
    """The pack of one track's folder: what is in it, and adding a complete segment. Thread-safe."""

    def __init__(self, folder: Path, name: str) -> None:
        self.path = folder / name
        self._journal = folder / JOURNAL
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._log: TextIO | None = None
        self.extents, self.end = self._recover()

    def _recover(self) -> tuple[dict[str, Extent], int]:
        try:
            lines = self._journal.read_text(encoding="utf-8").splitlines(keepends=True)
        except FileNotFoundError:
            lines = []
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            size = 0
        kept, extents, end = _tiling(lines, size)
        if len(kept) != len(lines):
            tmp = self._journal.with_name(JOURNAL + ".tmp")
            tmp.write_text("".join(kept), encoding="utf-8")
            os.replace(tmp, self._journal)
        if size > end:
            os.truncate(self.path, end)
        return extents, end

    def __contains__(self, name: str) -> bool:
        return name in self.extents

    def add(self, name: str, data: bytes) -> None:
        """Append ``data`` as segment ``name``: its bytes first, then its line; it counts from then on."""
        with self._lock:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o644)
            view, at = memoryview(data), self.end
            while view:  # a regular file takes it all at once; a signal could split it
                written = os.pwrite(self._fd, view, at)
                view, at = view[written:], at + written
            extent = Extent(self.end, len(data))
            if self._log is None:
                self._log = self._journal.open("a", encoding="utf-8")
            self._log.write(json.dumps([name, extent.offset, extent.length]) + "\n")
            self._log.flush()
            self.extents[name] = extent
            self.end += len(data)

    def close(self) -> None:
        """Close both files; bytes past the last line (a failed write) are cut off."""
        with self._lock:
            if self._fd is not None:
                os.ftruncate(self._fd, self.end)
                os.close(self._fd)
                self._fd = None
            if self._log is not None:
                self._log.close()
                self._log = None


def localise(playlist: str, pack: Pack) -> str:
    """The local playlist with every packed segment read from its range of the pack."""
    if not pack.extents:
        return playlist
    parsed = m3u8.loads(playlist)
    for segment in parsed.segments:
        extent = pack.extents.get(segment.uri)
        if extent is not None:
            segment.uri, segment.byterange = pack.path.name, f"{extent.length}@{extent.offset}"
    parsed.version = max(int(parsed.version or 1), 4)  # EXT-X-BYTERANGE needs version 4
    return parsed.dumps()
