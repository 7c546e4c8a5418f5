"""Running ffmpeg through ffmpeg-python, one way everywhere: quiet, no stdin, overwrite, and a failure
that says in one line what ffmpeg said last."""

from __future__ import annotations

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
