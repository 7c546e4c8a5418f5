"""Video slides: the clip is downloaded with yt-dlp; its first frame becomes the slide's image (for
the index, the PDF and a held fallback) and its frames play in place in the slides track.

The first frame is extracted with ffmpeg (through ffmpeg-python) to a temporary name and decoded
with Pillow before it is moved under the slide's final name, like any other slide image.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import ffmpeg

from ..core.errors import ConfarchiveError
from ..core.model import Media, MediaKind, SlideFile
from ..media.ffrun import run_ffmpeg
from ..media.slidetrack import CLIP_FPS
from .files import existing_slide, inspect_image
from .media import VIDEO_FORMAT, MediaContext, download_media


def clip_frames(clip: Path, frames_dir: Path, ffmpeg_path: str) -> tuple[str, ...]:
    """Every frame of the clip at ``CLIP_FPS`` as PNG files (for playing the clip in the slides track)."""
    done = frames_dir / "frames.done"
    if not done.exists():
        shutil.rmtree(frames_dir, ignore_errors=True)
        frames_dir.mkdir(parents=True)
        output = ffmpeg.input(str(clip)).output(str(frames_dir / "%05d.png"), vf=f"fps={CLIP_FPS}", f="image2")
        run_ffmpeg(output, ffmpeg_path, f"extract the frames of {clip.name}")
        done.touch()
    return tuple(str(p) for p in sorted(frames_dir.glob("*.png")))


def clip_first_frame(
    clip_url: str, referer: str | None, index: int, stem: Path, workdir: Path, ctx: MediaContext
) -> tuple[SlideFile, tuple[str, ...]]:
    """The first frame of the clip at ``clip_url`` as slide ``index`` (``stem`` + ``.png``)."""
    clip = download_media(Media(MediaKind.HLS, clip_url, referer), workdir, ctx, fmt=VIDEO_FORMAT, need_audio=False)
    frames = clip_frames(Path(clip.path), workdir / "frames", ctx.settings.tools.ffmpeg)
    found = existing_slide(stem, index)
    if found is not None:
        return found, frames
    stem.parent.mkdir(parents=True, exist_ok=True)
    part = stem.with_name(stem.name + ".frame.png")
    try:
        output = ffmpeg.input(clip.path).output(str(part), vframes=1, f="image2", vcodec="png")
        run_ffmpeg(output, ctx.settings.tools.ffmpeg, f"take the first frame of the clip of slide {index}")
    except ConfarchiveError:
        part.unlink(missing_ok=True)
        raise
    width, height, fmt = inspect_image(part)
    final = stem.with_suffix(".png")
    os.replace(part, final)
    return SlideFile(index, str(final), width, height, fmt, final.stat().st_size), frames
