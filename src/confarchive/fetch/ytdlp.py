"""yt-dlp used as a library: for the sites it knows (YouTube, Vimeo, ...), DASH, and the HLS playlists
the fast path does not take (encrypted, live).

yt-dlp's Python defaults are not its command-line defaults: ``retries`` and ``fragment_retries`` are 0
and ``skip_unavailable_fragments`` silently drops fragments, so all are set here. Its HLS resume is not
crash-safe with concurrent fragments (measured: truncated or doubled files that "succeeded"), so one
fragment at a time; the result is validated by the caller. Every request yt-dlp makes leaves through
``RewritingYoutubeDL.urlopen``: the URL rewrites, the cookies of the logical URL, and the project's one
retry policy for opening a request (the playlists its extractors fetch are not covered by its own
retries, which cover a body cut mid-fragment). yt-dlp is imported lazily: a re-run of a finished
archive never pays its 0.3 s import.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from requests.cookies import get_cookie_header

from ..core.errors import ConfarchiveError, ErrorKind, FetchError, Interrupted, kind_of_status
from ..core.model import Media, MediaKind
from ..core.net import Http
from ..core.settings import Settings

AUDIO_FORMAT = "bestaudio[ext=m4a]/bestaudio/best"
VIDEO_FORMAT = "bestvideo/best"
VIDEO_AND_AUDIO_FORMAT = "best[ext=mp4]/bestvideo*+bestaudio/best"


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


def _as_fetch_error(exc: BaseException, url: str) -> FetchError | None:
    """yt-dlp's network exceptions as the project's typed error (None for anything else)."""
    from yt_dlp.networking.exceptions import HTTPError, TransportError

    if isinstance(exc, HTTPError):
        return FetchError(f"HTTP {exc.status} for {url}", url=url, status=exc.status)
    if isinstance(exc, TransportError):
        return FetchError(f"cannot reach {url}: {exc}", url=url, kind=ErrorKind.TRANSIENT)
    return None


def youtubedl_class(http: Http, cancel: threading.Event | None) -> type:
    """A YoutubeDL whose every request (page, playlist, each fragment) leaves through the URL rewrites
    with the cookies of its logical URL (yt-dlp's own jar would match the rewritten host), opened under
    the project's retry policy. What yt-dlp's extractors expect to catch is what they still get."""
    import yt_dlp

    rewriter, cookies = http.rewriter, http.session.cookies

    class RewritingYoutubeDL(yt_dlp.YoutubeDL):  # type: ignore[misc]
        def urlopen(self, req: Any) -> Any:
            from yt_dlp.networking import Request

            if isinstance(req, str):
                req = Request(req)
            logical = req.url
            header = get_cookie_header(cookies, requests.Request("GET", logical).prepare())
            if header:
                req.headers["Cookie"] = header
            req.url = rewriter(logical)
            opened = super().urlopen

            def once() -> Any:
                try:
                    return opened(req)
                except Exception as exc:
                    typed = _as_fetch_error(exc, logical)
                    if typed is None:
                        raise
                    raise typed from exc

            try:
                response = http.retrying(logical, once, cancel=cancel)
            except FetchError as exc:
                raise (exc.__cause__ or exc) from None  # yt-dlp's extractors handle their own exceptions
            if response.url == req.url:
                response.url = logical  # relative fragment URLs resolve in the logical world
            return response

    return RewritingYoutubeDL


def _options(media: Media, workdir: Path, settings: Settings, log: logging.Logger, fmt: str,
             cancel: threading.Event | None, on_bytes: Callable[[int], None] | None) -> dict[str, Any]:  # fmt: skip
    net = settings.network
    headers = {"User-Agent": net.user_agent}
    if media.referer:
        headers["Referer"] = media.referer
    seen: dict[str, int] = {}

    def hook(status: dict[str, Any]) -> None:
        if cancel is not None and cancel.is_set():
            raise Interrupted("interrupted")  # raising in a progress hook aborts the download
        name = str(status.get("tmpfilename") or status.get("filename") or "")
        done = int(status.get("downloaded_bytes") or 0)
        if on_bytes is not None and done > seen.get(name, 0):
            on_bytes(done - seen.get(name, 0))
        seen[name] = done

    return {
        "paths": {"home": str(workdir), "temp": str(workdir)},
        "outtmpl": {"default": "media.%(ext)s"},
        "format": fmt,
        "http_headers": headers,
        "continuedl": True,
        "retries": net.retries,  # a body cut mid-file or mid-fragment: opening is retried by urlopen
        "fragment_retries": net.retries,
        "skip_unavailable_fragments": False,
        "concurrent_fragment_downloads": 1,
        "socket_timeout": net.timeout_s,
        "throttledratelimit": net.min_bytes_per_s,  # a trickle is abandoned, as in core/net.py
        "noplaylist": True,
        "quiet": True,
        "noprogress": True,
        "no_color": True,
        "cachedir": False,
        "logger": _Logger(log),
        "progress_hooks": [hook],
        "ffmpeg_location": os.path.dirname(settings.tools.ffmpeg) or None,
        "force_generic_extractor": media.kind != MediaKind.SITE,
        "merge_output_format": "mp4",
    }


def run_ytdlp(
    media: Media, workdir: Path, http: Http, settings: Settings, log: logging.Logger, fmt: str,
    cancel: threading.Event | None = None, on_bytes: Callable[[int], None] | None = None,
) -> tuple[Path, float | None]:  # fmt: skip
    """One yt-dlp run into ``workdir`` (continuing its ``.part`` files); the file and the duration the
    source announced. A failure keeps its kind: a 404 is permanent, a 503 or a reset transient."""
    import yt_dlp

    options = _options(media, workdir, settings, log, fmt, cancel, on_bytes)
    # One yt-dlp run is one connection at a time (fragments are sequential), so it holds one slot of
    # the media host for its whole length. Per-response slots leaked when yt-dlp kept a response open.
    try:
        with http.limiter.slot(http.actual_host(media.url)), youtubedl_class(http, cancel)(options) as ydl:
            info = ydl.extract_info(media.url, download=True)
    except Interrupted:
        raise
    except yt_dlp.utils.DownloadError as exc:
        if cancel is not None and cancel.is_set():
            raise Interrupted("interrupted") from exc
        message = " ".join(str(exc).replace("ERROR: ", "").split())
        cause = (exc.exc_info or (None, None, None))[1]
        status = getattr(cause, "status", None) if cause is not None else None
        transient = cause is not None and _as_fetch_error(cause, media.url) is not None
        kind = kind_of_status(status) if status else ErrorKind.TRANSIENT if transient else ErrorKind.PERMANENT
        raise FetchError(
            f"media download failed for {media.url}: {message}", url=media.url, status=status, kind=kind
        ) from exc
    downloads = (info or {}).get("requested_downloads") or []
    if not downloads or not downloads[0].get("filepath"):
        raise ConfarchiveError(f"media download for {media.url} produced no file")
    return Path(downloads[0]["filepath"]), (info or {}).get("duration")
