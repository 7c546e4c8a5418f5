"""``status``, ``retry`` and a lost manifest, on a small real archive."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.world import Request, Response, World
from tests.world.pages import poster_page

pytestmark = pytest.mark.e2e


def test_status_retry_and_a_lost_manifest(world: World, world_config: Path, tmp_path: Path) -> None:
    good, bad = world.talks["unquoted"], world.talks["no-video"]
    root = tmp_path / "archive"
    first = run_cli("archive", good.url, bad.url, "-o", root, "--config", world_config)
    assert first.returncode == 1

    status = run_cli("status", "-o", root)
    assert status.returncode == 0
    assert "talks: 1 done, 1 failed, 0 pending (2 in all)" in status.stdout
    assert f"failed (permanent): {bad.url}: no video found on {bad.url}" in status.stdout
    assert "on disk: " in status.stdout

    # a page without video is a permanent failure: retry leaves it alone unless --all
    world.state.reset()
    again = run_cli("retry", "-o", root, "--config", world_config)
    assert again.returncode == 1
    assert "permanent" in again.stderr and "--all" in again.stderr
    assert sum(world.state.requests.values()) == 0
    again = run_cli("retry", "--all", "-o", root, "--config", world_config)
    assert again.returncode == 1
    assert world.state.requests[f"/{bad.page_host}{bad.page_path}"] == 2  # static, then in the browser
    assert all(path.startswith(f"/{bad.page_host}/") for path in world.state.requests)

    # the site fixes the page: now it embeds a talk, and retry archives it
    fixed = world.talks["embed"]

    def now_with_video(req: Request) -> Response | None:
        if req.host == bad.page_host and req.path == bad.page_path:
            html = poster_page(good, world.talks.__getitem__)
            return Response(body=html.replace(good.pid, fixed.pid).encode(), content_type="text/html")
        return None

    world.state.hooks.append(now_with_video)
    try:
        retried = run_cli("retry", "--all", "-o", root, "--config", world_config)
    finally:
        world.state.hooks.remove(now_with_video)
    assert retried.returncode == 0, retried.stderr
    assert "talks: 2 done, 0 failed, 0 pending (2 in all)" in run_cli("status", "-o", root).stdout
    assert "no failed talks" in run_cli("retry", "-o", root, "--config", world_config).stderr

    # the database is lost: talk.json files rebuild it, and nothing is downloaded again
    (root / ".confarchive" / "manifest.sqlite").unlink()
    world.state.reset()
    rerun = run_cli("archive", good.url, "-o", root, "--config", world_config)
    assert rerun.returncode == 0, rerun.stderr
    assert sum(world.state.requests.values()) == 0
    assert "2 done" in run_cli("status", "-o", root).stdout


def test_retry_takes_transient_failures_and_leaves_permanent_ones(
    world: World, world_config: Path, tmp_path: Path
) -> None:
    gone, busy = world.talks["rs"], world.talks["miniconf"]
    media = f"/media.fixture.invalid/talks/{busy.pid}.m4a"
    down = {"on": True}

    def faults(req: Request) -> Response | None:
        if req.host == gone.page_host and req.path == gone.page_path:
            return Response(404, b"Not Found")
        if req.key == media and down["on"]:
            return Response(503, b"busy", headers={"Retry-After": "0"})
        return None

    config = tmp_path / "config.toml"
    config.write_text(world_config.read_text() + "\n[network]\nretries = 1\nbackoff_s = 0.01\n")
    root = tmp_path / "archive"
    world.state.hooks.append(faults)
    try:
        first = run_cli("archive", gone.url, busy.url, "-o", root, "--config", config)
        assert first.returncode == 1
        status = run_cli("status", "-o", root).stdout
        assert f"failed (permanent): {gone.url}: HTTP 404" in status
        assert f"failed (transient): {busy.url}: HTTP 503" in status
        down["on"] = False
        world.state.reset()
        retried = run_cli("retry", "-o", root, "--config", config)
    finally:
        world.state.hooks.remove(faults)
    assert retried.returncode == 1  # the permanent failure remains
    assert world.state.requests[f"/{gone.page_host}{gone.page_path}"] == 0
    assert world.state.requests[media] == 1
    assert "talks: 1 done, 1 failed" in run_cli("status", "-o", root).stdout


def test_status_of_a_folder_that_is_not_an_archive(tmp_path: Path) -> None:
    result = run_cli("status", "-o", tmp_path)
    assert result.returncode == 2
    assert "is not a confarchive archive" in result.stderr
