"""A talk's media (or a video slide's clip) in the talk's work folder, by the fastest safe path:

- HLS: the fast path (``hls.py``: segments several at a time, each resumable on its own), or yt-dlp
  for what it does not take (encrypted, live);
- a direct file: the project's resumable downloader (Range/If-Range, a cut body resumed);
- a site's player page (YouTube, Vimeo) and DASH: yt-dlp (``ytdlp.py``).

A talk's HLS media in one playlist is not joined into a file: the ``MediaFile`` is the local playlist
(every segment complete on disk, each checked against its announced size), its duration is what the
playlist announces, and the merge reads it directly. That saves two processes a talk (the join and its
ffprobe) and a copy of the audio; the one ffprobe of the final MP4 then judges the audio too (an
audio stream, the announced duration within 1 s: the check the joined file used to pass), and a
failure there wipes the media and fetches it once more (``run/stages.py``). Every other result is
validated with ffprobe (an audio stream, the duration the source announced) before a ``media.json``
marker says it counts; a result that fails validation is wiped and fetched again, once.
``[network] fast_hls = false`` sends HLS to yt-dlp as before (benchmarks compare).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..core.errors import ConfarchiveError
from ..core.model import Media, MediaFile, MediaKind
from ..core.net import Http
from ..core.settings import Settings
from ..media.probe import probe
from .hls import Unsupported, fetch_segments, join
from .resumable import discard, download, sidecar
from .ytdlp import AUDIO_FORMAT, VIDEO_AND_AUDIO_FORMAT, VIDEO_FORMAT, run_ytdlp

__all__ = ["AUDIO_FORMAT", "VIDEO_AND_AUDIO_FORMAT", "VIDEO_FORMAT", "MediaContext", "download_media", "fetch_again"]

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
    """The media recorded by a previous run's marker, if the file (and, for a local playlist, every
    piece it names) is still there with its size."""
    marker = workdir / MARKER
    try:
        data = json.loads(marker.read_text())
        path = workdir / data["file"]
        pieces: dict[str, int] = data.get("pieces") or {}
        if path.stat().st_size == data["size"] and all((workdir / n).stat().st_size == s for n, s in pieces.items()):
            size = sum(pieces.values()) or int(data["size"])
            return MediaFile(str(path), int(data["duration_ms"]), str(data["audio_codec"]), size)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return None


def _mark(workdir: Path, path: Path, result: MediaFile, pieces: Mapping[str, int] | None = None) -> None:
    """``media.json``: from now on the media counts, and a re-run reuses it without a request."""
    marker: dict[str, object] = {"file": path.relative_to(workdir).as_posix(), "size": path.stat().st_size}
    marker |= {"duration_ms": result.duration_ms, "audio_codec": result.audio_codec}
    if pieces:
        marker["pieces"] = dict(pieces)
    tmp = workdir / (MARKER + ".tmp")
    tmp.write_text(json.dumps(marker))
    os.replace(tmp, workdir / MARKER)


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


@dataclass(frozen=True)
class _Got:
    """What a fetch left: the file, the duration the source announced, a scratch folder to remove once
    the file counts, and for a local playlist read as it is, its pieces and their sizes."""

    path: Path
    expected_s: float | None
    scratch: Path | None = None
    pieces: Mapping[str, int] | None = None


def _fetch(media: Media, workdir: Path, ctx: MediaContext, fmt: str, playlist_ok: bool) -> _Got:
    settings = ctx.settings
    if media.kind == MediaKind.HLS and settings.network.fast_hls:
        want_video = fmt != AUDIO_FORMAT
        try:
            segments = fetch_segments(
                ctx.http, media.url, workdir, referer=media.referer, want_video=want_video,
                segment_jobs=settings.network.segment_jobs, packed_bytes=settings.network.packed_segment_bytes,
                cancel=ctx.cancel, on_bytes=ctx.on_bytes,
            )  # fmt: skip
        except Unsupported as exc:
            ctx.log.info("%s; yt-dlp fetches it instead", exc.one_line())
        else:
            if playlist_ok and len(segments.playlists) == 1:
                return _Got(segments.playlists[0], segments.duration_s, None, segments.sizes)
            path = join(settings.tools.ffmpeg, segments, workdir, want_video)
            return _Got(path, segments.duration_s, segments.scratch)
    elif media.kind == MediaKind.FILE:
        return _Got(_direct_file(media, workdir, ctx), None)
    path, duration = run_ytdlp(media, workdir, ctx.http, settings, ctx.log, fmt, ctx.cancel, ctx.on_bytes)
    return _Got(path, duration)


def download_media(
    media: Media, workdir: Path, ctx: MediaContext, *, fmt: str = AUDIO_FORMAT, need_audio: bool = True
) -> MediaFile:
    """Download ``media`` into ``workdir``, validate it, and mark it done; reuse a marked download.

    The talk's audio by default (a single HLS playlist: the local playlist itself, see the module's
    docstring); ``fmt=VIDEO_FORMAT, need_audio=False`` for a (muted) video-slide clip, always one file.
    """
    done = verified_media(workdir)
    if done is not None:
        return done
    for attempt in (1, 2):
        workdir.mkdir(parents=True, exist_ok=True)
        got = _fetch(media, workdir, ctx, fmt, playlist_ok=need_audio)
        if got.pieces is not None:
            assert got.expected_s is not None
            size = sum(got.pieces.values())
            result = MediaFile(str(got.path), round(got.expected_s * 1000), "", size)  # codec: the merge's ffprobe says
            _mark(workdir, got.path, result, got.pieces)
            return result
        try:
            result = _validate(got.path, ctx.settings.tools.ffprobe, got.expected_s, need_audio)
            break
        except ConfarchiveError as exc:
            if attempt == 2:
                raise
            ctx.log.warning("%s; downloading it again from scratch", exc.one_line())
            shutil.rmtree(workdir, ignore_errors=True)  # never resume on top of a corrupt result
    _mark(workdir, got.path, result)
    if got.scratch is not None:  # the segments live on in the joined file
        shutil.rmtree(got.scratch, ignore_errors=True)
    for leftover in workdir.glob("*.part"):
        discard(leftover)
    return result


def fetch_again(found: MediaFile, media: Media, ctx: MediaContext, *, fmt: str = AUDIO_FORMAT) -> MediaFile:
    """``found``, a local playlist that the merge's ffprobe found wanting, wiped and fetched once more from
    scratch (never resumed on top of what failed)."""
    workdir = Path(found.path).parents[2]  # <workdir>/hls/main/local.m3u8
    if not (workdir / MARKER).is_file():
        raise ConfarchiveError(f"{found.path} is not a media download of this run")
    shutil.rmtree(workdir, ignore_errors=True)
    return download_media(media, workdir, ctx, fmt=fmt)
