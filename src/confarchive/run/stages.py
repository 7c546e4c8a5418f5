"""One talk's work after resolution, in two steps that run in different pools: ``fetch_talk``
(network: slides, clips, media, paper, subtitles) and ``merge_talk`` (CPU: ffmpeg, ``talk.json``).

Each step first looks for its verified output and returns at once when it is there, so running a
talk again (resume, retry, another worker) repeats nothing that was finished. Workers never touch
the manifest: they report progress through ``Events`` and return typed results to the coordinator.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import wait
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Protocol

from ..archive.index import dumps, failed_entry, talk_entry
from ..archive.naming import safe_name
from ..core.entry import TalkEntry
from ..core.errors import ConfarchiveError, ErrorKind, HostDown
from ..core.layout import Layout, write_if_changed
from ..core.model import MediaFile, Merged, SlideFile, SubtitleFile, Talk, TalkKey
from ..core.net import Http
from ..core.outcome import TalkResult, failure_of
from ..core.settings import Settings
from ..core.workers import run_each
from ..fetch.clips import clip_first_frame
from ..fetch.documents import fetch_document, is_pdf, is_webvtt
from ..fetch.files import fetch_slide
from ..fetch.media import AUDIO_FORMAT, VIDEO_AND_AUDIO_FORMAT, MediaContext, download_media, fetch_again
from ..fetch.resumable import Journal
from ..media.ffrun import is_local_playlist
from ..media.merge import MediaMismatch, MergeJob, TalkTags, merge
from ..media.timing import plan_slides
from ..text.whisper import Transcriber
from .ocrstage import OcrPool, ocr_talk


class Events(Protocol):
    """Where a worker reports progress: the same calls on a thread of this process or a Dask worker."""

    def stage(self, key: TalkKey, stage: str) -> None: ...

    def bytes(self, n: int) -> None: ...


@dataclass(frozen=True)
class WorkContext:
    """What a worker needs; no per-talk state, shared by all talks of a run."""

    settings: Settings
    layout: Layout
    http: Http
    log: logging.Logger
    cancel: threading.Event
    events: Events
    ocr: OcrPool | None = None  # slide text (archive --ocr); None: no OCR in this run
    transcriber: Transcriber | None = None  # speech to text (archive --transcribe): this process's model

    @property
    def media(self) -> MediaContext:
        return MediaContext(self.settings, self.http, self.log, self.cancel, self.events.bytes)


@dataclass(frozen=True)
class Fetched:
    """A talk whose inputs are all verified on disk: what the merge needs."""

    talk: Talk
    folder: str
    shown: dict[int, SlideFile]
    media: MediaFile
    paper: str | None
    subtitles: tuple[SubtitleFile, ...]
    clips: dict[int, tuple[str, ...]]


def fetch_slides(talk: Talk, slides_dir: Path, ctx: WorkContext) -> dict[int, SlideFile]:
    """All image slides of the talk, in parallel; a slide that cannot be fetched fails the talk."""
    image_slides = [s for s in talk.slides if s.kind == "image" and s.image_urls]
    if not image_slides:
        return {}
    # validators of the .part files: one file, not a sidecar per slide
    with Journal(slides_dir) as journal:
        fetch = partial(fetch_slide, ctx.http, cancel=ctx.cancel, on_bytes=ctx.events.bytes, journal=journal)
        files = run_each(lambda s: fetch(s.index, s.image_urls, slides_dir / f"{s.index:04d}"), image_slides,
                         ctx.settings.slide_jobs, "slide", ctx.http.threads)  # fmt: skip
    journal.path.unlink(missing_ok=True)  # every slide is complete: nothing left to resume
    return {f.index: f for f in files}


def video_slide_frames(
    talk: Talk, slides_dir: Path, work: Path, ctx: WorkContext
) -> tuple[dict[int, SlideFile], dict[int, tuple[str, ...]]]:
    """Each video slide's first frame and all its frames; a clip that cannot be had is left out (held)."""
    firsts: dict[int, SlideFile] = {}
    clips: dict[int, tuple[str, ...]] = {}
    for slide in talk.slides:
        if slide.kind != "video" or slide.video_url is None:
            continue
        try:
            firsts[slide.index], clips[slide.index] = clip_first_frame(
                slide.video_url, talk.media.referer, slide.index, slides_dir / f"{slide.index:04d}",
                work / "clips" / f"{slide.index:04d}", ctx.media,
            )  # fmt: skip
        except ConfarchiveError as exc:
            ctx.log.warning("%s: video slide %d shows the previous slide: %s", talk.title, slide.index, exc.one_line())
    return firsts, clips


