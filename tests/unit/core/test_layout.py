"""The archive's paths as the index links them (core/layout.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from confarchive.core.layout import Layout


def test_a_path_is_linked_relative_to_the_root_whether_written_through_a_symlink_or_not(tmp_path: Path) -> None:
    real = tmp_path / "disk" / "archive"
    (real / "Talk").mkdir(parents=True)
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "archive").symlink_to(real)
    layout = Layout(tmp_path / "home" / "archive")
    assert layout.relative(layout.root / "Talk" / "talk.mp4") == "Talk/talk.mp4"
    assert layout.relative(real / "Talk" / "talk.mp4") == "Talk/talk.mp4"  # e.g. from talk_dir, which resolves
    assert layout.relative(str(layout.root / "Talk" / ".." / "Talk" / "a.pdf")) == "Talk/a.pdf"
    assert layout.relative(layout.talk_dir("Talk") / "x.vtt") == "Talk/x.vtt"


def test_a_path_outside_the_archive_is_refused(tmp_path: Path) -> None:
    layout = Layout(tmp_path / "archive")
    with pytest.raises(ValueError):
        layout.relative(tmp_path / "elsewhere" / "talk.mp4")
