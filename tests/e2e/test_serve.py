"""``confarchive serve``: Range requests, validators, and nothing outside the archive."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from confarchive.archive.serve import make_server


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "archive"
    (root / "Talk").mkdir(parents=True)
    (root / ".confarchive").mkdir()
    (root / ".confarchive" / "manifest.sqlite").write_bytes(b"secret")
    (root / "index.html").write_text("<html>index</html>")
    (root / "Talk" / "Talk.mp4").write_bytes(bytes(range(256)) * 40)  # 10240 bytes
    (tmp_path / "outside.txt").write_text("outside")
    (root / "Talk" / "escape").symlink_to(tmp_path / "outside.txt")
    server = make_server(root)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()
    server.server_close()


def test_range_requests(served: tuple[str, Path]) -> None:
    base, root = served
    data = (root / "Talk" / "Talk.mp4").read_bytes()
    whole = requests.get(f"{base}/Talk/Talk.mp4", timeout=5)
    assert whole.status_code == 200 and whole.content == data and whole.headers["Accept-Ranges"] == "bytes"
    assert whole.headers["Content-Type"] == "video/mp4"
    part = requests.get(f"{base}/Talk/Talk.mp4", headers={"Range": "bytes=100-299"}, timeout=5)
    assert part.status_code == 206 and part.content == data[100:300]
    assert part.headers["Content-Range"] == f"bytes 100-299/{len(data)}"
    open_ended = requests.get(f"{base}/Talk/Talk.mp4", headers={"Range": "bytes=10000-"}, timeout=5)
    assert open_ended.status_code == 206 and open_ended.content == data[10000:]
    suffix = requests.get(f"{base}/Talk/Talk.mp4", headers={"Range": "bytes=-500"}, timeout=5)
    assert suffix.status_code == 206 and suffix.content == data[-500:]
    beyond = requests.get(f"{base}/Talk/Talk.mp4", headers={"Range": "bytes=99999-"}, timeout=5)
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{len(data)}"
    stale = requests.get(f"{base}/Talk/Talk.mp4", headers={"Range": "bytes=0-9", "If-Range": '"old"'}, timeout=5)
    assert stale.status_code == 200 and stale.content == data
    fresh = requests.get(
        f"{base}/Talk/Talk.mp4", headers={"Range": "bytes=0-9", "If-Range": whole.headers["ETag"]}, timeout=5
    )
    assert fresh.status_code == 206 and fresh.content == data[:10]
    head = requests.head(f"{base}/Talk/Talk.mp4", timeout=5)
    assert head.status_code == 200 and head.headers["Content-Length"] == str(len(data)) and head.content == b""


def test_index_and_refusals(served: tuple[str, Path]) -> None:
    base, _ = served
    assert requests.get(f"{base}/", timeout=5).text == "<html>index</html>"
    refused = ["/../outside.txt", "/%2e%2e/outside.txt", "/Talk/%2e%2e/%2e%2e/outside.txt", "/Talk/escape"]
    refused += ["/.confarchive/manifest.sqlite", "/%2econfarchive/manifest.sqlite", "/Talk/"]
    for path in refused:
        answer = requests.get(base + path, timeout=5)
        assert answer.status_code == 404, path
        assert b"secret" not in answer.content and b"outside" not in answer.content


def test_a_large_file_is_streamed(served: tuple[str, Path]) -> None:
    base, root = served
    big = root / "Talk" / "big.mp4"
    with big.open("wb") as fh:  # 200 MB, sparse: nothing is read whole into memory
        fh.truncate(200 * 1024 * 1024)
    answer = requests.get(
        f"{base}/Talk/big.mp4", headers={"Range": f"bytes={150 * 1024 * 1024}-"}, stream=True, timeout=5
    )
    assert answer.status_code == 206
    received = sum(len(c) for c in answer.iter_content(1024 * 1024))
    assert received == 50 * 1024 * 1024
    assert os.path.getsize(big) == 200 * 1024 * 1024
