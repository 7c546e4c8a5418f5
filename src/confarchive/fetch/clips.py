"""Video slides: the clip is downloaded with yt-dlp and its first frame becomes the slide's image.

The frame is extracted with ffmpeg (through ffmpeg-python) to a temporary name and decoded with
Pillow before it is moved under the slide's final name, like any other slide image.
"""

from __future__ import annotations

import os
from pathlib import Path

import ffmpeg

from ..errors import ConfarchiveError
from ..model import Media, MediaKind, SlideFile
from .files import existing_slide, inspect_image
from .media import VIDEO_FORMAT, MediaContext, download_media


def clip_first_frame(
    clip_url: str, referer: str | None, index: int, stem: Path, workdir: Path, ctx: MediaContext
) -> SlideFile:
    """The first frame of the clip at ``clip_url`` as slide ``index`` (``stem`` + ``.png``)."""
    found = existing_slide(stem, index)
    if found is not None:
        return found
    clip = download_media(Media(MediaKind.HLS, clip_url, referer), workdir, ctx, fmt=VIDEO_FORMAT, need_audio=False)
    stem.parent.mkdir(parents=True, exist_ok=True)
    part = stem.with_name(stem.name + ".frame.png")
    try:
        ffmpeg.input(clip.path).output(str(part), vframes=1, f="image2", vcodec="png").global_args(
            "-hide_banner", "-nostdin", "-loglevel", "error"
        ).run(cmd=ctx.settings.tools.ffmpeg, capture_stdout=True, capture_stderr=True, overwrite_output=True)
    except ffmpeg.Error as exc:
        part.unlink(missing_ok=True)
        message = (exc.stderr or b"").decode("utf-8", "replace").strip().splitlines()[-1:]
        raise ConfarchiveError(f"no first frame from the clip of slide {index}: {' '.join(message)}") from exc
    width, height, fmt = inspect_image(part)
    final = stem.with_suffix(".png")
    os.replace(part, final)
    return SlideFile(index, str(final), width, height, fmt, final.stat().st_size)
