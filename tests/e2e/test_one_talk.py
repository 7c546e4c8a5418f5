"""One presentation, one talk: whatever URLs lead to it, it is fetched once, by one worker, and every
URL is recorded; a page with several talks archives each of them."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from tests.conftest import run_cli
from tests.world import World


def duplicate_urls(world: World) -> tuple[list[str], dict[str, list[str]]]:
    """Six URLs of two presentations, interleaved: poster page, the same with a query, the SlidesLive
    URL; the embed URL, a URL with a slug, the poster page."""
    a, b = world.talks["iclr"], world.talks["rs"]
    by_key = {
        f"slideslive:{a.pid}": [a.url, f"{a.url}?utm=1", f"https://slideslive.com/{a.pid}"],
        f"slideslive:{b.pid}": [
            f"https://slideslive.com/embed/presentation/{b.pid}", f"https://slideslive.com/{b.pid}/some-slug", b.url,
        ],
    }  # fmt: skip
    first, second = by_key.values()
    return [u for pair in zip(first, second, strict=True) for u in pair], by_key


def assert_each_fetched_once(world: World, requests: Counter[str]) -> None:
    media = [p for p in requests if p.endswith((".ts", ".m4a"))]
    slides = [p for p in requests if "/slides/" in p and p.endswith((".png", ".jpg"))]
    assert media and slides
    assert {p: requests[p] for p in media + slides if requests[p] != 1} == {}


def check_archive(root: Path, by_key: dict[str, list[str]]) -> None:
    talks = json.loads((root / "index.json").read_text())["talks"]
    assert sorted(t["key"] for t in talks) == sorted(by_key)
    for talk in talks:
        assert talk["status"] == "done", talk
        assert talk["source_url"] == by_key[talk["key"]][0]  # the first line that led to it
        assert sorted(talk["source_urls"]) == sorted(by_key[talk["key"]])
        on_disk = json.loads((root / Path(talk["video"]).parent / "talk.json").read_text())
        assert sorted(on_disk["source_urls"]) == sorted(by_key[talk["key"]])
    assert len(list(root.glob("*/*.mp4"))) == 2


def test_six_urls_of_two_presentations_are_two_talks(world: World, world_config: Path, tmp_path: Path) -> None:
    urls, by_key = duplicate_urls(world)
    world.state.reset()
    result = run_cli("archive", *urls, "-o", tmp_path / "a", "--config", world_config, "-j", "4")
    assert result.returncode == 0, result.stderr
    assert_each_fetched_once(world, Counter(world.state.requests))
    check_archive(tmp_path / "a", by_key)
    world.state.reset()
    again = run_cli("archive", *urls, "-o", tmp_path / "a", "--config", world_config, "-j", "4")
    assert again.returncode == 0, again.stderr
    assert sum(world.state.requests.values()) == 0  # every URL is known to lead to a finished talk


def test_a_page_with_three_talks_archives_three(world: World, world_config: Path, tmp_path: Path) -> None:
    tutorial = world.talks["tutorial"]
    result = run_cli("archive", tutorial.url, "-o", tmp_path / "t", "--config", world_config)
    assert result.returncode == 0, result.stderr
    talks = json.loads((tmp_path / "t" / "index.json").read_text())["talks"]
    parts = [tutorial, *(world.talks[name] for name, _ in tutorial.parts)]
    assert sorted(t["key"] for t in talks) == sorted(f"slideslive:{p.pid}" for p in parts)
    assert {t["source_url"] for t in talks} == {tutorial.url}
    titles = sorted(t["title"] for t in talks)
    assert titles == sorted([tutorial.title, *(f"{tutorial.title} ({label})" for _, label in tutorial.parts)])
    assert len(list((tmp_path / "t").glob("*/*.mp4"))) == 3
