"""The slides track as ffmpeg's concat demuxer reads it: one codec, one canvas, exact milliseconds.

A still slide is one entry lasting its whole span. A video slide whose clip could be had becomes the
clip's frames (extracted at ``CLIP_FPS``), each an entry with its own millisecond duration, the last
one held until the slide's span ends: the clip plays in place with the same exact timing machinery,
and the concat demuxer never sees two codecs. ``option framerate 1000`` keeps every change on its
millisecond (without it ffmpeg snaps changes to a 40 ms grid); the last file is repeated so that the
final slide lasts until the end.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from .model import PlannedSlide, SlideFile

CLIP_FPS = 10  # a clip inside the slides track: smooth enough to follow, light to encode
_EXT = {"PNG": ".png", "JPEG": ".jpg"}


@dataclass(frozen=True)
class Entry:
    """One image on screen from ``start_ms`` to ``end_ms``."""

    path: str
    start_ms: int
    end_ms: int


def entries(
    plan: Sequence[PlannedSlide], files: Mapping[int, str], clips: Mapping[int, Sequence[str]] | None = None
) -> list[Entry]:
    """The track: a still per slide, or a clip's frames inside its slide's span."""
    out: list[Entry] = []
    for slide in plan:
        frames = (clips or {}).get(slide.index) or ()
        if not frames:
            out.append(Entry(files[slide.index], slide.start_ms, slide.end_ms))
            continue
        starts = [slide.start_ms + round(k * 1000 / CLIP_FPS) for k in range(len(frames))]
        shown = [(f, t) for f, t in zip(frames, starts, strict=True) if t < slide.end_ms]
        for (frame, start), nxt in zip(shown, [t for _, t in shown[1:]] + [slide.end_ms], strict=True):
            out.append(Entry(frame, start, nxt))
    return out


def _quote(path: str) -> str:
    return "'" + path.replace("'", "'\\''") + "'"


def concat_document(track: Sequence[Entry]) -> str:
    """The ffconcat document; durations are exact milliseconds, the last file repeats."""
    lines = ["ffconcat version 1.0"]
    for entry in track:
        ms = entry.end_ms - entry.start_ms
        lines += [f"file {_quote(entry.path)}", "option framerate 1000", f"duration {ms // 1000}.{ms % 1000:03d}"]
    lines += [f"file {_quote(track[-1].path)}", "option framerate 1000"]
    return "\n".join(lines) + "\n"


def concat_list(plan: Sequence[PlannedSlide], files: Mapping[int, str]) -> str:
    """The ffconcat document of still slides."""
    return concat_document(entries(plan, files))


def normalise(
    shown: Mapping[int, SlideFile], workdir: Path, extra: Sequence[str] = ()
) -> tuple[dict[str, str], tuple[int, int]]:
    """One codec for every image of the track and one even canvas size.

    ``shown`` maps each planned slide to the image on screen (a held video slide shares its
    neighbour's file); ``extra`` are clip frames (PNG). The most common codec of the slides wins, so
    a talk converts as few images as possible; the canvas is the most common slide size (clip frames
    are scaled into it). Returns a map from each original path to the one to use.
    """
    unique = {f.path: f for f in shown.values()}
    codec_counts = Counter(f.codec for f in unique.values() if f.codec in _EXT)
    target = codec_counts.most_common(1)[0][0] if codec_counts else "PNG"
    converted: dict[str, str] = {}
    todo = [(f.path, f.codec, f"{f.index:04d}") for f in unique.values()]
    todo += [(p, "PNG", f"clip-{n:05d}") for n, p in enumerate(extra)]
    for path, codec, stem in todo:
        if codec == target and not (target == "JPEG" and _odd_jpeg(path)):
            converted[path] = path
            continue
        workdir.mkdir(parents=True, exist_ok=True)
        dest = workdir / f"{stem}{_EXT[target]}"
        with Image.open(path) as im:
            ready = im.convert("RGB") if target == "JPEG" or im.mode not in ("RGB", "RGBA", "L") else im
            tmp = dest.with_suffix(".tmp")
            ready.save(tmp, format=target, **({"quality": 95} if target == "JPEG" else {}))
        os.replace(tmp, dest)
        converted[path] = str(dest)
    width, height = Counter((f.width, f.height) for f in unique.values()).most_common(1)[0][0]
    return converted, (width + width % 2, height + height % 2)


def _odd_jpeg(path: str) -> bool:
    """Greyscale or CMYK JPEGs among RGB ones: ffmpeg's decoder output would change format mid-stream."""
    with Image.open(path) as im:
        return im.mode != "RGB"
