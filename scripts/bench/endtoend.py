"""A whole conference archived by the real ``confarchive archive`` CLI, served by the fixture world.

1. Throughput: N talks (default 50; 5 min, 20 slides, HLS audio) archived from scratch by
   ``python -m confarchive archive -i urls.txt`` as a subprocess (default ``-j``), each run into a new
   folder (median of ``--runs``). Reported: talks per minute; peak RSS of the confarchive process
   (VmHWM) and of its whole process tree (ffmpeg included; /proc polled); CPU utilisation = user+sys
   of the tree / wall / cores. Baseline: the floor, i.e. only the ffmpeg work no archiver can skip
   (each talk's distinct slides encoded once + its audio stream-copied out of the HLS playlist) for the
   same N talks, run by as many workers as there are cores; the ratio is ours as a fraction of it.
   Also reported: the fixture server's CPU (it runs in the benchmark's own process, on the same cores)
   as a share of the machine's time during the run, a cost the floor does not pay; and the same runs
   with every HLS segment a file of its own (``packed_segment_bytes = 0``, as before fetch/pack.py).
2. ``--scaling``: the same at 10, 50 and 200 talks of 30 s with 5 slides. Time per talk must stay
   flat and peak RSS must not grow with the number of talks: each size is compared with the smallest.

Talks of the same length share one generated HLS folder (``SharedMediaWorld``): ffmpeg-generating the
media of hundreds of talks would take longer than archiving them. Pages, ids and slides stay per talk.

Usage: .venv/bin/python scripts/bench/endtoend.py [--talks 50] [--runs 3] [--scaling] [--sizes 10,50,200]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

if not __package__:  # run as a file: make the repository's scripts and tests importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.bench.common import CliRun, Conference, Row, conference, run_cli, table, total_bytes, total_requests

CORES = os.cpu_count() or 1


@dataclass(frozen=True)
class Archived:
    """Medians over the runs of one conference size."""

    talks: int
    runs: list[CliRun]
    requests: int  # per run
    bytes: int  # per run
    server_cpu_s: list[float]  # per run: CPU of this process, i.e. the fixture world serving the run

    @property
    def server_share(self) -> float:
        """The fixture server's part of the machine's time: CPU the floor never pays for."""
        return statistics.median(cpu / (r.wall_s * CORES) for cpu, r in zip(self.server_cpu_s, self.runs, strict=True))

    @property
    def wall_s(self) -> float:
        return statistics.median(r.wall_s for r in self.runs)

    @property
    def per_talk_s(self) -> float:
        return self.wall_s / self.talks

    @property
    def talks_per_min(self) -> float:
        return 60 * self.talks / self.wall_s

    @property
    def rss_mb(self) -> float:
        return statistics.median(r.peak_rss_mb for r in self.runs)

    @property
    def tree_rss_mb(self) -> float:
        return statistics.median(r.peak_tree_rss_mb for r in self.runs)

    @property
    def cpu_util(self) -> float:
        return statistics.median(r.cpu_utilisation(CORES) for r in self.runs)

    @property
    def own_cpu_s(self) -> float:
        """The confarchive process's own CPU (its Python: no ffmpeg, no ffprobe), median of the runs."""
        return statistics.median(r.own_cpu_s for r in self.runs)

    @property
    def own_user_s(self) -> float:
        return statistics.median(r.own_user_s for r in self.runs)

    @property
    def own_sys_s(self) -> float:
        return statistics.median(r.own_sys_s for r in self.runs)


def archive_fresh(conf: Conference, runs: int, extra: tuple[str, ...] = (), config: Path | None = None) -> Archived:
    """``runs`` archives of the whole conference from scratch, each into a new folder (``config``: another
    configuration than the conference's own)."""
    results: list[CliRun] = []
    served: list[float] = []
    for n in range(runs):
        root = conf.dir / f"archive-{n}"
        conf.world.state.reset()
        before = time.process_time()  # the world's server threads (and the /proc poller) run in this process
        results.append(conf.archive(root, extra, config=config))
        served.append(time.process_time() - before)
        requests, sent = total_requests(conf.world), total_bytes(conf.world)
        shutil.rmtree(root)
    return Archived(len(conf.talks), results, requests, sent, served)


