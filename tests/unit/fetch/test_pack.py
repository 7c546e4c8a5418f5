"""The pack of a track's small segments (fetch/pack.py): what survives a kill at any point of an append.

Each case builds the folder a killed process could leave (the pack's bytes and its journal, written in
that order) and checks what a new ``Pack`` keeps: only segments whose line is whole and whose bytes are
all there, the rest cut off so that the next append lands right after them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import m3u8
import pytest

from confarchive.fetch.pack import JOURNAL, Extent, Pack, localise


def _filled(folder: Path, pieces: dict[str, bytes]) -> Pack:
    pack = Pack(folder, "pack.ts")
    for name, data in pieces.items():
        pack.add(name, data)
    pack.close()
    return pack


def test_segments_are_found_again_where_they_were_appended(tmp_path: Path) -> None:
    _filled(tmp_path, {"seg-00002.ts": b"bb" * 10, "seg-00001.ts": b"a" * 7})
    pack = Pack(tmp_path, "pack.ts")
    assert pack.extents == {"seg-00002.ts": Extent(0, 20), "seg-00001.ts": Extent(20, 7)}
    data = (tmp_path / "pack.ts").read_bytes()
    assert data[20:27] == b"a" * 7 and pack.end == len(data) == 27


@pytest.mark.parametrize(
    ("damage", "kept"),
    [
        ("bytes without their line", ["seg-00001.ts", "seg-00002.ts"]),  # killed between the two writes
        ("a line cut short", ["seg-00001.ts"]),  # killed inside the journal's write
        ("a line past the end of the pack", ["seg-00001.ts"]),  # an OS crash lost the pack's last bytes
        ("a line that does not follow the previous one", ["seg-00001.ts"]),
    ],
)
def test_only_whole_lines_over_bytes_that_are_there_count(tmp_path: Path, damage: str, kept: list[str]) -> None:
    _filled(tmp_path, {"seg-00001.ts": b"1" * 10, "seg-00002.ts": b"2" * 10})
    journal, data = tmp_path / JOURNAL, tmp_path / "pack.ts"
    if damage == "bytes without their line":
        with data.open("ab") as fh:
            fh.write(b"3" * 5)
    elif damage == "a line cut short":
        lines = journal.read_text().splitlines(keepends=True)
        journal.write_text(lines[0] + lines[1][:-4])
    elif damage == "a line past the end of the pack":
        os.truncate(data, 15)
    else:
        lines = journal.read_text().splitlines(keepends=True)
        journal.write_text(lines[0] + json.dumps(["seg-00002.ts", 11, 9]) + "\n")
    pack = Pack(tmp_path, "pack.ts")
    assert list(pack.extents) == kept
    assert data.stat().st_size == pack.end == 10 * len(kept)  # cut back to what counts
    assert len(journal.read_text().splitlines()) == len(kept)  # rewritten without what does not
    pack.add("seg-00003.ts", b"3" * 4)  # the next append follows what was kept
    pack.close()
    assert Pack(tmp_path, "pack.ts").extents["seg-00003.ts"] == Extent(10 * len(kept), 4)
    assert data.read_bytes()[-4:] == b"3333"


CHILD = """
import os, sys
from pathlib import Path
from confarchive.fetch.pack import Pack
pack = Pack(Path(sys.argv[1]), "pack.ts")
pack.add("seg-00001.ts", b"x" * 1000)
os._exit(0)  # no close, no flush at exit: what the kernel has is what a kill leaves
"""


def test_an_added_segment_survives_a_process_that_dies_without_closing(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-c", CHILD, str(tmp_path)], check=True)
    assert Pack(tmp_path, "pack.ts").extents == {"seg-00001.ts": Extent(0, 1000)}


def test_the_local_playlist_reads_packed_segments_by_byte_range(tmp_path: Path) -> None:
    text = "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\nseg-00001.ts\n#EXTINF:2.5,\nseg-00002.ts\n#EXT-X-ENDLIST\n"
    pack = _filled(tmp_path, {"seg-00002.ts": b"b" * 30})
    local = m3u8.loads(localise(text, pack))
    assert local.version == 4
    assert [(s.uri, s.byterange, s.duration) for s in local.segments] == [
        ("seg-00001.ts", None, 4.0),  # a file of its own
        ("pack.ts", "30@0", 2.5),
    ]
    assert localise(text, Pack(tmp_path / "empty", "pack.ts")) == text  # nothing packed: as it was
