"""Hostile titles and a disk that fills up: names stay inside the archive, unique and stable; a full
disk stops the run cleanly, keeps what is done, and the same command resumes once there is space."""

from __future__ import annotations

import json
import os
import subprocess
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import require_or_skip, run_cli
from tests.world import World
from tests.world.catalog import FixtureTalk

pytestmark = pytest.mark.e2e

TITLES = (
    "../../etc/passwd",
    'a/b\\c: d*e?f"g<h>i|j',
    "NUL\x00 and \x07 bell \x1b[31m red",
    "CON",
    "x" * 300,
    "😀 Emoji 🎉 talk with 👩‍💻",
    "مرحبا بالعالم \u202etxt.exe",
    "Same Title",
    "Same Title",
    " .. ",
)


@pytest.fixture(scope="module")
def hostile_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    talks = tuple(
        FixtureTalk(
            name=f"hostile-{i}",
            pid=f"9950{i:04d}",
            forum=f"hostile{i}",
            page="single",
            conference="ACL 2020",
            title=title,
            authors=("Mallory",),
            slide_times_ms=(0, 1500),
            duration_ms=3000,
            media="url",
        )
        for i, title in enumerate(TITLES)
    )
    world = World(tmp_path_factory.mktemp("hostile-cache"), talks).start()
    yield world
    world.stop()


def _config(world: World, path: Path) -> Path:
    path.write_text(world.config_toml())
    return path


def test_hostile_titles_stay_inside_the_archive_unique_and_stable(hostile_world: World, tmp_path: Path) -> None:
    config = _config(hostile_world, tmp_path / "config.toml")
    root = tmp_path / "archive"
    urls = [t.url for t in hostile_world.talks.values()]
    result = run_cli("archive", *urls, "-o", root, "--config", config, "-j", "3", "--no-paper")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive", "config.toml"]  # nothing beside it
    index = json.loads((root / "index.json").read_text())
    folders = [Path(t["video"]).parent for t in index["talks"]]
    assert len({str(f).casefold() for f in folders}) == len(TITLES)  # unique, even case-insensitively
    for talk, folder in zip(index["talks"], folders, strict=True):
        name = folder.name
        assert folder.parent == Path(".") and (root / folder).resolve().parent == root.resolve()
        assert 0 < len(name.encode()) <= 150 + len(" [slideslive-99500000]")
        assert not set('/\\:*?"<>|') & set(name)
        # no control or direction-override characters (the emoji joiner U+200D is kept)
        assert not any(unicodedata.category(c) in ("Cc", "Cf") and c != "\u200d" for c in name)
        assert not name.startswith((".", " ")) and not name.endswith((".", " "))
        assert name.split(".")[0].upper() not in ("CON", "PRN", "AUX", "NUL")
        assert Path(talk["video"]).name == f"{name}.mp4"
    same = sorted(str(f) for f, t in zip(folders, index["talks"], strict=True) if t["title"] == "Same Title")
    assert same[0] == "Same Title" and same[1].startswith("Same Title [slideslive-")
    # the title as people read it is kept, without the control characters
    titles = {t["title"] for t in index["talks"]}
    assert "NUL and bell [31m red" in titles or "NUL\ufffd and bell [31m red" in titles
    # a re-run keeps every name (and rewrites nothing)
    before = (root / "index.json").read_bytes()
    again = run_cli("archive", *reversed(urls), "-o", root, "--config", config, "--no-paper")
    assert again.returncode == 0
    assert (root / "index.json").read_bytes() == before


def test_a_full_disk_stops_the_run_cleanly_and_it_resumes(world: World, world_config: Path, tmp_path: Path) -> None:
    require_or_skip(os.geteuid() == 0, "mounting a small tmpfs needs root")
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1200k", "tmpfs", str(mount)], check=True)
    try:
        root = mount / "archive"
        urls = world.urls()  # the sample conference, pages without video and a page of links included
        first = run_cli("archive", *urls, "-o", root, "--config", world_config, "-j", "1", "--no-browser")
        assert first.returncode == 1
        assert "the disk is full: free some space and run the same command again" in first.stderr
        assert "Traceback" not in first.stderr
        done = [p for p in root.glob("*/*.mp4")]
        for video in done:  # what finished is whole: each MP4 is readable to its end
            probe = subprocess.run(["ffprobe", "-v", "error", str(video)], capture_output=True, text=True)
            assert probe.returncode == 0, probe.stderr
        assert len(done) < len(world.sample())
        subprocess.run(["mount", "-o", "remount,size=64m", str(mount)], check=True)
        world.state.reset()
        second = run_cli("archive", *urls, "-o", root, "--config", world_config, "--no-browser")
        index = json.loads((root / "index.json").read_text())
        statuses = {t["key"]: t["status"] for t in index["talks"]}
        for talk in world.sample():
            key = (
                world.key(talk)
                if talk.slideslive
                else next(t["key"] for t in index["talks"] if t["source_url"] == talk.url)
            )
            assert talk.page == "js-only" or statuses[key] == "done", (talk.name, second.stderr)
        for video in done:  # finished before the disk filled: not downloaded again
            assert video.exists()
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
