"""HLS media without yt-dlp: segments fetched several at a time, crash-safe, read by ffmpeg.

Why not yt-dlp with ``concurrent_fragment_downloads``: its HLS resume is not crash-safe with concurrent
fragments (measured: re-runs after ``kill -9`` "succeeded" with truncated or doubled media), so media.py
runs it one fragment at a time, and a talk of 900 segments then costs 900 round trips in a row. Here a
segment counts only once it is complete, and segments are fetched in parallel (within the per-host
limit that ``Http.stream`` enforces). A segment up to ``packed_bytes`` is received in memory and, once
complete, appended to its track's pack (``fetch/pack.py``: one file and a journal instead of a file per
segment); a larger one is its own file, written as ``.part`` by ``resumable.download`` and renamed
when complete. After a crash every complete segment is kept without a request, a partial large one
resumes by Range and a partial small one is fetched again: nothing can be doubled or truncated.
ffmpeg then reads a local copy of the playlist (packed segments by EXT-X-BYTERANGE): it knows TS,
fMP4 and discontinuities better than byte concatenation. A talk's single playlist is read by the
merge itself (one process and one copy of the audio fewer, ``fetch/media.py``); two tracks, and video
slides' clips, are first joined by stream copy (``join``).

Steps: ``choose`` a rendition from a master playlist, ``plan_track`` each media playlist (what to fetch,
the local playlist), ``fetch_segments``, and ``join`` when needed. What this path does not support
raises ``Unsupported``, and the caller falls back to yt-dlp.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import ffmpeg
import m3u8

from ..core.errors import ConfarchiveError, FetchError, Interrupted
from ..core.net import Http
from ..core.settings import NetworkSettings
from ..core.workers import run_each
from ..media.ffrun import media_input, run_ffmpeg
from .pack import Pack, localise
from .resumable import Journal, download, download_small

_AUDIO_CODECS = ("mp4a", "ac-3", "ec-3", "opus", "flac", "mp3", "alac", "dts")
_SUFFIX = re.compile(r"\.[a-z0-9]{1,5}")
PACKED_BYTES = NetworkSettings.packed_segment_bytes  # the setting's default, for callers without settings


class Unsupported(ConfarchiveError):
    """A playlist this path does not handle (encrypted, live, DASH, ...): fall back to yt-dlp."""


@dataclass(frozen=True)
class Rendition:
    """The media playlists picked from a master: ``main`` (video, or the only track) and a separate audio."""

    main: str
    audio: str | None = None


@dataclass(frozen=True)
class Piece:
    """One file to fetch: a segment or an init section (``byte_range``: first and last byte, inclusive)."""

    url: str
    byte_range: tuple[int, int] | None
    name: str  # the local file name, which the local playlist refers to


@dataclass(frozen=True)
class Track:
    """One media playlist, planned: the pieces to fetch and the playlist that joins them locally."""

    url: str
    pieces: tuple[Piece, ...]
    local_playlist: str
    duration_s: float  # the sum of EXTINF

    @property
    def pack_name(self) -> str:
        """The pack of this track's small segments: named with their extension (ffmpeg checks it)."""
        first = next((p.name for p in self.pieces if p.name.startswith("seg-")), "seg.ts")
        return "pack" + posixpath.splitext(first)[1]


@dataclass(frozen=True)
class Segments:
    """Every piece of the chosen tracks complete on disk (each checked against its announced size as it
    was downloaded), and the local playlists that join them: ``main``, and ``audio`` when the rendition
    keeps its audio apart. ``sizes`` maps each file that holds pieces (a track's pack, a segment or init
    section of its own; relative to the work folder) to its size, so that a later run can tell without
    a request that they are all still there."""

    playlists: tuple[Path, ...]
    duration_s: float  # the sum of EXTINF of the longest track: what the playlist announces
    sizes: dict[str, int]
    scratch: Path


def parse(text: str, url: str) -> m3u8.M3U8:
    """The playlist ``text`` fetched from ``url``, or Unsupported when it is not HLS (a DASH manifest)."""
    head = text.lstrip("\ufeff \t\r\n")
    if "<MPD" in head[:4096] or urlsplit(url).path.lower().endswith(".mpd"):
        raise Unsupported(f"{url} is a DASH manifest, not HLS")
    if not head.startswith("#EXTM3U"):
        raise Unsupported(f"{url} is not an HLS playlist (no #EXTM3U)")
    return m3u8.loads(head, uri=url)


