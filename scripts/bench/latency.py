"""Media at the speed of the link: latency-bound HLS, measured against the old path in the same run.

1. ``conference``: ``--talks`` talks of yoda-style HLS (audio only, 4 s segments, as SlidesLive serves
   them) through one shared link of ``--mbit`` Mbit/s with ``--latency-ms`` added to every request.
   Reported: wall time of the real ``confarchive archive`` divided by bytes / rate (target <= 1.25x),
   for the fast path and for the old one (``[network] fast_hls = false``: yt-dlp, one fragment at a
   time), runs interleaved.
2. ``one talk``: one 5-minute talk (20 slides 1920x1080, 76 segments) end to end with the CLI, without
   and with ``--latency-ms`` (target: within 1.2x), and the old recipe without added latency (a page
   GET and a regex, the SlidesLive requests, the slides one at a time, the ``yt-dlp`` command line, the
   whole-second concat list at 25 fps): target >= 20x.
3. ``resume``: one hour-long talk (900 segments), the CLI killed with SIGKILL when half of its segments
   were asked for (8 in flight), then run again: every byte the world sent for its media, divided by
   the media's size (target <= 1.1x).

Usage: .venv/bin/python scripts/bench/latency.py [--talks 100] [--mbit 50] [--latency-ms 50] [--runs 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

if not __package__:  # run as a file: make the repository's scripts and tests importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from confarchive.core.model import MediaFile
from confarchive.media.probe import probe
from scripts.bench import merge
from scripts.bench.common import (
    CACHE,
    Conference,
    Row,
    add_latency,
    conference,
    generated_talk,
    limit_bandwidth,
    run_cli,
    start_world,
    table,
)  # fmt: skip
from tests.world import Request, Response, World
from tests.world.catalog import FixtureTalk


def _archive(conf: Conference, root: Path, config: Path, extra: tuple[str, ...] = ()) -> float:
    started = time.perf_counter()
    result = run_cli(["archive", "-i", str(conf.urls), "-o", str(root), "-q", "--no-paper", *extra], config)
    if result.returncode != 0:
        raise SystemExit(f"confarchive archive exited {result.returncode}:\n{result.stderr_tail}")
    return time.perf_counter() - started


def bench_conference(
    talks: int = 100,
    mbit: float = 50,
    latency_ms: float = 50,
    runs: int = 3,
    jobs: int | None = None,
    fast_only: bool = False,
) -> list[Row]:
    conf = Conference(conference(talks, 5, 300, first_pid=99800000))
    old = conf.dir / "old.toml"
    old.write_text(conf.config.read_text() + "\n[network]\nfast_hls = false\n")
    rate = mbit * 1e6 / 8
    add_latency(conf.world, latency_ms / 1000)
    bucket = limit_bandwidth(conf.world, rate)
    elapsed: dict[str, list[float]] = {"fast": [], "old": []}
    ideal: dict[str, list[float]] = {"fast": [], "old": []}
    try:
        for n in range(runs):
            for name, config in (("fast", conf.config), ("old", old))[: 1 if fast_only else 2]:
                sent = bucket.sent
                extra = ("-j", str(jobs)) if jobs else ()
                elapsed[name].append(_archive(conf, conf.dir / f"{name}-{n}", config, extra))
                ideal[name].append((bucket.sent - sent) / rate)
                shutil.rmtree(conf.dir / f"{name}-{n}")
                print(f"latency {name} run {n}: {elapsed[name][-1]:.1f} s for {ideal[name][-1]:.1f} s of bytes",
                      flush=True)  # fmt: skip
    finally:
        conf.close()
    label = f"latency: {talks} talks of HLS via {mbit:g} Mbit/s, +{latency_ms:g} ms a request"
    rows = []
    for name, what in (("fast", "parallel segments"), ("old", "old path: yt-dlp one fragment at a time")):
        if not elapsed[name]:
            continue
        ratios = [e / i for e, i in zip(elapsed[name], ideal[name], strict=True)]
        took, bytes_s = statistics.median(elapsed[name]), statistics.median(ideal[name])
        rows.append((f"{label}: {what}", f"{took:.1f} s", f"{bytes_s:.1f} s (bytes/rate)",
                     f"{statistics.median(ratios):.2f}x ideal"))  # fmt: skip
    return rows


# -- one talk --------------------------------------------------------------------------------------------
def _old_recipe(world: World, talk: FixtureTalk, work: Path) -> None:
    """What people did by hand: fetch the page, grep the id, ask SlidesLive, fetch the slides one at a
    time, youtube-dl the audio with the page as Referer, ffmpeg concat with whole-second durations."""
    base = world.base
    session = requests.Session()
    page = session.get(f"{base}/{talk.page_host}{talk.page_path}", timeout=30).text
    pid = re.search(r"embed/presentation/(\d+)|presentationId\W+(\d+)", page) or re.search(r"(\d{8})", page)
    assert pid is not None
    pid_text = next(g for g in pid.groups() if g) if pid.groups() else pid.group(0)
    embed = session.get(f"{base}/slideslive.com/embed/presentation/{pid_text}", timeout=30).text
    token = re.search(r'data-player-token="([^"]+)"', embed)
    assert token is not None
    info = session.get(f"{base}/slideslive.com/player/{pid_text}", params={"player_token": token.group(1)}).text
    tags = dict(line[len("#EXT-SL-") :].split(":", 1) for line in info.splitlines() if line.startswith("#EXT-SL-"))
    slides = session.get(tags["VOD-SLIDES-JSON-URL"].replace("https://", f"{base}/"), timeout=30).json()["slides"]
    (work / "slides").mkdir(parents=True)
    for n, slide in enumerate(slides, 1):
        name = slide["image"]["name"]
        data = session.get(f"{base}/slides.slideslive.com/{pid_text}/slides/original/{name}.png", timeout=30).content
        (work / "slides" / f"{n:04d}.png").write_bytes(data)
    server = json.loads(tags["VOD-VIDEO-SERVERS"])[0]
    playlist = f"{base}/{server}/{tags['VOD-VIDEO-ID']}/audio/index.m3u8"
    subprocess.run(
        [sys.executable, "-m", "yt_dlp", "-q", "--no-progress", "--referer", talk.url,
         "-o", str(work / "audio.%(ext)s"), playlist], check=True, capture_output=True,
    )  # fmt: skip
    audio = next(p for p in work.glob("audio.*") if p.suffix != ".part")
    duration = probe("ffprobe", audio).duration_ms
    starts = [(n, int(s["time"])) for n, s in enumerate(slides, 1)]
    merge.old_recipe(merge.MergeInput(work, {}, starts, MediaFile(str(audio), duration, "aac", 0)), work / "out")


def _one_talk_cli(world: World, config: Path, talk: FixtureTalk, root: Path) -> float:
    started = time.perf_counter()
    result = run_cli(["archive", talk.url, "-o", str(root), "-q", "--no-paper"], config)
    if result.returncode != 0:
        raise SystemExit(f"confarchive archive exited {result.returncode}:\n{result.stderr_tail}")
    return time.perf_counter() - started


def bench_one_talk(latency_ms: float = 50, runs: int = 3, old_runs: int = 1) -> list[Row]:
    talk = dataclasses.replace(
        generated_talk("99810001", slides=20, seconds=300, name="one"), sizes=((1920, 1080),) * 20
    )
    world = start_world((talk,))
    work = Path(tempfile.mkdtemp(prefix="bench-one-talk-"))
    config = work / "config.toml"
    config.write_text(world.config_toml())
    plain, slow, old = [], [], []
    try:
        for n in range(runs):
            plain.append(_one_talk_cli(world, config, talk, work / f"plain-{n}"))
            world.state.hooks.clear()
            add_latency(world, latency_ms / 1000)
            slow.append(_one_talk_cli(world, config, talk, work / f"slow-{n}"))
            world.state.hooks.clear()
        for n in range(old_runs):
            folder = work / f"old-{n}"
            folder.mkdir()
            started = time.perf_counter()
            _old_recipe(world, talk, folder)
            old.append(time.perf_counter() - started)
    finally:
        world.stop()
        shutil.rmtree(work, ignore_errors=True)
    a, b, c = statistics.median(plain), statistics.median(slow), statistics.median(old)
    note = "" if old_runs >= 3 else " (old recipe: ONE run only)" if old_runs == 1 else f" (old: {old_runs} runs)"
    return [
        (f"one 5 min talk end to end vs old recipe{note}", f"{a:.2f} s", f"{c:.1f} s", f"{c / a:.1f}x faster"),
        (f"one 5 min talk, +{latency_ms:g} ms a request vs none", f"{b:.2f} s", f"{a:.2f} s", f"{b / a:.2f}x"),
    ]


# -- resume after kill -9 ----------------------------------------------------------------------------------
def bench_resume(minutes: int = 60) -> list[Row]:
    talk = dataclasses.replace(generated_talk("99820001", slides=5, seconds=minutes * 60, name="long"),
                               audio_bitrate="128k")  # fmt: skip
    world = start_world((talk,))
    work = Path(tempfile.mkdtemp(prefix="bench-hls-resume-"))
    config = work / "config.toml"
    config.write_text(world.config_toml() + "\n[network]\nsegment_jobs = 8\n")  # as the issue measured it
    segments = sorted((world.media_path(talk).parent / "audio").glob("*.ts"))
    media_bytes = sum(p.stat().st_size for p in segments)
    half = threading.Event()
    asked = [0]

    def count(req: Request) -> Response | None:
        if req.path.endswith(".ts"):
            asked[0] += 1
            if asked[0] >= len(segments) // 2:
                half.set()
        return None

    world.state.hooks.append(count)
    try:
        cmd = [sys.executable, "-m", "confarchive", "archive", talk.url, "-o", str(work / "a"), "-q",
               "--no-paper", "--config", str(config)]  # fmt: skip
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not half.wait(300):
            raise SystemExit("the media never reached half of its segments")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        first = sum(v for k, v in world.state.bytes.items() if k.endswith(".ts"))
        result = run_cli(["archive", talk.url, "-o", str(work / "a"), "-q", "--no-paper"], config)
        if result.returncode != 0:
            raise SystemExit(f"the resumed run failed:\n{result.stderr_tail}")
        total = sum(v for k, v in world.state.bytes.items() if k.endswith(".ts"))
    finally:
        world.stop()
        shutil.rmtree(work, ignore_errors=True)
    label = f"resume after kill -9 at 50% of {len(segments)} HLS segments ({media_bytes / 1e6:.0f} MB), 8 in flight"
    return [(label, f"{total / media_bytes:.3f} x size", f"{first / media_bytes:.2f} x size before the kill", "-")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--talks", type=int, default=100)
    parser.add_argument("--mbit", type=float, default=50)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="conference,one,resume")
    parser.add_argument("--jobs", type=int, help="-j of the archive runs (default: confarchive's)")
    parser.add_argument("--fast-only", action="store_true", help="skip the old path in the conference run")
    args = parser.parse_args()
    only = set(args.only.split(","))
    rows: list[Row] = []
    if "one" in only:
        rows += bench_one_talk(args.latency_ms, args.runs)
    if "resume" in only:
        rows += bench_resume()
    if "conference" in only:
        rows += bench_conference(args.talks, args.mbit, args.latency_ms, args.runs, args.jobs, args.fast_only)
    print(table(rows))


if __name__ == "__main__":
    CACHE.mkdir(parents=True, exist_ok=True)
    main()
