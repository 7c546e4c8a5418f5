"""Re-running the same command on a finished archive: it must be near-instant and touch no network.

A conference of N generated talks (default 200; 30 s, 5 slides, HLS audio; shared media, see
``SharedMediaWorld``) is archived once by the real ``confarchive archive`` CLI; then the same command is
run again ``--runs`` times (median reported). Each re-run must exit 0, keep every MP4, and make no
request at all: the fixture world's request counter is reset before and asserted to stay 0 after.
Target: the re-run in under 2 s. The baseline is the first run (what a tool without resume would pay
again); it is one run by nature and says so.

Usage: .venv/bin/python scripts/bench/rerun.py [--talks 200] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

if not __package__:  # run as a file: make the repository's scripts and tests importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.bench.common import Conference, Row, conference, table, total_requests


def bench_rerun(talks: int = 200, runs: int = 3, slides: int = 5, seconds: float = 30) -> list[Row]:
    conf = Conference(conference(talks, slides, seconds, first_pid=99800000))
    try:
        root = conf.dir / "archive"
        first = conf.archive(root)
        again = []
        requests = 0
        for _ in range(runs):
            conf.world.state.reset()
            again.append(conf.archive(root))
            requests = total_requests(conf.world)
            if requests:
                raise SystemExit(
                    f"a re-run of a finished archive made {requests} request(s): {conf.world.state.log[:3]}"
                )
    finally:
        conf.close()
    wall = statistics.median(r.wall_s for r in again)
    print(
        f"re-run {talks} talks: first run {first.wall_s:.1f} s; re-runs {' '.join(f'{r.wall_s:.2f}' for r in again)} s"
    )
    label = f"re-run of a finished archive, {talks} talks"
    return [
        (label, f"{wall:.2f} s", f"{first.wall_s:.1f} s (first run, 1 run)", f"{first.wall_s / wall:.0f}x faster"),
        (f"{label}: requests made", str(requests), "-", "-"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--talks", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(table(bench_rerun(args.talks, args.runs)))


if __name__ == "__main__":
    main()