def _rank(media: m3u8.Media, group_bandwidth: dict[str, int]) -> tuple[bool, bool, int]:
    return media.default == "YES", media.autoselect == "YES", group_bandwidth.get(media.group_id, 0)


def _has_audio(variant: m3u8.Playlist) -> bool | None:
    """Whether CODECS lists an audio codec; None when CODECS is absent (then it may well have audio)."""
    codecs = [c.strip().lower() for c in (variant.stream_info.codecs or "").split(",") if c.strip()]
    return any(c.startswith(_AUDIO_CODECS) for c in codecs) if codecs else None


def choose(master: m3u8.M3U8, url: str, *, want_video: bool) -> Rendition:
    """The rendition to fetch from a master playlist.

    Audio only (slides layouts): the preferred member (DEFAULT, then AUTOSELECT, then the group of the
    best variant) of the AUDIO renditions, else the lowest-bandwidth variant with audio: the least to
    download for the same sound. Video: the highest-bandwidth variant and, when its AUDIO group is a
    separate playlist, that group's preferred member (two media playlists, muxed by the join)."""
    variants = list(master.playlists)
    bandwidth: dict[str, int] = {}
    for v in variants:
        if v.stream_info.audio:
            bandwidth[v.stream_info.audio] = max(bandwidth.get(v.stream_info.audio, 0), v.stream_info.bandwidth or 0)
    audio = [m for m in master.media if (m.type or "").upper() == "AUDIO"]
    if want_video:
        if not variants:
            raise Unsupported(f"{url}: a master playlist without variants")
        best = max(variants, key=lambda v: (v.stream_info.bandwidth or 0, v.stream_info.resolution or (0, 0)))
        group = [m for m in audio if m.group_id == best.stream_info.audio]
        pick = max(group, key=lambda m: _rank(m, bandwidth)) if group else None
        separate = urljoin(url, pick.uri) if pick is not None and pick.uri else None  # no URI: muxed in the variant
        return Rendition(urljoin(url, best.uri), separate)
    if audio:
        pick = max(audio, key=lambda m: _rank(m, bandwidth))
        if pick.uri:
            return Rendition(urljoin(url, pick.uri))
    with_audio = [v for v in variants if _has_audio(v) is not False]
    if not with_audio:
        raise Unsupported(f"{url}: no variant with audio")
    lowest = min(with_audio, key=lambda v: (_has_audio(v) is None, v.stream_info.bandwidth or 0))
    return Rendition(urljoin(url, lowest.uri))


def _range(spec: str | None, follows: int | None) -> tuple[int, int] | None:
    """``n[@o]`` as (first, last); without ``o`` the range follows the previous one of the same file."""
    if not spec:
        return None
    length, _, offset = spec.partition("@")
    first = int(offset) if offset else follows
    if first is None:
        raise Unsupported(f"EXT-X-BYTERANGE {spec} without an offset and no previous range of the same file")
    return first, first + int(length) - 1


def _suffix(url: str, default: str) -> str:
    """The source's extension when it is a plain one: ffmpeg >= 7.1 checks that it matches the format."""
    suffix = posixpath.splitext(urlsplit(url).path.rstrip("/"))[1].lower()  # PurePosixPath's suffix, cheaper
    return suffix if _SUFFIX.fullmatch(suffix) else default


