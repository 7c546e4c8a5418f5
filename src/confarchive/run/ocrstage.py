"""Slide text for a finished talk (``archive --ocr``, ``confarchive ocr``): every slide read once, then
the chapters named by the slides' headings, a searchable slides PDF, and the entry with the text.

It runs after the merge, in the CPU pool beside other merges, so it never delays a talk's MP4: the
MP4 is done with "Slide N" chapters, then gets its slides' headings by a remux (streams copied, a
new chapter list; validated before it replaces the MP4). Each slide's text is stored under
``.confarchive/ocr/<key>/`` with the size of the image it was read from: a re-run, a ``kill -9``
mid-talk, ``index`` or ``confarchive ocr`` never read a slide twice.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
from dataclasses import replace
from pathlib import Path

import ffmpeg

from ..archive.index import dumps
from ..core.entry import SlideEntry, TalkEntry
from ..core.errors import ConfarchiveError, Interrupted
from ..core.layout import Layout, write_if_changed
from ..core.model import PlannedSlide
from ..core.settings import Settings
from ..media.ffrun import run_ffmpeg
from ..media.merge import TalkTags, ffmetadata
from ..media.probe import probe
from ..text.ocr import OcrEngine, SlideText


class OcrPool:
    """One OCR engine per worker thread, made on first use (a run without ``--ocr`` never loads one),
    all closed at the end. An engine must not be shared between threads."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[OcrEngine] = []

    def engine(self) -> OcrEngine:
        engine: OcrEngine | None = getattr(self._local, "engine", None)
        if engine is None:
            ocr = self._settings.ocr
            engine = self._local.engine = OcrEngine(ocr.tessdata or None, lang=ocr.lang)
            with self._lock:
                self._all.append(engine)
        return engine

    def close(self) -> None:
        with self._lock:
            engines, self._all = self._all, []
        for engine in engines:
            engine.close()


def _store(layout: Layout, entry: TalkEntry) -> Path:
    return layout.internal / "ocr" / str(entry.key).replace(":", "-").replace("/", "_")


def slide_texts(
    entry: TalkEntry, layout: Layout, pool: OcrPool, log: logging.Logger, cancel: threading.Event | None = None
) -> dict[int, SlideText]:
    """The text of every slide with an image, read once ever (kept with the size of its image)."""
    store = _store(layout, entry)
    texts: dict[int, SlideText] = {}
    for slide in entry.slides:
        if slide.image is None:
            continue
        image = layout.root / slide.image
        size = image.stat().st_size
        kept = store / f"{slide.index:04d}.json"
        try:
            data = json.loads(kept.read_text())
            if data["image_size"] == size:
                texts[slide.index] = SlideText.from_json(data["text"])
                continue
        except (OSError, ValueError, KeyError, TypeError):
            pass
        if cancel is not None and cancel.is_set():
            raise Interrupted("interrupted")
        text = pool.engine().read(image)
        store.mkdir(parents=True, exist_ok=True)
        tmp = kept.with_name(kept.name + ".tmp")
        tmp.write_text(json.dumps({"image": slide.image, "image_size": size, "text": text.to_json()}))
        os.replace(tmp, kept)  # from now on this slide is never read again
        log.debug("ocr: read slide %d of %s", slide.index, entry.key)
        texts[slide.index] = text
    return texts


def _plan(entry: TalkEntry) -> tuple[PlannedSlide, ...]:
    starts = [round(s.start_s * 1000) for s in entry.slides]
    ends = [*starts[1:], round((entry.duration_s or 0) * 1000)]
    return tuple(PlannedSlide(s.index, a, b) for s, a, b in zip(entry.slides, starts, ends, strict=True))


