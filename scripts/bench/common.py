"""Shared by the benchmarks: a fixture world with generated talks, latency, repetition, a table.

Benchmarks compare confarchive with the naive approach on the same input in the same run, repeat
each measurement (median of at least 3, pairs interleaved so that a noisy moment hurts both), and
print ratios. Nothing here is a target: the figures are what this machine measured today.

Also here: ``SharedMediaWorld``/``Conference`` (hundreds of generated talks whose media are generated
once), ``run_cli`` (the real CLI as a subprocess: wall, CPU of its process tree, peak RSS polled from
psutil) and ``limit_bandwidth`` (one token bucket for every byte the fixture world sends).
"""

from __future__ import annotations

import compileall
import contextlib
import dataclasses
import functools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

from confarchive.core.model import Talk, TalkRef
from confarchive.core.net import Http
from confarchive.core.settings import Settings
from confarchive.sites import Registry, Web
from confarchive.sites.resolve import Renderer, Resolver
from tests.world import Request, Response, World
from tests.world.assets import make_hls, make_m4a
from tests.world.catalog import FixtureTalk
from tests.world.server import _Handler

ROOT = Path(__file__).resolve().parents[2]  # the repository

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


def resolver(http: Http, settings: Settings, render: Renderer | None = None) -> Resolver:
    """The production resolver (every built-in site) on ``http``."""
    import logging

    return Resolver(Registry.default(settings), Web(http, settings, logging.getLogger("bench")), render)


def resolve_one(resolver: Resolver, url: str) -> Talk:
    """The talk a talk page (or SlidesLive URL) holds."""
    return resolver.resolve(resolver.expand(TalkRef(url)).talks[0])


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


Row = tuple[str, str, str, str]


def runs_note(times: Sequence[float], wanted: int) -> str:
    """How a figure was obtained: ``median of 3`` or, loudly, ``ONE run only``."""
    if len(times) >= wanted and len(times) >= 3:
        return f"median of {len(times)}"
    return "ONE run only" if len(times) == 1 else f"ONLY {len(times)} runs"


# -- many talks sharing one generated media ---------------------------------------------------------------
class SharedMediaWorld(World):
    """The fixture world, except that talks of the same length, media kind and bitrate share one generated
    media folder (HLS or .m4a): generating the media of 200 talks with ffmpeg would dominate a benchmark that
    is about archiving them. Each talk keeps its own presentation id, pages, slides and URLs; only the
    bytes behind its media URLs are the same as its twins'.

    The cache outlives a run and is shared by every script, so the media are filed under their shape, not
    under a talk id: two scripts that use the same ids for talks of different lengths once made one of
    them download the other's five-minute media."""

    def __init__(self, cache_dir: Path, talks: tuple[FixtureTalk, ...]) -> None:
        super().__init__(cache_dir, talks)
        self._shared: dict[str, Path] = {}

    def media_path(self, talk: FixtureTalk) -> Path:
        found = self._shared.get(talk.pid)
        if found is None:
            twin = min((t for t in self.talks.values() if _shape(t) == _shape(talk)), key=lambda t: t.pid)
            duration, media, bitrate = _shape(twin)
            folder = self.cache / "shared" / f"{media}-{duration}ms-{bitrate}"
            if media == "yoda":
                found = make_hls(twin, folder)
            elif media == "url":
                found = make_m4a(twin, folder / "audio.m4a")
            else:
                found = super().media_path(twin)
            self._shared[talk.pid] = found
        return found


def _shape(talk: FixtureTalk) -> tuple[int, str, str]:
    return talk.duration_ms, talk.media, talk.audio_bitrate


def conference(
    n: int, slides: int, seconds: float, first_pid: int = 99500000, media: str = "yoda", bitrate: str = "64k"
) -> tuple[FixtureTalk, ...]:
    """``n`` SlidesLive talks (embed URLs; HLS audio, or ``media="url"``: a direct .m4a of ``bitrate``) of the
    same shape, with distinct ids and slides."""
    return tuple(
        dataclasses.replace(
            generated_talk(str(first_pid + i), slides, seconds, media, f"talk-{i}"), audio_bitrate=bitrate
        )
        for i in range(n)
    )


