"""The fast HLS path end to end: real HTTP against the fixture world, real ffmpeg joining the segments.

The joined audio is compared with the AAC source the variant was cut from, packet by packet (size and
MD5 of every packet), so a doubled, lost or truncated segment cannot pass as a slightly longer file.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import m3u8
import pytest

from confarchive.core.errors import Interrupted
from confarchive.core.net import Http
from confarchive.core.settings import NetworkSettings, Rewrite
from confarchive.fetch.hls import PACKED_BYTES, Unsupported, fetch_segments, join, plan_track
from confarchive.media.probe import probe
from tests.e2e.packs import in_pack
from tests.world import Request, Response, World
from tests.world import hlsvariants as hv

pytestmark = pytest.mark.e2e

PER_HOST = 3
AUDIO = "/ts/audio/"  # the yoda-style variant's audio rendition, as the world sees its paths


@pytest.fixture(scope="module")
def variants(world: World) -> Path:
    return hv.make_variants(world.cache / "hlsvariants")


@pytest.fixture
def served(hooks: list, variants: Path) -> list:
    """The world's hooks with the variants served; a test puts its faults in front (``insert(0, ...)``)."""
    hooks.append(hv.route(variants))
    return hooks


def _rewrites(world: World) -> list[tuple[str, str]]:
    return [*world.rewrites(), hv.rewrite(world.base)]


@pytest.fixture
def client(world: World) -> Iterator[Http]:
    net = NetworkSettings(per_host_connections=PER_HOST, backoff_s=0.01, retries=3)
    http = Http(net, tuple(Rewrite(p, r) for p, r in _rewrites(world)))
    yield http
    http.close()


def _packets(path: Path) -> list[tuple[str, str]]:
    """(size, MD5) of every audio packet, timestamps aside (a TS segment starts at 1.4 s, an MP4 at 0)."""
    out = subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-i", str(path), "-map", "0:a", "-c", "copy",
         "-f", "framemd5", "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rows = [line.split(",") for line in out.splitlines() if line and not line.startswith("#")]
    return [(row[4].strip(), row[5].strip()) for row in rows]


def _source_packets(variants: Path, name: str) -> list[tuple[str, str]]:
    return [p for src in hv.sources(variants, name) for p in _packets(src)]


def _source_seconds(variants: Path, name: str) -> float:
    return sum(probe("ffprobe", src).duration_ms for src in hv.sources(variants, name)) / 1000


def _segments(variants: Path, folder: str) -> list[Path]:
    return sorted((variants / folder.strip("/")).glob("seg_*.ts"))


@dataclass(frozen=True)
class Joined:
    """What the tests check of one HLS fetch: the joined file, the announced duration, the pieces."""

    path: Path
    duration_s: float
    segments: int  # in the local playlists
    files: dict[str, int]  # what holds them (packs, segments of their own, init sections) and their sizes
    scratch: Path


def fetch_hls(http: Http, url: str, workdir: Path, *, want_video: bool = False, **kwargs: Any) -> Joined:
    """The production steps as ``fetch/media.py`` takes them for two tracks: the segments, then the join."""
    segments = fetch_segments(http, url, workdir, want_video=want_video, **kwargs)
    path = join("ffmpeg", segments, workdir, want_video)
    count = sum(len(m3u8.load(str(p)).segments) for p in segments.playlists)
    return Joined(path, segments.duration_s, count, segments.sizes, segments.scratch)


def _assert_complete(result: Joined, variants: Path, name: str) -> None:
    found = probe("ffprobe", result.path)
    assert found.audio_codec == "aac"
    assert abs(found.duration_ms / 1000 - _source_seconds(variants, name)) < 0.1
    assert abs(found.duration_ms / 1000 - result.duration_s) < 0.1
    assert _packets(result.path) == _source_packets(variants, name)


def _media_bytes(world: World) -> dict[str, int]:
    return {k: n for k, n in world.state.bytes.items() if k.startswith(f"/{hv.HOST}/") and not k.endswith(".m3u8")}


