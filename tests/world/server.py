"""The fixture world's HTTP server: one local port imitating every host of the sample conference.

A logical URL ``https://{host}/{path}`` is served at ``http://127.0.0.1:{port}/{host}/{path}``; the
rewrite configuration that maps one to the other is what the production code gets, exactly as a
user pointing confarchive at a mirror would. Every request is counted (requests and bytes per path)
so tests can assert what was, and was not, downloaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import socket
import threading
import time
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
    at: float = field(default_factory=time.monotonic)  # when the world received it

    @property
    def key(self) -> str:
        return f"/{self.host}{self.path}"


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    file: Path | None = None  # read at request time
    ranges: bool = True  # honour Range/If-Range on a 200 (False: a server that ignores them)
    etag: str | None = None  # default: a strong ETag from the content
    # Fault injection: send the first ``stall_after`` bytes of the body, call ``on_stall``, then wait
    # for ``release``; afterwards send the rest, or drop the connection when ``abort_after_stall``.
    stall_after: int | None = None
    on_stall: Callable[[], None] | None = None
    release: threading.Event | None = None
    abort_after_stall: bool = False
    trickle_s: float | None = None  # send the body one byte at a time, this many seconds apart


Route = Callable[[Request], Response | None]


def _etag(data: bytes) -> str:
    return '"' + hashlib.sha1(data).hexdigest()[:20] + '"'


class _Abort(ConnectionError):
    """Drop the connection mid-body (a fault the client must survive)."""


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
        self._host = host
        world.enter(host)
        self._left = False
        try:
            response = world.route(request) or Response(404, b"Not Found")
            data = response.file.read_bytes() if response.file is not None else response.body
            if response.status == 200 and response.ranges:
                self._send_ranged(request, response, data, head)
            else:
                self._send(request, response, data, head)
        except _Abort:
            self.close_connection = True
        finally:
            self._leave()

    def _leave(self) -> None:
        """The request stops counting as active just before the client can have all of its answer: after
        that, the client may release its connection slot and start another request before this thread
        gets the GIL back, and ``peak`` would count an overlap that the client never made."""
        if not self._left:
            self._left = True
            self.server.world.leave(self._host)

    def _send(
        self,
        request: Request,
        response: Response,
        body: bytes,
        head: bool,
        extra: dict[str, str] | None = None,
        status: int | None = None,
    ) -> None:
        self.send_response(status or response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in {**response.headers, **(extra or {})}.items():
            self.send_header(name, value)
        if head or not body:
            self._leave()  # the headers are the whole answer
            self.end_headers()
            return
        self.end_headers()
        if response.stall_after is not None and response.stall_after < len(body):
            first = body[: response.stall_after]
            self.wfile.write(first)
            self.wfile.flush()
            self.server.world.count_bytes(request, len(first))
            if response.on_stall is not None:
                response.on_stall()
            if response.release is not None:
                response.release.wait(60)
            if response.abort_after_stall:
                with contextlib.suppress(OSError):  # the client may be gone already (killed)
                    self.connection.shutdown(socket.SHUT_RDWR)
                raise _Abort("dropped mid-body on purpose")
            body = body[response.stall_after :]
        if response.trickle_s is not None:
            for i in range(len(body)):
                if i == len(body) - 1:
                    self._leave()
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()
                self.server.world.count_bytes(request, 1)
                time.sleep(response.trickle_s)
            return
        self.wfile.write(body[:-1])
        self._leave()
        self.wfile.write(body[-1:])
        self.server.world.count_bytes(request, len(body))

    def _send_ranged(self, request: Request, response: Response, data: bytes, head: bool) -> None:
        etag = response.etag or _etag(data)
        extra = {"ETag": etag, "Accept-Ranges": "bytes"}
        rng = request.headers.get("range", "")
        if_range = request.headers.get("if-range")
        if rng.startswith("bytes=") and (if_range is None or if_range == etag):
            start_s, _, end_s = rng[len("bytes=") :].partition("-")
            start = int(start_s or 0)
            end = min(int(end_s), len(data) - 1) if end_s else len(data) - 1
            if start >= len(data):
                self._send(request, response, b"", head, {**extra, "Content-Range": f"bytes */{len(data)}"}, 416)
                return
            extra["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
            self._send(request, response, data[start : end + 1], head, extra, 206)
            return
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
        self.active = 0  # requests being answered right now
        self.peak = 0  # the most at once since the last reset
        self._active_at: Counter[str] = Counter()  # the same, per host
        self.peak_at: Counter[str] = Counter()
        self.bytes: Counter[str] = Counter()
        self.log: list[Request] = []
        self.hooks: list[Route] = []  # tests add faults here; the first answer wins

    def record(self, request: Request) -> None:
        with self._lock:
            self.requests[request.key] += 1
            self.log.append(request)

    def enter(self, host: str) -> None:
        with self._lock:
            self.active += 1
            self.peak = max(self.peak, self.active)
            self._active_at[host] += 1
            self.peak_at[host] = max(self.peak_at[host], self._active_at[host])

    def leave(self, host: str) -> None:
        with self._lock:
            self.active -= 1
            self._active_at[host] -= 1

    def count_bytes(self, request: Request, n: int) -> None:
        with self._lock:
            self.bytes[request.key] += n

    def route(self, request: Request) -> Response | None:
        for hook in list(self.hooks):
            answer = hook(request)
            if answer is not None:
                return answer
        return self._route(request)

    def reset_peak(self) -> None:
        """Count the most requests at once from now on."""
        with self._lock:
            self.peak = self.active
            self.peak_at = Counter(self._active_at)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.bytes.clear()
            self.log.clear()
            self.peak = self.active
            self.peak_at = Counter(self._active_at)
