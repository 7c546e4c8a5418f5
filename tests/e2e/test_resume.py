"""Never download a byte twice: kill -9 at chosen moments, then resume.

Each kill is triggered by an event (the fixture server holding a response half sent, a temporary
MP4 appearing), never by a timer, and the test asserts the process was still running when killed.
The resumed archive must equal a clean run's, and the server's counters must show that finished
files were not fetched again and that a partial file resumed with ``Range``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli, start_cli
from tests.e2e.packs import in_pack
from tests.world import Request, Response, World
from tests.world.catalog import FixtureTalk

from .video import assert_in_sync

pytestmark = pytest.mark.e2e


def _start(world_config: Path, root: Path, *urls: str, extra: tuple[str, ...] = ()) -> subprocess.Popen:
    return start_cli("archive", *urls, "-o", root, "--config", world_config, *extra, stdout=subprocess.DEVNULL)


def _kill9(proc: subprocess.Popen) -> None:
    assert proc.poll() is None, "the archive process ended before the kill: the test proves nothing"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)


def _wait_for(predicate: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


@pytest.fixture
def hooks(world: World) -> Iterator[list]:
    world.state.reset()
    yield world.state.hooks
    world.state.hooks.clear()


def _holding(host: str, path: str, body: bytes, ctype: str, stalled: threading.Event, release: threading.Event):
    """A hook that answers the first request for ``path`` with half of ``body``, then holds."""
    fired = []

    def hook(req: Request) -> Response | None:
        if req.host == host and req.path == path and not fired:
            fired.append(req)
            return Response(
                body=body, content_type=ctype, stall_after=len(body) // 2, on_stall=stalled.set, release=release,
                abort_after_stall=True,
            )  # fmt: skip
        return None

    return hook


def _assert_complete(world: World, root: Path, talk: FixtureTalk) -> None:
    """The archive of ``talk`` is what a clean run gives: slides byte-identical, the video in sync."""
    entry = json.loads((root / "index.json").read_text())["talks"][0]
    assert entry["status"] == "done", entry["error"]
    count = len(talk.slide_times_ms)
    for slide in entry["slides"]:
        assert (root / slide["image"]).read_bytes() == world.slide_bytes(talk, slide["index"])
    assert_in_sync(root / entry["video"], {n: world.shown_bytes(talk, n) for n in range(1, count + 1)},
                   [0, *talk.sorted_times[1:]])  # fmt: skip
    leftovers = [p for p in root.rglob("*") if p.name.endswith((".part", ".part.json", ".tmp.mp4"))]
    assert not leftovers


def test_kill_while_a_slide_is_half_sent_then_resume_with_range(
    world: World, world_config: Path, hooks: list, tmp_path: Path
) -> None:
    talk = world.talks["iclr"]
    name = talk.image_name(2)
    path = f"/{talk.pid}/slides/original/{name}.png"
    body = world.slide_bytes(talk, 2)
    stalled, release = threading.Event(), threading.Event()
    hooks.append(_holding("slides.slideslive.com", path, body, "image/png", stalled, release))
    root = tmp_path / "archive"
    proc = _start(world_config, root, talk.url)
    try:
        assert stalled.wait(60), "the slide was never requested"
        slides = root / talk.title / "slides"
        _wait_for(lambda: (slides / "0001.png").exists() and (slides / "0003.png").exists(), "the other slides")
        _wait_for(lambda: (slides / "0002.part").exists() and (slides / "0002.part").stat().st_size == len(body) // 2,
                  "the first half on disk")  # fmt: skip
        _kill9(proc)
    finally:
        release.set()
    hooks.clear()
    world.state.reset()
    result = run_cli("archive", talk.url, "-o", root, "--config", world_config)
    assert result.returncode == 0, result.stderr
    key = f"/slides.slideslive.com{path}"
    assert world.state.requests[key] == 1
    resumed = next(r for r in world.state.log if r.key == key)
    assert resumed.headers["range"] == f"bytes={len(body) // 2}-" and resumed.headers["if-range"].startswith('"')
    assert world.state.bytes[key] == len(body) - len(body) // 2  # only the missing half travelled
    for n in (1, 3):  # finished before the kill: not fetched again
        assert world.state.requests[f"/slides.slideslive.com/{talk.pid}/slides/original/{talk.image_name(n)}.png"] == 0
    _assert_complete(world, root, talk)


@pytest.mark.parametrize("packed", [True, False], ids=["packed", "a-file-each"])
def test_kill_while_a_media_segment_is_half_sent(world: World, hooks: list, tmp_path: Path, packed: bool) -> None:
    """Small segments are packed (fetch/pack.py): the complete ones are kept, the held one, only in memory,
    is fetched again whole. With ``packed_segment_bytes = 0`` each segment is a file and the held one
    resumes by Range from its half on disk."""
    talk = world.talks["ben"]
    config = tmp_path / "config.toml"
    config.write_text(world.config_toml("" if packed else "\n[network]\npacked_segment_bytes = 0\n"))
    folder = world.media_path(talk).parent
    segments = sorted((folder / "audio").glob("*.ts"))
    assert len(segments) >= 3
    held = segments[1]
    size, half = held.stat().st_size, held.stat().st_size // 2
    stalled, release = threading.Event(), threading.Event()
    path = f"/Y{talk.pid}_fx/audio/{held.name}"
    hooks.append(_holding("yoda-1.fixture.invalid", path, held.read_bytes(), "video/mp2t", stalled, release))
    root = tmp_path / "archive"
    pieces = root / ".confarchive" / "work" / f"slideslive-{talk.pid}" / "media" / "hls" / "main"
    part = pieces / "seg-00002.ts.part"  # the held segment, second of the playlist
    others = len(segments) - 1
    slides = root / talk.title / "slides"
    every_slide = [slides / f"{n:04d}.png" for n in range(1, len(talk.slide_times_ms) + 1)]
    proc = _start(config, root, talk.url)
    try:
        assert stalled.wait(60), "the segment was never requested"
        # slides and media come at once (two hosts): the kill waits for the slides, so that the run is
        # waiting for the held segment only
        _wait_for(lambda: all(p.exists() for p in every_slide), "every slide on disk")
        if packed:  # every other segment in the pack
            _wait_for(lambda: len(in_pack(pieces)) == others, "the other segments packed")
            assert not part.exists()  # a small segment never reaches the disk before it is complete
        else:
            _wait_for(lambda: part.exists() and part.stat().st_size == half, "the first half of the segment on disk")
        _kill9(proc)
    finally:
        release.set()
    hooks.clear()
    if packed:
        complete = {int(name[4:9]) - 1 for name in in_pack(pieces)}
        assert len(complete) == others and not list(pieces.glob("seg-*"))
    else:
        complete = {int(p.stem.split("-")[1]) - 1 for p in pieces.glob("seg-*.ts")}  # one file per segment
    assert 1 not in complete
    world.state.reset()
    result = run_cli("archive", talk.url, "-o", root, "--config", config)
    assert result.returncode == 0, result.stderr
    prefix = f"/yoda-1.fixture.invalid/Y{talk.pid}_fx/audio/"
    asked = {n: world.state.requests[prefix + s.name] for n, s in enumerate(segments)}
    assert asked == {n: 0 if n in complete else 1 for n in range(len(segments))}  # complete ones never again
    (resumed,) = [r for r in world.state.log if r.path == path]
    if packed:
        assert "range" not in resumed.headers and world.state.bytes[resumed.key] == size
    else:
        assert resumed.headers["range"] == f"bytes={half}-"  # from where it stopped
        assert world.state.bytes[resumed.key] == size - half
    for n in range(1, len(talk.slide_times_ms) + 1):  # slides were all done before the kill
        assert world.state.requests[f"/slides.slideslive.com/{talk.pid}/slides/original/{talk.image_name(n)}.png"] == 0
    _assert_complete(world, root, talk)


def test_kill_during_the_merge_then_resume_without_downloading(
    world: World, world_config: Path, hooks: list, tmp_path: Path
) -> None:
    talk = world.talks["rs"]
    root = tmp_path / "archive"
    proc = _start(world_config, root, talk.url)
    work = root / ".confarchive" / "work"
    _wait_for(lambda: any(work.glob("*/merge/video.tmp.mp4")), "the temporary MP4", timeout=120)
    _kill9(proc)
    assert not list(root.glob("*/*.mp4"))  # nothing under a final name
    # the merge reads the segments through their local playlist: no joined audio file was written
    assert list(work.glob("*/media/hls/main/local.m3u8")) and not list(work.glob("*/media/media.m*"))
    world.state.reset()
    result = run_cli("archive", talk.url, "-o", root, "--config", world_config)
    assert result.returncode == 0, result.stderr
    downloads = [k for k in world.state.requests if k.endswith((".png", ".ts", ".m4a"))]
    assert downloads == []  # slides and media were verified on disk: only the merge ran again
    _assert_complete(world, root, talk)


def test_ctrl_c_stops_cleanly_with_exit_130_and_resumes(
    world: World, world_config: Path, hooks: list, tmp_path: Path
) -> None:
    talk = world.talks["iclr"]
    name = talk.image_name(3)
    path = f"/{talk.pid}/slides/original/{name}.png"
    stalled, release = threading.Event(), threading.Event()
    hooks.append(_holding("slides.slideslive.com", path, world.slide_bytes(talk, 3), "image/png", stalled, release))
    root = tmp_path / "archive"
    proc = _start(world_config, root, talk.url)
    try:
        assert stalled.wait(60)
        assert proc.poll() is None
        proc.send_signal(signal.SIGINT)
        time.sleep(0.3)
    finally:
        release.set()
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr
    status = run_cli("status", "-o", root)
    assert "0 done, 0 failed, 1 pending" in status.stdout, status.stdout
    hooks.clear()
    result = run_cli("archive", talk.url, "-o", root, "--config", world_config)
    assert result.returncode == 0, result.stderr
    _assert_complete(world, root, talk)


def test_a_corrupt_media_result_is_wiped_and_downloaded_again_once(
    world: World, world_config: Path, hooks: list, tmp_path: Path
) -> None:
    talk = world.talks["unquoted"]  # direct .m4a media
    media = world.media_path(talk).read_bytes()
    served: list[int] = []

    def truncated_once(req: Request) -> Response | None:
        if req.host == "media.fixture.invalid" and req.path == f"/talks/{talk.pid}.m4a" and not served:
            served.append(1)  # a complete HTTP answer whose bytes are a broken file (no moov atom)
            return Response(body=media[: len(media) // 3], content_type="audio/mp4")
        return None

    hooks.append(truncated_once)
    root = tmp_path / "archive"
    result = run_cli("archive", talk.url, "-o", root, "--config", world_config)
    assert result.returncode == 0, result.stderr
    assert "downloading it again from scratch" in result.stderr
    assert world.state.requests[f"/media.fixture.invalid/talks/{talk.pid}.m4a"] == 2
    _assert_complete(world, root, talk)


def test_a_short_hls_segment_is_caught_by_the_final_ffprobe_and_the_media_fetched_again_once(
    world: World, world_config: Path, hooks: list, tmp_path: Path
) -> None:
    """A talk's HLS audio is read by the merge straight from its local playlist: nothing judged it before the
    final MP4's ffprobe. A last segment answered with a third of its bytes (a complete HTTP answer: its
    announced length is the third) leaves the audio seconds short of what the playlist announced; the merge
    must refuse it, wipe the media and fetch all of it once more, never resuming on top of it."""
    talk = world.talks["ben"]
    segments = sorted((world.media_path(talk).parent / "audio").glob("*.ts"))
    last = segments[-1]
    path = f"/Y{talk.pid}_fx/audio/{last.name}"
    served: list[int] = []

    def short_once(req: Request) -> Response | None:
        if req.host == "yoda-1.fixture.invalid" and req.path == path and not served:
            served.append(1)
            return Response(body=last.read_bytes()[: last.stat().st_size // 3], content_type="video/mp2t")
        return None

    hooks.append(short_once)
    root = tmp_path / "archive"
    result = run_cli("archive", talk.url, "-o", root, "--config", world_config)
    assert result.returncode == 0, result.stderr
    assert "playlist announced" in result.stderr and "downloading the media again from scratch" in result.stderr
    prefix = f"/yoda-1.fixture.invalid/Y{talk.pid}_fx/audio/"
    assert {s.name: world.state.requests[prefix + s.name] for s in segments} == {s.name: 2 for s in segments}
    _assert_complete(world, root, talk)
