"""Where ffmpeg runs: slides + audio -> one MP4 with a chapter per slide, validated, then moved in place.

The recipe (measured in docs/engineering-notes.md): a concat list with integer-millisecond durations
and ``option framerate 1000`` (else changes snap to a 40 ms grid), the last file repeated, scale+pad
to one even canvas, libx264 ``-tune stillimage -bf 0`` with variable frame rate, audio copied,
``+faststart``; never ``-shortest``. Chapters and tags come from an FFMETADATA input in the same
pass. ffmpeg exits 0 even when it silently drops a slide of another codec, so slides are first
normalised to one codec and the output must have exactly N+1 video frames.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import ffmpeg
from PIL import Image

from .errors import ConfarchiveError
from .model import MediaFile, Merged, PlannedSlide, SlideFile
from .probe import probe

COPYABLE_AUDIO = {"aac", "mp3", "opus", "alac", "ac3", "eac3"}
_EXT = {"PNG": ".png", "JPEG": ".jpg"}


@dataclass(frozen=True)
class TalkTags:
    """The MP4's metadata tags; any player shows them."""

    title: str
    artist: str | None = None
    album: str | None = None
    comment: str | None = None


def ffmpeg_major_version(ffmpeg_path: str) -> int:
    """Major version of ffmpeg (``-fps_mode`` appeared in 5.1; Ubuntu 22.04 still ships 4.4)."""
    out = subprocess.run([ffmpeg_path, "-hide_banner", "-version"], capture_output=True, text=True, check=False)
    match = re.search(r"version\s+n?(\d+)\.", out.stdout)
    return int(match.group(1)) if match else 99  # git builds ("N-12345-g...") are new


def _escape_meta(value: str) -> str:
    return re.sub(r"([=;#\\\n])", r"\\\1", value)


def ffmetadata(plan: Sequence[PlannedSlide], tags: TalkTags, titles: dict[int, str] | None = None) -> str:
    """An FFMETADATA1 document: global tags and one chapter per planned slide."""
    lines = [";FFMETADATA1"]
    for key in ("title", "artist", "album", "comment"):
        value = getattr(tags, key)
        if value:
            lines.append(f"{key}={_escape_meta(value)}")
    for slide in plan:
        title = (titles or {}).get(slide.index) or f"Slide {slide.index}"
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={slide.start_ms}", f"END={slide.end_ms}"]
        lines.append(f"title={_escape_meta(title)}")
    return "\n".join(lines) + "\n"


def _quote(path: str) -> str:
    return "'" + path.replace("'", "'\\''") + "'"


def concat_list(plan: Sequence[PlannedSlide], files: dict[int, str]) -> str:
    """The ffconcat document; durations are exact milliseconds, the last file repeats."""
    lines = ["ffconcat version 1.0"]
    for slide in plan:
        lines += [f"file {_quote(files[slide.index])}", "option framerate 1000"]
        lines.append(f"duration {slide.duration_ms // 1000}.{slide.duration_ms % 1000:03d}")
    lines += [f"file {_quote(files[plan[-1].index])}", "option framerate 1000"]
    return "\n".join(lines) + "\n"


def normalise(shown: Mapping[int, SlideFile], workdir: Path) -> tuple[dict[int, str], tuple[int, int]]:
    """One codec for all slides (converting the odd ones into ``workdir``) and one even canvas size.

    ``shown`` maps each planned slide to the image on screen; a held video slide shares its
    neighbour's file. The most common codec and the most common size win, so a talk converts as
    few images as possible.
    """
    unique = {f.path: f for f in shown.values()}
    codec_counts = Counter(f.codec for f in unique.values() if f.codec in _EXT)
    target = codec_counts.most_common(1)[0][0] if codec_counts else "PNG"
    converted: dict[str, str] = {}
    for image in unique.values():
        if image.codec == target and not (target == "JPEG" and _odd_jpeg(image.path)):
            converted[image.path] = image.path
            continue
        workdir.mkdir(parents=True, exist_ok=True)
        dest = workdir / f"{image.index:04d}{_EXT[target]}"
        with Image.open(image.path) as im:
            ready = im.convert("RGB") if target == "JPEG" or im.mode not in ("RGB", "RGBA", "L") else im
            tmp = dest.with_suffix(".tmp")
            ready.save(tmp, format=target, **({"quality": 95} if target == "JPEG" else {}))
        os.replace(tmp, dest)
        converted[image.path] = str(dest)
    width, height = Counter((f.width, f.height) for f in unique.values()).most_common(1)[0][0]
    return {index: converted[f.path] for index, f in shown.items()}, (width + width % 2, height + height % 2)


