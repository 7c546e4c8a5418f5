"""Audio/video through yt-dlp used as a library, in the talk's own work folder.

yt-dlp's Python defaults are not its command-line defaults: ``retries`` and ``fragment_retries`` are 0
and ``skip_unavailable_fragments`` silently drops fragments, so all are set here. HLS resume is not
crash-safe with concurrent fragments (measured: truncated or doubled files that "succeeded"), so one
fragment at a time, and the result is validated with ffprobe (an audio stream, the duration the
playlist announced) before a ``media.json`` marker says it counts; a result that fails validation is
wiped and downloaded again, once. yt-dlp is imported lazily: a re-run of a finished archive never
pays its 0.3 s import. Every request yt-dlp makes leaves through the URL rewrites, and a download
holds a slot of the shared per-host limiter while it runs.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from requests.cookies import get_cookie_header

from ..errors import ConfarchiveError, Interrupted
from ..model import Media, MediaFile, MediaKind
from ..net import Http
from ..probe import probe
from ..settings import Settings

MARKER = "media.json"
AUDIO_FORMAT = "bestaudio[ext=m4a]/bestaudio/best"
VIDEO_FORMAT = "bestvideo/best"
VIDEO_AND_AUDIO_FORMAT = "best[ext=mp4]/bestvideo*+bestaudio/best"
_GENERIC_KINDS = {MediaKind.HLS, MediaKind.DASH, MediaKind.FILE}  # not a page for a site extractor


@dataclass(frozen=True)
class MediaContext:
    """What a media download needs from the run: shared by every talk. yt-dlp's requests leave
    through ``http``'s URL rewrites, per-host limiter and cookies (chosen by the logical URL)."""

    settings: Settings
    http: Http
    log: logging.Logger
    cancel: threading.Event | None = None
    on_bytes: Callable[[int], None] | None = None


class _Logger:
    """Routes yt-dlp's messages into logging (stderr), never to stdout."""

    def __init__(self, log: logging.Logger) -> None:
        self._log = log

    def debug(self, msg: str) -> None:
        if not msg.startswith("[debug] "):
            self._log.debug("yt-dlp: %s", msg)

    def info(self, msg: str) -> None:
        self._log.debug("yt-dlp: %s", msg)

    def warning(self, msg: str) -> None:
        self._log.info("yt-dlp: %s", msg)

    def error(self, msg: str) -> None:
        self._log.debug("yt-dlp: %s", msg)


def _youtubedl_class(http: Http) -> type:
    """A YoutubeDL whose every request (manifest, each fragment) leaves through the URL rewrites, with
    the cookies of its logical URL (yt-dlp's own jar would match the rewritten host)."""
    import yt_dlp

    rewriter, cookies = http.rewriter, http.session.cookies

    class RewritingYoutubeDL(yt_dlp.YoutubeDL):  # type: ignore[misc]
        def urlopen(self, req: Any) -> Any:
            from yt_dlp.networking import Request

            if isinstance(req, str):
                req = Request(req)
            logical = req.url
            if cookies is not None:
                header = get_cookie_header(cookies, requests.Request("GET", logical).prepare())
                if header:
                    req.headers["Cookie"] = header
            req.url = rewriter(logical)
            response = super().urlopen(req)
            if response.url == req.url:
                response.url = logical  # relative fragment URLs resolve in the logical world
            return response

    return RewritingYoutubeDL


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


