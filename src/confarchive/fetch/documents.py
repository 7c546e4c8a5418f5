"""Small companion files of a talk: the paper (PDF) and subtitles (WebVTT).

Both are checked by their first bytes before they count (an HTML login page saved as paper.pdf is
worse than no paper), written to ``.part`` and moved into place with ``os.replace``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from ..core.errors import ConfarchiveError
from ..core.net import Http
from .resumable import discard, download, sidecar

MAX_DOCUMENT_BYTES = 200 * 1024 * 1024


def is_pdf(data: bytes) -> bool:
    return data.lstrip()[:5] == b"%PDF-"


def is_webvtt(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \r\n\t")[:6] == b"WEBVTT"


def fetch_document(
    http: Http, url: str, dest: Path, check: Callable[[bytes], bool], what: str,
    cancel: threading.Event | None = None,
) -> Path:  # fmt: skip
    """Download ``url`` to ``dest`` unless it is already there; ``check`` must accept its first bytes."""
    if dest.is_file() and dest.stat().st_size > 0:
        return dest
    part = dest.with_name(dest.name + ".part")
    download(http, url, part, what=what, max_bytes=MAX_DOCUMENT_BYTES, cancel=cancel)
    with part.open("rb") as fh:
        head = fh.read(64)
    if not check(head):
        discard(part)
        raise ConfarchiveError(f"{url} did not give {what} (its first bytes are {head[:16]!r})")
    os.replace(part, dest)
    sidecar(part).unlink(missing_ok=True)
    return dest
