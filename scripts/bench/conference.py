"""A whole conference at real scale, archived from its listing page by the real CLI.

ICLR 2020 had 687 talks, NeurIPS 2021 2,071: this archives a generated conference of ``--talks`` (default
700) short talks (30 s, 5 slides, HLS audio; short so that it fits a laptop's afternoon) from one URL,
the listing of the pre-conference ICLR 2020 build (``papers_old.html``: a card per talk, linking its
poster page, which embeds its SlidesLive player). Reported:

- wall time and talks per minute, against the floor (the same unavoidable ffmpeg work as endtoend.py:
  each talk's slides encoded once and its audio copied out of HLS, one worker per core);
- peak RSS of the confarchive process (VmHWM) and of its process tree (polled), the manifest's size;
- the re-run of the finished archive from the same listing: its requests and its wall time;
- memory against size: the same conference at ``--small`` talks (default 50), and the slope of the
  process's peak RSS in MB per 100 talks (flat means the coordinator keeps nothing per talk).

Usage: .venv/bin/python scripts/bench/conference.py [--talks 700] [--small 50]
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sys
import time
from pathlib import Path

if not __package__:  # run as a file: make the repository's scripts and tests importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.bench.common import CliRun, Conference, Row, generated_talk, table, total_requests
from scripts.bench.endtoend import floor_wall
from tests.world.catalog import OLD_HOST, FixtureTalk

LISTING = f"https://{OLD_HOST}/virtual_2020/papers_old.html"


def listed_conference(n: int, first_pid: int, slides: int = 5, seconds: float = 30) -> tuple[FixtureTalk, ...]:
    """``n`` talks on the pre-conference ICLR 2020 build: a poster page each, all on its listing."""
    return tuple(
        dataclasses.replace(
            generated_talk(str(first_pid + i), slides, seconds, name=f"listed-{i}"),
            page="old-build", forum=f"L{first_pid + i}", authors=("A. Author", "B. Author"), conference="ICLR 2020",
        )
        for i in range(n)
    )  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Scale:
    talks: int
    run: CliRun
    requests: int
    manifest_mb: float
    floor_s: float | None
    rerun: CliRun | None
    rerun_requests: int | None


def archive_listing(n: int, first_pid: int, floor: bool, rerun: bool) -> Scale:
    conf = Conference(listed_conference(n, first_pid=first_pid))
    try:
        urls = conf.dir / "listing.txt"
        urls.write_text(LISTING + "\n")
        root = conf.dir / "archive"
        conf.world.state.reset()
        run = conf.archive(root, urls=urls, expect=n)
        requests = total_requests(conf.world)
        internal = root / ".confarchive"
        manifest = sum(p.stat().st_size for p in internal.glob("manifest.sqlite*"))
        again = again_requests = None
        if rerun:
            conf.world.state.reset()
            again = conf.archive(root, urls=urls, expect=n)
            again_requests = total_requests(conf.world)
        shutil.rmtree(root)
        floor_s = floor_wall(conf) if floor else None
        return Scale(n, run, requests, manifest / 1e6, floor_s, again, again_requests)
    finally:
        conf.close()


def bench_conference(talks: int = 700, small: int = 50) -> list[Row]:
    started = time.perf_counter()
    little = archive_listing(small, 98500000, floor=False, rerun=False)
    big = archive_listing(talks, 98000000, floor=True, rerun=True)
    assert big.floor_s is not None and big.rerun is not None
    rate = 60 * talks / big.run.wall_s
    floor_rate = 60 * talks / big.floor_s
    slope = (big.run.peak_rss_mb - little.run.peak_rss_mb) / ((talks - small) / 100)
    tree_slope = (big.run.peak_tree_rss_mb - little.run.peak_tree_rss_mb) / ((talks - small) / 100)
    print(
        f"conference {talks} talks: {big.run.wall_s:.1f} s, {big.requests} requests, floor {big.floor_s:.1f} s; "
        f"{small} talks: {little.run.wall_s:.1f} s; re-run {big.rerun.wall_s:.2f} s, {big.rerun_requests} requests; "
        f"{time.perf_counter() - started:.0f} s in all",
        flush=True,
    )
    label = f"conference: {talks} talks (30 s, 5 slides, HLS) from its listing page"
    return [
        (label, f"{big.run.wall_s / 60:.1f} min, {rate:.0f} talks/min", f"{floor_rate:.0f} talks/min (floor)",
         f"{rate / floor_rate:.2f}x floor rate"),
        (f"{label}: requests", f"{big.requests}", "-", f"{big.requests / talks:.1f} a talk"),
        (f"{label}: peak RSS, confarchive process", f"{big.run.peak_rss_mb:.0f} MB",
         f"{little.run.peak_rss_mb:.0f} MB @{small}", f"{slope:+.1f} MB per 100 talks"),
        (f"{label}: peak RSS, process tree", f"{big.run.peak_tree_rss_mb:.0f} MB",
         f"{little.run.peak_tree_rss_mb:.0f} MB @{small}", f"{tree_slope:+.1f} MB per 100 talks"),
        (f"{label}: confarchive's own CPU a talk", f"{big.run.own_cpu_s / talks:.3f} s",
         f"{little.run.own_cpu_s / small:.3f} s @{small}", "-"),
        (f"{label}: manifest", f"{big.manifest_mb:.1f} MB", f"{little.manifest_mb:.2f} MB @{small}",
         f"{1000 * big.manifest_mb / talks:.1f} kB a talk"),
        (f"{label}: re-run of the finished archive", f"{big.rerun.wall_s:.2f} s",
         f"{big.run.wall_s:.0f} s (first run)", f"{big.rerun_requests} requests"),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--talks", type=int, default=700)
    parser.add_argument("--small", type=int, default=50)
    args = parser.parse_args()
    print(table(bench_conference(args.talks, args.small)))


if __name__ == "__main__":
    main()
