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
from .fetch.files import fetch_slide
from .fetch.media import download_media
from .index import dumps, talk_entry
from .merge import TalkTags, merge
from .model import SlideFile, Status, Talk, TalkResult
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
    image_slides = [s for s in talk.slides if s.image_urls]
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


def archive_talk(talk: Talk, folder: str, ctx: WorkContext, on_stage: StageCallback) -> TalkResult:
    """Slides, media and merge for a resolved talk whose folder the coordinator has claimed."""
    layout = ctx.layout
    talk_dir = layout.talk_dir(folder)
    work = layout.work(talk.key)
    slide_files = fetch_slides(talk, talk_dir / "slides", ctx)
    on_stage(talk.key, "slides")
    media = download_media(talk.media, work / "media", ctx.settings, ctx.http.rewriter, ctx.log)
    on_stage(talk.key, "media")
    plan = plan_slides([(i, s.start_ms) for s in talk.slides if (i := s.index) in slide_files], media.duration_ms)
    tags = TalkTags(
        title=talk.title,
        artist=", ".join(talk.authors) or None,
        album=talk.conference,
        comment=talk.source_url,
    )
    final = talk_dir / f"{folder}.mp4"
    merged = merge(
        plan, list(slide_files.values()), media, tags, final, work / "merge",
        ctx.settings.tools.ffmpeg, ctx.settings.tools.ffprobe,
    )  # fmt: skip
    on_stage(talk.key, "merged")
    entry = talk_entry(talk, layout, folder, merged, slide_files, paper=None)
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
    entry = talk_entry(talk, ctx.layout, folder, None, {}, paper=None)
    return TalkResult(talk.source_url, talk.key, Status.FAILED, error=error, entry=entry)
