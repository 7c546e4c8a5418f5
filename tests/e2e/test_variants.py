"""The rest of the SlidesLive world: legacy player, domain lock, CDN template, mixed images, video
slides, the paper and subtitles. Each variant is checked like the first ones: the slide on screen at
every change (pixels), one frame per slide plus the closing one, chapters at the slide starts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SampleArchive, run_cli
from tests.world import World
from tests.world.catalog import ALLOWED_HOST, PAPER_HOST, FixtureTalk

from .video import assert_in_sync, decode_frames, difference, fitted

pytestmark = pytest.mark.e2e


def _check_video(sample: SampleArchive, world: World, talk: FixtureTalk, clips: dict[int, int] | None = None) -> dict:
    entry = sample.entry(talk)
    assert entry["status"] == "done", entry["error"]
    count = len(talk.slide_times_ms)
    starts = [0, *talk.sorted_times[1:]]
    shown = {n: world.shown_bytes(talk, n) for n in range(1, count + 1)}
    info = assert_in_sync(sample.root / entry["video"], shown, starts, clips)
    assert [c["tags"]["title"] for c in info["chapters"]] == [f"Slide {n}" for n in range(1, count + 1)]
    assert [s["start_s"] for s in entry["slides"]] == [s / 1000 for s in starts]
    return entry | {"_frames": info["frames"]}


def test_legacy_player_answer(sample_archive: SampleArchive, world: World) -> None:
    talk = world.talks["legacy"]
    entry = _check_video(sample_archive, world, talk)
    assert sample_archive.requests[f"/slideslive.com/player/{talk.pid}"] == 1  # JSON answer, understood
    assert entry["subtitles"] == [{"language": "en", "path": f"{talk.title}/{talk.title}.en.vtt", "kind": "source"}]
    assert (sample_archive.root / entry["subtitles"][0]["path"]).read_bytes() == world.subtitles(talk)


def test_domain_locked_talk_works_only_through_the_retry(sample_archive: SampleArchive, world: World) -> None:
    talk = world.talks["locked"]
    _check_video(sample_archive, world, talk)
    embeds = [r for r in sample_archive.log if r.path == f"/embed/presentation/{talk.pid}"]
    assert [r.headers.get("referer") for r in embeds] == [talk.url, talk.url, f"https://{ALLOWED_HOST}/"]
    assert "domain_not_allowed" in embeds[1].query  # the redirect target, which holds no token
    assert embeds[2].headers["origin"] == f"https://{ALLOWED_HOST}"
    assert embeds[2].query["embed_parent_url"] == [f"https://{ALLOWED_HOST}/"]


def test_cdn_template_with_quality_and_xml_era_names(sample_archive: SampleArchive, world: World) -> None:
    talk = world.talks["cdn"]
    entry = _check_video(sample_archive, world, talk)
    for n in range(1, len(talk.slide_times_ms) + 1):
        name = talk.image_name(n)
        assert name == f"0-{n:04d}"
        # the templates were tried in order: original (403), rs. (404), then the CDN with slide_qualities[0]
        assert sample_archive.requests[f"/slides.slideslive.com/{talk.pid}/slides/original/{name}.jpg"] == 1
        assert sample_archive.requests[f"/rs.slideslive.com/{talk.pid}/slides/{name}.png"] == 1
        assert (
            sample_archive.requests[f"/cdn.slideslive.com/data/presentations/{talk.pid}/slides/medium/{name}.jpg"] == 1
        )
    for slide in entry["slides"]:
        assert slide["image"].endswith(".jpg")
        assert (sample_archive.root / slide["image"]).read_bytes() == world.slide_bytes(talk, slide["index"])


def test_mixed_formats_and_sizes_give_every_frame(sample_archive: SampleArchive, world: World) -> None:
    talk = world.talks["mixed"]
    entry = _check_video(sample_archive, world, talk)  # N+1 frames: no slide silently dropped
    assert [Path(s["image"]).suffix for s in entry["slides"]] == [".png", ".jpg", ".png", ".jpg"]
    for slide in entry["slides"]:  # kept as served; only the merge input was normalised
        assert (sample_archive.root / slide["image"]).read_bytes() == world.slide_bytes(talk, slide["index"])


def test_video_slides_play_their_clip_or_hold_the_previous_slide(sample_archive: SampleArchive, world: World) -> None:
    talk = world.talks["video-slides"]
    span_s = (talk.sorted_times[3] - talk.sorted_times[2]) / 1000
    played = round(span_s * 10)  # the 3 s clip plays at 10 frames a second inside its 3 s span
    entry = _check_video(sample_archive, world, talk, clips={3: played})  # slide 5 (no clip): slide 4 held
    assert len(entry["slides"]) == 5
    assert [s["type"] for s in entry["slides"]] == ["image", "image", "video", "image", "video"]
    assert entry["slides"][4]["image"] == entry["slides"][3]["image"]  # held
    # the clip really plays: 1.5 s into slide 3, the clip's own frame at 1.5 s is on screen
    start = talk.sorted_times[2] / 1000
    clip = decode_frames(world.clip_path(talk, 3).parent / "video" / "index.m3u8")
    assert difference(entry["_frames"].at(start + 1.55), fitted(clip.at(clip.times[0] + 1.55), (640, 360))) < 12
    assert difference(entry["_frames"].at(start + 1.55), entry["_frames"].at(start + 0.05)) > 20
    clip_id = talk.clip_id(3)
    segments = sorted((world.clip_path(talk, 3).parent / "video").glob("*.ts"))
    assert segments and all(
        sample_archive.requests[f"/yoda-1.fixture.invalid/{clip_id}/video/{s.name}"] == 1 for s in segments
    )
    assert sample_archive.requests[f"/yoda-1.fixture.invalid/{talk.clip_id(5)}/master.m3u8"] == 0  # no server known
    service = [r for r in sample_archive.log if r.path == f"/player/{talk.pid}/slides_video_service_data"]
    assert service and service[0].query["videos"] == [f"{talk.clip_id(3)},{talk.clip_id(5)}"]
    assert (sample_archive.root / entry["subtitles"][0]["path"]).read_bytes() == world.subtitles(talk)


def test_paper_and_abstract(sample_archive: SampleArchive, world: World) -> None:
    talk = world.talks["iclr"]
    entry = sample_archive.entry(talk)
    assert entry["paper_pdf"] == f"{talk.title}/paper.pdf"
    assert (sample_archive.root / entry["paper_pdf"]).read_bytes() == world.paper(talk.forum)
    assert entry["abstract"] == f"Abstract of {talk.title}."
    talk_json = json.loads((sample_archive.root / talk.title / "talk.json").read_text())
    assert talk_json["abstract"] == entry["abstract"] and talk_json["paper_pdf"] == entry["paper_pdf"]
    assert sample_archive.entry(world.talks["public"])["paper_pdf"] is None  # a bare SlidesLive URL has none


def test_no_paper_option(world: World, world_config: Path, tmp_path: Path) -> None:
    talk = world.talks["rs"]
    world.state.reset()
    result = run_cli("archive", talk.url, "-o", tmp_path / "a", "--config", world_config, "--no-paper")
    assert result.returncode == 0, result.stderr
    entry = json.loads((tmp_path / "a" / "index.json").read_text())["talks"][0]
    assert entry["paper_pdf"] is None and not (tmp_path / "a" / talk.title / "paper.pdf").exists()
    assert world.state.requests[f"/{PAPER_HOST}/pdf"] == 0
