"""Shared by the benchmarks: a fixture world with generated talks, latency, repetition, a table.

Benchmarks compare confarchive with the naive approach on the same input in the same run, repeat
each measurement (median of at least 3, pairs interleaved so that a noisy moment hurts both), and
print ratios. Nothing here is a target: the figures are what this machine measured today.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.world import Request, Response, World
from tests.world.catalog import FixtureTalk

CACHE = Path(tempfile.gettempdir()) / "confarchive-bench-cache"


def generated_talk(pid: str, slides: int, seconds: float, media: str = "yoda", name: str | None = None) -> FixtureTalk:
    """A talk of ``slides`` evenly spaced slides (with millisecond parts) lasting ``seconds``."""
    step = int(seconds * 1000 / slides)
    times = tuple(i * step + (137 if i else 0) for i in range(slides))
    return FixtureTalk(
        name=name or f"bench-{pid}", pid=pid, page="slideslive-embed", title=f"Benchmark talk {pid}", authors=(),
        slide_times_ms=times, duration_ms=int(seconds * 1000), media=media,
    )  # fmt: skip


def start_world(talks: tuple[FixtureTalk, ...]) -> World:
    return World(CACHE, talks).start()


def add_latency(world: World, seconds: float, host: str | None = None) -> None:
    """Every answer (of ``host``) is delayed by ``seconds``, as a far-away server would be."""

    def slow(req: Request) -> Response | None:
        if host is None or req.host == host:
            time.sleep(seconds)
        return None

    world.state.hooks.append(slow)


def median_pair(ours: Callable[[], object], theirs: Callable[[], object], runs: int = 3) -> tuple[float, float]:
    """Median wall time of each, measured in alternation."""
    a: list[float] = []
    b: list[float] = []
    for _ in range(runs):
        for fn, out in ((ours, a), (theirs, b)):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return statistics.median(a), statistics.median(b)


def table(rows: list[tuple[str, str, str, str]]) -> str:
    head = ("benchmark", "confarchive", "baseline", "ratio")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(head, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)
