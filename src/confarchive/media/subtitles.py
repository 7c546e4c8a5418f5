"""A machine transcript joins a talk's MP4 as one more ``mov_text`` track: a stream-copy remux.

Why this way: the talk is merged (and done) before it is transcribed, so the transcript never delays
its MP4. Adding the track afterwards copies the video and audio packet for packet (``-c copy``):
it costs a file copy, not an encode, and cannot change what was archived; only the new track is
converted (WebVTT to ``mov_text``, the one text codec MP4 players read). The source's own subtitle
tracks are kept as they are; a machine track from an earlier run (its name ends in "(machine)") is
replaced, not doubled. The result is written under a temporary name, checked with ffprobe and
ffmpeg (the same streams, every copied stream's packets hashing the same, the new track there with
its language and name, the chapters unchanged) and only then renamed over the MP4.

Data streams are not mapped: in confarchive's MP4s the one data stream is the chapter track, which the
muxer writes anew from ``-map_chapters``; mapping it as well would add one more on every remux.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ConfarchiveError
from .merge import mp4_language

MACHINE_SUFFIX = " (machine)"


@dataclass(frozen=True)
class Track:
    index: int
    kind: str  # video, audio, subtitle, data
    codec: str
    language: str | None
    title: str | None  # an MP4 keeps a track's name as its handler name


def machine_title(language: str) -> str:
    """The track's name in players: "English (machine)" (other languages by their code)."""
    return ("English" if language.split("-")[0].lower() == "en" else language) + MACHINE_SUFFIX


def _run(cmd: list[str], what: str) -> str:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise ConfarchiveError(f"cannot {what}: {exc}") from exc
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-2:]
        raise ConfarchiveError(f"cannot {what}: {' / '.join(tail) or done.returncode}")
    return done.stdout


def tracks(path: Path, ffprobe: str = "ffprobe") -> list[Track]:
    out = _run([ffprobe, "-v", "error", "-show_streams", "-of", "json", str(path)], f"read the tracks of {path.name}")
    found = []
    for stream in json.loads(out or "{}").get("streams", []):
        tags = stream.get("tags") or {}
        found.append(
            Track(int(stream["index"]), stream.get("codec_type", ""), stream.get("codec_name", ""),
                  tags.get("language"), tags.get("title") or tags.get("handler_name"))
        )  # fmt: skip
    return found


def packet_hashes(path: Path, ffmpeg: str = "ffmpeg") -> list[str]:
    """One hash per video and audio stream over its packets as stored: equal before and after a remux
    exactly when nothing was re-encoded."""
    cmd = [ffmpeg, "-nostdin", "-v", "error", "-i", str(path), "-map", "0:v?", "-map", "0:a?", "-c", "copy",
           "-f", "streamhash", "-hash", "md5", "-"]  # fmt: skip
    return _run(cmd, f"hash the streams of {path.name}").split()


def chapters(path: Path, ffprobe: str = "ffprobe") -> list[str]:
    out = _run(
        [ffprobe, "-v", "error", "-show_chapters", "-of", "json", str(path)], f"read the chapters of {path.name}"
    )
    return [json.dumps(c, sort_keys=True) for c in json.loads(out or "{}").get("chapters", [])]


def is_machine(track: Track) -> bool:
    return track.kind == "subtitle" and (track.title or "").endswith(MACHINE_SUFFIX)


def remux_command(video: Path, vtt: Path, out: Path, existing: list[Track], language: str, ffmpeg: str) -> list[str]:
    """ffmpeg's arguments: ``video``'s video, audio and subtitle tracks copied, but for an earlier
    machine track, then ``vtt`` as a new ``mov_text`` track in ``language`` (a BCP 47 tag)."""
    keep = [t for t in existing if t.kind in ("video", "audio") or (t.kind == "subtitle" and not is_machine(t))]
    n = sum(t.kind == "subtitle" for t in keep)  # the new track's number among the output's subtitles
    title = machine_title(language)
    cmd = [ffmpeg, "-nostdin", "-hide_banner", "-v", "error", "-y", "-i", str(video), "-i", str(vtt)]
    for track in keep:
        cmd += ["-map", f"0:{track.index}"]
    cmd += ["-map", "1:0", "-map_metadata", "0", "-map_chapters", "0", "-c", "copy", f"-c:s:{n}", "mov_text"]
    for tag in (f"language={mp4_language(language)}", f"title={title}", f"handler_name={title}"):
        cmd += [f"-metadata:s:s:{n}", tag]
    return [*cmd, "-movflags", "+faststart", "-f", "mp4", str(out)]


def add_machine_subtitles(
    video: Path, vtt: Path, language: str, work: Path, ffmpeg: str = "ffmpeg", ffprobe: str = "ffprobe"
) -> list[Track]:
    """Add (or replace) the machine subtitle track of ``video`` in place; its tracks afterwards.
    ``work`` is a folder on the archive's file system for the temporary MP4."""
    before = tracks(video, ffprobe)
    hashes, titles = packet_hashes(video, ffmpeg), chapters(video, ffprobe)
    work.mkdir(parents=True, exist_ok=True)
    tmp = work / f"{video.stem}.subtitled.tmp.mp4"
    try:
        _run(remux_command(video, vtt, tmp, before, language, ffmpeg), f"add subtitles to {video.name}")
        after = tracks(tmp, ffprobe)
        kept = [(t.kind, t.codec, t.language, t.title) for t in before if not is_machine(t) and t.kind != "data"]
        if [(t.kind, t.codec, t.language, t.title) for t in after if not is_machine(t) and t.kind != "data"] != kept:
            raise ConfarchiveError(f"adding subtitles to {video.name} changed its other tracks: kept as it was")
        if packet_hashes(tmp, ffmpeg) != hashes or chapters(tmp, ffprobe) != titles:
            raise ConfarchiveError(f"adding subtitles to {video.name} changed its streams or chapters: kept as it was")
        added = [t for t in after if is_machine(t)]
        if [(t.codec, t.language) for t in added] != [("mov_text", mp4_language(language))]:
            raise ConfarchiveError(f"adding subtitles to {video.name} did not add one mov_text track")
        os.replace(tmp, video)
        return after
    finally:
        tmp.unlink(missing_ok=True)
