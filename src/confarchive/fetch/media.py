"""A talk's media (or a video slide's clip) in the talk's work folder, by the fastest safe path:

- HLS: the fast path (``hls.py``: segments several at a time, each resumable on its own, joined by
  ffmpeg), or yt-dlp for what it does not take (encrypted, live);
- a direct file: the project's resumable downloader (Range/If-Range, a cut body resumed);
- a site's player page (YouTube, Vimeo) and DASH: yt-dlp (``ytdlp.py``).

Whatever the path, the result is validated with ffprobe (an audio stream, the duration the source
announced) before a ``media.json`` marker says it counts; a result that fails validation is wiped and
fetched again, once. ``[network] fast_hls = false`` sends HLS to yt-dlp as before (benchmarks compare).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..core.errors import ConfarchiveError
from ..core.model import Media, MediaFile, MediaKind
from ..core.net import Http
from ..core.settings import Settings
from ..media.probe import probe
from .hls import Unsupported, fetch_hls
from .resumable import discard, download, sidecar
from .ytdlp import AUDIO_FORMAT, VIDEO_AND_AUDIO_FORMAT, VIDEO_FORMAT, run_ytdlp

__all__ = ["AUDIO_FORMAT", "VIDEO_AND_AUDIO_FORMAT", "VIDEO_FORMAT", "MediaContext", "download_media"]

MARKER = "media.json"


@dataclass(frozen=True)
class MediaContext:
    """What a media download needs from the run: shared by every talk. Every request leaves through
    ``http``'s URL rewrites, per-host limiter, cookies (chosen by the logical URL) and retry policy."""

    settings: Settings
    http: Http
    log: logging.Logger
    cancel: threading.Event | None = None
    on_bytes: Callable[[int], None] | None = None


def verified_media(workdir: Path) -> MediaFile | None:
    """The media recorded by a previous run's marker, if the file is still there with its size."""
    marker = workdir / MARKER
    try:
        data = json.loads(marker.read_text())
        path = workdir / data["file"]
        if path.stat().st_size == data["size"]:
            return MediaFile(str(path), int(data["duration_ms"]), str(data["audio_codec"]), int(data["size"]))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def _validate(path: Path, ffprobe: str, expected_s: float | None, need_audio: bool) -> MediaFile:
    result = probe(ffprobe, path)
    if need_audio and result.audio_codec is None:
        raise ConfarchiveError(f"downloaded media {path.name} has no audio stream")
    if not need_audio and result.video_codec is None:
        raise ConfarchiveError(f"downloaded clip {path.name} has no video stream")
    if result.duration_ms <= 0:
        raise ConfarchiveError(f"downloaded media {path.name} has no duration")
    if expected_s and abs(result.duration_ms / 1000 - expected_s) > 1.0:
        raise ConfarchiveError(
            f"downloaded media lasts {result.duration_ms / 1000:.1f} s, the source says {expected_s:.1f} s"
        )
    return MediaFile(str(path), result.duration_ms, result.audio_codec or "", path.stat().st_size)


def _direct_file(media: Media, workdir: Path, ctx: MediaContext) -> Path:
    """A media file, resumable; its name keeps the URL's extension (ffprobe reads the content anyway)."""
    ext = os.path.splitext(urlsplit(media.url).path)[1].lower() or ".mp4"
    final = workdir / f"media{ext}"
    part = workdir / f"media{ext}.part"
    headers = {"Referer": media.referer} if media.referer else None
    download(ctx.http, media.url, part, what="the talk's media", cancel=ctx.cancel, on_bytes=ctx.on_bytes,
             headers=headers)  # fmt: skip
    os.replace(part, final)
    sidecar(part).unlink(missing_ok=True)
    return final


def _fetch(media: Media, workdir: Path, ctx: MediaContext, fmt: str) -> tuple[Path, float | None, Path | None]:
    """The file, the duration the source announced, and a scratch folder to remove once it counts."""
    settings = ctx.settings
    if media.kind == MediaKind.HLS and settings.network.fast_hls:
        try:
            hls = fetch_hls(
                ctx.http, media.url, workdir, referer=media.referer, want_video=fmt != AUDIO_FORMAT,
                ffmpeg_path=settings.tools.ffmpeg, segment_jobs=settings.network.segment_jobs,
                cancel=ctx.cancel, on_bytes=ctx.on_bytes,
            )  # fmt: skip
            return hls.path, hls.duration_s, hls.scratch
        except Unsupported as exc:
            ctx.log.info("%s; yt-dlp fetches it instead", exc.one_line())
    elif media.kind == MediaKind.FILE:
        return _direct_file(media, workdir, ctx), None, None
    path, duration = run_ytdlp(media, workdir, ctx.http, settings, ctx.log, fmt, ctx.cancel, ctx.on_bytes)
    return path, duration, None


def download_media(
    media: Media, workdir: Path, ctx: MediaContext, *, fmt: str = AUDIO_FORMAT, need_audio: bool = True
) -> MediaFile:
    """Download ``media`` into ``workdir``, validate it, and mark it done; reuse a marked download.

    The talk's audio by default; ``fmt=VIDEO_FORMAT, need_audio=False`` for a (muted) video-slide clip.
    """
    done = verified_media(workdir)
    if done is not None:
        return done
    for attempt in (1, 2):
        workdir.mkdir(parents=True, exist_ok=True)
        path, expected, scratch = _fetch(media, workdir, ctx, fmt)
        try:
            result = _validate(path, ctx.settings.tools.ffprobe, expected, need_audio)
            break
        except ConfarchiveError as exc:
            if attempt == 2:
                raise
            ctx.log.warning("%s; downloading it again from scratch", exc.one_line())
            shutil.rmtree(workdir, ignore_errors=True)  # never resume on top of a corrupt result
    marker = {"file": path.name, "size": result.size, "duration_ms": result.duration_ms}
    marker["audio_codec"] = result.audio_codec  # type: ignore[assignment]
    tmp = workdir / (MARKER + ".tmp")
    tmp.write_text(json.dumps(marker))
    os.replace(tmp, workdir / MARKER)
    if scratch is not None:  # the segments live on in the joined file
        shutil.rmtree(scratch, ignore_errors=True)
    for leftover in workdir.glob("*.part"):
        discard(leftover)
    return result