def plan_track(text: str, url: str) -> Track:
    """What to fetch for the media playlist ``text`` at ``url``, and its local copy: segment URIs become
    local file names, byte ranges go (each file is exactly its range), EXT-X-MAP points to the local init
    file; discontinuities and durations stay as they are."""
    playlist = parse(text, url)
    if playlist.is_variant:
        raise Unsupported(f"{url} is a master playlist where a media playlist was expected")
    for key in [*playlist.keys, *(s.key for s in playlist.segments)]:
        if key is not None and (key.method or "NONE").upper() != "NONE":
            raise Unsupported(f"{url} is encrypted (EXT-X-KEY METHOD={key.method})")
    if not playlist.is_endlist:
        raise Unsupported(f"{url} is a live or event playlist (no EXT-X-ENDLIST): it is not finished")
    if playlist.is_i_frames_only or not playlist.segments or any(s.gap_tag for s in playlist.segments):
        raise Unsupported(f"{url} is an I-frame, empty or gapped playlist")
    pieces: list[Piece] = []
    inits: dict[tuple[str, tuple[int, int] | None], str] = {}
    previous: tuple[str, int] | None = None  # the previous segment's URL and the byte after its range
    for n, segment in enumerate(playlist.segments, 1):
        init = segment.init_section
        if init is not None:
            init_url = urljoin(url, init.uri)
            init_range = _range(init.byterange, 0)
            if (init_url, init_range) not in inits:
                name = f"init-{len(inits) + 1}{_suffix(init_url, '.mp4')}"
                inits[init_url, init_range] = name
                pieces.append(Piece(init_url, init_range, name))
            init.uri, init.byterange = inits[init_url, init_range], None
        seg_url = urljoin(url, segment.uri)  # the playlist's own URL: urljoin(base_uri) would drop its query
        byte_range = _range(segment.byterange, previous[1] if previous and previous[0] == seg_url else None)
        previous = (seg_url, byte_range[1] + 1) if byte_range else None
        name = f"seg-{n:05d}{_suffix(seg_url, '.m4s' if init is not None else '.ts')}"
        pieces.append(Piece(seg_url, byte_range, name))
        segment.uri, segment.byterange, segment.key = name, None, None
    duration = sum(s.duration or 0.0 for s in playlist.segments)
    return Track(url, tuple(pieces), playlist.dumps(), duration)


def _get(http: Http, url: str, headers: dict[str, str]) -> tuple[str, str]:
    """A playlist's text and its logical URL after redirects (what relative URIs resolve against)."""
    response = http.get(url, refuse_html=True, what="an HLS playlist", headers=headers)
    return response.content.decode("utf-8", "replace"), response.url


def _prepare(folder: Path, track: Track) -> None:
    """Keep ``folder``'s segments only if they were planned from the same playlist (query strings aside:
    signed URLs change between runs); otherwise start it over: segment files are named by position."""
    plan = [[urlsplit(p.url)._replace(query="", fragment="").geturl(), p.byte_range, p.name] for p in track.pieces]
    manifest = folder / "plan.json"
    try:
        if json.loads(manifest.read_text()) == json.loads(json.dumps(plan)):
            return
    except (OSError, ValueError):
        pass
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    tmp = manifest.with_name("plan.json.tmp")
    tmp.write_text(json.dumps(plan))
    os.replace(tmp, manifest)


@dataclass(frozen=True)
class _Folder:
    """One track's folder while it is fetched: its pack, the journal of the pieces that are files of their
    own (init sections, segments larger than ``packed_bytes``), and which piece goes where."""

    path: Path
    pack: Pack
    journal: Journal
    packed_bytes: int

    def packs(self, piece: Piece) -> bool:
        return self.packed_bytes > 0 and piece.name.startswith("seg-") and piece.name.endswith(self.pack.path.suffix)

    def missing(self, pieces: tuple[Piece, ...]) -> list[Piece]:
        """The pieces neither in the pack nor complete files of their own: one listing of the folder, not
        a stat per piece."""
        files = set(os.listdir(self.path))
        return [p for p in pieces if p.name not in self.pack and p.name not in files]

    def close(self) -> None:
        self.pack.close()
        self.journal.close()


def _fetch_piece(
    http: Http, piece: Piece, folder: _Folder, headers: dict[str, str],
    cancel: threading.Event | None, on_bytes: Callable[[int], None] | None,
) -> None:  # fmt: skip
    """One piece not yet complete, into its folder's pack or into a file of its own."""
    if cancel is not None and cancel.is_set():
        raise Interrupted("interrupted")
    part = folder.path / (piece.name + ".part")
    common = {"what": "an HLS segment", "byte_range": piece.byte_range, "headers": headers, "cancel": cancel,
              "on_bytes": on_bytes, "journal": folder.journal}  # fmt: skip
    try:
        if folder.packs(piece):
            data = download_small(http, piece.url, part, in_memory=folder.packed_bytes, **common)
            if data is not None:
                folder.pack.add(piece.name, data)  # complete: from now on never requested again
                return
        else:
            download(http, piece.url, part, durable=False, **common)
    except FetchError as exc:
        if piece.byte_range is not None and exc.status == 200:
            raise Unsupported(f"{piece.url} ignores byte ranges: the segments cannot be cut from it") from exc
        raise
    os.replace(part, folder.path / piece.name)  # complete (download checked the size): never requested again


