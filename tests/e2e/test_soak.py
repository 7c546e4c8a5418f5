"""Soak: 60 talks with 10 % of all requests failing at random (seeded: 5xx answers and bodies cut
mid-stream) end complete, with slides byte-identical to a fault-free run and videos of the same
duration and frame count."""

from __future__ import annotations

import json
import random
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.world import Request, Response, World
from tests.world.catalog import FixtureTalk

pytestmark = pytest.mark.e2e
TALKS = 60


@pytest.fixture(scope="module")
def soak_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    talks = tuple(
        FixtureTalk(
            name=f"soak-{i}", pid=f"9960{i:04d}", forum=f"soak{i}", page="single", conference="ACL 2020",
            title=f"Soak talk {i}", authors=("Chaos Monkey",), slide_times_ms=(0, 1250 + i), duration_ms=3000,
            media="yoda" if i % 3 == 0 else "url",
        )
        for i in range(TALKS)
    )  # fmt: skip
    world = World(tmp_path_factory.mktemp("soak-cache"), talks).start()
    yield world
    world.stop()


def _chaos(seed: int, rate: float) -> tuple[callable, list[int]]:
    rng = random.Random(seed)
    lock = threading.Lock()
    faults = [0]

    def hook(req: Request) -> Response | None:
        with lock:
            roll = rng.random()
            kind = rng.choice(("status", "cut"))
        if roll >= rate:
            return None
        faults[0] += 1
        if kind == "status":
            return Response(rng.choice((500, 502, 503)), b"chaos")
        return Response(body=b"\0" * 4096, content_type="application/octet-stream", stall_after=100,
                        release=_released(), abort_after_stall=True, ranges=False)  # fmt: skip

    return hook, faults


def _released() -> threading.Event:
    event = threading.Event()
    event.set()
    return event


def _videos(root: Path) -> dict[str, tuple[float, int]]:
    out = {}
    for talk in json.loads((root / "index.json").read_text())["talks"]:
        probe = subprocess.run(
            ["ffprobe", "-v", "error", "-count_packets", "-select_streams", "v:0", "-show_entries",
             "stream=nb_read_packets:format=duration", "-of", "json", str(root / talk["video"])],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        data = json.loads(probe.stdout)
        out[talk["source_url"]] = (float(data["format"]["duration"]), int(data["streams"][0]["nb_read_packets"]))
    return out


def test_soak_with_random_faults_matches_a_clean_run(soak_world: World, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(soak_world.config_toml() + "\n[network]\nbackoff_s = 0.02\nretries = 8\n")
    urls = [t.url for t in soak_world.talks.values()]
    clean = run_cli("archive", *urls, "-o", tmp_path / "clean", "--config", config, "-j", "6", "--no-browser")
    assert clean.returncode == 0, clean.stderr
    hook, faults = _chaos(seed=20261123, rate=0.10)
    soak_world.state.hooks.append(hook)
    try:
        chaotic = run_cli("archive", *urls, "-o", tmp_path / "chaos", "--config", config, "-j", "4", "--no-browser")
    finally:
        soak_world.state.hooks.remove(hook)
    assert faults[0] > 20, "the chaos hook hardly fired: the test proves nothing"
    assert chaotic.returncode == 0, chaotic.stderr
    clean_slides = sorted(p.relative_to(tmp_path / "clean") for p in (tmp_path / "clean").glob("*/slides/*"))
    chaos_slides = sorted(p.relative_to(tmp_path / "chaos") for p in (tmp_path / "chaos").glob("*/slides/*"))
    assert clean_slides == chaos_slides and len(clean_slides) == 2 * TALKS
    for rel in clean_slides:
        assert (tmp_path / "chaos" / rel).read_bytes() == (tmp_path / "clean" / rel).read_bytes()
    assert _videos(tmp_path / "chaos") == _videos(tmp_path / "clean")
