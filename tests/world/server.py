"""The fixture world's HTTP server: one local port imitating every host of the sample conference.

A logical URL ``https://{host}/{path}`` is served at ``http://127.0.0.1:{port}/{host}/{path}``; the
rewrite configuration that maps one to the other is what the production code gets, exactly as a
user pointing confarchive at a mirror would. Every request is counted (requests and bytes per path)
so tests can assert what was, and was not, downloaded.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    """One request as the world saw it, in logical terms."""

    method: str
    host: str
    path: str  # without the query
    query: dict[str, list[str]]
    headers: dict[str, str]

    @property
    def key(self) -> str:
        return f"/{self.host}{self.path}"


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    file: Path | None = None  # served with Range, ETag and Last-Modified


Route = Callable[[Request], Response | None]


def _etag(path: Path) -> str:
    st = path.stat()
    return f'"{st.st_size:x}-{int(st.st_mtime_ns):x}"'


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: without this, 40 ms delayed-ACK stalls
    server: WorldHTTPServer

    def log_message(self, format: str, *args: object) -> None:  # quiet: tests read counters instead
        return

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        parts = urlsplit(self.path)
        segments = parts.path.lstrip("/").split("/", 1)
        host = segments[0]
        path = "/" + (segments[1] if len(segments) > 1 else "")
        request = Request(
            self.command, host, path, parse_qs(parts.query), {k.lower(): v for k, v in self.headers.items()}
        )
        world = self.server.world
        world.record(request)
        response = world.route(request) or Response(404, b"Not Found")
        if response.file is not None:
            self._send_file(request, response, head)
        else:
            self._send(request, response, response.body, head)

    def _send(
        self,
        request: Request,
        response: Response,
        body: bytes,
        head: bool,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in {**response.headers, **(extra or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)
            self.server.world.count_bytes(request, len(body))

    def _send_file(self, request: Request, response: Response, head: bool) -> None:
        path = response.file
        assert path is not None
        data = path.read_bytes()
        etag = _etag(path)
        extra = {
            "ETag": etag,
            "Accept-Ranges": "bytes",
            "Last-Modified": self.date_time_string(int(path.stat().st_mtime)),
        }
        rng = request.headers.get("range", "")
        if_range = request.headers.get("if-range")
        if rng.startswith("bytes=") and (if_range is None or if_range == etag):
            start_s, _, end_s = rng[len("bytes=") :].partition("-")
            start = int(start_s or 0)
            end = min(int(end_s), len(data) - 1) if end_s else len(data) - 1
            if start >= len(data):
                response.status = 416
                self._send(request, response, b"", head, {**extra, "Content-Range": f"bytes */{len(data)}"})
                return
            response.status = 206
            extra["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
            data = data[start : end + 1]
        self._send(request, response, data, head, extra)


class WorldHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, world: WorldState) -> None:
        self.world = world
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client hanging up mid-response is normal (yt-dlp probes, cancelled downloads)."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class WorldState:
    """Counters and the routing function; the World class fills in the routes."""

    def __init__(self, route: Route) -> None:
        self._route = route
        self._lock = threading.Lock()
        self.requests: Counter[str] = Counter()
        self.bytes: Counter[str] = Counter()
        self.log: list[Request] = []
        self.hooks: list[Route] = []  # tests add faults here; the first answer wins

    def record(self, request: Request) -> None:
        with self._lock:
            self.requests[request.key] += 1
            self.log.append(request)

    def count_bytes(self, request: Request, n: int) -> None:
        with self._lock:
            self.bytes[request.key] += n

    def route(self, request: Request) -> Response | None:
        for hook in list(self.hooks):
            answer = hook(request)
            if answer is not None:
                return answer
        return self._route(request)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.bytes.clear()
            self.log.clear()
