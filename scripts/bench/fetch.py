"""Slide fetch and media resume, measured against the old way on the same fixture world.

1. 200 slides of one talk with 30 ms of latency added per request by the fixture server:
   confarchive's parallel, pooled fetch vs a sequential ``requests.get`` loop (the old slide scripts).
2. Resume overhead: a 200 MB media file, the process killed (kill -9) when the server has sent half,
   then the same command again; bytes sent by the server in total divided by the file size.
3. CPU of one GET in the calling thread (the fixture server's threads excluded): the same slides, one
   after another, by confarchive's resumable ``download`` (the session's pools, core/pooled.py) vs a
   plain ``requests.Session().get`` written to a file, median of 3 rounds each.

Usage: .venv/bin/python scripts/bench/fetch.py [--slides 200] [--latency-ms 30] [--media-mb 200]
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests

from confarchive.core.layout import Layout
from confarchive.core.net import Http
from confarchive.core.settings import Rewrite, Settings
from confarchive.fetch.resumable import download
from confarchive.run.executors import QueuedEvents
from confarchive.run.stages import WorkContext, fetch_slides

if not __package__:  # run as a file: make the repository's scripts and tests importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.bench.common import add_latency, generated_talk, median_pair, resolve_one, resolver, start_world, table
from tests.world import Request, Response, World
from tests.world.catalog import FixtureTalk


def bench_slides(world: World, talk_name: str, latency: float) -> tuple[str, str, str, str]:
    settings = Settings(rewrites=tuple(Rewrite(p, r) for p, r in world.rewrites()))
    http = Http(settings.network, settings.rewrites)
    talk = resolve_one(resolver(http, settings), world.talks[talk_name].url)
    add_latency(world, latency, host="slides.slideslive.com")
    work = Path(tempfile.mkdtemp(prefix="bench-slides-"))
    ctx = WorkContext(settings, Layout(work), http, logging.getLogger("bench"), threading.Event(), QueuedEvents())
    urls = [http.rewriter(s.image_urls[0]) for s in talk.slides]

    def ours() -> None:
        shutil.rmtree(work / "ours", ignore_errors=True)
        assert len(fetch_slides(talk, work / "ours", ctx)) == len(urls)

    def naive() -> None:
        shutil.rmtree(work / "naive", ignore_errors=True)
        (work / "naive").mkdir()
        for i, url in enumerate(urls, 1):
            (work / "naive" / f"{i:04d}.png").write_bytes(requests.get(url, timeout=30).content)

    a, b = median_pair(ours, naive)
    world.state.hooks.clear()
    http.close()
    shutil.rmtree(work)
    return (
        f"slide fetch: {len(urls)} slides, +{latency * 1000:.0f} ms",
        f"{a:.2f} s",
        f"{b:.2f} s",
        f"{b / a:.1f}x faster",
    )


def bench_get_cpu(world: World, talk_name: str, rounds: int = 3) -> tuple[str, str, str, str]:
    settings = Settings(rewrites=tuple(Rewrite(p, r) for p, r in world.rewrites()))
    http = Http(settings.network, settings.rewrites)
    talk = resolve_one(resolver(http, settings), world.talks[talk_name].url)
    urls = [s.image_urls[0] for s in talk.slides]
    work = Path(tempfile.mkdtemp(prefix="bench-gets-"))
    plain = requests.Session()

    def ours(folder: Path) -> None:
        for i, url in enumerate(urls):
            download(http, url, folder / f"{i:04d}.png", what="a slide", durable=False)

    def naive(folder: Path) -> None:
        for i, url in enumerate(urls):
            (folder / f"{i:04d}.png").write_bytes(plain.get(http.rewriter(url), timeout=30).content)

    def cpu_per_get(fetch: Callable[[Path], None]) -> float:
        spent = []
        for n in range(rounds + 1):  # the first round warms the connections up and is not counted
            folder = work / f"{fetch.__name__}-{n}"
            folder.mkdir()
            before = time.thread_time()
            fetch(folder)
            spent.append((time.thread_time() - before) / len(urls))
            shutil.rmtree(folder)
        return statistics.median(spent[1:])

    a, b = cpu_per_get(ours), cpu_per_get(naive)
    http.close()
    plain.close()
    shutil.rmtree(work)
    label = f"CPU of a GET in the calling thread: {len(urls)} slides, download vs requests.Session.get"
    return label, f"{a * 1000:.2f} ms", f"{b * 1000:.2f} ms", f"{a / b:.2f}x the CPU"


def bench_resume(world: World, talk_name: str, config: Path) -> tuple[str, str, str, str]:
    talk = world.talks[talk_name]
    media = world.media_path(talk)
    size = media.stat().st_size
    path = f"/talks/{talk.pid}.m4a"
    stalled, release = threading.Event(), threading.Event()
    fired: list[int] = []

    def half_then_hold(req: Request) -> Response | None:
        if req.host == "media.fixture.invalid" and req.path == path and not fired:
            fired.append(1)
            return Response(file=media, content_type="audio/mp4", stall_after=size // 2, on_stall=stalled.set,
                            release=release, abort_after_stall=True)  # fmt: skip
        return None

    world.state.reset()
    world.state.hooks.append(half_then_hold)
    root = Path(tempfile.mkdtemp(prefix="bench-resume-")) / "archive"
    cmd = [sys.executable, "-m", "confarchive", "archive", talk.url, "-o", str(root), "--config", str(config), "-q"]
    proc = subprocess.Popen(cmd, stderr=subprocess.DEVNULL)
    assert stalled.wait(300), "the media was never requested"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    release.set()
    world.state.hooks.clear()
    subprocess.run(cmd, check=True)
    sent = world.state.bytes[f"/media.fixture.invalid{path}"]
    shutil.rmtree(root.parent)
    label = f"resume after kill -9 at 50% of {size / 1e6:.0f} MB"
    return (label, f"{sent / size:.3f} x size", "2.0 x size (restart)", f"{2.0 / (sent / size):.2f}x fewer bytes")


def big_media_talk(mb: int) -> FixtureTalk:
    """A talk whose direct media file is about ``mb`` MB (AAC noise at 320 kbit/s, which the encoder
    fills to about 200 kbit/s; generated once and cached)."""
    seconds = max(10.0, mb * 8_000_000 / 205_000)
    talk = generated_talk(f"992{mb:05d}", slides=4, seconds=seconds, media="url", name="resume")
    return dataclasses.replace(talk, audio_bitrate="320k")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--slides", type=int, default=200)
    parser.add_argument("--latency-ms", type=float, default=30.0)
    parser.add_argument("--media-mb", type=int, default=200)
    args = parser.parse_args()
    slides_talk = generated_talk("99100001", slides=args.slides, seconds=args.slides * 1.5, name="slides")
    resume_talk = big_media_talk(args.media_mb)
    world = start_world((slides_talk, resume_talk))
    config = Path(tempfile.mkdtemp(prefix="bench-config-")) / "config.toml"
    config.write_text(world.config_toml())
    rows = [bench_slides(world, "slides", args.latency_ms / 1000), bench_get_cpu(world, "slides"),
            bench_resume(world, "resume", config)]  # fmt: skip
    world.stop()
    print(table(rows))


if __name__ == "__main__":
    main()