def tool_processes(conf: Conference, talks: int = 5) -> float:
    """ffmpeg and ffprobe processes a talk (one ``-version`` per run aside), counted by wrappers that log
    each start: the first ``talks`` talks archived once more, apart from the timed runs."""
    folder = conf.dir / "tools"
    folder.mkdir()
    log = folder / "log"
    for tool in ("ffmpeg", "ffprobe"):
        wrapper = folder / tool
        wrapper.write_text(f'#!/bin/sh\necho "{tool} $*" >> "{log}"\nexec {shutil.which(tool)} "$@"\n')
        wrapper.chmod(0o755)
    config = folder / "config.toml"
    tools = f'\n[tools]\nffmpeg = "{folder / "ffmpeg"}"\nffprobe = "{folder / "ffprobe"}"\n'
    config.write_text(conf.config.read_text() + tools)
    urls = folder / "urls.txt"
    urls.write_text("\n".join(t.url for t in conf.talks[:talks]) + "\n")
    root = folder / "archive"
    run = run_cli(["archive", "-i", str(urls), "-o", str(root), "-q"], config)
    if run.returncode != 0:
        raise SystemExit(f"confarchive archive exited {run.returncode}:\n{run.stderr_tail}")
    started = [line for line in log.read_text().splitlines() if not line.endswith(" -version")]
    shutil.rmtree(folder)
    return len(started) / talks


def floor_wall(conf: Conference) -> float:
    """The unavoidable ffmpeg work of every talk (its slides encoded once, its audio copied out of HLS),
    spread over one worker per core; the slides are the bytes the world serves, written to disk first."""
    work = conf.dir / "floor"
    jobs = []
    for talk in conf.talks:
        folder = work / talk.pid
        folder.mkdir(parents=True)
        for n in range(1, len(talk.slide_times_ms) + 1):
            (folder / f"{n:04d}.png").write_bytes(conf.world.slide_bytes(talk, n))
        jobs.append((folder, conf.world.media_path(talk).parent / "audio" / "index.m3u8"))
    x264 = ["-c:v", "libx264", "-preset", "veryfast", "-tune", "stillimage", "-bf", "0", "-pix_fmt", "yuv420p"]
    quiet = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]

    def one(job: tuple[Path, Path]) -> None:
        folder, playlist = job
        run = ["-framerate", "1", "-i", str(folder / "%04d.png"), *x264, str(folder / "frames.mp4")]
        subprocess.run([*quiet, *run], check=True, capture_output=True)
        copy = ["-i", str(playlist), "-vn", "-c:a", "copy", str(folder / "audio.m4a")]
        subprocess.run([*quiet, *copy], check=True, capture_output=True)

    start = time.perf_counter()
    with ThreadPoolExecutor(CORES) as pool:
        list(pool.map(one, jobs))
    elapsed = time.perf_counter() - start
    shutil.rmtree(work)
    return elapsed


def bench_endtoend(talks: int = 50, runs: int = 3, slides: int = 20, seconds: float = 300) -> list[Row]:
    conf = Conference(conference(talks, slides, seconds, first_pid=99600000))
    try:
        got = archive_fresh(conf, runs)
        floors = [floor_wall(conf) for _ in range(runs)]
        processes = tool_processes(conf)
        unpacked = conf.dir / "a-file-each.toml"  # the HLS segments as they were stored before fetch/pack.py
        unpacked.write_text(conf.config.read_text() + "\n[network]\npacked_segment_bytes = 0\n")
        each = archive_fresh(conf, runs, config=unpacked)
    finally:
        conf.close()
    floor_rate = 60 * talks / statistics.median(floors)
    label = f"end-to-end: {talks} talks ({seconds / 60:g} min, {slides} slides, HLS)"
    mb = got.bytes / 1e6
    print(
        f"{label}: wall per run {' '.join(f'{r.wall_s:.1f}' for r in got.runs)} s; floor per run "
        f"{' '.join(f'{f:.1f}' for f in floors)} s; {got.requests} requests, {mb:.0f} MB served per run; "
        f"server CPU per run {' '.join(f'{c:.1f}' for c in got.server_cpu_s)} s"
    )
    return [
        (label, f"{got.talks_per_min:.1f} talks/min", f"{floor_rate:.1f} talks/min (floor)",
         f"{got.talks_per_min / floor_rate:.2f}x floor rate"),
        (f"{label}: peak RSS, confarchive process", f"{got.rss_mb:.0f} MB", "-", "-"),
        (f"{label}: peak RSS, process tree", f"{got.tree_rss_mb:.0f} MB", "-", "-"),
        (f"{label}: CPU utilisation ({CORES} cores)", f"{got.cpu_util:.0%}", "-", "-"),
        (f"{label}: ffmpeg and ffprobe processes a talk", f"{processes:g}", "2 (floor: encode, copy)", "target <= 2"),
        (f"{label}: confarchive's own CPU a talk (user + sys)", f"{got.own_cpu_s / talks:.3f} s",
         f"{got.own_user_s / talks:.3f} + {got.own_sys_s / talks:.3f} s", "target <= 0.15 s"),
        (f"{label}: the fixture server's share of the machine", f"{got.server_share:.0%}", "0% (floor)", "-"),
        (f"{label}: segments packed vs a file each (packed_segment_bytes = 0)", f"{got.talks_per_min:.1f} talks/min",
         f"{each.talks_per_min:.1f} talks/min", f"{got.talks_per_min / each.talks_per_min:.2f}x"),
        (f"{label}: own CPU a talk (user + sys), segments packed vs a file each",
         f"{got.own_cpu_s / talks:.3f} s ({got.own_user_s / talks:.3f} + {got.own_sys_s / talks:.3f})",
         f"{each.own_cpu_s / talks:.3f} s ({each.own_user_s / talks:.3f} + {each.own_sys_s / talks:.3f})",
         f"{got.own_cpu_s / each.own_cpu_s:.2f}x the CPU"),
    ]  # fmt: skip