def test_segments_are_fetched_in_parallel_within_the_per_host_limit(
    world: World, served: list, client: Http, variants: Path, tmp_path: Path
) -> None:
    def latency(req: Request) -> Response | None:
        if req.host == hv.HOST and req.path.startswith(AUDIO + "seg_"):
            time.sleep(0.05)
        return None

    served.insert(0, latency)
    world.state.reset()
    result = fetch_hls(client, hv.url("ts"), tmp_path, referer="https://talks.example.org/1", segment_jobs=8)
    segments = _segments(variants, AUDIO)
    assert 1 < world.state.peak <= PER_HOST
    assert all(world.state.requests[f"/{hv.HOST}{AUDIO}{s.name}"] == 1 for s in segments)
    assert {r.headers.get("referer") for r in world.state.log} == {"https://talks.example.org/1"}
    assert result.path == tmp_path / "media.m4a" and result.segments == len(segments)
    assert list(result.files) == ["hls/main/pack.ts"]  # every segment small enough for the pack
    _assert_complete(result, variants, "ts")


@pytest.mark.parametrize("name", ["ts", "fmp4", "single", "discontinuity"])
def test_the_joined_audio_is_the_source_packet_for_packet(
    world: World, served: list, client: Http, variants: Path, tmp_path: Path, name: str
) -> None:
    result = fetch_hls(client, hv.url(name), tmp_path)
    _assert_complete(result, variants, name)
    on_disk = {p.relative_to(tmp_path).as_posix(): p.stat().st_size for p in result.scratch.rglob("*")
               if p.name.startswith(("seg-", "init-", "pack.")) and not p.name.endswith(".jsonl")}  # fmt: skip
    assert on_disk == result.files
    assert sum(_media_bytes(world).values()) == sum(on_disk.values())  # each byte once
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith((".part", ".part.json")) or ".tmp." in p.name]
    world.state.reset()
    again = fetch_hls(client, hv.url(name), tmp_path)  # finished: only the playlists are read again
    assert again.path.read_bytes() == result.path.read_bytes()
    assert all(k.endswith(".m3u8") for k in world.state.requests)


