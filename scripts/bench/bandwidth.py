"""A conference archived through a limited link: does confarchive keep the link busy?

The fixture world's every byte (headers and bodies, all connections together) goes through one token
bucket (``limit_bandwidth`` in common.py). The rate is chosen from the bytes the conference needs, so
that bytes / rate is about ``--target-s`` seconds (default 120: 1.2 s of link time per talk). Reported:
the archive's wall time (the real ``confarchive archive`` CLI, default ``-j``) divided by the ideal time,
i.e. bytes that went through the bucket / rate (target <= 1.25), median of ``--runs``.

The talks must be bandwidth-heavy for the limit to be what is measured: on this 2-core machine the
HLS-audio talks of endtoend.py are CPU-bound (yt-dlp's per-fragment work), so the default here is a
direct .m4a per talk at ~200 kbit/s (``--media hls`` for HLS). A calibration run without the limit
measures the bytes and also tells how long the conference takes unlimited: if that is not well under
the ideal time, the figure measures the CPU, and the script says so.

Usage: .venv/bin/python scripts/bench/bandwidth.py [--talks 100] [--target-s 120] [--runs 3] [--media url|hls]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

if not __package__:  # run as a file: make the repository's scripts and tests importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.bench.common import Conference, Row, conference, limit_bandwidth, table


def bench_bandwidth(
    talks: int = 100, target_s: float = 120, runs: int = 3, media: str = "url", slides: int = 20, seconds: float = 300
) -> list[Row]:
    bitrate = "320k" if media == "url" else "64k"  # the encoder fills 320k noise to about 200 kbit/s
    conf = Conference(conference(talks, slides, seconds, 99900000, "yoda" if media == "hls" else "url", bitrate))
    try:
        calibration = conf.archive(conf.dir / "calibration")
        shutil.rmtree(conf.dir / "calibration")
        rate = sum(conf.world.state.bytes.values()) / target_s  # bodies only: headers add well under 1%
        elapsed, ideal = [], []
        for n in range(runs):
            bucket = limit_bandwidth(conf.world, rate)
            start = time.perf_counter()
            conf.archive(conf.dir / f"limited-{n}")
            elapsed.append(time.perf_counter() - start)
            ideal.append(bucket.sent / rate)
            shutil.rmtree(conf.dir / f"limited-{n}")
    finally:
        conf.close()
    ratios = [e / i for e, i in zip(elapsed, ideal, strict=True)]
    ratio = statistics.median(ratios)
    mbit = rate * 8 / 1e6
    print(
        f"bandwidth {talks} talks: {statistics.median(ideal) * rate / 1e6:.0f} MB at {mbit:.1f} Mbit/s; ideal "
        f"{' '.join(f'{i:.1f}' for i in ideal)} s, elapsed {' '.join(f'{e:.1f}' for e in elapsed)} s; "
        f"unlimited (calibration) {calibration.wall_s:.1f} s"
    )
    if calibration.wall_s > 0.8 * statistics.median(ideal):
        print(
            f"WARNING: unlimited, the conference already takes {calibration.wall_s:.0f} s of the ideal "
            f"{statistics.median(ideal):.0f} s: this figure measures the CPU more than the link"
        )
    label = f"bandwidth bound: {talks} talks via {mbit:.0f} Mbit/s ({media})"
    return [
        (label, f"{statistics.median(elapsed):.1f} s", f"{statistics.median(ideal):.1f} s (bytes/rate)",
         f"{ratio:.2f}x ideal"),
        (f"{label}: unlimited, 1 run", f"{calibration.wall_s:.1f} s", "-", "-"),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--talks", type=int, default=100)
    parser.add_argument("--target-s", type=float, default=120.0, help="bytes / bandwidth, in seconds")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--media", choices=("url", "hls"), default="url")
    args = parser.parse_args()
    print(table(bench_bandwidth(args.talks, args.target_s, args.runs, args.media)))


if __name__ == "__main__":
    main()
