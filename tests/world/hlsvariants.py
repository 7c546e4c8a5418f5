"""HLS playlists of every shape the fast HLS path meets (or refuses), made with real ffmpeg.

Served on a made-up host through the world's hooks (``route``), reached through the rewrite
``rewrite(world.base)``. Each variant is segmented by stream copy from AAC sources kept next to it,
so a test can compare the audio packets of a joined file with the source's, packet by packet:

- ``ts``: yoda-style, a master whose audio is a separate rendition of MPEG-TS segments, plus video;
- ``fmp4``: fragmented MP4 segments behind an EXT-X-MAP init section;
- ``single``: one fMP4 file, the init section and the segments as byte ranges of it (EXT-X-BYTERANGE);
- ``discontinuity``: two encodes one after the other, an EXT-X-DISCONTINUITY between them;
- ``encrypted``: AES-128 (EXT-X-KEY), refused; ``live``: no EXT-X-ENDLIST, refused.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import m3u8

from .assets import MASTER
from .server import Request, Response, Route

HOST = "hlsvariants.fixture.invalid"
PREFIX = f"https://{HOST}/"
NAMES = ("ts", "fmp4", "single", "discontinuity", "encrypted", "live")
PLAYLISTS = {
    "ts": "ts/master.m3u8",
    "fmp4": "fmp4/index.m3u8",
    "single": "single/index.m3u8",
    "discontinuity": "discontinuity/index.m3u8",
    "encrypted": "encrypted/index.m3u8",
    "live": "live/index.m3u8",
}
_TYPES = {".m3u8": "application/vnd.apple.mpegurl", ".ts": "video/mp2t", ".m4s": "video/iso.segment"}


def url(name: str) -> str:
    """The logical URL of variant ``name``'s playlist."""
    return PREFIX + PLAYLISTS[name]


def rewrite(base: str) -> tuple[str, str]:
    """The (prefix, replacement) that sends the made-up host to the world server at ``base``."""
    return PREFIX, f"{base}/{HOST}/"


def sources(folder: Path, name: str) -> list[Path]:
    """The AAC files whose packets, in order, make up variant ``name``'s audio."""
    return [folder / "source.m4a", folder / "source2.m4a"] if name == "discontinuity" else [folder / "source.m4a"]


def route(folder: Path) -> Route:
    """A world hook serving ``folder`` as ``https://hlsvariants.fixture.invalid/``."""
    root = folder.resolve()

    def serve(req: Request) -> Response | None:
        if req.host != HOST:
            return None
        path = (root / req.path.lstrip("/")).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return Response(404, b"Not Found")
        return Response(file=path, content_type=_TYPES.get(path.suffix, "video/mp4"))

    return serve


def _ffmpeg(*args: str | Path) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *map(str, args)], check=True)


def _tone(dest: Path, seconds: float, freq: int) -> None:
    _ffmpeg("-f", "lavfi", "-i", f"sine=frequency={freq}:sample_rate=44100:duration={seconds}",
            "-c:a", "aac", "-b:a", "64k", dest)  # fmt: skip


def _hls(src: Path, playlist: Path, segment_s: float, *extra: str | Path, pattern: str = "seg_%03d.ts") -> None:
    playlist.parent.mkdir(parents=True, exist_ok=True)
    _ffmpeg("-i", src, "-c", "copy", "-f", "hls", "-hls_time", str(segment_s), "-hls_playlist_type", "vod",
            "-hls_list_size", "0", *extra, "-hls_segment_filename", playlist.parent / pattern, playlist)  # fmt: skip


def make_ts(folder: Path, seconds: float, segment_s: float = 2, video: bool = True) -> Path:
    """Variant ``ts`` alone (also for benchmarks: ``seconds`` / ``segment_s`` segments): master.m3u8, an
    audio rendition ``audio/index.m3u8`` cut from ``source.m4a`` and, with ``video``, a video variant."""
    folder.mkdir(parents=True, exist_ok=True)
    _tone(folder / "source.m4a", seconds, 440)
    _hls(folder / "source.m4a", folder / "ts" / "audio" / "index.m3u8", segment_s)
    if video:
        (folder / "ts" / "video").mkdir(parents=True, exist_ok=True)
        _ffmpeg(
            "-f", "lavfi", "-i", f"testsrc=size=320x180:rate=5:duration={seconds}", "-c:v", "libx264",
            "-preset", "ultrafast", "-g", str(int(5 * segment_s)), "-pix_fmt", "yuv420p", "-f", "hls",
            "-hls_time", str(segment_s), "-hls_playlist_type", "vod", "-hls_list_size", "0",
            "-hls_segment_filename", folder / "ts" / "video" / "seg_%03d.ts", folder / "ts" / "video" / "index.m3u8",
        )  # fmt: skip
    (folder / "ts" / "master.m3u8").write_text(MASTER)
    return folder / "ts" / "master.m3u8"


def make_variants(folder: Path, seconds: float = 20, segment_s: float = 2) -> Path:
    """Every variant under ``folder``, generated once (a ``done`` marker); returns ``folder``."""
    if (folder / "done").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    make_ts(folder, seconds, segment_s)
    src = folder / "source.m4a"
    _hls(src, folder / "fmp4" / "index.m3u8", segment_s, "-hls_segment_type", "fmp4",
         "-hls_fmp4_init_filename", "init.mp4", pattern="seg_%03d.m4s")  # fmt: skip
    _hls(src, folder / "single" / "index.m3u8", segment_s, "-hls_segment_type", "fmp4", "-hls_flags", "single_file",
         pattern="media.mp4")  # fmt: skip
    single = m3u8.load(str(folder / "single" / "index.m3u8"))
    for segment in single.segments[1:]:  # the other form: a range without @offset follows the previous one
        segment.byterange = segment.byterange.partition("@")[0]
    (folder / "single" / "index.m3u8").write_text(single.dumps())
    _discontinuity(folder, segment_s)
    _encrypted(folder, segment_s)
    live = m3u8.load(str(folder / "ts" / "audio" / "index.m3u8"))
    live.is_endlist, live.playlist_type = False, None
    for segment in live.segments:
        segment.uri = f"../ts/audio/{segment.uri}"
    (folder / "live").mkdir()
    (folder / "live" / "index.m3u8").write_text(live.dumps())
    (folder / "done").touch()
    return folder


def _discontinuity(folder: Path, segment_s: float) -> None:
    """The source, then a second encode (another tone, 7 s): timestamps restart at the boundary."""
    _tone(folder / "source2.m4a", 7, 660)
    out = folder / "discontinuity"
    _hls(folder / "source.m4a", out / "a.m3u8", segment_s, pattern="a_%03d.ts")
    _hls(folder / "source2.m4a", out / "b.m3u8", segment_s, pattern="b_%03d.ts")
    first, second = m3u8.load(str(out / "a.m3u8")), m3u8.load(str(out / "b.m3u8"))
    second.segments[0].discontinuity = True
    first.segments.extend(second.segments)
    first.target_duration = max(first.target_duration, second.target_duration)
    (out / "index.m3u8").write_text(first.dumps())


def _encrypted(folder: Path, segment_s: float) -> None:
    out = folder / "encrypted"
    out.mkdir()
    (out / "key.bin").write_bytes(bytes(range(16)))
    (out / "key.info").write_text(f"key.bin\n{out / 'key.bin'}\n")
    _hls(folder / "source.m4a", out / "index.m3u8", segment_s, "-hls_key_info_file", out / "key.info")
