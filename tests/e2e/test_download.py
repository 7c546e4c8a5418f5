"""The resumable downloader against real HTTP faults, and politeness across a whole run."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from confarchive.core.errors import FetchError
from confarchive.core.net import Http
from confarchive.fetch.resumable import download, sidecar
from tests.conftest import run_cli
from tests.world import Request, Response, World

HOST = "media.fixture.invalid"
A = bytes(range(256)) * 400  # 100 KiB
B = bytes(reversed(range(256))) * 400


def _serve(path: str, answers: list[Response]) -> callable:
    """Answer ``path`` with ``answers`` in turn (the last one repeats)."""

    def hook(req: Request) -> Response | None:
        if req.host == HOST and req.path == path:
            return answers.pop(0) if len(answers) > 1 else answers[0]
        return None

    return hook


def test_a_body_cut_mid_stream_resumes_from_where_it_stopped(world: World, http: Http, hooks: list, tmp_path) -> None:
    released = threading.Event()
    released.set()
    cut = Response(body=A, content_type="video/mp4", stall_after=30_000, release=released, abort_after_stall=True)
    hooks.append(_serve("/cut.mp4", [cut, Response(body=A, content_type="video/mp4")]))
    part = tmp_path / "cut.mp4.part"
    assert download(http, f"https://{HOST}/cut.mp4", part, what="a file") == len(A)
    assert part.read_bytes() == A
    ranges = [r.headers.get("range") for r in world.state.log if r.path == "/cut.mp4"]
    assert ranges == [None, "bytes=30000-"]
    assert world.state.bytes[f"/{HOST}/cut.mp4"] == len(A)  # no byte twice


def test_a_partial_file_whose_remote_copy_changed_is_restarted_not_spliced(
    world: World, http: Http, hooks: list, tmp_path: Path
) -> None:
    part = tmp_path / "changed.mp4.part"
    part.write_bytes(A[:40_000])
    sidecar(part).write_text(json.dumps({"url": f"https://{HOST}/changed.mp4", "validator": '"old-etag"'}))
    hooks.append(_serve("/changed.mp4", [Response(body=B, content_type="video/mp4")]))
    assert download(http, f"https://{HOST}/changed.mp4", part, what="a file") == len(B)
    assert part.read_bytes() == B
    request = next(r for r in world.state.log if r.path == "/changed.mp4")
    assert request.headers["range"] == "bytes=40000-" and request.headers["if-range"] == '"old-etag"'


def test_a_server_that_ignores_range_still_gives_a_correct_file(
    world: World, http: Http, hooks: list, tmp_path: Path
) -> None:
    part = tmp_path / "norange.mp4.part"
    part.write_bytes(A[:40_000])
    sidecar(part).write_text(json.dumps({"url": f"https://{HOST}/norange.mp4", "validator": '"x"'}))
    hooks.append(_serve("/norange.mp4", [Response(body=A, content_type="video/mp4", ranges=False)]))
    assert download(http, f"https://{HOST}/norange.mp4", part, what="a file") == len(A)
    assert part.read_bytes() == A


def test_a_complete_part_is_recognised_by_416(world: World, http: Http, hooks: list, tmp_path: Path) -> None:
    hooks.append(_serve("/whole.mp4", [Response(body=A, content_type="video/mp4", etag='"v1"')]))
    part = tmp_path / "whole.mp4.part"
    part.write_bytes(A)
    sidecar(part).write_text(json.dumps({"url": f"https://{HOST}/whole.mp4", "validator": '"v1"'}))
    assert download(http, f"https://{HOST}/whole.mp4", part, what="a file") == len(A)
    assert world.state.bytes[f"/{HOST}/whole.mp4"] == 0


def test_a_short_body_is_an_error_not_a_file(world: World, http: Http, hooks: list, tmp_path: Path) -> None:
    released = threading.Event()
    released.set()
    short = Response(body=A, content_type="video/mp4", stall_after=1000, release=released, abort_after_stall=True,
                     ranges=False)  # fmt: skip
    hooks.append(_serve("/short.mp4", [short]))
    with pytest.raises(FetchError, match=r"short\.mp4"):
        download(http, f"https://{HOST}/short.mp4", tmp_path / "short.mp4.part", what="a file")


def test_per_host_limit_holds_across_the_whole_run(
    world: World, world_config: Path, hooks: list, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(world_config.read_text() + "\n[network]\nper_host_connections = 2\n")
    talks = [world.talks[n] for n in ("iclr", "miniconf", "rs", "keynote", "mixed")]
    world.state.reset()
    result = run_cli("archive", *[t.url for t in talks], "-o", tmp_path / "a", "--config", config, "-j", "4")
    assert result.returncode == 0, result.stderr
    assert world.state.peak == 2  # never more, and reached: the run really was parallel
