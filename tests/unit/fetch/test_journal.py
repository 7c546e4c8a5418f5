"""The validators journal of a folder of parts: what a process that dies at once leaves to the next run."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from confarchive.fetch.resumable import Journal


def test_an_entry_is_on_disk_as_soon_as_it_is_put_even_if_the_process_dies_without_closing(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import os
        from pathlib import Path
        from confarchive.fetch.resumable import Journal
        folder = Path({str(tmp_path)!r})
        journal = Journal(folder)
        journal.put(folder / "seg-00001.ts.part", {{"url": "https://cdn.example/1.ts", "validator": '"e1"'}})
        journal.put(folder / "seg-00002.ts.part", {{"url": "https://cdn.example/2.ts", "validator": '"e2"'}})
        os._exit(9)  # no close, no flush at exit: as kill -9 would
    """)
    assert subprocess.run([sys.executable, "-c", script]).returncode == 9
    again = Journal(tmp_path)
    assert again.get(tmp_path / "seg-00001.ts.part") == {"url": "https://cdn.example/1.ts", "validator": '"e1"'}
    assert again.get(tmp_path / "seg-00002.ts.part") == {"url": "https://cdn.example/2.ts", "validator": '"e2"'}


def test_a_line_cut_short_is_ignored_and_the_last_entry_of_a_part_wins(tmp_path: Path) -> None:
    with Journal(tmp_path) as journal:
        journal.put(tmp_path / "a.part", {"url": "u", "validator": "old"})
        journal.put(tmp_path / "a.part", {"url": "u", "validator": "new"})
    with (tmp_path / Journal.NAME).open("a", encoding="utf-8") as fh:
        fh.write('{"part": "b.part", "url": "v", "valid')  # a kill in the middle of a write
    again = Journal(tmp_path)
    assert again.get(tmp_path / "a.part") == {"url": "u", "validator": "new"}
    assert again.get(tmp_path / "b.part") is None