def shown_images(talk: Talk, fetched: dict[int, SlideFile]) -> dict[int, SlideFile]:
    """What is on screen for each slide: its own image, else (a video slide without its frame) the
    previous slide's, else the next one's when it is the first."""
    shown: dict[int, SlideFile] = {}
    previous: SlideFile | None = None
    for slide in talk.slides:
        previous = fetched.get(slide.index, previous)
        if previous is not None:
            shown[slide.index] = previous
    following = next((fetched[s.index] for s in talk.slides if s.index in fetched), None)
    for slide in talk.slides:
        if slide.index not in shown and following is not None:
            shown[slide.index] = following
    return shown


def fetch_extras(
    talk: Talk, talk_dir: Path, folder: str, ctx: WorkContext
) -> tuple[str | None, tuple[SubtitleFile, ...]]:
    """The paper and the subtitles: best effort, a failure is logged and never fails the talk."""
    paper = None
    if ctx.settings.paper and talk.paper_url:
        try:
            path = fetch_document(ctx.http, talk.paper_url, talk_dir / "paper.pdf", is_pdf, "a PDF paper", ctx.cancel)
            paper = ctx.layout.relative(path)
        except HostDown as exc:  # said once, when the host went down
            ctx.log.debug("%s: no paper.pdf: %s", talk.title, exc.one_line())
        except ConfarchiveError as exc:
            ctx.log.warning("%s: no paper.pdf: %s", talk.title, exc.one_line())
    subtitles = []
    for sub in talk.subtitles:
        lang = safe_name(sub.language, 24, fallback="und")
        dest = talk_dir / f"{folder}.{lang}.vtt"
        try:
            path = fetch_document(ctx.http, sub.url, dest, is_webvtt, "WebVTT subtitles", ctx.cancel)
            subtitles.append(SubtitleFile(sub.language, ctx.layout.relative(path)))
        except ConfarchiveError as exc:
            ctx.log.warning("%s: no %s subtitles: %s", talk.title, sub.language, exc.one_line())
    return paper, tuple(subtitles)


def fetch_talk(talk: Talk, folder: str, ctx: WorkContext) -> Fetched:
    """Everything the merge needs, verified on disk (network-bound: runs in the download pool)."""
    talk_dir = ctx.layout.talk_dir(folder)
    work = ctx.layout.work(talk.key)
    # With slides the audio is enough (unless a layout shows the speaker); without, the video is the MP4.
    slides_expected = any(s.image_urls if s.kind == "image" else s.video_url for s in talk.slides)
    audio_only = slides_expected and ctx.settings.layout == "slides"
    fmt = AUDIO_FORMAT if audio_only else VIDEO_AND_AUDIO_FORMAT
    # Slides and media come from different hosts: fetched at once, a talk takes the longer of the two
    # instead of their sum (a 5 min talk 50 ms away: 3.10 s -> 2.74 s, medians of 5). Should the slides
    # fail, the media download is still waited for: its complete parts are kept for a retry.
    pending = ctx.http.threads.submit(download_media, talk.media, work / "media", ctx.media, fmt=fmt)
    try:
        fetched = fetch_slides(talk, talk_dir / "slides", ctx)
        firsts, clips = video_slide_frames(talk, talk_dir / "slides", work, ctx)
        fetched |= firsts
        ctx.events.stage(talk.key, "slides")
    finally:
        wait([pending])
    media = pending.result()
    if audio_only and not fetched:  # only video slides, none of them to be had: the video is the MP4
        media = download_media(talk.media, work / "media-video", ctx.media, fmt=VIDEO_AND_AUDIO_FORMAT)
    ctx.events.stage(talk.key, "media")
    paper, subtitles = fetch_extras(talk, talk_dir, folder, ctx)
    return Fetched(talk, folder, shown_images(talk, fetched), media, paper, subtitles, clips)


