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

import json
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path

import requests
import urllib3

from ..errors import FetchError, Interrupted
from ..net import Http

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


def _resume_point(part: Path, url: str) -> tuple[int, str | None]:
    """Bytes already in ``part`` for ``url`` and their validator; (0, None) when not resumable."""
    try:
        meta = json.loads(sidecar(part).read_text())
        size = part.stat().st_size
    except (OSError, ValueError):
        return 0, None
    if meta.get("url") != url or not meta.get("validator") or size == 0:
        return 0, None
    return size, str(meta["validator"])


def download(
    http: Http,
    url: str,
    part: Path,
    *,
    what: str,
    refuse_html: bool = True,
    max_bytes: int | None = None,
    attempts: int = 4,
    cancel: threading.Event | None = None,
    on_bytes: Callable[[int], None] | None = None,
    byte_range: tuple[int, int] | None = None,
) -> int:
    """Download ``url`` into ``part`` (resuming what is there) and return its complete size.

    ``byte_range`` (first and last byte, inclusive; an HLS EXT-X-BYTERANGE) downloads only those bytes:
    each request asks ``bytes={first + have}-{last}``. A 200 answer to it is refused (FetchError with
    status 200), not cut down to the range: on a single-file playlist that is the whole file per segment.
    """
    max_bytes = min(max_bytes or http.net.max_file_bytes, http.net.max_file_bytes)
    part.parent.mkdir(parents=True, exist_ok=True)
    key = url if byte_range is None else f"{url}#bytes={byte_range[0]}-{byte_range[1]}"  # no resume across ranges
    last_error = ""
    for _ in range(attempts):
        offset, validator = _resume_point(part, key)
        headers = {"Accept-Encoding": "identity"}
        if byte_range is not None:
            if offset == byte_range[1] - byte_range[0] + 1:
                return offset  # complete before a crash
            headers["Range"] = f"bytes={byte_range[0] + offset}-{byte_range[1]}"
            if offset:
                headers["If-Range"] = validator or ""
        elif offset:
            headers |= {"Range": f"bytes={offset}-", "If-Range": validator or ""}
        with http.stream(url, headers=headers, refuse_html=refuse_html, what=what, accept=(416,)) as response:
            if response.status_code == 416:
                match = _UNSATISFIED.match(response.headers.get("Content-Range", ""))
                if byte_range is None and offset and match and int(match.group(1)) == offset:
                    return offset  # we already had every byte
                discard(part)
                last_error = f"{url} answered 416 to a range request"
                continue
            total: int | None
            if response.status_code == 206:
                match = _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
                first, last = byte_range or (0, None)
                start = first + offset
                if not match or int(match.group(1)) != start or (last is not None and int(match.group(2)) != last):
                    discard(part)  # not where we stopped: never splice
                    last_error = f"{url} answered a range that does not start at byte {start}"
                    continue
                total = int(match.group(3)) if match.group(3) != "*" else None
                mode = "ab"
                if byte_range is not None:
                    total, mode = byte_range[1] - byte_range[0] + 1, "ab" if offset else "wb"
                    if not offset:  # a range's first answer is a 206: its validator is recorded here
                        sidecar(part).write_text(json.dumps({"url": key, "validator": _validator(response)}))
            elif byte_range is not None:
                discard(part)
                if not offset:
                    raise FetchError(f"{url} ignores byte ranges (200 to a Range request)", url=url, status=200)
                last_error = f"{url} changed since its range was started"  # If-Range failed: start over
                continue
            else:
                length = response.headers.get("Content-Length")
                total = int(length) if length and length.isdigit() else None
                offset, mode = 0, "wb"
                tag = _validator(response)
                sidecar(part).write_text(json.dumps({"url": url, "validator": tag}))
            if total is not None and total > max_bytes:
                raise FetchError(f"{url} is {total} bytes, more than the {max_bytes}-byte limit", url=url)
            try:
                _write_body(http, response, part, mode, offset, max_bytes, url, cancel, on_bytes)
            except (requests.RequestException, urllib3.exceptions.HTTPError, ConnectionError, TimeoutError) as exc:
                last_error = f"connection broken while reading {url} ({type(exc).__name__})"
                continue  # resume from what reached the disk
        size = part.stat().st_size
        if total is None or size == total:
            return size
        last_error = f"{url}: got {size} of {total} bytes"
    raise FetchError(last_error or f"cannot download {url}", url=url)


def _write_body(
    http: Http, response: requests.Response, part: Path, mode: str, offset: int, max_bytes: int, url: str,
    cancel: threading.Event | None, on_bytes: Callable[[int], None] | None,
) -> None:  # fmt: skip
    size = offset
    with part.open(mode) as fh:
        for chunk in http.chunks(response, url):
            if cancel is not None and cancel.is_set():
                raise Interrupted("interrupted")
            fh.write(chunk)
            fh.flush()  # a killed process keeps what it received
            size += len(chunk)
            if on_bytes is not None:
                on_bytes(len(chunk))
            if size > max_bytes:
                raise FetchError(f"{url} is larger than the {max_bytes}-byte limit", url=url)
        os.fsync(fh.fileno())
