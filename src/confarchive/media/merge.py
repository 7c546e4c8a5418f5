"""Where ffmpeg runs: slides + audio -> one MP4 with a chapter per slide, validated, then moved in place.

The recipe (measured in docs/media.md and scripts/bench/merge.py): the slides track of
``slidetrack`` (an image sequence retimed to integer milliseconds by ``setpts``; a concat list for
huge tracks), scale+pad to one even canvas, libx264 ``-tune stillimage -bf 0`` with variable frame
rate, audio copied, ``+faststart``; never ``-shortest``. Chapters and tags come
from an FFMETADATA input, subtitles (WebVTT) become ``mov_text`` tracks, all in the same pass.
ffmpeg exits 0 even when it silently drops a slide of another codec, so the track has one codec and
the output must have exactly one frame per track entry plus the closing one.

Layouts: ``slides`` (the slides full frame), ``side-by-side`` (slides left, the speaker video
right, same height) and ``pip`` (the speaker video in the bottom-right corner of the slides); the
last two need a media file with video.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import ffmpeg

from ..core.errors import ConfarchiveError
from ..core.model import MediaFile, Merged, PlannedSlide, SlideFile
from .ffrun import is_local_playlist, media_input, run_ffmpeg
from .probe import probe
from .slidetrack import Entry, concat_document, entries, link_sequence, normalise, pts_expression

__all__ = ["LAYOUTS", "MediaMismatch", "MergeJob", "TalkTags", "ffmetadata", "merge", "mp4_language"]

COPYABLE_AUDIO = {"aac", "mp3", "opus", "alac", "ac3", "eac3"}
# A local HLS playlist's duration is what it announces: its audio may differ by this much (the check a
# joined audio file used to pass before it counted).
ANNOUNCED_TOLERANCE_MS = 1000
_CANNOT_COPY = ("codec not currently supported in container", "Could not find tag for codec")

LAYOUTS = ("slides", "side-by-side", "pip")
# Linux allows 128 KiB in one argument and the filter graph is one; about 2,500 slides' worth.
MAX_SETPTS_CHARS = 60_000


class MediaMismatch(ConfarchiveError):
    """The merged MP4's audio is not what the media promised (none, or not its length). When the media was
    a local playlist read as it is, this is the first time anything judged it: the caller wipes it and
    fetches it once more."""


@dataclass(frozen=True)
class TalkTags:
    """The MP4's metadata tags; any player shows them."""

    title: str
    artist: str | None = None
    album: str | None = None
    comment: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class MergeJob:
    """Everything one merge needs, verified on disk."""

    plan: tuple[PlannedSlide, ...]
    slides: Mapping[int, SlideFile]
    media: MediaFile
    tags: TalkTags
    final: Path
    workdir: Path
    clips: Mapping[int, Sequence[str]] = field(default_factory=dict)  # video slide -> its frames
    subtitles: tuple[tuple[str, Path], ...] = ()  # (language, WebVTT file)
    layout: str = "slides"


def mp4_language(tag: str) -> str:
    """The ISO 639-2/T code an MP4 track's language must be (``pt-BR`` -> ``por``); ``und`` when unknown.
    langcodes is imported here: its tables cost 36 ms that a run without subtitles need not pay."""
    import langcodes

    try:
        return str(langcodes.Language.get(tag).to_alpha3())
    except (LookupError, ValueError):
        return "und"


_VERSION_LOCK = threading.Lock()


def ffmpeg_major_version(ffmpeg_path: str) -> int:
    """Major version of ffmpeg (``-fps_mode`` appeared in 5.1; Ubuntu 22.04 still ships 4.4).

    Asked once per binary path and process: asking costs a process start (~45 ms measured by
    scripts/bench/merge.py, 5 % of a 5-minute talk's merge) and the answer cannot change while a run
    lasts. Under a lock: the first merges start at once, and each would ask."""
    with _VERSION_LOCK:
        return _major_version(ffmpeg_path)


@lru_cache(maxsize=4)
def _major_version(ffmpeg_path: str) -> int:
    out = subprocess.run([ffmpeg_path, "-hide_banner", "-version"], capture_output=True, text=True, check=False)
    match = re.search(r"version\s+n?(\d+)\.", out.stdout)
    return int(match.group(1)) if match else 99  # git builds ("N-12345-g...") are new


def _escape_meta(value: str) -> str:
    return re.sub(r"([=;#\\\n])", r"\\\1", value)