def _serialised(callback: Callable[[int], None] | None) -> Callable[[int], None] | None:
    """``callback`` called under a lock: workers report at once, and the caller's callback (a progress
    bar, a counter) need not be thread-safe."""
    if callback is None:
        return None
    lock = threading.Lock()

    def report(n: int) -> None:
        with lock:
            callback(n)

    return report


def _fetch_all(
    http: Http, work: list[tuple[_Folder, Piece]], jobs: int, headers: dict[str, str],
    cancel: threading.Event | None, on_bytes: Callable[[int], None] | None,
) -> None:  # fmt: skip
    """Every piece of ``work`` (those not yet complete), ``jobs`` at a time, in playlist order. On the first
    failure the pieces not started are dropped and the ones in flight finish (kept for the next run)."""
    report = _serialised(on_bytes)
    run_each(lambda job: _fetch_piece(http, job[1], job[0], headers, cancel, report), work, jobs, "hls", http.threads)


def join(ffmpeg_path: str, segments: Segments, workdir: Path, want_video: bool) -> Path:
    """Stream copy of the local playlists into ``media.m4a`` (audio only) or ``media.mp4``, through a
    temporary name. Only what cannot read the playlist itself needs this: a talk's single playlist goes
    to the merge as it is (``fetch/media.py``), which saves a process and a copy of the audio."""
    inputs = [media_input(p) for p in segments.playlists]
    if len(inputs) == 2:
        streams = [inputs[0]["v"], inputs[1]["a"]]
    elif want_video:
        streams = [inputs[0]["v?"], inputs[0]["a?"]]
    else:
        streams = [inputs[0]["a"]]
    out = workdir / ("media.mp4" if want_video else "media.m4a")
    tmp = out.with_name(f"{out.stem}.tmp{out.suffix}").absolute()
    try:
        output = ffmpeg.output(*streams, str(tmp), c="copy", f="mp4", movflags="+faststart")
        run_ffmpeg(output, ffmpeg_path, f"join the HLS segments into {out.name}")
    except ConfarchiveError:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, out)
    return out


def fetch_segments(
    http: Http,
    url: str,
    workdir: Path,
    *,
    referer: str | None = None,
    want_video: bool = False,
    segment_jobs: int = 12,
    packed_bytes: int = PACKED_BYTES,
    cancel: threading.Event | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> Segments:
    """Fetch every piece of the HLS media at ``url`` (a master or a media playlist) into ``workdir/hls``
    and write the local playlists that refer to them. Resumes whatever a previous run left. Segments up to
    ``packed_bytes`` go to their track's pack; 0 makes every segment a file of its own.

    Raises Unsupported (fall back to yt-dlp), FetchError / ConfarchiveError, or Interrupted on ``cancel``.
    """
    headers = {"Referer": referer} if referer else {}
    text, logical = _get(http, url, headers)
    playlist = parse(text, logical)
    if playlist.is_variant:
        rendition = choose(playlist, logical, want_video=want_video)
        urls = [u for u in (rendition.main, rendition.audio) if u]
        tracks = [plan_track(*_get(http, u, headers)) for u in urls]
    else:
        tracks = [plan_track(text, logical)]
    scratch = workdir / "hls"
    paths = [scratch / name for name in ("main", "audio")[: len(tracks)]]
    for path, track in zip(paths, tracks, strict=True):
        _prepare(path, track)
    folders = [_Folder(p, Pack(p, t.pack_name), Journal(p), packed_bytes) for p, t in zip(paths, tracks, strict=True)]
    try:
        work = [(f, piece) for f, track in zip(folders, tracks, strict=True) for piece in f.missing(track.pieces)]
        _fetch_all(http, work, segment_jobs, headers, cancel, on_bytes)
    finally:
        for folder in folders:
            folder.close()
    if cancel is not None and cancel.is_set():
        raise Interrupted("interrupted")
    sizes: dict[str, int] = {}
    for folder, track in zip(folders, tracks, strict=True):
        tmp = folder.path / "local.m3u8.tmp"
        tmp.write_text(localise(track.local_playlist, folder.pack))
        os.replace(tmp, folder.path / "local.m3u8")
        own = [folder.path / p.name for p in track.pieces if p.name not in folder.pack]
        packed = [folder.pack.path] if folder.pack.extents else []
        sizes |= {f.relative_to(workdir).as_posix(): f.stat().st_size for f in [*packed, *own]}
    playlists = tuple(folder.path / "local.m3u8" for folder in folders)
    return Segments(playlists, max(t.duration_s for t in tracks), sizes, scratch)
