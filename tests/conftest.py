"""Shared fixtures: the fixture world (one per test session) and a runner for the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.world import World


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


def run_cli(*args: str | Path, stdin: str | None = None, timeout: float = 300) -> CliResult:
    """Run the real ``confarchive`` in a child process, without a terminal, as CI and users do."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFARCHIVE_")}
    env["XDG_CONFIG_HOME"] = "/nonexistent"  # never read the developer's own configuration
    proc = subprocess.run(
        [sys.executable, "-m", "confarchive", *map(str, args)],
        input=stdin, capture_output=True, text=True, timeout=timeout, env=env, check=False,
    )  # fmt: skip
    return CliResult(proc.returncode, proc.stdout, proc.stderr)
