"""Resolving talk pages: static pages per second, and JS-only pages against the old recipe.

Static pages: a first pass over them with a new resolver (what a process pays once is in it: reading
the kept index of yt-dlp's extractors, or building it when there is none), then the median of
``--runs`` further passes, each beside a pass of the floor: the same requests the resolver made for
each page (counted by the fixture server), sent by a bare ``requests.Session``, with one BeautifulSoup
parse of the talk page and the JSON answers decoded. No resolver built on requests and BeautifulSoup
does less, and the ratio compares the code where pages/s also measures the machine
(docs/performance.md says by how much).

The old recipe (the script that inspired this tool) started a new Chromium for every page and slept
a fixed 10 s before reading the iframe. The baseline here does the same with a shorter sleep (5 s by
default, ``--sleep``; the ratio grows with it) and only reads the presentation id, while confarchive
does the whole resolution (page, browser render with explicit waits, SlidesLive embed, player info,
slide list) with one browser reused across pages.

Usage: .venv/bin/python scripts/bench/resolve.py [--pages 30] [--sleep 5] [--runs 3]
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import time
from pathlib import Path

import requests
from bs4 import BeautifulSoup

from confarchive.browser import BrowserPool
from confarchive.browser.chromium import Browser
from confarchive.core.net import Http
from confarchive.core.settings import Rewrite, Settings

if not __package__:  # run as a file: make the repository's scripts and tests importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.bench.common import CACHE, median_pair, resolve_one, resolver, table
from tests.world import World, token_for
from tests.world.catalog import FixtureTalk

_ID = re.compile(r"slideslive\.com/embed/presentation/(\d+)")


def pages(n: int, kind: str) -> tuple[FixtureTalk, ...]:
    variant = "js-only" if kind == "js" else "iclr2020"
    return tuple(
        FixtureTalk(
            name=f"{kind}-{i}",
            pid=f"993{i:05d}" if kind == "js" else f"994{i:05d}",
            forum=f"{kind}Bench{i}",
            page=variant,
            title=f"Benchmark page {i}",
            authors=("A. Author",),
            slide_times_ms=(0, 1500, 3000),
            duration_ms=5000,
            conference="ICLR 2020",
        )
        for i in range(n)
    )


def _old_recipe(url: str, http: Http, sleep_s: float, log: logging.Logger) -> str | None:
    """A new browser per page and a fixed sleep, then grep the page for the iframe (what people did by
    hand). It uses confarchive's Browser only so that the page can load from the fixture world (the
    old scripts had no URL rewrites); the costs it pays are the old ones: a start-up per page, a sleep."""
    browser = Browser("/usr/bin/chromium", "/usr/bin/chromedriver", http.rewriter, None, log)
    try:
        page = browser.render(url)
        time.sleep(sleep_s)
        match = _ID.search("\n".join([page.html, *page.iframe_srcs]))
        return match.group(1) if match else None
    finally:
        browser.close()


def _floor_urls(world: World, talk: FixtureTalk) -> list[str]:
    """The requests the resolver just made for ``talk`` (the server's log since its reset), as URLs a bare
    client can send: the page first, the player's token where the player wants one."""
    return [f"{world.base}{key}?player_token={token_for(talk.pid)}" for key in world.state.requests]


def _floor_pass(session: requests.Session, plan: list[list[str]]) -> None:
    for urls in plan:
        page, *rest = (session.get(url) for url in urls)
        assert page.ok and BeautifulSoup(page.text, "html.parser").find("body") is not None
        for response in rest:
            assert response.ok
            if "json" in response.headers.get("Content-Type", ""):
                response.json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--sleep", type=float, default=5.0, help="the old recipe's fixed sleep (it used 10 s)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(table(run(args.pages, args.sleep, args.runs)))


def run(n: int, sleep_s: float, runs: int = 3) -> list[tuple[str, str, str, str]]:
    js, static = pages(n, "js"), pages(n, "static")
    world = World(CACHE, js + static).start(media=False)
    settings = Settings(rewrites=tuple(Rewrite(p, r) for p, r in world.rewrites()))
    http = Http(settings.network, settings.rewrites)
    log = logging.getLogger("bench")
    try:
        started = time.perf_counter()
        static_resolver = resolver(http, settings)

        def static_pass() -> None:
            for talk in static:
                assert str(resolve_one(static_resolver, talk.url).key) == f"slideslive:{talk.pid}"

        plan = []  # the first pass pays what a process pays once (the extractor index, ...)
        for talk in static:
            world.state.reset()
            assert str(resolve_one(static_resolver, talk.url).key) == f"slideslive:{talk.pid}"
            plan.append(_floor_urls(world, talk))
        first_rate = n / (time.perf_counter() - started)
        session = requests.Session()
        try:
            ours_s, floor_s = median_pair(static_pass, lambda: _floor_pass(session, plan), runs)
        finally:
            session.close()
        static_rate, floor_rate = n / ours_s, n / floor_s

        def ours() -> None:
            pool = BrowserPool(settings, http.rewriter, None, log)
            try:
                js_resolver = resolver(http, settings, pool.render)
                for talk in js:
                    assert str(resolve_one(js_resolver, talk.url).key) == f"slideslive:{talk.pid}"
            finally:
                pool.close()

        def theirs() -> None:
            for talk in js:
                assert _old_recipe(talk.url, http, sleep_s, log) == talk.pid

        a, b = median_pair(ours, theirs, runs)
    finally:
        http.close()
        world.stop()
    label = f"resolve: {n} JS-only pages (old: new browser + {sleep_s:g} s sleep)"
    per_page = sum(len(urls) for urls in plan) / n
    floor = f"{floor_rate:.1f} pages/s (floor: {per_page:g} bare GETs, 1 parse)"
    return [
        (
            f"resolve: {n} static pages (median of {runs} passes)",
            f"{static_rate:.1f} pages/s",
            floor,
            f"{static_rate / floor_rate:.2f}x floor rate; target >= 150 pages/s",
        ),
        (f"resolve: {n} static pages, first pass of a new resolver", f"{first_rate:.1f} pages/s", "-", "-"),
        (label, f"{n / a:.2f} pages/s", f"{n / b:.2f} pages/s", f"{b / a:.1f}x faster"),
    ]


if __name__ == "__main__":
    main()
