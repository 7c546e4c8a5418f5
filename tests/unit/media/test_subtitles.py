"""The machine transcript joins an MP4 by a stream copy (real ffmpeg): the source's track kept, an earlier
machine track replaced, video, audio and chapters unchanged, and nothing replaced when ffmpeg fails."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from confarchive.core.errors import ConfarchiveError
from confarchive.media.merge import mp4_language
from confarchive.media.subtitles import add_machine_subtitles, chapters, packet_hashes, tracks

VTT = "WEBVTT\n\nNOTE machine transcript\n\n1\n00:00:01.000 --> 00:00:02.500\nhello there\n"
SOURCE_VTT = "WEBVTT\n\n00:00:00.500 --> 00:00:01.500\nthe speaker's own words\n"


def _ffmpeg(*args: str | Path) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *map(str, args)], check=True)


@pytest.fixture
def talk(tmp_path: Path) -> Path:
    """A merged talk as confarchive makes one: H.264 + AAC, two chapters, the source's subtitles."""
    meta = tmp_path / "chapters.ffmeta"
    meta.write_text(
        ";FFMETADATA1\ntitle=A talk\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=2000\ntitle=Slide 1\n"
        "[CHAPTER]\nTIMEBASE=1/1000\nSTART=2000\nEND=4000\ntitle=Slide 2\n"
    )
    source = tmp_path / "source.vtt"
    source.write_text(SOURCE_VTT)
    video = tmp_path / "talk" / "talk.mp4"
    video.parent.mkdir()
    _ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=160x90:rate=5:duration=4", "-f", "lavfi", "-i", "sine=duration=4",
        "-i", source, "-i", meta, "-map", "0:v", "-map", "1:a", "-map", "2:s", "-map_metadata", "3",
        "-map_chapters", "3", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-c:s", "mov_text",
        "-metadata:s:s:0", "language=eng", "-movflags", "+faststart", video,
    )  # fmt: skip
    return video


def test_added_then_replaced_never_doubled_and_nothing_else_touched(talk: Path, tmp_path: Path) -> None:
    vtt = tmp_path / "talk.en.machine.vtt"
    vtt.write_text(VTT)
    hashes, titles = packet_hashes(talk), chapters(talk)
    add_machine_subtitles(talk, vtt, "en", tmp_path / "work")
    vtt.write_text(VTT.replace("hello there", "hello again"))
    after = add_machine_subtitles(talk, vtt, "en", tmp_path / "work")  # a transcript made again
    subs = [(t.codec, t.language, t.title) for t in tracks(talk) if t.kind == "subtitle"]
    assert subs == [("mov_text", "eng", "SubtitleHandler"), ("mov_text", "eng", "English (machine)")]
    assert [t.kind for t in after].count("data") <= 1  # the chapter track is not doubled
    assert packet_hashes(talk) == hashes and chapters(talk) == titles
    text = subprocess.run(["ffmpeg", "-v", "error", "-i", str(talk), "-map", "0:s:1", "-f", "webvtt", "-"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "hello again" in text and "hello there" not in text
    assert not list((tmp_path / "work").iterdir())  # no temporary MP4 left


def test_another_language_says_its_code(talk: Path, tmp_path: Path) -> None:
    vtt = tmp_path / "talk.de.machine.vtt"
    vtt.write_text(VTT)
    add_machine_subtitles(talk, vtt, "de", tmp_path / "work")
    assert ("mov_text", mp4_language("de"), "de (machine)") in [(t.codec, t.language, t.title) for t in tracks(talk)]


def test_a_failed_remux_leaves_the_mp4_as_it_was(talk: Path, tmp_path: Path) -> None:
    before = talk.read_bytes()
    with pytest.raises(ConfarchiveError, match="cannot add subtitles"):  # ffmpeg fails: the file is gone
        add_machine_subtitles(talk, tmp_path / "gone.vtt", "en", tmp_path / "work")
    assert talk.read_bytes() == before and not list((tmp_path / "work").iterdir())
