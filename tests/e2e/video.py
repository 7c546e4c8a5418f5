"""Looking at an output video the way a viewer does: which frame is on screen at time t.

Frames are decoded with real ffmpeg (scaled down, RGB) together with their timestamps from
ffprobe; the frame shown at t is the last one whose timestamp is <= t. A frame is identified as a
slide by pixel comparison with every slide image: it must be closest to the expected one, and close.
"""

from __future__ import annotations

import bisect
import io
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


def decode_frames(path: Path, size: tuple[int, int] = THUMB) -> Frames:
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pts_time",
         "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    times = [float(f["pts_time"]) for f in json.loads(probe.stdout)["frames"]]
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:v:0", "-fps_mode", "passthrough",
         "-s", f"{size[0]}x{size[1]}", "-pix_fmt", "rgb24", "-f", "rawvideo", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    step = size[0] * size[1] * 3
    images = [Image.frombytes("RGB", size, raw[i : i + step]) for i in range(0, len(raw), step)]
    assert len(images) == len(times), (len(images), len(times))
    return Frames(times, images)


def difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference per channel, 0..255."""
    return sum(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean) / 3


def fitted(image: Image.Image, canvas: tuple[int, int]) -> Image.Image:
    """The image as the merge places it: scaled to fit the canvas, centred on black, then thumbnailed."""
    image = image.convert("RGB")
    scale = min(canvas[0] / image.width, canvas[1] / image.height)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    board = Image.new("RGB", canvas, (0, 0, 0))
    board.paste(image.resize(size, Image.Resampling.BILINEAR), ((canvas[0] - size[0]) // 2, (canvas[1] - size[1]) // 2))
    return board.resize(THUMB, Image.Resampling.BILINEAR)


def which_slide(frame: Image.Image, slides: dict[int, Image.Image], canvas: tuple[int, int]) -> tuple[int, float]:
    """The slide number the frame shows and its difference to that slide."""
    scores = {n: difference(frame, fitted(img, canvas)) for n, img in slides.items()}
    best = min(scores, key=scores.__getitem__)
    return best, scores[best]


def probe(path: Path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-of", "json", "-show_format", "-show_chapters", "-show_streams", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(out)


def assert_in_sync(
    video: Path, shown: dict[int, bytes], starts_ms: list[int], clips: dict[int, int] | None = None
) -> dict:
    """Slide n must be on screen 0.2 s after its start and still 120 ms before the next change
    (pixel comparison against every slide: closest to the right one, and close); one frame per slide
    plus the closing frame; chapters at the slide starts (ms). ``clips`` maps a video slide to the
    number of clip frames it plays: only its first frame is checked here. Returns the ffprobe data."""
    info = probe(video)
    stream = next(s for s in info["streams"] if s["codec_type"] == "video")
    canvas = (stream["width"], stream["height"])
    images = {n: Image.open(io.BytesIO(data)) for n, data in shown.items()}
    frames = decode_frames(video)
    duration_ms = float(info["format"]["duration"]) * 1000
    ends = [*starts_ms[1:], duration_ms]
    for n, (start, end) in enumerate(zip(starts_ms, ends, strict=True), 1):
        for t in (start / 1000 + 0.05,) if n in (clips or {}) else (start / 1000 + 0.2, end / 1000 - 0.12):
            seen, diff = which_slide(frames.at(t), images, canvas)
            assert images[seen] is images[n] or shown[seen] == shown[n], (
                f"at {t:.3f} s slide {seen} is shown, expected {n}"
            )
            assert diff < 12, f"frame at {t:.3f} s differs from slide {n} by {diff:.1f}"
    extra = sum(count - 1 for count in (clips or {}).values())
    assert len(frames.times) == len(starts_ms) + extra + 1  # one frame per slide (clip frame), plus the closing one
    assert [round(float(c["start_time"]) * 1000) for c in info["chapters"]] == starts_ms
    return info | {"frames": frames}
