"""The media paths through the real CLI: HLS segments in parallel within the per-host limit, yt-dlp for
what the fast path refuses, a direct file through the resumable downloader, and a paper host that is
not there costing the run nothing."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.conftest import run_cli
from tests.world import Request, Response, World
from tests.world import hlsvariants as variants
from tests.world.catalog import YODA_HOST


def _config(world_config: Path, tmp_path: Path, extra: str) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(world_config.read_text() + "\n" + extra + "\n")
    return config


def test_a_talk_s_segments_come_in_parallel_within_the_per_host_limit(
    world: World, world_config: Path, tmp_path: Path, hooks: list
) -> None:
    talk = world.talks["iclr"]  # 13 s of yoda HLS: 4 audio segments, and image slides fetched meanwhile
    peaks: list[int] = []

    def media_starts(req: Request) -> Response | None:
        if req.path.endswith("/audio/index.m3u8") and talk.pid in req.path:
            world.state.reset_peak()  # from here on the media host serves only this talk's segments
            peaks.append(0)
        elif req.path.endswith(".ts") and talk.pid in req.path:
            time.sleep(0.2)  # each segment takes a while: one at a time could not overlap, however fast the world
        return None

    config = _config(world_config, tmp_path, "[network]\nper_host_connections = 3")
    hooks.append(media_starts)  # the fixture reset the counters: earlier tests archived this talk too
    result = run_cli("archive", talk.url, "-o", tmp_path / "a", "--config", config, "--no-paper")
    assert result.returncode == 0, result.stderr
    assert peaks, "the audio playlist was never asked for"
    assert world.state.peak_at[YODA_HOST] > 1  # segments in parallel
    assert world.state.peak <= 3  # every fixture host is one host (127.0.0.1) to the limiter: slides included
    segments = [p for p in world.state.requests if f"/Y{talk.pid}_fx/audio/" in p and p.endswith(".ts")]
    assert len(segments) >= 3 and all(world.state.requests[p] == 1 for p in segments)


def test_slides_and_media_are_fetched_at_once(world: World, world_config: Path, tmp_path: Path, hooks: list) -> None:
    """They come from different hosts: a talk whose slides are slow costs the slower of the two, not the
    sum. Each slide takes half a second to answer; the media must not wait for them."""
    talk = world.talks["iclr"]

    def slow_slides(req: Request) -> Response | None:
        if "/slides/" in req.path and req.path.endswith((".png", ".jpg")):
            time.sleep(0.5)
        return None

    hooks.append(slow_slides)
    result = run_cli("archive", talk.url, "-o", tmp_path / "a", "--config", world_config, "--no-paper")
    assert result.returncode == 0, result.stderr
    slides = [r.at for r in world.state.log if "/slides/" in r.path and r.path.endswith((".png", ".jpg"))]
    media = [r.at for r in world.state.log if r.host == YODA_HOST and talk.pid in r.path]
    assert slides and media
    assert min(media) < min(slides) + 0.4  # one after the other, the media would start 0.5 s later at least


def test_a_playlist_the_fast_path_refuses_goes_to_yt_dlp(world: World, world_config: Path, tmp_path: Path) -> None:
    folder = variants.make_variants(world.cache / "hlsvariants")
    page = "https://media.fixture.invalid/encrypted.html"
    html = (
        '<html><head><meta name="citation_title" content="An Encrypted Stream"></head><body>'
        f'<video src="{variants.url("encrypted")}" controls></video></body></html>'
    )

    def encrypted_page(req: Request) -> Response | None:
        if req.key == "/media.fixture.invalid/encrypted.html":
            return Response(body=html.encode(), content_type="text/html")
        return None

    prefix, replacement = variants.rewrite(world.base)
    config = _config(world_config, tmp_path, f'[[rewrite]]\nprefix = "{prefix}"\nreplacement = "{replacement}"')
    world.state.hooks += [encrypted_page, variants.route(folder)]
    try:
        result = run_cli("archive", page, "-o", tmp_path / "a", "--config", config, "-v")
    finally:
        del world.state.hooks[-2:]
    assert result.returncode == 0, result.stderr
    assert "encrypted" in result.stderr and "yt-dlp fetches it instead" in result.stderr
    (entry,) = json.loads((tmp_path / "a" / "index.json").read_text())["talks"]
    assert entry["status"] == "done" and abs(entry["duration_s"] - 20) < 0.5


def test_a_paper_host_that_does_not_resolve_costs_the_run_nothing(
    world: World, world_config: Path, tmp_path: Path
) -> None:
    talk = world.talks["unquoted"]  # a direct .m4a
    dead = "http://papers.nowhere.invalid/paper.pdf"  # not rewritten: its name does not resolve

    def with_dead_paper(req: Request) -> Response | None:
        if req.host == talk.page_host and req.path == talk.page_path:
            html = f'<html><head><title>EMNLP2020: Livestream</title><meta name="citation_pdf_url" content="{dead}">'
            html += f"</head><body><script>presentationId: {talk.pid}</script></body></html>"
            return Response(body=html.encode(), content_type="text/html")
        return None

    world.state.hooks.append(with_dead_paper)
    try:
        seconds = {}
        for name, extra in (("paper", ()), ("no-paper", ("--no-paper",))):
            started = time.monotonic()
            result = run_cli("archive", talk.url, "-o", tmp_path / name, "--config", world_config, *extra)
            seconds[name] = time.monotonic() - started
            assert result.returncode == 0, result.stderr
            if name == "paper":
                warnings = [line for line in result.stderr.splitlines() if "paper.pdf" in line]
                assert len(warnings) == 1 and "name not resolved" in warnings[0], result.stderr
    finally:
        world.state.hooks.remove(with_dead_paper)
    assert seconds["paper"] - seconds["no-paper"] < 1.0, seconds
