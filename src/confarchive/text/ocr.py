"""Slide text by OCR, for full-text search over slides: tesseract through the tesserocr binding.

Why tesserocr: it calls libtesseract in-process, so the English model is loaded once per engine
instead of once per slide (pytesseract starts the ``tesseract`` program for every image), and it
releases the GIL while recognising, so two threads use two cores. Measured with 1080p slides
(scripts/bench/ocr.py): about 115 ms of CPU per slide, against 270 ms for the CLI with
OMP_THREAD_LIMIT=1 and 700 ms with its defaults (OpenMP threads spinning), same word recall. Its PyPI
wheel bundles libtesseract and leptonica, but no language data: ``eng.traineddata`` comes from
Debian's ``tesseract-ocr-eng`` (pulled in by ``tesseract-ocr``), found below.

Thread rule: an ``OcrEngine`` holds one tesseract instance and must be used by one thread at a
time. Give each worker thread its own engine (``read_slides`` does), reuse it for every slide that
thread reads (a new engine per slide cost 50-65 ms more CPU per slide: the model load) and close it at the
end. Engines are configured when created only: some tesseract settings are process-wide.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image

from ..core.errors import MissingToolError
from .slidetext import SlideText, Word, chapter_titles, parse_tsv

if TYPE_CHECKING:
    from tesserocr import PyTessBaseAPI

__all__ = [
    "DEBIAN_PACKAGE",
    "OcrEngine",
    "SlideText",
    "TesseractMissingError",
    "Word",
    "chapter_titles",
    "find_tessdata",
    "read_slides",
    "require_tesseract",
    "tesseract_available",
]

DEBIAN_PACKAGE = "tesseract-ocr"
# Where Debian/Ubuntu, Fedora, Homebrew and a source build put the models (tesserocr's own default is "./").
TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
)
# Page segmentation: 3 (automatic, no orientation detection) cost the least CPU of 3, 6 and 11 with the same
# recall, and it keeps a slide's columns apart; 6 (one block) took about 15 % more, 11 (sparse text) 8 % more.
DEFAULT_PSM = 3
# Images taller than this are scaled down to it first: tesseract's time grows with pixels, and text legible
# at 1080p stays legible. 1080p itself is not scaled down: 720p saved only about 4 % of CPU (the resize costs
# most of what tesseract saves), kept the recall on body text but lost small print (footnotes, axis ticks):
# of words set at 10-13 px on a 1080p slide, 116/120 were read at 1080p and 62/120 at 720p.
DEFAULT_MAX_HEIGHT = 1080


class TesseractMissingError(MissingToolError):
    """tesseract (its Python binding or its English model) is not installed: OCR cannot start."""


def find_tessdata(tessdata: str | os.PathLike[str] | None = None, lang: str = "eng") -> Path | None:
    """The folder holding ``<lang>.traineddata``: the one given, else $TESSDATA_PREFIX, else a usual place."""
    candidates = [tessdata] if tessdata is not None else [os.environ.get("TESSDATA_PREFIX"), *TESSDATA_DIRS]
    for folder in candidates:
        if folder and (Path(folder) / f"{lang}.traineddata").is_file():
            return Path(folder)
    return None


def require_tesseract(tessdata: str | os.PathLike[str] | None = None, lang: str = "eng") -> Path:
    """The model folder, or ``TesseractMissingError`` saying what to install."""
    try:
        import tesserocr  # noqa: F401
    except ImportError as exc:
        raise TesseractMissingError(f"OCR needs the Python package tesserocr ({exc}): pip install tesserocr") from exc
    found = find_tessdata(tessdata, lang)
    if found is None:
        where = str(tessdata) if tessdata is not None else "TESSDATA_PREFIX or " + ", ".join(TESSDATA_DIRS)
        raise TesseractMissingError(
            f"OCR needs tesseract's {lang} model ({lang}.traineddata), not found in {where}: "
            f"install it with: sudo apt-get install -y {DEBIAN_PACKAGE}"
        )
    return found


def tesseract_available(tessdata: str | os.PathLike[str] | None = None, lang: str = "eng") -> bool:
    """Whether an ``OcrEngine`` can start here."""
    try:
        require_tesseract(tessdata, lang)
    except TesseractMissingError:
        return False
    return True


class OcrEngine:
    """Reads slide images into ``SlideText``; one per thread (see the module docstring), then ``close()``."""

    def __init__(
        self,
        tessdata: str | os.PathLike[str] | None = None,
        *,
        lang: str = "eng",
        psm: int = DEFAULT_PSM,
        max_height: int | None = DEFAULT_MAX_HEIGHT,
        min_conf: float = 25.0,
    ) -> None:
        folder = require_tesseract(tessdata, lang)
        import tesserocr  # here, not at the top: without it this module still imports and says what to install

        self.max_height = max_height
        self.min_conf = min_conf
        try:
            # LSTM, said outright: Debian's model (tessdata_fast) has no legacy engine to choose, and another
            # model file with both would otherwise be free to pick either
            self._api: PyTessBaseAPI | None = tesserocr.PyTessBaseAPI(
                path=str(folder), lang=lang, psm=psm, oem=tesserocr.OEM.LSTM_ONLY
            )
        except RuntimeError as exc:
            raise TesseractMissingError(
                f"tesseract could not load its {lang} model from {folder} ({exc}): "
                f"reinstall it with: sudo apt-get install -y --reinstall {DEBIAN_PACKAGE}-{lang}"
            ) from exc

    def read(self, image: str | os.PathLike[str] | bytes | Image.Image) -> SlideText:
        """One slide image (a path, encoded bytes or a Pillow image) -> its text, boxes in its own pixels."""
        if self._api is None:
            raise RuntimeError("this OcrEngine is closed")
        if isinstance(image, Image.Image):
            return self._read(self._api, image)
        with Image.open(io.BytesIO(image) if isinstance(image, bytes) else image) as im:
            return self._read(self._api, im)

    def _read(self, api: PyTessBaseAPI, im: Image.Image) -> SlideText:
        if im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info:
            rgba = im.convert("RGBA")  # transparent parts are white to a viewer, not the black under them
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            im = flat
        # Grey, handed over as raw bytes: colour costs tesseract time and reaches the same binarisation.
        grey = im.convert("L")
        scale = 1.0
        if self.max_height and grey.height > self.max_height:
            size = (max(1, round(grey.width * self.max_height / grey.height)), self.max_height)
            grey = grey.resize(size, Image.Resampling.LANCZOS)
            scale = grey.height / im.height
        api.SetImageBytes(grey.tobytes(), grey.width, grey.height, 1, grey.width)
        api.Recognize()
        tsv = api.GetTSVText(0)
        api.Clear()
        return parse_tsv(tsv, im.width, im.height, scale, self.min_conf)

    def close(self) -> None:
        if self._api is not None:
            self._api.End()
            self._api = None

    def __enter__(self) -> OcrEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_slides(
    images: Iterable[str | os.PathLike[str] | bytes], workers: int = 2, **engine_options: Any
) -> list[SlideText]:
    """Every image's text, in order, with ``workers`` threads each reusing its own engine.

    Threads, not processes: tesserocr releases the GIL while recognising; processes took the same CPU per slide
    and would pickle every result back."""
    require_tesseract(engine_options.get("tessdata"), engine_options.get("lang", "eng"))
    engines: list[OcrEngine] = []
    lock = threading.Lock()
    local = threading.local()

    def read(image: str | os.PathLike[str] | bytes) -> SlideText:
        engine = getattr(local, "engine", None)
        if engine is None:
            engine = local.engine = OcrEngine(**engine_options)
            with lock:
                engines.append(engine)
        return engine.read(image)

    try:
        with ThreadPoolExecutor(max(1, workers), thread_name_prefix="ocr") as pool:
            return list(pool.map(read, images))
    finally:
        for engine in engines:
            engine.close()
