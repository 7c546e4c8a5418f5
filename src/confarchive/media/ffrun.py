"""Running ffmpeg through ffmpeg-python, one way everywhere: quiet, no stdin, overwrite, and a failure
that says in one line what ffmpeg said last."""

from __future__ import annotations

from pathlib import Path

import ffmpeg

from ..core.errors import ConfarchiveError


def run_ffmpeg(stream: ffmpeg.nodes.OutputStream, ffmpeg_path: str, what: str) -> None:
    """Run ``stream``; raise ConfarchiveError("cannot <what>: <ffmpeg's last lines>") when it fails."""
    try:
        stream.global_args("-hide_banner", "-nostdin", "-loglevel", "error").run(
            cmd=ffmpeg_path, capture_stdout=True, capture_stderr=True, overwrite_output=True
        )
    except ffmpeg.Error as exc:
        tail = (exc.stderr or b"").decode("utf-8", "replace").strip().splitlines()[-3:]
        raise ConfarchiveError(f"cannot {what}: {' / '.join(tail) or 'ffmpeg gave no message'}") from exc


def is_local_playlist(path: str | Path) -> bool:
    """A talk's media may be the local copy of its HLS playlist (``fetch/hls.py``), read as it is: its
    duration is then what the playlist announces, not what ffprobe measured."""
    return str(path).endswith(".m3u8")


def media_input(path: str | Path) -> ffmpeg.nodes.FilterableStream:
    """``path`` as an ffmpeg input; a local playlist through the HLS demuxer, allowed to open local files
    only, of any extension (fMP4 segments are ``.m4s``)."""
    if is_local_playlist(path):
        return ffmpeg.input(str(Path(path).absolute()), f="hls", allowed_extensions="ALL", protocol_whitelist="file")
    return ffmpeg.input(str(path))