def start_shared_world(talks: tuple[FixtureTalk, ...]) -> SharedMediaWorld:
    """The world serving ``talks``, their slides drawn before any run: the world draws a slide when it is
    first asked for, on the cores the measured run uses (a conference's first run paid ~2 ms of the
    world's CPU a slide that no later run and no floor pays: 9.0 against 2.3 s of server CPU for the
    first and second of three 50-talk runs)."""
    world = SharedMediaWorld(CACHE, talks)
    world.start()
    for talk in talks:
        for n in range(1, len(talk.slide_times_ms) + 1):
            world.slide_bytes(talk, n)
    return world


class Conference:
    """A started world of generated talks, its config and URL list; archives it with the real CLI."""

    def __init__(self, talks: tuple[FixtureTalk, ...]) -> None:
        self.talks = talks
        self.world: SharedMediaWorld = start_shared_world(talks)
        self.dir = Path(tempfile.mkdtemp(prefix="bench-conference-"))
        self.config = self.dir / "config.toml"
        self.config.write_text(self.world.config_toml())
        self.urls = self.dir / "urls.txt"
        self.urls.write_text("\n".join(t.url for t in talks) + "\n")

    def archive(
        self, root: Path, extra: Sequence[str] = (), urls: Path | None = None, expect: int | None = None,
        config: Path | None = None,
    ) -> CliRun:  # fmt: skip
        """One ``confarchive archive -q`` run; it must exit 0 with one MP4 per talk."""
        args = ["archive", "-i", str(urls or self.urls), "-o", str(root), "-q", *extra]
        run = run_cli(args, config or self.config)
        if run.returncode != 0:
            raise SystemExit(f"confarchive archive exited {run.returncode}:\n{run.stderr_tail}")
        mp4s = len(list(root.glob("*/*.mp4")))
        if mp4s != (expect or len(self.talks)):
            raise SystemExit(f"{mp4s} MP4s for {expect or len(self.talks)} talks:\n{run.stderr_tail}")
        return run

    def close(self) -> None:
        self.world.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


# -- the confarchive CLI as a measured subprocess ---------------------------------------------------------
@dataclass(frozen=True)
class CliRun:
    """One ``confarchive`` process: wall time, exit code, CPU (its whole process tree) and memory."""

    returncode: int
    wall_s: float
    cpu_s: float  # user + sys of the process and every child it waited for (ffmpeg, ffprobe)
    peak_rss_mb: float  # the confarchive process itself (VmHWM)
    peak_tree_rss_mb: float  # the most the process tree held at once (sum of VmRSS, polled)
    stderr_tail: str
    own_user_s: float = 0.0  # the confarchive process alone (its Python, no child), read as it exits
    own_sys_s: float = 0.0

    @property
    def own_cpu_s(self) -> float:
        return self.own_user_s + self.own_sys_s

    def cpu_utilisation(self, cores: int | None = None) -> float:
        return self.cpu_s / self.wall_s / (cores or os.cpu_count() or 1)


@functools.cache
def bytecode_as_installed() -> None:
    """confarchive's modules compiled to ``__pycache__`` once, as an install has them (pip compiles them,
    a checkout writes them on its first import). Where ``PYTHONDONTWRITEBYTECODE`` is set, as on the
    machine these figures come from, every CLI run would otherwise compile its ~100 modules again:
    ~0.15 s of CPU a run that no user's run pays."""
    compileall.compile_dir(str(ROOT / "src" / "confarchive"), quiet=1)


