"""Scale-out: a latency-bound conference on a Dask LocalCluster of 1 worker vs 2 workers.

Each worker gets ONE thread (threads limited, so that two workers on this 2-core machine are compared
with one, not with one worker's thread pool), the fixture server adds latency to every answer, and
the same 40 talks are archived with ``--executor dask://...`` in both cases. Prints talks per minute
and the ratio.

Usage: .venv/bin/python scripts/bench/dask_scaleout.py [--talks 40] [--latency-ms 150]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from distributed import Client, LocalCluster

if not __package__:  # run as a file: make the repository's scripts and tests importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.bench.common import add_latency, generated_talk, start_world, table
from tests.environ import environment_restored


def _archive(address: str, urls: list[str], config: Path, jobs: int) -> float:
    root = Path(tempfile.mkdtemp(prefix="bench-dask-")) / "archive"
    cmd = [sys.executable, "-m", "confarchive", "archive", *urls, "-o", str(root), "--config", str(config)]
    cmd += ["-q", "--no-browser", "--no-paper", "--executor", address.replace("tcp://", "dask://"), "-j", str(jobs)]
    started = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - started


def run(talks: int = 40, latency_ms: float = 150.0) -> list[tuple[str, str, str, str]]:
    conference = tuple(
        generated_talk(f"997{i:05d}", slides=4, seconds=4, media="url", name=f"dask-{i}") for i in range(talks)
    )
    world = start_world(conference)
    add_latency(world, latency_ms / 1000)
    config = Path(tempfile.mkdtemp(prefix="bench-dask-config-")) / "config.toml"
    config.write_text(world.config_toml() + "\n[network]\nper_host_connections = 32\n")
    urls = [t.url for t in conference]
    seconds = {}
    try:
        with environment_restored():  # the nannies write their environment into this process
            for workers in (1, 2):
                spec = {"n_workers": workers, "threads_per_worker": 1, "processes": True, "dashboard_address": None}
                with LocalCluster(**spec) as cluster, Client(cluster):
                    seconds[workers] = _archive(cluster.scheduler_address, urls, config, jobs=2 * workers)
    finally:
        world.stop()
    one, two = (talks / seconds[n] * 60 for n in (1, 2))
    label = f"dask: {talks} talks, +{latency_ms:g} ms a request, 1 thread a worker"
    return [(label + ", 2 workers vs 1", f"{two:.1f} talks/min", f"{one:.1f} talks/min", f"{two / one:.2f}x")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--talks", type=int, default=40)
    parser.add_argument("--latency-ms", type=float, default=150.0)
    args = parser.parse_args()
    print(table(run(args.talks, args.latency_ms)))


if __name__ == "__main__":
    main()