def ffmetadata(plan: Sequence[PlannedSlide], tags: TalkTags, titles: dict[int, str] | None = None) -> str:
    """An FFMETADATA1 document: global tags and one chapter per planned slide."""
    lines = [";FFMETADATA1"]
    for key in ("title", "artist", "album", "comment", "date"):
        value = getattr(tags, key)
        if value:
            lines.append(f"{key}={_escape_meta(value)}")
    for slide in plan:
        title = (titles or {}).get(slide.index) or f"Slide {slide.index}"
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={slide.start_ms}", f"END={slide.end_ms}"]
        lines.append(f"title={_escape_meta(title)}")
    return "\n".join(lines) + "\n"


def _timed_track(track: Sequence[Entry], workdir: Path, extension: str) -> ffmpeg.nodes.FilterableStream:
    """The track's frames, each at its start in ms: an image sequence retimed by ``setpts`` (every image
    decoded once), or the concat demuxer when the expression would not fit on a command line."""
    expression = pts_expression(track)
    if len(expression) <= MAX_SETPTS_CHARS:
        pattern = link_sequence(track, workdir / "sequence", extension)
        frames = ffmpeg.input(pattern, f="image2", pattern_type="sequence", start_number=0, framerate=1000)
        return frames["v:0"].filter("setpts", expression)
    list_path = workdir / "slides.ffconcat"
    list_path.write_text(concat_document(track), encoding="utf-8")
    return ffmpeg.input(str(list_path), f="concat", safe=0)["v:0"]


def _slides_video(job: MergeJob) -> tuple[ffmpeg.nodes.FilterableStream, tuple[int, int], int]:
    """The slides track as a filtered video stream, its canvas and its number of entries."""
    frames = [f for index in (p.index for p in job.plan) for f in job.clips.get(index, ())]
    converted, (width, height), extension = normalise(
        {p.index: job.slides[p.index] for p in job.plan}, job.workdir / "norm", frames
    )
    files = {p.index: converted[job.slides[p.index].path] for p in job.plan}
    clips = {i: [converted[f] for f in fs] for i, fs in job.clips.items() if i in files}
    track = entries(job.plan, files, clips)
    video = (
        _timed_track(track, job.workdir, extension)
        .filter("scale", width, height, force_original_aspect_ratio="decrease")
        .filter("pad", width, height, "(ow-iw)/2", "(oh-ih)/2")
        .filter("setsar", 1)
        .filter("format", "yuv420p")
    )
    return video, (width, height), len(track)


