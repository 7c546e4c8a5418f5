"""Pages that need JavaScript (real headless Chromium), whole-conference discovery, other embeds,
cookies, and trying a few talks before archiving all of them."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
from pathlib import Path

import psutil
import pytest

from tests.conftest import run_cli, start_cli
from tests.world import Request, Response, World
from tests.world.catalog import MEDIA_HOST, NEURIPS_HOST

pytestmark = pytest.mark.e2e


def _config_with(world_config: Path, tmp_path: Path, extra: str) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(world_config.read_text() + "\n" + extra + "\n")
    return config


def test_js_only_page_resolves_in_the_browser(world: World, world_config: Path) -> None:
    talk = world.talks["js-only"]
    world.state.reset()
    result = run_cli("resolve", talk.url, "--json", "--config", world_config)
    assert result.returncode == 0, result.stderr
    (entry,) = json.loads(result.stdout)["talks"]
    assert (entry["key"], entry["title"], entry["authors"]) == (
        f"slideslive:{talk.pid}",
        talk.title,
        list(talk.authors),
    )
    # the id came from a request only the page's script makes, through the rewrites inside Chromium
    assert world.state.requests[f"/{talk.page_host}/virtual_2020/talk_{talk.forum}.json"] == 1
    assert world.state.requests["/slideslive.com/embed_presentation.js"] == 1


def test_without_a_browser_the_js_only_page_fails_with_a_clear_message(
    world: World, world_config: Path, tmp_path: Path
) -> None:
    talk = world.talks["js-only"]
    config = _config_with(world_config, tmp_path, '[tools]\nchromium = "/nonexistent/chromium"')
    result = run_cli("resolve", talk.url, "--config", config)
    assert result.returncode == 1
    assert f"no video found on {talk.url} (static page; chromium not found" in result.stderr
    assert "sudo apt-get install -y chromium chromium-driver" in result.stderr
    # static resolution still works without it
    assert run_cli("resolve", world.talks["iclr"].url, "--config", config).returncode == 0
    off = run_cli("resolve", talk.url, "--config", world_config, "--no-browser")
    assert "the browser is turned off" in off.stderr


def test_discover_both_listing_kinds_exactly_and_stably(world: World, world_config: Path) -> None:
    iclr = "https://iclr.fixture.invalid/virtual_2020/papers.html"
    expected_iclr = [t.url for t in world.listed("iclr.fixture.invalid")]
    neurips = f"https://{NEURIPS_HOST}/virtual/2021/papers.html?filter=titles"
    expected_neurips = [t.url for t in world.listed(NEURIPS_HOST)]
    for _ in range(2):  # the MiniConf cards are shuffled on every load: the output must not be
        out = run_cli("discover", iclr, "--config", world_config)
        assert out.returncode == 0, out.stderr
        assert out.stdout.splitlines() == expected_iclr
    out = run_cli("discover", neurips, "--config", world_config)
    assert out.stdout.splitlines() == expected_neurips  # both pages, no login links, no duplicate
    assert "login" not in out.stdout
    limited = run_cli("discover", iclr, "--config", world_config, "--match", "scripts run|smoothness", "--limit", "1")
    assert limited.stdout.splitlines() == [world.talks["iclr"].url]


BROWSER_LISTINGS = [
    # listing, its data file, whose talks: cards in a Bootstrap tab pane, drawn from a long card template
    ("https://iclr.fixture.invalid/virtual_2020/papers.html", "/virtual_2020/papers.json", "iclr.fixture.invalid"),
    ("https://acl.fixture.invalid/papers.html", "/papers.json", "acl.fixture.invalid"),
    # cards drawn from a Handlebars template kept in the page, by the Handlebars library from a CDN (SRI, CORS)
    ("https://miniconf.fixture.invalid/demos.html", "/serve_demos.json", "https://miniconf.fixture.invalid/demos.html"),
]


@pytest.mark.parametrize(("listing", "data", "whose"), BROWSER_LISTINGS, ids=["iclr", "acl", "demos"])
def test_discover_reads_the_drawn_cards_when_the_data_cannot_be_fetched(
    world: World, world_config: Path, listing: str, data: str, whose: str
) -> None:
    host = listing.split("/")[2]

    def no_json(req: Request) -> Response | None:  # only the page's own script gets it (a bot check, say)
        if req.host == host and req.path == data and "HeadlessChrome" not in req.headers.get("user-agent", ""):
            return Response(403, b"")
        return None

    world.state.hooks.append(no_json)
    try:
        out = run_cli("discover", listing, "--config", world_config)
    finally:
        world.state.hooks.remove(no_json)
    assert out.returncode == 0, out.stderr
    expected = sorted(t.url for t in world.listed(whose))
    assert len(expected) >= 2 and out.stdout.splitlines() == expected


def test_archive_a_listing_page_archives_every_talk_on_it(world: World, world_config: Path, tmp_path: Path) -> None:
    listing = f"https://{NEURIPS_HOST}/virtual/2021/papers.html?filter=titles"
    result = run_cli("archive", listing, "-o", tmp_path / "a", "--config", world_config, "-j", "3")
    assert result.returncode == 0, result.stderr
    index = json.loads((tmp_path / "a" / "index.json").read_text())
    assert sorted(t["source_url"] for t in index["talks"]) == sorted(t.url for t in world.listed(NEURIPS_HOST))
    assert all(t["status"] == "done" and t["conference"] == "NeurIPS 2021" for t in index["talks"])


def test_cookie_protected_talk_through_requests_browser_and_yt_dlp(
    world: World, world_config: Path, tmp_path: Path
) -> None:
    talk = world.talks["private"]
    without = run_cli("archive", talk.url, "-o", tmp_path / "no", "--config", world_config)
    assert without.returncode == 1
    assert "no video found" in without.stderr
    cookies = tmp_path / "cookies.txt"
    cookies.write_text(world.cookies_txt())
    world.state.reset()
    result = run_cli("archive", talk.url, "-o", tmp_path / "yes", "--config", world_config, "--cookies", cookies)
    assert result.returncode == 0, result.stderr
    session = "sessionid=fixture-session-7f3a"
    page = [r for r in world.state.log if r.path == talk.page_path]
    assert any(session in r.headers.get("cookie", "") and "HeadlessChrome" not in r.headers["user-agent"] for r in page)
    browser = [r for r in world.state.log if r.path == f"/talk_{talk.forum}.json"]
    assert browser and session in browser[0].headers["cookie"]  # fetched by the page's script in Chromium
    media = [r for r in world.state.log if r.host == MEDIA_HOST and r.path == f"/private/{talk.pid}.m4a"]
    assert media and session in media[0].headers["cookie"]  # yt-dlp, with the cookie of the logical URL


def test_killing_chromium_while_it_loads_a_page_restarts_it(world: World, world_config: Path, tmp_path: Path) -> None:
    talk = world.talks["js-only"]
    proc: list[subprocess.Popen] = []
    killed = threading.Event()

    def kill_chromium(req: Request) -> Response | None:
        if req.path == talk.page_path and "HeadlessChrome" in req.headers.get("user-agent", "") and not killed.is_set():
            killed.set()
            for child in psutil.Process(proc[0].pid).children(recursive=True):
                if "chrom" in child.name() and "driver" not in child.name():
                    child.send_signal(signal.SIGKILL)
        return None

    world.state.hooks.append(kill_chromium)
    try:
        proc.append(start_cli("archive", talk.url, "-o", tmp_path / "a", "--config", world_config))
        _, stderr = proc[0].communicate(timeout=180)
    finally:
        world.state.hooks.remove(kill_chromium)
    assert killed.is_set(), "the browser never asked for the page"
    assert proc[0].returncode == 0, stderr
    index = json.loads((tmp_path / "a" / "index.json").read_text())
    assert index["talks"][0]["status"] == "done"


def test_dry_run_resolves_only_and_writes_nothing(world: World, world_config: Path, tmp_path: Path) -> None:
    listing = f"https://{NEURIPS_HOST}/virtual/2021/papers.html?filter=titles"
    world.state.reset()
    result = run_cli("archive", listing, "-o", tmp_path / "a", "--config", world_config, "--dry-run", "--limit", "2")
    assert result.returncode == 0, result.stderr
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert [url for url, _ in lines] == [t.url for t in world.listed(NEURIPS_HOST)][:2]
    assert [title for _, title in lines] == [t.title for t in world.listed(NEURIPS_HOST)][:2]
    assert not (tmp_path / "a").exists()
    fetched = [p for p in world.state.requests if p.endswith((".png", ".jpg", ".m4a", ".ts", ".mp4")) or "/pdf" in p]
    assert fetched == []
    third = world.listed(NEURIPS_HOST)[2]
    assert world.state.requests[f"/{NEURIPS_HOST}{third.page_path}"] == 0  # --limit stopped the requests too


def test_match_and_limit_archive_only_the_chosen_talks(world: World, world_config: Path, tmp_path: Path) -> None:
    listing = f"https://{NEURIPS_HOST}/virtual/2021/papers.html?filter=titles"
    result = run_cli(
        "archive", listing, "-o", tmp_path / "a", "--config", world_config, "--match", "Number [23]", "--limit", "1"
    )
    assert result.returncode == 0, result.stderr
    index = json.loads((tmp_path / "a" / "index.json").read_text())
    assert [t["title"] for t in index["talks"]] == ["A NeurIPS 2021 Poster Number 2"]


@pytest.mark.parametrize(
    ("name", "key", "url"),
    [
        ("youtube", "youtube:FixtureYT19", "https://www.youtube.com/embed/FixtureYT19?rel=0"),
        ("vimeo", "vimeo:900000020", "https://player.vimeo.com/video/900000020?h=0a1b2c"),  # kept whole
    ],
)
def test_youtube_and_vimeo_are_detected(world: World, world_config: Path, name: str, key: str, url: str) -> None:
    talk = world.talks[name]
    result = run_cli("resolve", talk.url, "--json", "--config", world_config, "--no-browser")
    assert result.returncode == 0, result.stderr
    (entry,) = json.loads(result.stdout)["talks"]
    assert (entry["key"], entry["media"]["url"], entry["title"]) == (key, url, talk.title)
