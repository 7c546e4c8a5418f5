"""Every benchmark on generated fixture data, one table: benchmark, confarchive, baseline, ratio.

Runs, in order: fetch.py (parallel slide fetch vs a sequential loop; resume after kill -9), merge.py
(ours vs the old concat recipe and the physical floor), endtoend.py (a conference through the real CLI;
with the 10/50/200-talk scaling series), conference.py (700 talks from a listing page: time, memory
slope, manifest, re-run), rerun.py (a finished archive run again),
bandwidth.py (a limited link kept busy?), resolve.py (static pages; JS-only pages vs a new browser
per page and a fixed sleep), dask_scaleout.py (2 Dask workers vs 1), latency.py (HLS through a far
link: parallel segments vs one at a time; one talk vs the old recipe; resume of HLS after kill -9),
ocr.py (slides/s and accuracy of both bindings; what --ocr adds end to end) and search.py (queries
on a 1,000-talk archive), papers.py (a reading list matched against a listing: ours vs difflib) and
transcribe.py (speech to text: real-time factor, and what --transcribe adds to a run). Each prints its per-run
figures as it goes; the table comes last, with the machine's core count and the date. Every figure
is measured in this run.

Sizes: ``--quick`` small conferences and the 5 min merge with the old recipe run once (about 10 min
on 2 cores); default: the sizes of each script's own defaults with the 10/50/200-talk scaling series,
the old recipe run once per merge case; ``--full``: three runs of the old recipe (the 60 min case alone takes over
an hour). ``--write-docs`` also writes the table to docs/performance.md; ``--only ... --add-to-docs`` adds
it under the tables there, as a re-measure of what a change touched (the next full run replaces them all).

Usage: .venv/bin/python scripts/bench/run.py [--quick | --full] [--only merge,rerun] [--write-docs | --add-to-docs]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

if not __package__:  # run as a file: make the repository's scripts and tests importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.bench import (
    bandwidth,
    conference,
    dask_scaleout,
    endtoend,
    fetch,
    latency,
    merge,
    ocr,
    papers,
    rerun,
    resolve,
    search,
    transcribe,
)
from scripts.bench.common import ROOT, Row, generated_talk, start_world, table


@dataclass(frozen=True)
class Sizes:
    mode: str
    fetch_slides: int = 200
    fetch_latency_ms: float = 30
    resume_mb: int = 200
    merge_cases: tuple[str, ...] = ("5min", "60min")
    merge_old_runs: int = 1
    e2e_talks: int = 50
    scaling: tuple[int, ...] = ()
    rerun_talks: int = 200
    bw_talks: int = 100
    bw_target_s: float = 120  # the link's share of each talk stays 1.2 s in every mode
    resolve_pages: int = 30
    resolve_sleep_s: float = 5  # the old recipe slept 10 s; 5 s keeps the baseline short and the ratio honest
    dask_talks: int = 40
    latency_talks: int = 100
    ocr_rounds: int = 3
    ocr_talks: int = 10
    search_talks: int = 1000
    conference_talks: int = 700
    conference_small: int = 50
    papers: int = 2000
    stt_seconds: float = 240
    stt_talk20: bool = True
    stt_talks: int = 4
    runs: int = 3


QUICK = Sizes(
    "quick",
    100,
    30,
    50,
    ("5min",),
    1,
    10,
    (4, 8, 16),
    50,
    30,
    36,
    resolve_pages=10,
    dask_talks=20,
    latency_talks=30,
    ocr_rounds=1,
    ocr_talks=4,
    search_talks=300,
    conference_talks=150,
    conference_small=30,
    papers=500,
    stt_seconds=60,
    stt_talk20=False,
    stt_talks=2,
)
DEFAULT = Sizes("default", scaling=(10, 50, 200))
FULL = Sizes("full", merge_old_runs=3, scaling=(10, 50, 200))

Bench = Callable[[Sizes], list[Row]]


def fetch_rows(s: Sizes) -> list[Row]:
    slides_talk = generated_talk("99100001", slides=s.fetch_slides, seconds=s.fetch_slides * 1.5, name="slides")
    world = start_world((slides_talk, fetch.big_media_talk(s.resume_mb)))
    config = Path(tempfile.mkdtemp(prefix="bench-config-")) / "config.toml"
    config.write_text(world.config_toml())
    try:
        return [
            fetch.bench_slides(world, "slides", s.fetch_latency_ms / 1000),
            fetch.bench_get_cpu(world, "slides"),
            fetch.bench_resume(world, "resume", config),
        ]
    finally:
        world.stop()


def merge_rows(s: Sizes) -> list[Row]:
    rows: list[Row] = []
    for case in s.merge_cases:
        rows += merge.run_case(case, s.runs, s.merge_old_runs)[0]
    return rows


def endtoend_rows(s: Sizes) -> list[Row]:
    rows = endtoend.bench_endtoend(s.e2e_talks, s.runs)
    return rows + (endtoend.bench_scaling(s.scaling, s.runs) if s.scaling else [])


def conference_rows(s: Sizes) -> list[Row]:
    return conference.bench_conference(s.conference_talks, s.conference_small)


def rerun_rows(s: Sizes) -> list[Row]:
    return rerun.bench_rerun(s.rerun_talks, s.runs)


def bandwidth_rows(s: Sizes) -> list[Row]:
    return bandwidth.bench_bandwidth(s.bw_talks, s.bw_target_s, s.runs)


def resolve_rows(s: Sizes) -> list[Row]:
    return resolve.run(s.resolve_pages, s.resolve_sleep_s, s.runs)


def dask_rows(s: Sizes) -> list[Row]:
    return dask_scaleout.run(s.dask_talks)


def latency_rows(s: Sizes) -> list[Row]:
    rows = latency.bench_one_talk(50, s.runs, 1)
    rows += latency.bench_resume()
    return rows + latency.bench_conference(s.latency_talks, 50, 50, s.runs)


def ocr_rows(s: Sizes) -> list[Row]:
    return ocr.run(s.ocr_rounds, s.runs) + endtoend.bench_ocr_cost(s.ocr_talks, s.runs)


def search_rows(s: Sizes) -> list[Row]:
    return search.run(s.search_talks, 5)


def papers_rows(s: Sizes) -> list[Row]:
    return papers.run(s.papers, s.papers, s.runs, 1)


def transcribe_rows(s: Sizes) -> list[Row]:
    return transcribe.rows(s.stt_seconds, s.runs, s.stt_talk20, s.stt_talks, 120.0, s.runs)


BENCHMARKS: list[tuple[str, Bench]] = [
    ("fetch", fetch_rows),
    ("merge", merge_rows),
    ("endtoend", endtoend_rows),
    ("conference", conference_rows),
    ("rerun", rerun_rows),
    ("bandwidth", bandwidth_rows),
    ("resolve", resolve_rows),
    ("dask", dask_rows),
    ("latency", latency_rows),
    ("ocr", ocr_rows),
    ("search", search_rows),
    ("papers", papers_rows),
    ("transcribe", transcribe_rows),
]


def machine() -> str:
    cpu = next((ln.split(":", 1)[1].strip() for ln in _lines("/proc/cpuinfo") if ln.startswith("model name")), "?")
    ffmpeg = subprocess.run(["ffmpeg", "-hide_banner", "-version"], capture_output=True, text=True).stdout
    git = ["git", "-C", str(ROOT), "describe", "--always", "--dirty"]
    commit = subprocess.run(git, capture_output=True, text=True).stdout.strip() or "?"
    return (
        f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; commit {commit}; {os.cpu_count()} cores ({cpu}); "
        f"Python {platform.python_version()}; {' '.join(ffmpeg.split()[:3])}"
    )


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


NOTES = "\n## "  # docs/performance.md from its first second-level heading on is prose, kept across runs


def _table_md(rows: list[Row]) -> str:
    cells = [("benchmark", "confarchive", "baseline", "ratio"), ("---", "---", "---", "---"), *rows]
    return "\n".join("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells) + "\n"


def markdown(rows: list[Row], header: str, command: str) -> str:
    return (
        "# Performance\n\nMeasured by `scripts/bench/run.py` on generated fixture data (see each script's docstring "
        "for what is measured and against what). Every figure comes from the run below; re-run to update.\n\n"
        f"- machine and date: {header}\n- command: `{command}`\n\n" + _table_md(rows)
    )


def remeasure(rows: list[Row], header: str, command: str) -> str:
    """A later run of some benchmarks, under the full run's table: its rows supersede the same rows above."""
    return (
        f"### Re-measured: {header}\n\nThese benchmarks were run again after a change that touched them; "
        f"their rows supersede the same rows above.\n\n- command: `{command}`\n\n" + _table_md(rows)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="small sizes, about 10 minutes")
    mode.add_argument("--full", action="store_true", help="everything, scaling and 3 old-recipe runs (hours)")
    parser.add_argument("--only", help="comma-separated subset of: " + ", ".join(name for name, _ in BENCHMARKS))
    docs_mode = parser.add_mutually_exclusive_group()
    docs_mode.add_argument("--write-docs", action="store_true", help="also write the table to docs/performance.md")
    docs_mode.add_argument(
        "--add-to-docs",
        action="store_true",
        help="add the table to docs/performance.md under the tables already there, as a re-measure of the "
        "benchmarks a change touched (with --only); the next --write-docs replaces them all",
    )
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL if args.full else DEFAULT
    chosen = args.only.split(",") if args.only else [name for name, _ in BENCHMARKS]
    unknown = set(chosen) - {name for name, _ in BENCHMARKS}
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    header = machine()
    rows: list[Row] = []
    started = time.perf_counter()
    for name, bench in BENCHMARKS:
        if name in chosen:
            print(f"== {name} ({sizes.mode})", flush=True)
            rows += bench(sizes)
    print(f"\n{header}; {sizes.mode} sizes; {time.perf_counter() - started:.0f} s in all")
    print(table(rows))
    if args.write_docs or args.add_to_docs:
        docs = ROOT / "docs" / "performance.md"
        docs.parent.mkdir(exist_ok=True)
        command = ("scripts/bench/run.py " + " ".join(sys.argv[1:])).strip()
        tables, _, kept = docs.read_text().partition(NOTES) if docs.exists() else ("", "", "")
        if args.add_to_docs and tables:  # the full run's table stays; this run's is marked as what it is
            tables_md = tables.rstrip("\n") + "\n\n" + remeasure(rows, f"{header}; {sizes.mode} sizes", command)
        else:
            tables_md = markdown(rows, f"{header}; {sizes.mode} sizes", command)
        docs.write_text(tables_md + (f"{NOTES}{kept}" if kept else ""))  # the prose, written by people: kept
        print(f"written to {docs.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