def _with_speaker(
    slides: ffmpeg.nodes.FilterableStream, canvas: tuple[int, int], speaker: ffmpeg.nodes.FilterableStream, layout: str
) -> ffmpeg.nodes.FilterableStream:
    width, height = canvas
    if layout == "side-by-side":
        right = speaker.filter("scale", -2, height).filter("setsar", 1).filter("format", "yuv420p")
        return ffmpeg.filter([slides, right], "hstack", inputs=2)
    # overlay emits a frame per frame of its main input: the (variable-rate, sparse) slides would freeze
    # the speaker, so the speaker drives the clock as a hidden full-size background.
    parts = speaker.filter("setsar", 1).split()
    background = parts[0].filter("scale", width, height).filter("format", "yuv420p")
    corner = parts[1].filter("scale", (width // 4) // 2 * 2, -2).filter("format", "yuv420p")
    base = ffmpeg.overlay(background, slides, eof_action="repeat")
    return ffmpeg.overlay(base, corner, x="W-w-16", y="H-h-16", eof_action="repeat")


def merge(job: MergeJob, ffmpeg_path: str, ffprobe_path: str) -> Merged:
    """Write ``job.final`` (via a temporary name in the work folder) and return what was validated."""
    if job.layout not in LAYOUTS:
        raise ConfarchiveError(f"unknown layout {job.layout!r} (expected one of {', '.join(LAYOUTS)})")
    job.workdir.mkdir(parents=True, exist_ok=True)
    tmp = job.workdir / "video.tmp.mp4"
    meta_path = job.workdir / "chapters.ffmeta"
    meta_path.write_text(ffmetadata(job.plan, job.tags), encoding="utf-8")
    media_in = media_input(job.media.path)
    meta_in = ffmpeg.input(str(meta_path), f="ffmetadata")
    # a playlist's codec is not probed before the merge: copied when MP4 can hold it (AAC, nearly always)
    unknown = is_local_playlist(job.media.path) and not job.media.audio_codec
    acodec = "copy" if job.media.audio_codec in COPYABLE_AUDIO or unknown else "aac"
    expected_frames = None
    if job.plan:
        video, canvas, expected_frames = _slides_video(job)
        if job.layout != "slides":
            video = _with_speaker(video, canvas, media_in["v:0"], job.layout)
            expected_frames = None  # the speaker video sets the frame rate
        vfr = {"fps_mode": "vfr"} if ffmpeg_major_version(ffmpeg_path) >= 5 else {"vsync": "vfr"}
        tune = {"tune": "stillimage"} if job.layout == "slides" else {}
        streams = [video, media_in["a:0"], meta_in["d?"]]
        opts: dict[str, object] = {"vcodec": "libx264", "preset": "veryfast", "bf": 0, **tune, **vfr}
    else:  # no slides: the media alone, remuxed
        streams = [media_in["a:0"], media_in["v?"], meta_in["d?"]]
        opts = {"vcodec": "copy"}
    for n, (language, path) in enumerate(job.subtitles):
        streams.append(ffmpeg.input(str(path))["s:0"])
        opts[f"metadata:s:s:{n}"] = f"language={mp4_language(language)}"
    if job.subtitles:
        opts["scodec"] = "mov_text"
    opts |= {"acodec": acodec, "movflags": "+faststart", "f": "mp4"}
    # ffmpeg-python numbers inputs in the order the output reaches them; ask it rather than assume.
    meta_index = _input_index(ffmpeg.output(*streams, str(tmp), **opts).get_args(), str(meta_path))
    output = ffmpeg.output(*streams, str(tmp), **opts, map_metadata=meta_index, map_chapters=meta_index)
    try:
        run_ffmpeg(output, ffmpeg_path, f"merge {job.final.name}")
    except ConfarchiveError as exc:
        if not unknown or not any(m in str(exc) for m in _CANNOT_COPY):
            raise
        opts["acodec"] = "aac"  # a codec MP4 cannot hold (FLAC, DTS): encoded, in a second run
        output = ffmpeg.output(*streams, str(tmp), **opts, map_metadata=meta_index, map_chapters=meta_index)
        run_ffmpeg(output, ffmpeg_path, f"merge {job.final.name}")
    # the speaker video may outlast the audio by a frame or a segment's rounding: allow half a second
    tolerance = 100 if job.layout == "slides" or not job.plan else 500
    merged = validate(tmp, job.plan, job.media, ffprobe_path, expected_frames, tolerance)
    job.final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, job.final)
    return Merged(str(job.final), merged.duration_ms, merged.frames, job.final.stat().st_size, job.plan)


def _input_index(args: Sequence[str], path: str) -> int:
    inputs = [args[i + 1] for i, a in enumerate(args) if a == "-i"]
    return inputs.index(path)


def validate(
    path: Path,
    plan: Sequence[PlannedSlide],
    media: MediaFile,
    ffprobe_path: str,
    frames: int | None = None,
    tolerance_ms: int = 100,
) -> Merged:
    """ffprobe must agree: the audio's duration (0.1 s), one chapter per slide and, for the slides
    layout, exactly one video frame per track entry plus the closing one.

    Media read from a local playlist were judged by nobody before: the audio stream must last what the
    playlist announced (within ``ANNOUNCED_TOLERANCE_MS``), and the video, planned to end at the announced
    duration, makes the MP4 as long as the longer of the two."""
    result = probe(ffprobe_path, path, count_video_packets=frames is not None)
    if result.audio_codec is None:
        raise MediaMismatch(f"merged video {path.name} has no audio")
    expected = media.duration_ms
    if is_local_playlist(media.path):
        audio = result.audio_duration_ms or result.duration_ms
        if abs(audio - media.duration_ms) > ANNOUNCED_TOLERANCE_MS:
            raise MediaMismatch(f"the audio lasts {audio} ms, its playlist announced {media.duration_ms} ms")
        expected = max(audio, media.duration_ms)
    if abs(result.duration_ms - expected) > tolerance_ms:
        raise ConfarchiveError(f"merged video lasts {result.duration_ms} ms but the audio {expected} ms")
    if frames is not None and result.video_packets != frames + 1:
        raise ConfarchiveError(
            f"merged video has {result.video_packets} frames, expected {frames + 1}: ffmpeg dropped slides"
        )
    if len(result.chapters) != len(plan):
        raise ConfarchiveError(f"merged video has {len(result.chapters)} chapters, expected {len(plan)}")
    return Merged(str(path), result.duration_ms, result.video_packets or 0, path.stat().st_size, tuple(plan))
