"""The slides PDF of a talk, for reading a formula without a player's controls on top of it.

img2pdf embeds JPEG slides byte for byte and PNG slides losslessly, one page per slide, each page
sized to its image; ``nodate`` keeps the file identical for identical slides (re-runs rewrite
nothing). img2pdf refuses images with an alpha channel: those are flattened onto white, which is
what a viewer saw anyway, into a temporary copy. The PDF is written to a temporary name and moved
into place only when complete.

A document of PNG pages is written without img2pdf's EXIF rotation: to read a PNG's EXIF, Pillow decodes
the whole image (measured: 20 slides of 1080p, 428 ms of CPU with it, 14 ms without, the same bytes
out), and the video shows PNG slides unrotated too. JPEG pages keep it (their EXIF costs no decoding).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import img2pdf
from PIL import Image

from ..core.errors import ConfarchiveError

_NEEDS_FLATTENING = ("RGBA", "LA", "PA", "P", "I", "I;16", "F")


def _usable(image: Path, tmp_dir: Path, n: int) -> Path:
    """The image itself, or a flattened RGB PNG copy when img2pdf cannot take it as it is."""
    try:
        with Image.open(image) as im:
            if im.format in ("JPEG", "PNG") and im.mode not in _NEEDS_FLATTENING and "transparency" not in im.info:
                return image
            rgba = im.convert("RGBA")
    except OSError as exc:
        raise ConfarchiveError(f"cannot read slide image {image.name} for the PDF: {exc}") from exc
    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    tmp_dir.mkdir(parents=True, exist_ok=True)
    copy = tmp_dir / f"pdf-{n:04d}.png"
    flat.save(copy, format="PNG")
    return copy


def write_slides_pdf(images: Sequence[Path], dest: Path, tmp_dir: Path) -> Path:
    """One page per image, in order, to ``dest``; skipped when ``dest`` is newer than every image."""
    if not images:
        raise ConfarchiveError("a slides PDF needs at least one slide")
    if dest.is_file() and dest.stat().st_mtime_ns >= max(p.stat().st_mtime_ns for p in images):
        return dest
    pages = [_usable(image, tmp_dir, n) for n, image in enumerate(images, 1)]
    png_only = all(p.suffix.lower() == ".png" for p in pages)
    rotation = {"rotation": img2pdf.Rotation.none} if png_only else {}
    tmp_dir.mkdir(parents=True, exist_ok=True)
    tmp = tmp_dir / (dest.name + ".tmp")
    try:
        with tmp.open("wb") as fh:
            # the internal engine: with pikepdf the document /ID depends on the output file name
            img2pdf.convert(
                [str(p) for p in pages], outputstream=fh, nodate=True, engine=img2pdf.Engine.internal, **rotation
            )
            fh.flush()
            os.fsync(fh.fileno())
    except (img2pdf.ImageOpenError, img2pdf.PdfTooLargeError, ValueError, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise ConfarchiveError(f"cannot write the slides PDF: {exc}") from exc
    os.replace(tmp, dest)
    return dest
