"""One broken talk never stops the others; each failure is recorded with a one-line reason."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from tests.world import Request, Response, World


def test_failing_talks_are_recorded_and_the_others_archived(world: World, world_config: Path, tmp_path: Path) -> None:
    broken = world.talks["ben"]  # slides JSON and XML both malformed
    good = world.talks["embed"]
    missing = "https://acl.fixture.invalid/paper_404.html"

    def malformed(req: Request) -> Response | None:
        if req.host == "slides.slideslive.com" and req.path.startswith(f"/{broken.pid}/"):
            if req.path.endswith(".json"):
                return Response(body=b'{"slides": "not a list"}', content_type="application/json")
            if req.path.endswith(".xml"):
                return Response(body=b"<videoContent><slide><orderId>1", content_type="application/xml")
        return None

    world.state.hooks.append(malformed)
    try:
        urls = tmp_path / "urls.txt"
        urls.write_text(f"{broken.url}\n{missing}\nnot a url at all\n{good.url}\n")
        result = run_cli("archive", "-i", urls, "-o", tmp_path / "archive", "--config", world_config)
    finally:
        world.state.hooks.remove(malformed)
    assert result.returncode == 1
    assert "line 3: not an http(s) URL: not a url at all" in result.stderr
    index = {t["source_url"]: t for t in json.loads((tmp_path / "archive" / "index.json").read_text())["talks"]}
    assert index[good.url]["status"] == "done"
    assert index[missing]["status"] == "failed"
    assert index[missing]["error"] == f"HTTP 404 for {missing} (expected the talk page)"
    assert index[broken.url]["status"] == "failed"
    error = index[broken.url]["error"]
    assert "no usable slides" in error and "has no 'slides' list" in error and "malformed" in error
    assert "\n" not in error
    assert index[broken.url]["title"] == broken.title  # what was resolved stays known
    assert not (tmp_path / "archive" / broken.title).exists() or not list(
        (tmp_path / "archive" / broken.title).glob("*.mp4")
    )