def _odd_jpeg(path: str) -> bool:
    """Greyscale or CMYK JPEGs among RGB ones: ffmpeg's decoder output would change format mid-stream."""
    with Image.open(path) as im:
        return im.mode != "RGB"


def _input_index(args: Sequence[str], path: str) -> int:
    inputs = [args[i + 1] for i, a in enumerate(args) if a == "-i"]
    return inputs.index(path)


def _run(stream: ffmpeg.nodes.OutputStream, ffmpeg_path: str) -> None:
    try:
        stream.global_args("-hide_banner", "-nostdin", "-loglevel", "error").run(
            cmd=ffmpeg_path, capture_stdout=True, capture_stderr=True, overwrite_output=True
        )
    except ffmpeg.Error as exc:
        tail = (exc.stderr or b"").decode("utf-8", "replace").strip().splitlines()[-3:]
        raise ConfarchiveError(f"ffmpeg failed: {' / '.join(tail) or 'no message'}") from exc


def merge(
    plan: Sequence[PlannedSlide],
    slides: Mapping[int, SlideFile],
    media: MediaFile,
    tags: TalkTags,
    final: Path,
    workdir: Path,
    ffmpeg_path: str,
    ffprobe_path: str,
) -> Merged:
    """Write ``final`` (via a temporary name in ``workdir``) and return what was validated."""
    workdir.mkdir(parents=True, exist_ok=True)
    tmp = workdir / "video.tmp.mp4"
    meta_path = workdir / "chapters.ffmeta"
    meta_path.write_text(ffmetadata(plan, tags), encoding="utf-8")
    audio_in = ffmpeg.input(media.path)
    meta_in = ffmpeg.input(str(meta_path), f="ffmetadata")
    acodec = "copy" if media.audio_codec in COPYABLE_AUDIO else "aac"
    if plan:
        files, (width, height) = normalise({p.index: slides[p.index] for p in plan}, workdir / "norm")
        list_path = workdir / "slides.ffconcat"
        list_path.write_text(concat_list(plan, files), encoding="utf-8")
        video = (
            ffmpeg.input(str(list_path), f="concat", safe=0)["v:0"]
            .filter("scale", width, height, force_original_aspect_ratio="decrease")
            .filter("pad", width, height, "(ow-iw)/2", "(oh-ih)/2")
            .filter("setsar", 1)
            .filter("format", "yuv420p")
        )
        vfr = {"fps_mode": "vfr"} if ffmpeg_major_version(ffmpeg_path) >= 5 else {"vsync": "vfr"}
        streams = [video, audio_in["a:0"], meta_in["d?"]]
        opts: dict[str, object] = {
            "vcodec": "libx264",
            "preset": "veryfast",
            "tune": "stillimage",
            "bf": 0,
            **vfr,
        }
    else:  # no slides: the media alone, remuxed
        streams = [audio_in["a:0"], audio_in["v?"], meta_in["d?"]]
        opts = {"vcodec": "copy"}
    opts |= {"acodec": acodec, "movflags": "+faststart", "f": "mp4"}
    # ffmpeg-python numbers inputs in the order the output reaches them; ask it rather than assume.
    meta_index = _input_index(ffmpeg.output(*streams, str(tmp), **opts).get_args(), str(meta_path))
    out = ffmpeg.output(*streams, str(tmp), **opts, map_metadata=meta_index, map_chapters=meta_index)
    _run(out, ffmpeg_path)
    merged = validate(tmp, plan, media, ffprobe_path)
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, final)
    return Merged(str(final), merged.duration_ms, merged.frames, final.stat().st_size, tuple(plan))


def validate(path: Path, plan: Sequence[PlannedSlide], media: MediaFile, ffprobe_path: str) -> Merged:
    """ffprobe must agree: N+1 video frames, the audio's duration (0.1 s), one chapter per slide."""
    result = probe(ffprobe_path, path, count_video_packets=bool(plan))
    if result.audio_codec is None:
        raise ConfarchiveError(f"merged video {path.name} lost its audio")
    if abs(result.duration_ms - media.duration_ms) > 100:
        raise ConfarchiveError(f"merged video lasts {result.duration_ms} ms but the audio {media.duration_ms} ms")
    if plan and result.video_packets != len(plan) + 1:
        raise ConfarchiveError(
            f"merged video has {result.video_packets} frames, expected {len(plan) + 1}: ffmpeg dropped slides"
        )
    if len(result.chapters) != len(plan):
        raise ConfarchiveError(f"merged video has {len(result.chapters)} chapters, expected {len(plan)}")
    return Merged(str(path), result.duration_ms, result.video_packets or 0, path.stat().st_size, tuple(plan))
