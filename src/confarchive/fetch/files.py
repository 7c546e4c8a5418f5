"""Slide images: where their bytes hit the disk.

Each image is streamed to ``<stem>.part``, decoded with Pillow (an error page saved as ``.jpg`` is the
classic failure of other tools), and only then moved to its final name with ``os.replace``. URL
candidates are tried in order: a 403/404, an HTML answer or undecodable bytes move on to the next.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import requests
from PIL import Image, UnidentifiedImageError

from ..errors import ConfarchiveError, FetchError
from ..model import SlideFile
from ..net import Http

MAX_SLIDE_PIXELS = 64_000_000  # a 16k x 4k slide is already absurd; beyond this is a decompression bomb
_EXTENSIONS = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp", "GIF": ".gif", "BMP": ".bmp"}


def inspect_image(path: Path) -> tuple[int, int, str]:
    """Width, height and format of a fully decodable image; raises ConfarchiveError otherwise."""
    try:
        with Image.open(path) as im:
            width, height = im.size
            fmt = im.format or ""
            if width * height > MAX_SLIDE_PIXELS:
                raise ConfarchiveError(f"{path.name}: {width}x{height} pixels is a decompression bomb, refused")
            im.load()  # full decode: catches truncated files that verify() lets through
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ConfarchiveError(f"{path.name} is not a decodable image ({exc})") from exc
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


def _download(http: Http, url: str, part: Path) -> None:
    with http.stream(url, refuse_html=True, what="a slide image", headers={"Accept-Encoding": "identity"}) as r:
        expected = r.headers.get("Content-Length")
        written = 0
        try:
            with part.open("wb") as fh:
                for chunk in r.iter_content(256 * 1024):
                    fh.write(chunk)
                    written += len(chunk)
                fh.flush()
                os.fsync(fh.fileno())
        except requests.RequestException as exc:
            raise FetchError(f"connection broken while reading {url}", url=url) from exc
        if expected is not None and expected.isdigit() and int(expected) != written:
            raise FetchError(f"{url}: got {written} of {expected} bytes", url=url)


def fetch_slide(http: Http, index: int, urls: Sequence[str], stem: Path) -> SlideFile:
    """Download slide ``index`` to ``stem`` + its real extension, trying ``urls`` in order."""
    found = existing_slide(stem, index)
    if found is not None:
        return found
    if not urls:
        raise ConfarchiveError(f"slide {index} has no image URL")
    stem.parent.mkdir(parents=True, exist_ok=True)
    part = stem.with_suffix(".part")
    errors: list[str] = []
    for url in urls:
        try:
            _download(http, url, part)
            width, height, fmt = inspect_image(part)
        except (FetchError, ConfarchiveError) as exc:
            errors.append(exc.one_line())
            part.unlink(missing_ok=True)
            continue
        final = stem.with_suffix(_EXTENSIONS[fmt])
        os.replace(part, final)
        return SlideFile(index, str(final), width, height, fmt, final.stat().st_size)
    raise ConfarchiveError(f"slide {index}: no image from any host ({' | '.join(errors)})")
