"""The archive folder's layout and its one way of writing small files: atomically, only on change.

Talk folders hold final files only; every temporary file lives under ``.confarchive/`` on the same
file system, so ``os.replace`` is atomic and a killed run never leaves a partial file under a final
name. Writing only when the bytes differ keeps mtimes (and backups, and sync tools) quiet on re-runs.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from .settings import Settings


@dataclass(frozen=True)
class Layout:
    root: Path

    def __post_init__(self) -> None:
        # Absolute from the start: ffmpeg resolves relative paths in a concat list against the list's
        # own folder, and a worker may run with another working directory.
        object.__setattr__(self, "root", Path(os.path.abspath(self.root)))

    @property
    def internal(self) -> Path:
        return self.root / ".confarchive"

    @property
    def manifest(self) -> Path:
        return self.internal / "manifest.sqlite"

    @property
    def tmp(self) -> Path:
        return self.internal / "tmp"

    def work(self, key: object) -> Path:
        """The talk's private work folder (downloads, .part files, ffmpeg inputs), named by its key."""
        return self.internal / "work" / str(key).replace(":", "-").replace("/", "_")

    def talk_dir(self, folder: str) -> Path:
        path = (self.root / folder).resolve()
        if path.parent != self.root.resolve():
            raise ValueError(f"talk folder {folder!r} is not directly inside the archive")
        return path

    def relative(self, path: Path | str) -> str:
        """``path`` relative to the archive's root, as the index links it. Read from the path as written
        when it is under the root (the index asks this ~44 times a talk, and resolving costs a stat per
        path component); through symlinks when it is not (a path under the resolved root)."""
        try:
            return Path(os.path.abspath(path)).relative_to(self.root).as_posix()
        except ValueError:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()


def write_if_changed(layout: Layout, path: Path, data: bytes) -> bool:
    """Atomically replace ``path`` with ``data`` unless it already holds exactly those bytes."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    layout.tmp.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=layout.tmp, prefix=path.name + ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def absolute_archive(settings: Settings) -> Settings:
    """Workers on other machines resolve the archive folder themselves: give them an absolute path."""
    return replace(settings, archive_dir=Path(Layout(settings.archive_dir).root))