def test_segments_above_the_packed_size_are_files_of_their_own_in_the_same_request(
    world: World, served: list, client: Http, variants: Path, tmp_path: Path
) -> None:
    """An answer announcing more than ``packed_bytes`` is written to its own file as it arrives: no second
    request, no byte twice, and the local playlist mixes ranges of the pack with files."""
    sizes = sorted(p.stat().st_size for p in _segments(variants, AUDIO))
    limit = sizes[len(sizes) // 2]
    world.state.reset()
    result = fetch_hls(client, hv.url("ts"), tmp_path, packed_bytes=limit)
    _assert_complete(result, variants, "ts")
    own = {name: n for name, n in result.files.items() if "/seg-" in name}
    assert sorted(own.values()) == [n for n in sizes if n > limit] and "hls/main/pack.ts" in result.files
    assert result.files["hls/main/pack.ts"] == sum(n for n in sizes if n <= limit)
    for segment in _segments(variants, AUDIO):
        key = f"/{hv.HOST}{AUDIO}{segment.name}"
        assert (world.state.requests[key], world.state.bytes[key]) == (1, segment.stat().st_size), segment.name


def test_video_and_its_separate_audio_rendition_are_muxed(
    world: World, served: list, client: Http, variants: Path, tmp_path: Path
) -> None:
    result = fetch_hls(client, hv.url("ts"), tmp_path, want_video=True)
    found = probe("ffprobe", result.path, count_video_packets=True)
    assert result.path.name == "media.mp4"
    assert found.video_codec == "h264" and (found.width, found.height) == (320, 180)
    assert found.video_packets == 5 * 20  # 20 s at 5 fps
    _assert_complete(result, variants, "ts")
    assert world.state.requests[f"/{hv.HOST}/ts/video/index.m3u8"] == 1


def test_a_segment_cut_mid_body_and_a_503_cost_nothing_twice(
    world: World, served: list, client: Http, variants: Path, tmp_path: Path
) -> None:
    segments = _segments(variants, AUDIO)
    cut, busy = segments[3], segments[5]
    half = cut.stat().st_size // 2
    fired: set[str] = set()

    def faults(req: Request) -> Response | None:
        if req.host != hv.HOST or req.path in fired:
            return None
        if req.path == AUDIO + cut.name:
            fired.add(req.path)
            return Response(file=cut, content_type="video/mp2t", stall_after=half, abort_after_stall=True)
        if req.path == AUDIO + busy.name:
            fired.add(req.path)
            return Response(503)
        return None

    served.insert(0, faults)
    world.state.reset()
    result = fetch_hls(client, hv.url("ts"), tmp_path)
    _assert_complete(result, variants, "ts")
    sent = _media_bytes(world)
    for segment in segments:
        key = f"/{hv.HOST}{AUDIO}{segment.name}"
        assert sent[key] == segment.stat().st_size, segment.name  # the cut half + the rest: once in all
        assert world.state.requests[key] == (2 if segment in (cut, busy) else 1), segment.name
    resumed = [r for r in world.state.log if r.path == AUDIO + cut.name][1]
    assert resumed.headers["range"] == f"bytes={half}-"


def test_a_byte_range_cut_mid_body_resumes_inside_its_range(
    world: World, served: list, client: Http, variants: Path, tmp_path: Path
) -> None:
    whole = variants / "single" / "media.mp4"
    track = plan_track((variants / "single" / "index.m3u8").read_text(), hv.url("single"))
    first, last = track.pieces[3].byte_range or (0, 0)
    half = (last - first + 1) // 2
    fired: list[Request] = []

    def cut(req: Request) -> Response | None:
        if req.host == hv.HOST and req.headers.get("range") == f"bytes={first}-{last}" and not fired:
            fired.append(req)
            return Response(file=whole, content_type="video/mp4", stall_after=half, abort_after_stall=True)
        return None

    served.insert(0, cut)
    world.state.reset()
    result = fetch_hls(client, hv.url("single"), tmp_path)
    _assert_complete(result, variants, "single")
    ranges = [r.headers["range"] for r in world.state.log if r.path == "/single/media.mp4"]
    assert sorted(ranges) == sorted(
        [f"bytes={p.byte_range[0]}-{p.byte_range[1]}" for p in track.pieces if p.byte_range]
        + [f"bytes={first + half}-{last}"]
    )
    assert world.state.bytes[f"/{hv.HOST}/single/media.mp4"] == whole.stat().st_size  # every byte once


def test_a_server_ignoring_ranges_is_refused_for_a_byte_range_playlist(
    served: list, client: Http, variants: Path, tmp_path: Path
) -> None:
    whole = variants / "single" / "media.mp4"

    def no_ranges(req: Request) -> Response | None:
        if req.host == hv.HOST and req.path == "/single/media.mp4":
            return Response(file=whole, content_type="video/mp4", ranges=False)
        return None

    served.insert(0, no_ranges)
    with pytest.raises(Unsupported, match="ignores byte ranges"):
        fetch_hls(client, hv.url("single"), tmp_path)


@pytest.mark.parametrize(
    ("name", "reason"),
    [("encrypted", r"encrypted \(EXT-X-KEY METHOD=AES-128\)"), ("live", "live or event playlist.*EXT-X-ENDLIST")],
)
def test_what_the_fast_path_cannot_do_is_refused_before_any_segment(
    world: World, served: list, client: Http, tmp_path: Path, name: str, reason: str
) -> None:
    with pytest.raises(Unsupported, match=reason):
        fetch_hls(client, hv.url(name), tmp_path)
    assert list(world.state.requests) == [f"/{hv.HOST}/{hv.PLAYLISTS[name]}"]


def test_cancel_stops_with_interrupted_and_the_next_run_finishes(
    world: World, served: list, client: Http, variants: Path, tmp_path: Path
) -> None:
    cancel = threading.Event()
    with pytest.raises(Interrupted):
        fetch_hls(client, hv.url("ts"), tmp_path, cancel=cancel, on_bytes=lambda n: cancel.set())
    assert not (tmp_path / "media.m4a").exists()
    _wait_for(lambda: world.state.active == 0, "the server to finish the answers the cancel abandoned")
    world.state.reset()  # before that, bytes of the first run could still count towards the second
    received: list[int] = []
    result = fetch_hls(client, hv.url("ts"), tmp_path, on_bytes=received.append)
    _assert_complete(result, variants, "ts")
    assert sum(received) == sum(_media_bytes(world).values())


CHILD = """
import json, sys
from pathlib import Path
from confarchive.fetch.hls import fetch_segments
from confarchive.core.net import Http
from confarchive.core.settings import NetworkSettings, Rewrite
rewrites, url, workdir, per_host = json.loads(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
http = Http(NetworkSettings(per_host_connections=per_host, backoff_s=0.01), tuple(Rewrite(*r) for r in rewrites))
packed = int(sys.argv[5])
fetch_segments(http, url, workdir, segment_jobs=8, packed_bytes=packed)  # killed while it runs: no join
"""


def _wait_for(predicate: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def _local(segment: str) -> str:
    """``seg_003.ts`` (the source's name, 0-based) is ``seg-00004.ts`` in the work folder."""
    return f"seg-{int(segment[4:7]) + 1:05d}.ts"


@pytest.mark.parametrize("packed", [PACKED_BYTES, 1], ids=["packed", "spilled"])
def test_kill_9_midway_then_resume_keeps_every_complete_segment(
    world: World, served: list, client: Http, variants: Path, tmp_path: Path, packed: int
) -> None:
    """The first three segment requests are answered, the next three stall half sent: a child process
    fetching the variant is killed with SIGKILL then, and the re-run must fetch only what was missing.
    Packed (the segments are small), the complete ones are in the pack and the stalled halves only in
    memory: they are fetched again whole. Spilled (every answer announces more than the 1 byte allowed
    in memory), each segment is a file and the halves on disk resume by Range."""
    done_first = 3
    order: list[str] = []
    lock = threading.Lock()
    stalls = threading.Semaphore(0)
    release = threading.Event()

    def hold(req: Request) -> Response | None:
        if req.host != hv.HOST or not req.path.startswith(AUDIO + "seg_"):
            return None
        with lock:
            order.append(req.path.rsplit("/", 1)[1])
            if len(order) <= done_first:
                return None
        body = variants / req.path.lstrip("/")
        half = body.stat().st_size // 2
        return Response(file=body, content_type="video/mp2t", stall_after=half, on_stall=stalls.release,
                        release=release, abort_after_stall=True)  # fmt: skip

    served.insert(0, hold)
    world.state.reset()
    work, log = tmp_path / "work", tmp_path / "child.log"
    args = [json.dumps(_rewrites(world)), hv.url("ts"), str(work), str(PER_HOST), str(packed)]
    with log.open("w") as stderr:
        proc = subprocess.Popen([sys.executable, "-c", CHILD, *args], stderr=stderr)
    folder = work / "hls" / "main"
    try:
        for _ in range(PER_HOST):
            assert stalls.acquire(timeout=30), "fewer stalled segments than connections"
        complete, partial = order[:done_first], order[done_first:]
        assert len(partial) == PER_HOST  # every slot is held: no other segment was started
        halves = {s: (variants / AUDIO.strip("/") / s).stat().st_size // 2 for s in partial}
        if packed > 1:
            _wait_for(lambda: in_pack(folder) == {_local(s) for s in complete}, "the first segments packed")
        else:
            _wait_for(lambda: all((folder / _local(s)).exists() for s in complete), "the first segments renamed")
            _wait_for(lambda: all(_size(folder / (_local(s) + ".part")) == halves[s] for s in partial), "halves")
        assert proc.poll() is None, f"the child ended before the kill: {log.read_text()}"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        release.set()
        if proc.poll() is None:
            proc.kill()
    if packed > 1:
        assert not list(folder.glob("seg-*"))  # nothing of a small segment on disk before it is complete
    served.remove(hold)
    world.state.reset()
    result = fetch_hls(client, hv.url("ts"), work, packed_bytes=packed)
    for segment in _segments(variants, AUDIO):
        key = f"/{hv.HOST}{AUDIO}{segment.name}"
        size = segment.stat().st_size
        if segment.name in complete:
            assert world.state.requests[key] == 0, segment.name
            continue
        assert world.state.requests[key] == 1, segment.name
        (request,) = [r for r in world.state.log if r.key == key]
        if segment.name in partial and packed == 1:
            assert request.headers["range"] == f"bytes={halves[segment.name]}-", segment.name
            assert world.state.bytes[key] == size - halves[segment.name]
        else:
            assert "range" not in request.headers and world.state.bytes[key] == size, segment.name
    _assert_complete(result, variants, "ts")
    clean = fetch_hls(client, hv.url("ts"), tmp_path / "clean")
    assert result.path.read_bytes() == clean.path.read_bytes()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1
