"""The slides track as ffmpeg reads it: one codec, one canvas, exact milliseconds.

A still slide is one entry lasting its whole span. A video slide whose clip could be had becomes the
clip's frames (extracted at ``CLIP_FPS``), each an entry with its own millisecond duration, the last
one held until the slide's span ends: the clip plays in place with the same exact timing machinery,
and ffmpeg never sees two codecs. The last image is repeated so that the final slide lasts until the end.

ffmpeg reads the track as a numbered image sequence (links to the images, in track order) whose
frame *i* is given its start in milliseconds by a ``setpts`` expression. The concat demuxer would
also give exact times (``option framerate 1000``; without it ffmpeg snaps changes to a 40 ms grid),
but it opens every file as a new input and decodes each image twice (once to probe it): measured by
scripts/bench/merge.py, a third of the merge's CPU time for 1080p PNG slides. The concat document
remains for tracks whose expression would be too long for one command line.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from ..core.model import PlannedSlide, SlideFile

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


@dataclass(frozen=True)
class Run:
    """Frames ``first`` .. ``first + count - 1`` of the sequence, starting ``step_ms`` apart from ``start_ms``."""

    first: int
    start_ms: int
    step_ms: int
    count: int

    def expression(self) -> str:
        if self.count == 1:
            return str(self.start_ms)
        offset = "PTS" if self.first == 0 else f"(PTS-{self.first})"
        return f"{self.start_ms}+{offset}*{self.step_ms}"


def frame_starts(track: Sequence[Entry]) -> list[int]:
    """Where each frame of the sequence starts: one per entry, then the closing repeat at the end."""
    return [e.start_ms for e in track] + [track[-1].end_ms]


def runs(starts: Sequence[int]) -> list[Run]:
    """The fewest evenly spaced runs covering ``starts``: a clip's frames (``CLIP_FPS`` apart) make one
    run, so the expression grows with the number of slides, not with the number of clip frames."""
    out: list[Run] = []
    i = 0
    while i < len(starts):
        step = starts[i + 1] - starts[i] if i + 1 < len(starts) else 0
        count = 1
        while i + count < len(starts) and starts[i + count] == starts[i] + count * step:
            count += 1
        out.append(Run(i, starts[i], step, count))
        i += count
    return out


def pts_expression(track: Sequence[Entry]) -> str:
    """A ``setpts`` expression mapping frame number (the image sequence's PTS at a 1000 fps input rate,
    so also its time base of 1 ms) to the frame's start in milliseconds: a balanced tree of ``if``
    over the runs, log2(runs) deep."""
    found = runs(frame_starts(track))

    def tree(lo: int, hi: int) -> str:
        if hi - lo == 1:
            return found[lo].expression()
        mid = (lo + hi) // 2
        return f"if(lt(PTS,{found[mid].first}),{tree(lo, mid)},{tree(mid, hi)})"

    return tree(0, len(found))


def link_sequence(track: Sequence[Entry], folder: Path, extension: str) -> str:
    """Number the track's images (and the closing repeat) in ``folder`` as links, so that ffmpeg's image
    sequence reader sees them in order; returns its pattern. A file system without links (FAT, exFAT
    drives) gets copies."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for n, path in enumerate([e.path for e in track] + [track[-1].path]):
        link = folder / f"{n:06d}{extension}"
        try:
            os.symlink(os.path.abspath(path), link)
        except OSError:
            shutil.copyfile(path, link)
    return str(folder).replace("%", "%%") + f"/%06d{extension}"


def normalise(
    shown: Mapping[int, SlideFile], workdir: Path, extra: Sequence[str] = ()
) -> tuple[dict[str, str], tuple[int, int], str]:
    """One codec for every image of the track and one even canvas size.

    ``shown`` maps each planned slide to the image on screen (a held video slide shares its
    neighbour's file); ``extra`` are clip frames (PNG). The most common codec of the slides wins, so
    a talk converts as few images as possible; the canvas is the most common slide size (clip frames
    are scaled into it). Returns a map from each original path to the one to use, the canvas and the
    file extension of the codec every image now has.
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
    return converted, (width + width % 2, height + height % 2), _EXT[target]


def _odd_jpeg(path: str) -> bool:
    """Greyscale or CMYK JPEGs among RGB ones: ffmpeg's decoder output would change format mid-stream."""
    with Image.open(path) as im:
        return im.mode != "RGB"
