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


# With more than one input, ffmpeg reads each in a thread of its own and hands its packets to the main
# thread through a queue of 8 (5.1's default). A merge copies the audio while it encodes a few slide
# frames, so the reader fills the queue at once and then waits for each packet the muxer takes: a wake-up
# and two context switches a packet, about 12,000 for 5 minutes of AAC. With 1,024 the reader runs ahead
# and rarely waits: a merge's CPU fell 10 % (5 min) and 31 % (60 min), for about 1 MB more memory
# (docs/performance.md). Larger queues gained nothing more.
PACKETS_AHEAD = 1024


def media_input(path: str | Path) -> ffmpeg.nodes.FilterableStream:
    """``path`` as an ffmpeg input, read up to ``PACKETS_AHEAD`` packets ahead; a local playlist through the
    HLS demuxer, allowed to open local files only, of any extension (fMP4 segments are ``.m4s``)."""
    if is_local_playlist(path):
        return ffmpeg.input(
            str(Path(path).absolute()),
            f="hls",
            allowed_extensions="ALL",
            protocol_whitelist="file",
            thread_queue_size=PACKETS_AHEAD,
        )
    return ffmpeg.input(str(path), thread_queue_size=PACKETS_AHEAD)
