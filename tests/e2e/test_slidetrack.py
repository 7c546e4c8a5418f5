"""The slides track through real ffmpeg: every image change on its millisecond, whichever way it is read.

The merge reads the track as an image sequence retimed by a ``setpts`` expression, and falls back to
the concat demuxer when that expression would not fit a command line. Both must give the same frame
times; images of several sizes and modes (which make ffmpeg rebuild its filters mid-stream) must not
disturb them; a work folder whose name holds ``%`` (the image sequence's pattern character) must
work; and a clip's frames, one run of the expression, must land ``1000 / CLIP_FPS`` ms apart.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

import confarchive.media.merge as merge_mod
from confarchive.core.model import MediaFile, SlideFile
from confarchive.media.slidetrack import CLIP_FPS
from confarchive.media.timing import plan_slides
from tests.e2e.video import assert_in_sync

AUDIO_MS = 9_000
STARTS = [0, 1_234, 2_001, 3_999, 5_550, 7_777]
SIZES = [(640, 360), (640, 360), (800, 600), (320, 240), (640, 360), (1280, 720)]
MODES = ["RGB", "RGB", "RGBA", "P", "RGB", "L"]
COLOURS = [(200, 30, 30), (30, 200, 30), (30, 30, 200), (220, 220, 20), (20, 220, 220), (240, 240, 240)]


def _audio(folder: Path) -> MediaFile:
    path = folder / "audio.m4a"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", f"sine=frequency=330:duration={AUDIO_MS / 1000}",
         "-c:a", "aac", str(path)],
        check=True,
    )  # fmt: skip
    return MediaFile(str(path), AUDIO_MS, "aac", path.stat().st_size)


def _slides(folder: Path) -> dict[int, SlideFile]:
    out = {}
    for n, (size, mode, colour) in enumerate(zip(SIZES, MODES, COLOURS, strict=True), 1):
        image = Image.new("RGB", size, colour)
        ImageDraw.Draw(image).rectangle((size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2), fill=(0, 0, 0))
        image = image.convert(mode)
        path = folder / f"{n:04d}.png"
        image.save(path)
        out[n] = SlideFile(n, str(path), size[0], size[1], "PNG", path.stat().st_size)
    return out


def _frame_ms(video: Path) -> list[int]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pts_time", "-of", "csv=p=0",
         str(video)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [round(float(line.strip(",")) * 1000) for line in out.split()]


def _merge(tmp_path: Path, workdir: Path, clips: dict[int, list[str]] | None = None) -> Path:
    slides = _slides(tmp_path)
    plan = plan_slides(list(enumerate(STARTS, 1)), AUDIO_MS)
    job = merge_mod.MergeJob(
        plan, slides, _audio(tmp_path), merge_mod.TalkTags("Track test"), tmp_path / "out" / "talk.mp4", workdir,
        clips=clips or {},
    )  # fmt: skip
    return Path(merge_mod.merge(job, "ffmpeg", "ffprobe").path)


def _shown(tmp_path: Path) -> dict[int, bytes]:
    return {n: (tmp_path / f"{n:04d}.png").read_bytes() for n in range(1, len(STARTS) + 1)}


def test_mixed_sizes_and_modes_change_on_their_millisecond(tmp_path: Path) -> None:
    video = _merge(tmp_path, tmp_path / "work")
    assert _frame_ms(video) == [*STARTS, AUDIO_MS]
    assert_in_sync(video, _shown(tmp_path), STARTS)
    assert (tmp_path / "work" / "sequence").is_dir()  # the image-sequence path was taken
    assert not (tmp_path / "work" / "slides.ffconcat").exists()


def test_work_folder_with_percent_and_quote(tmp_path: Path) -> None:
    video = _merge(tmp_path, tmp_path / "100% it's %06d here")
    assert _frame_ms(video) == [*STARTS, AUDIO_MS]


def test_concat_fallback_gives_the_same_frame_times(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(merge_mod, "MAX_SETPTS_CHARS", 0)  # as if the track were too long for one argument
    video = _merge(tmp_path, tmp_path / "work")
    assert (tmp_path / "work" / "slides.ffconcat").is_file()
    assert _frame_ms(video) == [*STARTS, AUDIO_MS]
    assert_in_sync(video, _shown(tmp_path), STARTS)


def test_clip_frames_are_one_run_at_the_clip_rate(tmp_path: Path) -> None:
    frames = []
    for k in range(7):
        path = tmp_path / f"clip-{k}.png"
        Image.new("RGB", (640, 360), (10 * k, 100, 255 - 10 * k)).save(path)
        frames.append(str(path))
    video = _merge(tmp_path, tmp_path / "work", clips={3: frames})  # slide 3 lasts 1998 ms: all 7 fit
    step = 1000 // CLIP_FPS
    clip = [STARTS[2] + k * step for k in range(7)]
    assert _frame_ms(video) == [*STARTS[:2], *clip, *STARTS[3:], AUDIO_MS]
