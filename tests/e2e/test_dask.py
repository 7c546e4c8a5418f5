"""Scale-out on a Dask LocalCluster of 2 worker processes: the same archive as the local executor, a
worker killed mid-run does not stop it, and the per-host limit holds across workers."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import dask
import pytest
from distributed import Client, LocalCluster

from tests.conftest import run_cli
from tests.world import Request, Response, World

pytestmark = pytest.mark.e2e
NAMES = ("iclr", "miniconf", "ben", "rs", "mixed", "video-slides")


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[str, Client]]:
    # a dead worker's lock must be released sooner than the default 30 s lease, but a lease must not
    # expire under a busy worker either (Dask would then overbook the per-host semaphore)
    with dask.config.set({"distributed.scheduler.locks.lease-timeout": "10s",
                          "distributed.scheduler.locks.lease-validation-interval": "2s"}):  # fmt: skip
        cluster = LocalCluster(
            n_workers=2, threads_per_worker=2, processes=True, resources={"FFMPEG": 1}, dashboard_address=None
        )
        client = Client(cluster)
        yield cluster.scheduler_address.replace("tcp://", "dask://"), client
        client.close()
        cluster.close()


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
    remote = run_cli(
        "archive", *urls, "-o", tmp_path / "dask", "--config", world_config, "--no-browser", "--executor", address,
        "-j", "4",
    )  # fmt: skip
    assert remote.returncode == 0, remote.stderr
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
