"""Resumable HTTP downloads: where file bytes hit the disk.

A download goes to ``<name>.part`` with a sidecar ``<name>.part.json`` holding the URL and the
validator (a strong ETag, else Last-Modified), written before the first body byte. A resumed
download sends ``Range: bytes=N-`` with ``If-Range: <validator>``: a 206 must start exactly at N, a 200
means the server ignored the range or the file changed (start over, never splice), a 416 whose
``*/N`` equals what we have means the file was already complete. A body cut mid-stream (which
urllib3's retries do not cover) is resumed from where it stopped. Each chunk is flushed as it
arrives, so a killed process leaves everything it received for the next run. The caller validates
the ``.part`` and moves it to its final name.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

import requests

from ..core.errors import ErrorKind, FetchError, Interrupted
from ..core.net import Http

_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")
_UNSATISFIED = re.compile(r"bytes\s+\*/(\d+)")


def sidecar(part: Path) -> Path:
    return part.with_name(part.name + ".json")


def discard(part: Path) -> None:
    part.unlink(missing_ok=True)
    sidecar(part).unlink(missing_ok=True)


def _validator(response: requests.Response) -> str | None:
    etag = response.headers.get("ETag")
    if etag and not etag.startswith("W/"):  # a weak ETag does not promise identical bytes
        return etag
    return response.headers.get("Last-Modified")


class Journal:
    """The validators of one folder's ``.part`` files, appended to one file instead of a sidecar each.

    For folders of many small pieces (a talk's 76 HLS segments): a sidecar is one more file created and
    deleted per piece, and creating files is the costliest thing such a download does on a file system
    that checks each new inode against recently deleted ones (ext4 without a journal: 54 % of the
    archiving process's kernel time in a measured run was ``openat``). Each entry is one line, written
    by one ``write`` before the part's first body byte, as a sidecar would be; a line cut short by a
    kill is ignored, and the last entry of a part wins."""

    NAME = "parts.jsonl"

    def __init__(self, folder: Path) -> None:
        self.path = folder / self.NAME
        self._lock = threading.Lock()
        self._known: dict[str, dict[str, object]] = {}
        self._file: TextIO | None = None  # opened at the first entry, kept open: one write per entry
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError:
            lines = []
        for line in lines:
            try:
                entry = json.loads(line)
                self._known[str(entry.pop("part"))] = entry
            except (ValueError, KeyError, TypeError, AttributeError):
                continue

    def get(self, part: Path) -> dict[str, object] | None:
        return self._known.get(part.name)

    def put(self, part: Path, meta: dict[str, object]) -> None:
        line = json.dumps({"part": part.name, **meta}) + "\n"
        with self._lock:
            if self._file is None:
                self._file = self.path.open("a", encoding="utf-8")
            self._file.write(line)
            self._file.flush()  # in the kernel before the part's first body byte, as a sidecar would be
            self._known[part.name] = meta

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _record(part: Path, meta: dict[str, object], journal: Journal | None) -> None:
    """Where the validator of ``part`` goes: its journal, else its sidecar."""
    if journal is not None:
        journal.put(part, meta)
    else:
        sidecar(part).write_text(json.dumps(meta))


def _resume_point(part: Path, url: str, journal: Journal | None = None) -> tuple[int, str | None]:
    """Bytes already in ``part`` for ``url`` and their validator; (0, None) when not resumable."""
    try:
        meta = journal.get(part) if journal is not None else json.loads(sidecar(part).read_text())
        if meta is None or meta.get("url") != url or not meta.get("validator"):
            return 0, None  # nothing to resume: the part is not even looked at (a new piece's usual case)
        size = part.stat().st_size
    except (OSError, ValueError, AttributeError):
        return 0, None
    return (size, str(meta["validator"])) if size else (0, None)


class _Store(Protocol):
    """Where a download's bytes and validator go, and where a resumed attempt starts from."""

    def resume_point(self, key: str) -> tuple[int, str | None]: ...
    def record(self, meta: dict[str, object]) -> None: ...
    def expect(self, offset: int, total: int | None) -> None: ...
    def writer(self, mode: str) -> contextlib.AbstractContextManager[Callable[[bytes], object]]: ...
    def size(self) -> int: ...
    def discard(self) -> None: ...


@dataclass(frozen=True)
class _FileStore:
    """A ``.part`` file, its validator in a sidecar or the folder's journal; ``durable`` fsyncs the body."""

    part: Path
    journal: Journal | None
    durable: bool

    def resume_point(self, key: str) -> tuple[int, str | None]:
        return _resume_point(self.part, key, self.journal)

    def record(self, meta: dict[str, object]) -> None:
        _record(self.part, meta, self.journal)

    def expect(self, offset: int, total: int | None) -> None:
        pass

    @contextmanager
    def writer(self, mode: str) -> Iterator[Callable[[bytes], object]]:
        with self.part.open(mode) as fh:

            def write(chunk: bytes) -> None:
                fh.write(chunk)
                fh.flush()  # a killed process keeps what it received

            yield write
            if self.durable:
                os.fsync(fh.fileno())

    def size(self) -> int:
        return self.part.stat().st_size

    def discard(self) -> None:
        discard(self.part)


class _SpillStore:
    """The body in memory while it is known to fit in ``in_memory`` bytes; a file store from the moment an
    answer announces more (or nothing), with what memory held and the validator moved there first."""

    def __init__(self, in_memory: int, file: _FileStore) -> None:
        self.in_memory = in_memory
        self.data = bytearray()
        self.file: _FileStore | None = None
        self._spill_to = file
        self._meta: dict[str, object] | None = None

    def resume_point(self, key: str) -> tuple[int, str | None]:
        if self.file is None and not self.data:
            found = self._spill_to.resume_point(key)
            if found[0]:  # a large body a killed run left in its part: resumed there, by Range
                self.file = self._spill_to
        if self.file is not None:
            return self.file.resume_point(key)
        meta = self._meta
        if meta is None or meta.get("url") != key or not meta.get("validator") or not self.data:
            return 0, None
        return len(self.data), str(meta["validator"])

    def record(self, meta: dict[str, object]) -> None:
        if self.file is not None:
            self.file.record(meta)
        self._meta = meta

    def expect(self, offset: int, total: int | None) -> None:
        if self.file is not None or (total is not None and total <= self.in_memory):
            return
        self.file = self._spill_to
        if self._meta is not None:
            self.file.record(self._meta)
        if offset:  # what a resumed answer continues from; from byte 0 the writer creates the part
            self.file.part.write_bytes(self.data[:offset])
        self.data = bytearray()

    @contextmanager
    def writer(self, mode: str) -> Iterator[Callable[[bytes], object]]:
        if self.file is not None:
            with self.file.writer(mode) as write:
                yield write
            return
        if mode == "wb":
            self.data.clear()
        yield self.data.extend

    def size(self) -> int:
        return self.file.size() if self.file is not None else len(self.data)

    def discard(self) -> None:
        if self.file is not None:
            self.file.discard()
        self.data.clear()
        self._meta = None


def download(
    http: Http,
    url: str,
    part: Path,
    *,
    what: str,
    refuse_html: bool = True,
    max_bytes: int | None = None,
    cancel: threading.Event | None = None,
    on_bytes: Callable[[int], None] | None = None,
    byte_range: tuple[int, int] | None = None,
    headers: dict[str, str] | None = None,
    durable: bool = True,
    journal: Journal | None = None,
) -> int:
    """Download ``url`` into ``part`` (resuming what is there) and return its complete size.

    One request's retry budget (``Http.retrying``) covers everything: a 5xx, a cut body (resumed from
    what reached the disk), a range answer that does not fit (started over, never spliced).
    ``byte_range`` (first and last byte, inclusive; an HLS EXT-X-BYTERANGE) downloads only those bytes:
    each request asks ``bytes={first + have}-{last}``. A 200 answer to it is refused (permanently), not
    cut down to the range: on a single-file playlist that is the whole file per segment.
    ``durable=False`` skips the fsync: for pieces that only count once a later step validated them
    (HLS segments: the final MP4's ffprobe judges them, or everything is fetched again). ``journal``
    keeps the validator in the folder's ``Journal`` instead of a sidecar file.
    """
    limit = min(max_bytes or http.net.max_file_bytes, http.net.max_file_bytes)
    if not part.parent.is_dir():  # one stat where mkdir(exist_ok) costs two system calls a piece
        part.parent.mkdir(parents=True, exist_ok=True)
    store = _FileStore(part, journal, durable)
    job = _Job(http, url, store, what, refuse_html, limit, cancel, on_bytes, byte_range, headers or {})
    return http.retrying(url, job.attempt, cancel=cancel)


def download_small(
    http: Http,
    url: str,
    part: Path,
    *,
    in_memory: int,
    what: str,
    byte_range: tuple[int, int] | None = None,
    headers: dict[str, str] | None = None,
    cancel: threading.Event | None = None,
    on_bytes: Callable[[int], None] | None = None,
    journal: Journal | None = None,
) -> bytes | None:
    """``url``'s bytes when its answer announces at most ``in_memory`` of them (each chunk held in memory,
    a cut body resumed by Range from there, as ``download`` does from its part). A larger or unannounced
    body goes to ``part`` in the same request, as ``download(durable=False)`` writes it: then None, and the
    caller renames the complete part. Nothing of a small body reaches the disk here. ``part``'s folder
    exists (the caller's, made once for all its pieces: no check per piece).
    """
    store = _SpillStore(in_memory, _FileStore(part, journal, durable=False))
    job = _Job(http, url, store, what, True, http.net.max_file_bytes, cancel, on_bytes, byte_range, headers or {})
    http.retrying(url, job.attempt, cancel=cancel)
    return None if store.file is not None else bytes(store.data)


@dataclass(frozen=True)
class _Job:
    http: Http
    url: str
    store: _Store
    what: str
    refuse_html: bool
    limit: int
    cancel: threading.Event | None
    on_bytes: Callable[[int], None] | None
    byte_range: tuple[int, int] | None
    headers: dict[str, str]

    @property
    def key(self) -> str:
        """What the sidecar records: a range never resumes into another range of the same file."""
        return self.url if self.byte_range is None else f"{self.url}#bytes={self.byte_range[0]}-{self.byte_range[1]}"

    def _again(self, reason: str, restart: bool = False) -> FetchError:
        if restart:
            self.store.discard()  # not where we stopped: never splice
        return FetchError(reason, url=self.url, kind=ErrorKind.TRANSIENT)

    def attempt(self) -> int:
        """One request: resume or start, write the body, return the size once complete."""
        url, rng = self.url, self.byte_range
        offset, validator = self.store.resume_point(self.key)
        headers = {**self.headers, "Accept-Encoding": "identity"}
        if rng is not None:
            if offset == rng[1] - rng[0] + 1:
                return offset  # complete before a crash
            headers["Range"] = f"bytes={rng[0] + offset}-{rng[1]}"
            if offset:
                headers["If-Range"] = validator or ""
        elif offset:
            headers |= {"Range": f"bytes={offset}-", "If-Range": validator or ""}
        with self.http.stream(url, headers=headers, refuse_html=self.refuse_html, what=self.what, accept=(416,)) as r:
            if r.status_code == 416:
                match = _UNSATISFIED.match(r.headers.get("Content-Range", ""))
                if rng is None and offset and match and int(match.group(1)) == offset:
                    return offset  # we already had every byte
                raise self._again(f"{url} answered 416 to a range request", restart=True)
            total, mode, offset = self._answer(r, offset)
            self.store.expect(offset, total)
            if total is not None and total > self.limit:
                raise FetchError(f"{url} is {total} bytes, more than the {self.limit}-byte limit", url=url)
            _write_body(self.http, r, self.store, mode, offset, self.limit, url, self.cancel, self.on_bytes)
        size = self.store.size()
        if total is not None and size != total:
            raise self._again(f"{url}: got {size} of {total} bytes")  # resumed by the next attempt
        return size

    def _answer(self, response: requests.Response, offset: int) -> tuple[int | None, str, int]:
        """(expected total size, file mode, offset) for this answer; raises when it cannot be used."""
        url, rng = self.url, self.byte_range
        if response.status_code == 206:
            match = _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
            first, last = rng or (0, None)
            start = first + offset
            if not match or int(match.group(1)) != start or (last is not None and int(match.group(2)) != last):
                raise self._again(f"{url} answered a range that does not start at byte {start}", restart=True)
            if rng is None:
                return (int(match.group(3)) if match.group(3) != "*" else None), "ab", offset
            if not offset:  # a range's first answer is a 206: its validator is recorded here
                self.store.record({"url": self.key, "validator": _validator(response)})
            return rng[1] - rng[0] + 1, "ab" if offset else "wb", offset
        if rng is not None:
            if not offset:
                raise FetchError(f"{url} ignores byte ranges (200 to a Range request)", url=url, status=200)
            raise self._again(f"{url} changed since its range was started", restart=True)  # If-Range failed
        length = response.headers.get("Content-Length")
        self.store.record({"url": url, "validator": _validator(response)})
        return (int(length) if length and length.isdigit() else None), "wb", 0


def _write_body(
    http: Http, response: requests.Response, store: _Store, mode: str, offset: int, max_bytes: int, url: str,
    cancel: threading.Event | None, on_bytes: Callable[[int], None] | None,
) -> None:  # fmt: skip
    size = offset
    with store.writer(mode) as write:
        for chunk in http.chunks(response, url):
            if cancel is not None and cancel.is_set():
                raise Interrupted("interrupted")
            write(chunk)
            size += len(chunk)
            if on_bytes is not None:
                on_bytes(len(chunk))
            if size > max_bytes:
                raise FetchError(f"{url} is larger than the {max_bytes}-byte limit", url=url, kind=ErrorKind.PERMANENT)