def retitle_chapters(video: Path, entry: TalkEntry, titles: dict[int, str], settings: Settings, work: Path) -> None:
    """Replace the MP4's chapters by ``titles`` (slide index -> title): streams copied, tags kept."""
    plan = _plan(entry)
    current = probe(settings.tools.ffprobe, video, count_video_packets=True)
    if [c.title for c in current.chapters] == [titles.get(p.index) or f"Slide {p.index}" for p in plan]:
        return  # already titled
    work.mkdir(parents=True, exist_ok=True)
    meta = work / "chapters.ffmeta"
    meta.write_text(ffmetadata(plan, TalkTags(entry.title), titles), encoding="utf-8")
    tmp = work / "retitled.tmp.mp4"
    source, chapters = ffmpeg.input(str(video)), ffmpeg.input(str(meta), f="ffmetadata")
    streams = [source["v?"], source["a?"], source["s?"], chapters["d?"]]
    options = {"c": "copy", "map_metadata": 0, "map_chapters": 1, "movflags": "+faststart", "f": "mp4"}
    run_ffmpeg(
        ffmpeg.output(*streams, str(tmp), **options), settings.tools.ffmpeg, f"retitle the chapters of {video.name}"
    )
    check = probe(settings.tools.ffprobe, tmp, count_video_packets=True)
    if (
        abs(check.duration_ms - current.duration_ms) > 50
        or check.video_packets != current.video_packets
        or [c.title for c in check.chapters] != [titles.get(p.index) or f"Slide {p.index}" for p in plan]
    ):
        tmp.unlink(missing_ok=True)
        raise ConfarchiveError(f"the retitled {video.name} does not match the original: kept as it was")
    os.replace(tmp, video)


def ocr_talk(
    entry: TalkEntry, layout: Layout, pool: OcrPool, settings: Settings, log: logging.Logger,
    cancel: threading.Event | None = None,
) -> TalkEntry:  # fmt: skip
    """Read a done talk's slides; name its chapters; make its slides PDF searchable; its new entry."""
    from ..media.pdftext import write_searchable_pdf  # pikepdf: only where slides are read
    from ..media.slidespdf import write_slides_pdf

    texts = slide_texts(entry, layout, pool, log, cancel)
    titles = {index: text.heading for index, text in texts.items() if text.heading}
    work = layout.internal / "tmp" / f"ocr-{_store(layout, entry).name}"
    try:
        if entry.video is not None:
            retitle_chapters(layout.root / entry.video, entry, titles, settings, work)
        if entry.slides_pdf is not None:
            # the PDF has a page per slide with an image of its own (a held slide repeats one)
            pages: list[SlideEntry] = []
            for slide in entry.slides:
                if slide.image is not None and (not pages or pages[-1].image != slide.image):
                    pages.append(slide)
            plain = work / "plain.pdf"
            write_slides_pdf([layout.root / str(s.image) for s in pages], plain, work)
            write_searchable_pdf(
                plain, [texts[s.index] for s in pages], [titles.get(s.index) or f"Slide {s.index}" for s in pages],
                work / "searchable.pdf",
            )  # fmt: skip
            os.replace(work / "searchable.pdf", layout.root / entry.slides_pdf)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    slides = tuple(
        replace(s, title=titles.get(s.index), text=texts[s.index].text) if s.index in texts else s for s in entry.slides
    )
    updated = replace(entry, slides=slides)
    if entry.video is not None:
        write_if_changed(layout, (layout.root / entry.video).parent / "talk.json", dumps(updated.to_json()))
    return updated


def needs_ocr(entry: TalkEntry, layout: Layout) -> bool:
    """Some slide of the talk has not been read, or its image changed since, or the talk was not
    finished with what was read (a run cut short between reading and writing)."""
    store = _store(layout, entry)
    for slide in entry.slides:
        if slide.image is None:
            continue
        if slide.text is None:
            return True
        try:
            if (
                json.loads((store / f"{slide.index:04d}.json").read_text())["image_size"]
                != (layout.root / slide.image).stat().st_size
            ):
                return True
        except (OSError, ValueError, KeyError, TypeError):
            return True
    return False