def _options(media: Media, workdir: Path, ctx: MediaContext, fmt: str) -> dict[str, Any]:
    net = ctx.settings.network
    headers = {"User-Agent": net.user_agent}
    if media.referer:
        headers["Referer"] = media.referer
    seen: dict[str, int] = {}

    def hook(status: dict[str, Any]) -> None:
        if ctx.cancel is not None and ctx.cancel.is_set():
            raise Interrupted("interrupted")  # raising in a progress hook aborts the download
        name = str(status.get("tmpfilename") or status.get("filename") or "")
        done = int(status.get("downloaded_bytes") or 0)
        if ctx.on_bytes is not None and done > seen.get(name, 0):
            ctx.on_bytes(done - seen.get(name, 0))
        seen[name] = done

    return {
        "paths": {"home": str(workdir), "temp": str(workdir)},
        "outtmpl": {"default": "media.%(ext)s"},
        "format": fmt,
        "http_headers": headers,
        "continuedl": True,
        "retries": net.retries * 2,
        "fragment_retries": net.retries * 2,
        "skip_unavailable_fragments": False,
        "concurrent_fragment_downloads": 1,
        "socket_timeout": net.timeout_s,
        "throttledratelimit": net.min_bytes_per_s,  # a trickle is abandoned, as in net.py
        "noplaylist": True,
        "quiet": True,
        "noprogress": True,
        "no_color": True,
        "cachedir": False,
        "logger": _Logger(ctx.log),
        "progress_hooks": [hook],
        "ffmpeg_location": os.path.dirname(ctx.settings.tools.ffmpeg) or None,
        "force_generic_extractor": media.kind in _GENERIC_KINDS,
        "merge_output_format": "mp4",
    }


_TRANSIENT = re.compile(
    r"HTTP Error (?:429|5\d\d)|network error|bytes read|timed out|Connection (?:reset|aborted|refused)|"
    r"IncompleteRead|Temporary failure",
    re.IGNORECASE,
)


def _fetch(media: Media, workdir: Path, ctx: MediaContext, fmt: str) -> tuple[Path, float | None]:
    """yt-dlp runs until one succeeds: its own retries cover fragments, not the playlists its
    extractor and HLS downloader fetch, so a transient failure there (5xx, a cut body) runs it again.
    Each run continues from the ``.part`` files of the previous one."""
    attempts = max(1, ctx.settings.network.retries)
    for attempt in range(1, attempts + 1):
        try:
            return _fetch_once(media, workdir, ctx, fmt)
        except ConfarchiveError as exc:
            if attempt == attempts or not _TRANSIENT.search(str(exc)) or (ctx.cancel and ctx.cancel.is_set()):
                raise
            ctx.log.info("%s; trying again (%d/%d)", exc.one_line(), attempt + 1, attempts)
            time.sleep(min(30.0, ctx.settings.network.backoff_s * 2**attempt))
    raise AssertionError("unreachable")


def _fetch_once(media: Media, workdir: Path, ctx: MediaContext, fmt: str) -> tuple[Path, float | None]:
    """One yt-dlp run; returns the file and the duration the source announced."""
    import yt_dlp

    options = _options(media, workdir, ctx, fmt)
    # One yt-dlp run is one connection at a time (fragments are sequential), so it holds one slot of
    # the media host for its whole length. Per-response slots leaked when yt-dlp kept a response open.
    http = ctx.http
    try:
        with http.limiter.slot(http.actual_host(media.url)), _youtubedl_class(http)(options) as ydl:
            if media.kind == MediaKind.FILE:
                # A direct file needs no extraction: the generic extractor would GET it once just to
                # look at its Content-Type, then the downloader again.
                ext = yt_dlp.utils.determine_ext(media.url, default_ext="mp4")
                direct = {"id": "media", "title": "media", "url": media.url, "ext": ext}
                info = ydl.process_ie_result({**direct, "http_headers": options["http_headers"]}, download=True)
            else:
                info = ydl.extract_info(media.url, download=True)
    except Interrupted:
        raise
    except yt_dlp.utils.DownloadError as exc:
        if ctx.cancel is not None and ctx.cancel.is_set():
            raise Interrupted("interrupted") from exc
        message = " ".join(str(exc).replace("ERROR: ", "").split())
        raise ConfarchiveError(f"media download failed for {media.url}: {message}") from exc
    downloads = (info or {}).get("requested_downloads") or []
    if not downloads or not downloads[0].get("filepath"):
        raise ConfarchiveError(f"media download for {media.url} produced no file")
    return Path(downloads[0]["filepath"]), (info or {}).get("duration")


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
        path, expected = _fetch(media, workdir, ctx, fmt)
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
    return result
