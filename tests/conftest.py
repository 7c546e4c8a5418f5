"""Shared fixtures: the fixture world (one per test session) and a runner for the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from confarchive.core.net import Http
from confarchive.core.settings import NetworkSettings, Rewrite
from tests.world import Request, World
from tests.world.catalog import FixtureTalk


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    w = World(tmp_path_factory.mktemp("world-cache")).start()
    yield w
    w.stop()


@pytest.fixture(scope="session")
def world_config(world: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("config") / "config.toml"
    path.write_text(world.config_toml())
    return path


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def cli_command(*args: str | Path) -> list[str]:
    """The command line of the real ``confarchive`` with these arguments."""
    return [sys.executable, "-m", "confarchive", *map(str, args)]


def start_cli(*args: str | Path, stdout: int | None = None) -> subprocess.Popen:
    """The real ``confarchive`` started in the background (tests kill it on events); stderr piped."""
    return subprocess.Popen(cli_command(*args), stdout=stdout, stderr=subprocess.PIPE, env=cli_env(), text=True)


def require_or_skip(present: bool, what: str) -> None:
    """Skip a test whose system part is missing on a developer's machine, but fail under CI: CI installs
    everything, so a skip there would hide a broken install."""
    if not present:
        if os.environ.get("CI"):
            pytest.fail(f"{what}, and CI must run this test", pytrace=False)
        pytest.skip(what)


def run_cli(*args: str | Path, stdin: str | None = None, timeout: float = 300) -> CliResult:
    """Run the real ``confarchive`` in a child process, without a terminal, as CI and users do."""
    env = cli_env()
    proc = subprocess.run(
        cli_command(*args),
        input=stdin, capture_output=True, text=True, timeout=timeout, env=env, check=False,
    )  # fmt: skip
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@dataclass(frozen=True)
class SampleArchive:
    """The whole sample conference archived once per session, and what the world saw meanwhile."""

    root: Path
    result: CliResult
    index: dict
    requests: Counter[str]
    log: list[Request]

    def entry(self, talk: FixtureTalk) -> dict:
        if talk.slideslive:
            matches = [t for t in self.index["talks"] if t["key"] == f"slideslive:{talk.pid}"]
        else:
            matches = [t for t in self.index["talks"] if t["source_url"] == talk.url]
        assert len(matches) == 1, f"{talk.name}: {len(matches)} entries"
        return matches[0]


@pytest.fixture(scope="session")
def sample_archive(world: World, world_config: Path, tmp_path_factory: pytest.TempPathFactory) -> SampleArchive:
    world.state.reset()
    root = tmp_path_factory.mktemp("archive") / "archive"
    urls = tmp_path_factory.mktemp("input") / "urls.txt"
    urls.write_text("# the sample conference\n\n" + "\n".join(world.urls()) + "\n" + world.urls()[0] + "\n")
    result = run_cli("archive", "-i", urls, "-o", root, "--config", world_config, "-j", "2")
    index = json.loads((root / "index.json").read_text())
    return SampleArchive(root, result, index, Counter(world.state.requests), list(world.state.log))


@pytest.fixture
def http(world: World) -> Iterator[Http]:
    """The production HTTP boundary pointed at the world, with quick retries."""
    client = Http(NetworkSettings(backoff_s=0.01, retries=3), tuple(Rewrite(p, r) for p, r in world.rewrites()))
    yield client
    client.close()


@pytest.fixture
def hooks(world: World) -> Iterator[list]:
    """The world's fault hooks for one test, with fresh counters; removed afterwards."""
    world.state.reset()
    yield world.state.hooks
    world.state.hooks.clear()


def cli_env() -> dict[str, str]:
    """The environment of a confarchive child process: no user configuration leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFARCHIVE_")}
    env["XDG_CONFIG_HOME"] = "/nonexistent"
    return env
