"""ffprobe: the judge of every media file before it counts as done.

ffmpeg-python's ``probe`` runs ``ffprobe -show_format -show_streams``; packet counts and chapters
need extra flags, so those calls build the command here. ffprobe is required: when it is missing
the user is told which package to install.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ConfarchiveError, MissingToolError

INSTALL_HINT = "install it with: sudo apt-get install ffmpeg (Debian/Ubuntu) or brew install ffmpeg (macOS)"


def require_tool(name: str, configured: str) -> str:
    """The absolute path of an ffmpeg-suite program, or a MissingToolError naming the package."""
    found = shutil.which(configured)
    if not found:
        raise MissingToolError(f"{name} not found ({configured!r}); {INSTALL_HINT}")
    return found


@dataclass(frozen=True)
class Chapter:
    start_ms: int
    end_ms: int
    title: str | None


@dataclass(frozen=True)
class ProbeResult:
    duration_ms: int
    audio_codec: str | None
    video_codec: str | None
    width: int | None
    height: int | None
    video_packets: int | None
    chapters: tuple[Chapter, ...]
    tags: dict[str, str]
    audio_duration_ms: int | None = None  # the audio stream's own length, when the container says


def probe(ffprobe: str, path: Path, *, count_video_packets: bool = False) -> ProbeResult:
    """Probe a file; raises ConfarchiveError when ffprobe cannot read it."""
    cmd = [ffprobe, "-v", "error", "-of", "json", "-show_format", "-show_streams", "-show_chapters"]
    if count_video_packets:
        cmd[1:1] = ["-count_packets"]  # reads packets without decoding: cheap even for an hour of video
    cmd.append(str(path))
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        reason = (proc.stderr.strip().splitlines() or ["unreadable"])[-1]
        raise ConfarchiveError(f"ffprobe cannot read {path.name}: {reason}")
    data = json.loads(proc.stdout or "{}")
    streams = data.get("streams", [])
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    video = next(
        (s for s in streams if s.get("codec_type") == "video" and not s.get("disposition", {}).get("attached_pic")),
        None,
    )
    fmt = data.get("format", {})
    duration = float(fmt.get("duration") or 0.0)
    chapters = tuple(
        Chapter(
            round(float(c["start_time"]) * 1000),
            round(float(c["end_time"]) * 1000),
            (c.get("tags") or {}).get("title"),
        )
        for c in data.get("chapters", [])
    )
    packets = video.get("nb_read_packets") if video else None
    audio_s = audio.get("duration") if audio else None
    return ProbeResult(
        duration_ms=round(duration * 1000),
        audio_codec=audio.get("codec_name") if audio else None,
        video_codec=video.get("codec_name") if video else None,
        width=video.get("width") if video else None,
        height=video.get("height") if video else None,
        video_packets=int(packets) if packets is not None else None,
        chapters=chapters,
        tags={str(k).lower(): str(v) for k, v in (fmt.get("tags") or {}).items()},
        audio_duration_ms=round(float(audio_s) * 1000) if audio_s not in (None, "N/A") else None,
    )
