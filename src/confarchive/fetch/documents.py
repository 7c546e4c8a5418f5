"""Small companion files of a talk: the paper (PDF) and subtitles (WebVTT).

Both are checked by their first bytes before they count (an HTML login page saved as paper.pdf is
worse than no paper), written to ``.part`` and moved into place with ``os.replace``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..errors import ConfarchiveError
from ..net import Http

MAX_DOCUMENT_BYTES = 200 * 1024 * 1024


def is_pdf(data: bytes) -> bool:
    return data.lstrip()[:5] == b"%PDF-"


def is_webvtt(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \r\n\t")[:6] == b"WEBVTT"


def fetch_document(http: Http, url: str, dest: Path, check: Callable[[bytes], bool], what: str) -> Path:
    """Download ``url`` to ``dest`` unless it is already there; ``check`` must accept the bytes."""
    if dest.is_file() and dest.stat().st_size > 0:
        return dest
    data = http.get(url, refuse_html=True, what=what, max_bytes=MAX_DOCUMENT_BYTES).content
    if not check(data):
        raise ConfarchiveError(f"{url} did not give {what} (got {len(data)} bytes starting {data[:16]!r})")
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    with part.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(part, dest)
    return dest
