"""End to end on the fixture world: real HTTP, real yt-dlp, real ffmpeg, the real CLI.

Checks what a viewer would notice: the slide on screen just after each change and just before the
next one (pixel comparison; catches whole-second rounding), the video's length against the audio's,
chapter starts against slide starts, and what the fixture server saw (every expected path
requested, nothing requested twice on a re-run).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import SampleArchive, run_cli
from tests.world import World
from tests.world.catalog import FixtureTalk

from .video import assert_in_sync, probe

pytestmark = pytest.mark.e2e


def _source_audio_seconds(world: World, talk: FixtureTalk) -> float:
    media = world.media_path(talk)
    source = media.parent / "audio" / "index.m3u8" if media.suffix == ".m3u8" else media
    return float(probe(source)["format"]["duration"])


def test_run_reports_the_failing_talk_and_finishes_the_others(sample_archive: SampleArchive, world: World) -> None:
    root, result = sample_archive.root, sample_archive.result
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""  # logs go to stderr
    failing = world.talks["no-video"]
    assert f"FAILED (permanent) {failing.url}: no video found" in result.stderr
    entry = sample_archive.entry(failing)
    assert entry["status"] == "failed" and "no video found" in entry["error"] and failing.url in entry["error"]
    assert entry["error_kind"] == "permanent"
    assert entry["video"] is None
    done = world.sample()
    assert len(done) >= 6
    for talk in done:
        entry = sample_archive.entry(talk)
        assert entry["status"] == "done", (talk.name, entry["error"])
        assert entry["title"] == world.archived_title(talk)
        if talk.slideslive:
            assert entry["presentation_id"] == talk.pid
            assert entry["key"] == f"slideslive:{talk.pid}"
        else:
            assert "presentation_id" not in entry and entry["key"].startswith("media:")
        assert (root / entry["video"]).is_file()
        assert json.loads((root / entry["video"]).parent.joinpath("talk.json").read_text()) == entry


def test_files_are_named_by_title_inside_the_archive(sample_archive: SampleArchive, world: World) -> None:
    root = sample_archive.root
    entry = sample_archive.entry(world.talks["miniconf"])  # 'Why "Attention" Works: Half of the Time?'
    assert entry["video"] == "Why Attention Works - Half of the Time/Why Attention Works - Half of the Time.mp4"
    entry = sample_archive.entry(world.talks["ben"])
    assert entry["video"].startswith("Learning & Forgetting in Language Models/")
    names = {p.name for p in root.iterdir()}
    assert names >= {"index.json", "index.html", ".confarchive"}
    assert not [p for p in root.rglob("*") if p.suffix in (".part", ".tmp") and ".confarchive" not in p.parts]


@pytest.mark.parametrize(
    "name",
    [
        "iclr",
        "miniconf",
        "ben",
        "rs",
        "unquoted",
        "keynote",
        "keynote-qa",
        "tutorial-3",
        "meeting-2",
        "plain-link",
        "old-build",
        "public",
        "embed",
        "js-only",
    ],
)
def test_slides_in_sync_to_the_millisecond(sample_archive: SampleArchive, world: World, name: str) -> None:
    root = sample_archive.root
    talk = world.talks[name]
    entry = sample_archive.entry(talk)
    video = root / entry["video"]
    count = len(talk.slide_times_ms)
    starts = [0, *talk.sorted_times[1:]]
    info = assert_in_sync(video, {n: world.shown_bytes(talk, n) for n in range(1, count + 1)}, starts)
    duration = float(info["format"]["duration"])
    # the video lasts as long as the audio it was made from
    assert abs(duration - _source_audio_seconds(world, talk)) < 0.1
    assert [c["tags"]["title"] for c in info["chapters"]] == [f"Slide {n}" for n in range(1, count + 1)]
    assert [s["start_s"] for s in entry["slides"]] == [s / 1000 for s in starts]
    assert abs(entry["duration_s"] - duration) < 0.01
    streams = {s["codec_type"]: s for s in info["streams"]}
    assert streams["audio"]["codec_name"] == "aac" and streams["video"]["codec_name"] == "h264"
    assert info["format"]["tags"]["title"] == world.archived_title(talk)
    for slide in entry["slides"]:
        assert (root / slide["image"]).read_bytes() == world.slide_bytes(talk, slide["index"])


def test_every_expected_path_was_requested(sample_archive: SampleArchive, world: World) -> None:
    missing = {}
    for talk in world.talks.values():
        if talk in world.sample():
            lacking = sorted(p for p in world.expected_paths(talk) if sample_archive.requests[p] == 0)
            if lacking:
                missing[talk.name] = lacking
    assert not missing, missing
    # media and slides were fetched once each (the list holds the first URL twice: archived once)
    for talk in world.talks.values():
        if talk in world.sample():
            for path in world.expected_paths(talk):
                if path.endswith((".ts", ".png", ".jpg", ".m4a")):  # every byte of media and slides once
                    assert sample_archive.requests[path] == 1, path
            if not talk.slideslive:
                continue
            # locked: refused, its redirect target, then the retry; JS-only: the browser's iframe, then ours
            expected = 3 if talk.domain_lock else 2 if talk.page == "js-only" else 1
            assert sample_archive.requests[f"/slideslive.com/embed/presentation/{talk.pid}"] == expected, talk.name


def test_embed_page_is_asked_with_the_conference_page_as_referer(sample_archive: SampleArchive, world: World) -> None:
    talk = world.talks["iclr"]
    embeds = [r for r in sample_archive.log if r.path == f"/embed/presentation/{talk.pid}"]
    assert embeds and embeds[0].headers["referer"] == talk.url
    assert embeds[0].headers["origin"] == "https://iclr.fixture.invalid"
    assert embeds[0].query["embed_parent_url"] == [talk.url]
    media = [r for r in sample_archive.log if r.path == f"/Y{talk.pid}_fx/master.m3u8"]
    assert media and media[0].headers.get("referer") == talk.url


def test_index_html_lists_talks_escaped(sample_archive: SampleArchive) -> None:
    root = sample_archive.root
    html = (root / "index.html").read_text()
    assert "Learning &amp; Forgetting in Language Models" in html
    assert "Why &quot;Attention&quot; Works: Half of the Time?" in html
    assert 'href="Towards%20a%20Deep' in html


def test_rerun_makes_no_request_for_finished_talks_and_rewrites_nothing(
    sample_archive: SampleArchive, world: World, world_config: Path, tmp_path: Path
) -> None:
    root, first = sample_archive.root, sample_archive.result
    files = {
        p: (p.read_bytes(), p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file() and ".confarchive" not in p.parts
    }
    world.state.reset()
    urls = tmp_path / "urls.txt"
    urls.write_text("\n".join(world.urls()) + "\n")
    again = run_cli("archive", "-i", urls, "-o", root, "--config", world_config)
    assert again.returncode == first.returncode == 1
    # only the failed talks are tried again: their page, statically and then in the browser (with its
    # stylesheet); and the listing is read again (it may list new talks), but none of its finished talks
    failing = [world.talks["no-video"], world.talks["commented"]]
    for talk in failing:
        assert world.state.requests[f"/{talk.page_host}{talk.page_path}"] == 2
    meeting = world.talks["meeting"]
    assert world.state.requests[f"/{meeting.page_host}{meeting.page_path}"] == 1
    hosts = {f"/{t.page_host}/" for t in [*failing, meeting]}
    assert all(path.startswith(tuple(hosts)) for path in world.state.requests), world.state.requests
    after = {
        p: (p.read_bytes(), p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file() and ".confarchive" not in p.parts
    }
    assert after.keys() == files.keys()
    changed = [str(p.relative_to(root)) for p in files if files[p] != after[p]]
    assert not changed


def test_resolve_json_prints_every_talk_of_the_page(world: World, world_config: Path) -> None:
    talk = world.talks["keynote"]
    result = run_cli("resolve", talk.url, "--json", "--config", world_config)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert (payload["url"], payload["listed"]) == (talk.url, [])
    parts = [talk, *(world.talks[name] for name, _ in talk.parts)]
    assert [(e["title"], e["presentation_id"]) for e in payload["talks"]] == [
        (world.archived_title(t), t.pid) for t in parts
    ]
    for entry, part in zip(payload["talks"], parts, strict=True):
        assert [s["start_s"] for s in entry["slides"]] == [t / 1000 for t in part.sorted_times]
    meeting = world.talks["meeting"]
    listed = json.loads(run_cli("resolve", meeting.url, "--json", "--config", world_config).stdout)
    assert listed["talks"] == []
    assert [x["url"] for x in listed["listed"]] == [
        f"https://slideslive.com/{world.talks[n].pid}" for n in meeting.linked
    ]


def test_nothing_to_do_is_a_usage_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n\n")
    result = run_cli("archive", "-i", empty, "-o", tmp_path / "a")
    assert result.returncode == 2
    assert "nothing to archive" in result.stderr
    assert not (tmp_path / "a").exists()
    assert os.listdir(tmp_path) == ["empty.txt"]


@pytest.mark.parametrize("name", ["video-tag", "og-video"])
def test_a_talk_without_slides_is_its_video_remuxed(sample_archive: SampleArchive, world: World, name: str) -> None:
    talk = world.talks[name]
    entry = sample_archive.entry(talk)
    info = probe(sample_archive.root / entry["video"])
    source = probe(world.media_path(talk))
    video = next(s for s in info["streams"] if s["codec_type"] == "video")
    assert (video["codec_name"], video["width"], video["height"]) == ("h264", 320, 180)
    assert abs(float(info["format"]["duration"]) - float(source["format"]["duration"])) < 0.1
    assert entry["slides"] == [] and info["chapters"] == []
    assert info["format"]["tags"]["title"] == talk.title