def bench_ocr_cost(talks: int = 10, runs: int = 3, slides: int = 14, seconds: float = 300) -> list[Row]:
    """The same conference archived with and without ``--ocr``: slides with text (tests/world/slidetext.py)."""
    from tests.world.slidetext import slides as text_slides

    names = tuple(s.name for s in text_slides())[:slides]
    talks_ = tuple(dataclasses.replace(t, text_slides=names) for t in conference(talks, len(names), seconds, 99650000))
    conf = Conference(talks_)
    try:
        plain = archive_fresh(conf, runs)
        read = archive_fresh(conf, runs, ("--ocr",))
    finally:
        conf.close()
    label = f"end-to-end: {talks} talks, {len(names)} slides of text each: --ocr"
    n_slides = talks * len(names)
    extra_cpu = statistics.median(r.cpu_s for r in read.runs) - statistics.median(r.cpu_s for r in plain.runs)
    return [
        (label, f"{read.wall_s:.1f} s", f"{plain.wall_s:.1f} s without", f"{read.wall_s / plain.wall_s:.2f}x time"),
        (f"{label}: CPU added per slide read", f"{extra_cpu / n_slides * 1000:.0f} ms", "-", "-"),
    ]


def bench_scaling(
    sizes: tuple[int, ...] = (10, 50, 200), runs: int = 3, slides: int = 5, seconds: float = 30
) -> list[Row]:
    """Every size on its own world (ids differ per size), compared with the smallest size."""
    results: list[Archived] = []
    for size in sizes:
        conf = Conference(conference(size, slides, seconds, first_pid=99700000 + 1000 * size))
        try:
            results.append(archive_fresh(conf, runs))
        finally:
            conf.close()
        got = results[-1]
        print(
            f"scaling {size} talks: wall per run {' '.join(f'{r.wall_s:.1f}' for r in got.runs)} s, "
            f"{got.per_talk_s:.3f} s/talk, RSS {got.rss_mb:.0f} MB (tree {got.tree_rss_mb:.0f} MB), "
            f"CPU {got.cpu_util:.0%}",
            flush=True,
        )
    base = results[0]
    rows: list[Row] = []
    for got in results:
        label = f"scaling: {got.talks} talks ({seconds:g} s, {slides} slides)"
        rows.append((f"{label}: time per talk", f"{got.per_talk_s:.3f} s", f"{base.per_talk_s:.3f} s @{base.talks}",
                     f"{got.per_talk_s / base.per_talk_s:.2f}x"))  # fmt: skip
        rows.append((f"{label}: peak RSS (process)", f"{got.rss_mb:.0f} MB", f"{base.rss_mb:.0f} MB @{base.talks}",
                     f"{got.rss_mb / base.rss_mb:.2f}x"))  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--talks", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scaling", action="store_true", help="also run the scaling series")
    parser.add_argument("--sizes", default="10,50,200", help="conference sizes of the scaling series")
    args = parser.parse_args()
    rows = bench_endtoend(args.talks, args.runs)
    if args.scaling:
        rows += bench_scaling(tuple(int(s) for s in args.sizes.split(",")), args.runs)
    print(table(rows))


if __name__ == "__main__":
    main()
