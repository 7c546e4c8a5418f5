"""One talk's work after resolution: slides, media, merge, ``talk.json``. Runs in a worker.

Each step first looks for its verified output and returns at once when it is there, so running a
talk again (resume, retry, another worker) repeats nothing that was finished. Workers never touch
the manifest: they report stages through a callback and return a ``TalkResult``.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .archive import Layout, write_if_changed
from .errors import ConfarchiveError
from .fetch.clips import clip_first_frame
from .fetch.documents import fetch_document, is_pdf, is_webvtt
from .fetch.files import fetch_slide
from .fetch.media import download_media
from .index import dumps, talk_entry
from .merge import TalkTags, merge
from .model import SlideFile, Status, Talk, TalkResult
from .naming import safe_name
from .net import Http
from .settings import Settings
from .timing import plan_slides

StageCallback = Callable[[str, str], None]


@dataclass(frozen=True)
class WorkContext:
    """What a worker needs; no per-talk state, shared by all talks of a run."""

    settings: Settings
    layout: Layout
    http: Http
    log: logging.Logger


def fetch_slides(talk: Talk, slides_dir: Path, ctx: WorkContext) -> dict[int, SlideFile]:
    """All image slides of the talk, in parallel; a slide that cannot be fetched fails the talk."""
    image_slides = [s for s in talk.slides if s.kind == "image" and s.image_urls]
    if not image_slides:
        return {}
    workers = max(1, min(ctx.settings.slide_jobs, len(image_slides)))
    with ThreadPoolExecutor(workers, thread_name_prefix="slide") as pool:
        futures = [
            pool.submit(fetch_slide, ctx.http, s.index, s.image_urls, slides_dir / f"{s.index:04d}")
            for s in image_slides
        ]
        files = [f.result() for f in futures]
    return {f.index: f for f in files}


def video_slide_frames(talk: Talk, slides_dir: Path, work: Path, ctx: WorkContext) -> dict[int, SlideFile]:
    """The first frame of each video slide's clip; a clip that cannot be had is left out (held)."""
    frames = {}
    for slide in talk.slides:
        if slide.kind != "video" or slide.video_url is None:
            continue
        try:
            frames[slide.index] = clip_first_frame(
                slide.video_url, talk.media.referer, slide.index, slides_dir / f"{slide.index:04d}",
                work / "clips" / f"{slide.index:04d}", ctx.settings, ctx.http.rewriter, ctx.log,
            )  # fmt: skip
        except ConfarchiveError as exc:
            ctx.log.warning("%s: video slide %d shows the previous slide: %s", talk.title, slide.index, exc.one_line())
    return frames


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


def fetch_extras(talk: Talk, talk_dir: Path, folder: str, ctx: WorkContext) -> tuple[str | None, list[dict[str, str]]]:
    """The paper and the subtitles: best effort, a failure is logged and never fails the talk."""
    paper = None
    if ctx.settings.paper and talk.paper_url:
        try:
            path = fetch_document(ctx.http, talk.paper_url, talk_dir / "paper.pdf", is_pdf, "a PDF paper")
            paper = ctx.layout.relative(path)
        except ConfarchiveError as exc:
            ctx.log.warning("%s: no paper.pdf: %s", talk.title, exc.one_line())
    subtitles = []
    for sub in talk.subtitles:
        lang = safe_name(sub.language, 24, fallback="und")
        try:
            path = fetch_document(ctx.http, sub.url, talk_dir / f"{folder}.{lang}.vtt", is_webvtt, "WebVTT subtitles")
            subtitles.append({"language": sub.language, "path": ctx.layout.relative(path)})
        except ConfarchiveError as exc:
            ctx.log.warning("%s: no %s subtitles: %s", talk.title, sub.language, exc.one_line())
    return paper, subtitles


def archive_talk(talk: Talk, folder: str, ctx: WorkContext, on_stage: StageCallback) -> TalkResult:
    """Slides, media and merge for a resolved talk whose folder the coordinator has claimed."""
    layout = ctx.layout
    talk_dir = layout.talk_dir(folder)
    work = layout.work(talk.key)
    fetched = fetch_slides(talk, talk_dir / "slides", ctx)
    fetched |= video_slide_frames(talk, talk_dir / "slides", work, ctx)
    shown = shown_images(talk, fetched)
    on_stage(talk.key, "slides")
    media = download_media(talk.media, work / "media", ctx.settings, ctx.http.rewriter, ctx.log)
    on_stage(talk.key, "media")
    paper, subtitles = fetch_extras(talk, talk_dir, folder, ctx)
    plan = plan_slides([(s.index, s.start_ms) for s in talk.slides if s.index in shown], media.duration_ms)
    tags = TalkTags(
        title=talk.title,
        artist=", ".join(talk.authors) or None,
        album=talk.conference,
        comment=talk.source_url,
    )
    final = talk_dir / f"{folder}.mp4"
    merged = merge(
        plan, shown, media, tags, final, work / "merge", ctx.settings.tools.ffmpeg, ctx.settings.tools.ffprobe
    )
    on_stage(talk.key, "merged")
    entry = talk_entry(talk, layout, merged, shown, paper, subtitles)
    write_if_changed(layout, talk_dir / "talk.json", dumps(entry))
    shutil.rmtree(work, ignore_errors=True)  # the audio now lives in the MP4
    return TalkResult(talk.source_url, talk.key, Status.DONE, entry=entry)


def run_talk(talk: Talk, folder: str, ctx: WorkContext, on_stage: StageCallback) -> TalkResult:
    """``archive_talk`` with failures turned into a result: one broken talk never stops the others."""
    try:
        return archive_talk(talk, folder, ctx, on_stage)
    except ConfarchiveError as exc:
        error = exc.one_line()
    except Exception as exc:  # a bug: keep the run going, but say so loudly
        ctx.log.exception("internal error while archiving %s", talk.source_url)
        error = f"internal error ({type(exc).__name__}: {exc}); please report this"
    entry = talk_entry(talk, ctx.layout, None, {}, None, [])
    return TalkResult(talk.source_url, talk.key, Status.FAILED, error=error, entry=entry)