def merge_talk(job: Fetched, ctx: WorkContext) -> TalkResult:
    """The MP4 and ``talk.json`` (CPU-bound: runs in the merge pool)."""
    talk, layout = job.talk, ctx.layout
    talk_dir = layout.talk_dir(job.folder)
    work = layout.work(talk.key)
    try:
        merged = _merge(job, job.media, ctx)
    except MediaMismatch as exc:
        if not is_local_playlist(job.media.path):
            raise
        # the media's first judge is the final MP4's ffprobe: wiped and fetched once more, as a file would be
        ctx.log.warning("%s: %s; downloading the media again from scratch", talk.title, exc.one_line())
        fmt = AUDIO_FORMAT if job.shown and ctx.settings.layout == "slides" else VIDEO_AND_AUDIO_FORMAT
        merged = _merge(job, fetch_again(job.media, talk.media, ctx.media, fmt=fmt), ctx)
    plan = merged.slides
    ctx.events.stage(talk.key, "merged")
    from ..media.slidespdf import write_slides_pdf  # img2pdf and pikepdf: 45 ms of import a re-run need not pay

    own = [Path(job.shown[p.index].path) for p in plan if job.shown[p.index].index == p.index]  # held ones repeat
    pdf = None
    if own:
        try:
            pdf = layout.relative(write_slides_pdf(own, talk_dir / f"{job.folder}.pdf", work / "pdf"))
        except ConfarchiveError as exc:
            ctx.log.warning("%s: no slides PDF: %s", talk.title, exc.one_line())
    entry = talk_entry(talk, layout, merged, job.shown, job.paper, job.subtitles, pdf)
    write_if_changed(layout, talk_dir / "talk.json", dumps(entry.to_json()))
    shutil.rmtree(work, ignore_errors=True)  # the audio now lives in the MP4
    return TalkResult(talk.key, talk.source_url, entry)


def _merge(job: Fetched, media: MediaFile, ctx: WorkContext) -> Merged:
    talk, layout = job.talk, ctx.layout
    plan = plan_slides([(s.index, s.start_ms) for s in talk.slides if s.index in job.shown], media.duration_ms)
    tags = TalkTags(talk.title, ", ".join(talk.authors) or None, talk.conference, talk.source_url, talk.date)
    subtitles = tuple((sub.language, layout.root / sub.path) for sub in job.subtitles)
    final = layout.talk_dir(job.folder) / f"{job.folder}.mp4"
    merge_job = MergeJob(
        plan, job.shown, media, tags, final, layout.work(talk.key) / "merge", job.clips, subtitles, ctx.settings.layout
    )
    return merge(merge_job, ctx.settings.tools.ffmpeg, ctx.settings.tools.ffprobe)


def read_slides(entry: TalkEntry, ctx: WorkContext) -> TalkResult:
    """A done talk with its slide text, chapter titles and searchable PDF (CPU-bound: the merge pool).
    Slide text is a bonus: a failure is logged and the talk stays done as it was."""
    assert ctx.ocr is not None
    try:
        entry = ocr_talk(entry, ctx.layout, ctx.ocr, ctx.settings, ctx.log, ctx.cancel)
    except Exception as exc:
        failure = failure_of(exc, cancelled=ctx.cancel.is_set())
        if failure.kind == ErrorKind.INTERNAL:
            ctx.log.exception("internal error while reading the slides of %s", entry.source_url)
        elif failure.kind != ErrorKind.CANCELLED:
            ctx.log.warning("%s: no slide text: %s", entry.title, failure.message)
    return TalkResult(entry.key, entry.source_url, entry)


def guarded(step: Callable[[], Fetched | TalkResult], talk: Talk, ctx: WorkContext) -> Fetched | TalkResult:
    """Run a step, turning failures into a typed result: one broken talk never stops the others. A
    step cut short by Ctrl-C is not a failure (the talk resumes next time); a full disk halts the run."""
    try:
        return step()
    except Exception as exc:
        failure = failure_of(exc, cancelled=ctx.cancel.is_set())
        if failure.kind == ErrorKind.INTERNAL:  # a bug: keep the run going, but say so loudly
            ctx.log.exception("internal error while archiving %s", talk.source_url)
    return TalkResult(talk.key, talk.source_url, failed_entry(talk_entry(talk, ctx.layout), failure), failure)