def run_cli(args: Sequence[str], config: Path, poll_s: float = 0.05, tree_every: int = 5) -> CliRun:
    """Run ``python -m confarchive <args> --config <config>``. The wall time ends when the process exits
    (a blocking wait, not a poll); its own peak RSS is its VmHWM, read every ``poll_s``; the tree's RSS
    (psutil: a scan of every process on the machine, ~2 ms of CPU here) every ``tree_every`` polls, so
    that measuring takes ~0.2 % of the machine from the run it measures, not ~1 %."""
    bytecode_as_installed()
    cmd = [sys.executable, "-m", "confarchive", *args, "--config", str(config)]
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=stderr)
        peaks = {"hwm": 0, "tree": 0}
        exited = threading.Event()

        def sample() -> None:
            n = 0
            while not exited.wait(poll_s):
                peaks["hwm"] = max(peaks["hwm"], _status_kb(proc.pid, "VmHWM"))
                if n % tree_every == 0:
                    peaks["tree"] = max(peaks["tree"], _tree_rss_kb(proc.pid))
                n += 1

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)  # a zombie still: its own CPU is in /proc
        wall = time.perf_counter() - start
        exited.set()
        sampler.join()
        own = _own_cpu_s(proc.pid)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait for it again
        stderr.seek(0)
        tail = stderr.read().decode("utf-8", "replace")[-2000:]
    return CliRun(proc.returncode, wall, usage.ru_utime + usage.ru_stime, peaks["hwm"] / 1024, peaks["tree"] / 1024,
                  tail, *own)  # fmt: skip


def _own_cpu_s(pid: int) -> tuple[float, float]:
    """User and system CPU of ``pid`` itself, children excluded (``/proc/<pid>/stat`` fields 14 and 15)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0, 0.0
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _tree_rss_kb(root: int) -> int:
    """What ``root`` and its descendants hold in memory right now."""
    try:
        tree = [psutil.Process(root), *psutil.Process(root).children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in tree:
        with contextlib.suppress(psutil.Error):
            total += process.memory_info().rss
    return total // 1024


# -- a shared bandwidth limit ------------------------------------------------------------------------------
class TokenBucket:
    """A link of ``rate`` bytes/s shared by every connection: each chunk waits for its tokens (first come,
    first served), with a burst of ``burst`` bytes. ``sent`` counts every byte that went through."""

    def __init__(self, rate: float, burst: int = 64 * 1024) -> None:
        self.rate = rate
        self.burst = burst
        self.sent = 0
        self._tokens = float(burst)
        self._last = time.monotonic()
        self._lock = threading.Lock()

    def take(self, n: int) -> None:
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate) - n
            self._last = now
            self.sent += n
            wait = -self._tokens / self.rate if self._tokens < 0 else 0.0
        if wait > 0:
            time.sleep(wait)


class _ThrottledWriter:
    """The handler's ``wfile``, writing through the bucket in small chunks (headers and bodies alike)."""

    CHUNK = 16 * 1024

    def __init__(self, raw: object, bucket: TokenBucket) -> None:
        self._raw = raw
        self._bucket = bucket

    def write(self, data: bytes) -> int:
        view = memoryview(data)
        for offset in range(0, len(view), self.CHUNK):
            chunk = view[offset : offset + self.CHUNK]
            self._bucket.take(len(chunk))
            self._raw.write(chunk)  # type: ignore[attr-defined]
        return len(data)

    def __getattr__(self, name: str) -> object:
        return getattr(self._raw, name)


def limit_bandwidth(world: World, rate: float) -> TokenBucket:
    """From now on every byte the world sends goes through one ``TokenBucket`` of ``rate`` bytes/s.

    A wrapper rather than a hook: hooks choose answers, but the rate must hold while the body is written.
    The running server builds a handler per connection from ``RequestHandlerClass``, so swapping that
    class is enough (tests/world stays untouched)."""
    bucket = TokenBucket(rate)

    class Throttled(_Handler):
        def setup(self) -> None:
            super().setup()
            self.wfile = _ThrottledWriter(self.wfile, bucket)  # type: ignore[assignment]

    world._server.RequestHandlerClass = Throttled  # type: ignore[union-attr]
    return bucket


def total_requests(world: World) -> int:
    return sum(world.state.requests.values())


def total_bytes(world: World) -> int:
    return sum(world.state.bytes.values())
