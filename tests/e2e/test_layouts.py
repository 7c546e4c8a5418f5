"""The MP4 as any player sees it (chapters, tags, subtitles) and the speaker-video layouts."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import SampleArchive, run_cli
from tests.world import World

from .video import decode_frames, difference, fitted, probe

pytestmark = pytest.mark.e2e


def test_chapters_tags_and_subtitle_track(sample_archive: SampleArchive, world: World) -> None:
    talk = world.talks["video-slides"]
    info = probe(sample_archive.root / sample_archive.entry(talk)["video"])
    starts = [0, *talk.sorted_times[1:]]
    assert [round(float(c["start_time"]) * 1000) for c in info["chapters"]] == starts
    assert [c["tags"]["title"] for c in info["chapters"]] == [f"Slide {n}" for n in range(1, len(starts) + 1)]
    tags = info["format"]["tags"]
    assert tags["title"] == talk.title
    assert tags["artist"] == ", ".join(talk.authors)
    assert tags["album"] == talk.conference
    assert tags["comment"] == talk.url
    assert tags["date"] == "2020-04-26"
    subtitles = [s for s in info["streams"] if s["codec_type"] == "subtitle"]
    assert [(s["codec_name"], s["tags"]["language"]) for s in subtitles] == [("mov_text", "eng")]


@pytest.fixture(scope="module")
def layouts(world: World, world_config: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    talk = world.talks["iclr"]  # yoda HLS: the speaker video is its video rendition
    out = {}
    for layout in ("side-by-side", "pip"):
        root = tmp_path_factory.mktemp(layout) / "archive"
        result = run_cli("archive", talk.url, "-o", root, "--config", world_config, "--layout", layout)
        assert result.returncode == 0, result.stderr
        out[layout] = root / json.loads((root / "index.json").read_text())["talks"][0]["video"]
    return out


def _speaker(world: World):
    folder = world.media_path(world.talks["iclr"]).parent / "video" / "index.m3u8"
    return decode_frames(folder)


@pytest.mark.parametrize("layout", ["side-by-side", "pip"])
def test_speaker_layouts_show_the_speaker_where_expected(world: World, layouts: dict[str, Path], layout: str) -> None:
    talk = world.talks["iclr"]
    video = layouts[layout]
    stream = next(s for s in probe(video)["streams"] if s["codec_type"] == "video")
    speaker = _speaker(world)
    t = 6.0  # inside slide 2 (4.217 s .. 9.350 s)
    frames = decode_frames(video, (stream["width"], stream["height"]))
    big = frames.at(t)
    slide = fitted(Image.open(io.BytesIO(world.slide_bytes(talk, 2))), (640, 360))
    expected_speaker = speaker.at(speaker.times[0] + t)
    if layout == "side-by-side":
        assert (stream["width"], stream["height"]) == (640 + 640, 360)  # the 320x180 speaker scaled to 360 high
        left = big.crop((0, 0, 640, 360)).resize((160, 90))
        right = big.crop((640, 0, 1280, 360)).resize((160, 90))
        assert difference(left, slide) < 12
        assert difference(right, expected_speaker) < 20
    else:
        assert (stream["width"], stream["height"]) == (640, 360)
        corner = big.crop((640 - 160 - 16, 360 - 90 - 16, 640 - 16, 360 - 16)).resize((160, 90))
        assert difference(corner, expected_speaker) < 20
        rest = big.crop((0, 0, 400, 200)).resize((160, 90))
        assert difference(rest, slide.resize((640, 360)).crop((0, 0, 400, 200)).resize((160, 90))) < 12
    assert len(frames.times) > 3 * len(talk.slide_times_ms)  # the speaker moves: many more frames than slides
