"""``confarchive serve``: the archive over HTTP on 127.0.0.1, with Range so browsers seek large videos.

Python's http.server has no Range support; this handler adds single ranges (206, 416, ``If-Range``
with the ETag or Last-Modified it sends), streams files in chunks (a 2 GB MP4 is never read whole),
serves ``index.html`` for ``/``, lists no directories, and refuses anything outside the archive
(``..``, encoded or not, symlinks leading out) and the internal ``.confarchive`` folder.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")
_TYPES = {
    ".mp4": "video/mp4", ".vtt": "text/vtt; charset=utf-8", ".json": "application/json",
    ".html": "text/html; charset=utf-8", ".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg",
    ".js": "text/javascript; charset=utf-8",
}  # fmt: skip
CHUNK = 1024 * 1024


class ArchiveHandler(BaseHTTPRequestHandler):
    server: ArchiveServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _resolve(self) -> Path | None:
        """The file a request names, or None when it is outside the archive or internal."""
        path = unquote(urlsplit(self.path).path)
        parts = [p for p in path.split("/") if p]
        if any(p in ("..", ".") or p.startswith(".confarchive") or "\\" in p or "\0" in p for p in parts):
            return None
        target = (self.server.root / Path(*parts)) if parts else self.server.root / "index.html"
        try:
            resolved = target.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if resolved != self.server.root and self.server.root not in resolved.parents:
            return None  # a symlink leading out of the archive
        if resolved.is_dir():
            resolved = resolved / "index.html"
        return resolved if resolved.is_file() else None

    def _error(self, status: HTTPStatus, head: bool) -> None:
        body = f"{status.value} {status.phrase}\n".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _serve(self, head: bool) -> None:
        path = self._resolve()
        if path is None:
            self._error(HTTPStatus.NOT_FOUND, head)
            return
        stat = path.stat()
        size = stat.st_size
        etag = f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'
        modified = formatdate(stat.st_mtime, usegmt=True)
        start, end = 0, size - 1
        status = HTTPStatus.OK
        wanted = self.headers.get("Range")
        if wanted and self._if_range_holds(etag, stat.st_mtime):
            match = _RANGE.match(wanted.strip())
            if match is None or (not match.group(1) and not match.group(2)):
                self._error(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE, head)
                return
            if match.group(1):
                start = int(match.group(1))
                end = min(int(match.group(2)), size - 1) if match.group(2) else size - 1
            else:  # a suffix: the last N bytes
                start = max(0, size - int(match.group(2)))
            if start >= size or start > end:
                self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status = HTTPStatus.PARTIAL_CONTENT
        self.send_response(status)
        ctype = _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        if status == HTTPStatus.PARTIAL_CONTENT:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.end_headers()
        if head:
            return
        with path.open("rb") as fh:
            fh.seek(start)
            remaining = end - start + 1
            while remaining > 0:
                chunk = fh.read(min(CHUNK, remaining))
                if not chunk:
                    break
                self.wfile.write(chunk)
                remaining -= len(chunk)

    def _if_range_holds(self, etag: str, mtime: float) -> bool:
        """Without If-Range a range always applies; with a stale validator the whole file is sent."""
        validator = self.headers.get("If-Range")
        if validator is None:
            return True
        if validator.startswith(('"', "W/")):
            return validator == etag
        try:
            return parsedate_to_datetime(validator).timestamp() >= int(mtime)
        except (TypeError, ValueError):
            return False


class ArchiveServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path, host: str, port: int) -> None:
        self.root = root.resolve()
        super().__init__((host, port), ArchiveHandler)


def make_server(root: Path, port: int = 0, host: str = "127.0.0.1") -> ArchiveServer:
    return ArchiveServer(root, host, port)


def serve(root: Path, port: int = 0, host: str = "127.0.0.1", ready: Callable[[str], None] | None = None) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM)."""
    server = make_server(root, port, host)
    if ready is not None:
        ready(f"http://{host}:{server.server_address[1]}/")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
