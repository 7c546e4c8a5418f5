"""Slide images: where their bytes hit the disk.

Each image is downloaded (resumably) to ``<stem>.part``, decoded with Pillow (an error page saved as ``.jpg`` is the
classic failure of other tools), and only then moved to its final name with ``os.replace``. URL
candidates are tried in order: a 403/404, an HTML answer or undecodable bytes move on to the next.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from ..core.errors import ConfarchiveError, FetchError
from ..core.model import SlideFile
from ..core.net import Http
from .resumable import Journal, discard, download, sidecar

MAX_SLIDE_BYTES = 100 * 1024 * 1024
MAX_SLIDE_PIXELS = 64_000_000  # a 16k x 4k slide is already absurd; beyond this is a decompression bomb
_EXTENSIONS = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp", "GIF": ".gif", "BMP": ".bmp"}


def inspect_image(path: Path) -> tuple[int, int, str]:
    """Width, height and format of a whole, readable image; raises ConfarchiveError otherwise.

    Read to its end without paying a full decode (which cost a talk of 20 slides 46 ms of CPU, and
    img2pdf and ffmpeg decode every slide again anyway): a PNG's every chunk is checked against its CRC
    up to IEND (``verify``: a truncated or damaged file fails), a JPEG is decoded at 1/8 scale (every
    entropy-coded byte is read, the costly transform mostly skipped: a truncated file fails). Other
    formats are decoded whole. What such a check cannot see (a deflate stream broken under correct
    CRCs, which only its producer can write) makes ffmpeg drop the frame, and the merge's frame count
    refuses the video."""
    try:
        with Image.open(path) as im:
            width, height = im.size
            fmt = im.format or ""
            if width * height > MAX_SLIDE_PIXELS:
                raise ConfarchiveError(f"{path.name}: {width}x{height} pixels is a decompression bomb, refused")
            if fmt == "PNG":
                im.verify()
            else:
                if fmt == "JPEG":
                    im.draft(im.mode, (max(1, width // 8), max(1, height // 8)))
                im.load()  # full decode: catches truncated files that verify() lets through
    except Image.DecompressionBombError as exc:
        raise ConfarchiveError(f"{path.name}: a decompression bomb, refused ({exc})") from exc
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        reason = str(exc).replace(f"'{path}'", "").replace(str(path), "").strip() or type(exc).__name__
        raise ConfarchiveError(f"the server's answer is not a decodable image ({reason})") from exc
    if fmt not in _EXTENSIONS:
        raise ConfarchiveError(f"{path.name}: image format {fmt or 'unknown'} is not supported")
    return width, height, fmt


def existing_slide(stem: Path, index: int) -> SlideFile | None:
    """A slide already on disk under its final name (any known extension), verified, or None."""
    for ext in dict.fromkeys(_EXTENSIONS.values()):
        path = stem.with_suffix(ext)
        if path.is_file():
            try:
                width, height, fmt = inspect_image(path)
            except ConfarchiveError:
                path.unlink()
                return None
            return SlideFile(index, str(path), width, height, fmt, path.stat().st_size)
    return None


def fetch_slide(
    http: Http, index: int, urls: Sequence[str], stem: Path, *,
    cancel: threading.Event | None = None, on_bytes: Callable[[int], None] | None = None,
    journal: Journal | None = None,
) -> SlideFile:  # fmt: skip
    """Download slide ``index`` to ``stem`` + its real extension, trying ``urls`` in order. ``journal``:
    the slides folder's validators journal (one file for a talk's slides instead of a sidecar each)."""
    found = existing_slide(stem, index)
    if found is not None:
        return found
    if not urls:
        raise ConfarchiveError(f"slide {index} has no image URL")
    part = stem.with_suffix(".part")  # (download makes the folder when it is missing)
    errors: list[str] = []
    for url in urls:
        try:
            download(http, url, part, what="a slide image", max_bytes=MAX_SLIDE_BYTES, cancel=cancel,
                     on_bytes=on_bytes, journal=journal)  # fmt: skip
            width, height, fmt = inspect_image(part)
        except (FetchError, ConfarchiveError) as exc:
            errors.append(exc.one_line())
            discard(part)
            continue
        final = stem.with_suffix(_EXTENSIONS[fmt])
        os.replace(part, final)
        if journal is None:
            sidecar(part).unlink(missing_ok=True)
        return SlideFile(index, str(final), width, height, fmt, final.stat().st_size)
    raise ConfarchiveError(f"slide {index}: no image from any host ({' | '.join(errors)})")
