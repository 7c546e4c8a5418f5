"""Looking at an output video the way a viewer does: which frame is on screen at time t.

Frames are decoded with real ffmpeg (scaled down, RGB) together with their timestamps from
ffprobe; the frame shown at t is the last one whose timestamp is <= t. A frame is identified as a
slide by pixel comparison with every slide image: it must be closest to the expected one, and close.
"""

from __future__ import annotations

import bisect
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageStat

THUMB = (160, 90)


@dataclass(frozen=True)
class Frames:
    times: list[float]
    images: list[Image.Image]

    def at(self, t: float) -> Image.Image:
        i = bisect.bisect_right(self.times, t) - 1
        assert i >= 0, f"no frame shown at {t} s (first frame at {self.times[0]} s)"
        return self.images[i]


def decode_frames(path: Path) -> Frames:
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pts_time",
         "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    times = [float(f["pts_time"]) for f in json.loads(probe.stdout)["frames"]]
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:v:0", "-fps_mode", "passthrough",
         "-s", f"{THUMB[0]}x{THUMB[1]}", "-pix_fmt", "rgb24", "-f", "rawvideo", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    size = THUMB[0] * THUMB[1] * 3
    images = [Image.frombytes("RGB", THUMB, raw[i : i + size]) for i in range(0, len(raw), size)]
    assert len(images) == len(times), (len(images), len(times))
    return Frames(times, images)


def difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference per channel, 0..255."""
    return sum(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean) / 3


def thumbnail(image: Image.Image) -> Image.Image:
    return image.convert("RGB").resize(THUMB, Image.Resampling.BILINEAR)


def which_slide(frame: Image.Image, slides: dict[int, Image.Image]) -> tuple[int, float]:
    """The slide number the frame shows and its difference to that slide."""
    scores = {n: difference(frame, thumbnail(img)) for n, img in slides.items()}
    best = min(scores, key=scores.__getitem__)
    return best, scores[best]
