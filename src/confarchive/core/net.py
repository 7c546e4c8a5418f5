"""The one HTTP boundary: a requests session with timeouts, one retry policy, per-host politeness, hosts
that are down, and URL rewrites.

Everything above this module sees logical URLs (the real sites). Rewrites (git's ``insteadOf``) are
applied in the transport adapter as each request leaves, on every redirect hop, and the response is
handed back under its logical URL, so cookies, Referer headers and relative redirects all stay in the
logical world. That is how the tests reach the fixture world with the production code unchanged.

Retries live here and only here (``Http.retrying``): one budget per request, whatever went wrong
(a 5xx, a reset, a body cut mid-stream); a ``Retry-After`` pauses the host for every worker through
the shared limiter; a permanent answer (404) is never retried. urllib3's own retries are off, so
nothing stacks. A host that cannot be resolved or refuses connections a few times is marked down for
the run, with one warning, and requests to it fail at once (optional assets on it are then skipped
without delay): see docs/network.md.
"""

from __future__ import annotations

import email.utils
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from http.cookiejar import CookieJar
from typing import TypeVar
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase, HTTPBasicAuth

from .errors import ErrorKind, FetchError, HostDown, Interrupted
from .politeness import HostLimiter
from .pooled import Pooled
from .settings import NetworkSettings, Rewrite
from .workers import Threads

T = TypeVar("T")
RETRY_AFTER_STATUSES = (429, 503)
MAX_BACKOFF_S = 30.0


class Rewriter:
    """Maps a logical URL to the URL actually requested; the longest matching prefix wins."""

    def __init__(self, rewrites: Sequence[Rewrite]) -> None:
        self._rules = sorted(rewrites, key=lambda r: len(r.prefix), reverse=True)

    def __call__(self, url: str) -> str:
        for rule in self._rules:
            if url.startswith(rule.prefix):
                return rule.replacement + url[len(rule.prefix) :]
        return url

    def __bool__(self) -> bool:
        return bool(self._rules)


class _RewritingAdapter(HTTPAdapter):
    """Sends each request to its rewritten URL and reports the response under the logical URL."""

    def __init__(self, rewriter: Rewriter, **kwargs: object) -> None:
        self._rewriter = rewriter
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def send(self, request: requests.PreparedRequest, **kwargs: object) -> requests.Response:  # type: ignore[override]
        logical = request.url or ""
        actual = self._rewriter(logical)
        outgoing = request
        if actual != logical:
            outgoing = request.copy()
            outgoing.url = actual
        response = super().send(outgoing, **kwargs)  # type: ignore[arg-type]
        response.url = logical
        response.request = request
        return response


class _NetrcOncePerHost(AuthBase):
    """The credentials ``~/.netrc`` (or ``$NETRC``) holds for a host, looked up once per host. Without an
    auth of its own a session asks ``get_netrc_auth`` before every request: two ``stat`` calls when there
    is no such file, and the whole file parsed again when there is one. Same answer, same file: requests'
    own lookup, cached like the proxy settings below."""

    def __init__(self) -> None:
        self._found: dict[str, tuple[str, str] | None] = {}

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        url = request.url or ""
        host = urlsplit(url).hostname or ""
        if host not in self._found:
            self._found[host] = requests.utils.get_netrc_auth(url)
        found = self._found[host]
        return HTTPBasicAuth(*found)(request) if found else request


class _Session(requests.Session):
    """A session that reads the environment's proxy settings once per scheme and host, not once per request:
    requests walks ``os.environ`` twice for every request (0.17 ms of CPU measured, a third of what a small
    file's whole request costs), and the environment of a run does not change. ``~/.netrc`` likewise."""

    def __init__(self) -> None:
        super().__init__()
        self._environment: dict[tuple[object, ...], dict[str, object]] = {}
        self.auth = _NetrcOncePerHost()

    def merge_environment_settings(  # type: ignore[override]
        self, url: str, proxies: dict[str, str], stream: object, verify: object, cert: object
    ) -> dict[str, object]:
        if proxies:
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        key = (*urlsplit(url)[:2], stream, verify, cert)
        found = self._environment.get(key)
        if found is None:
            found = self._environment[key] = super().merge_environment_settings(url, {}, stream, verify, cert)
        return {**found, "proxies": dict(found["proxies"])}  # type: ignore[call-overload]


def _is_html(response: requests.Response) -> bool:
    ctype = response.headers.get("Content-Type", "").lower()
    return "text/html" in ctype or "application/xhtml" in ctype


def retry_after_s(value: str | None) -> float | None:
    """``Retry-After`` in seconds (a number, or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _unreachable(exc: BaseException) -> str | None:
    """ "name not resolved" or "connection refused" when that is what the chain says, else None."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, socket.gaierror) or type(current).__name__ == "NameResolutionError":
            return "name not resolved"
        if isinstance(current, ConnectionRefusedError):
            return "connection refused"
        current = current.__cause__ or current.__context__
    text = str(exc).lower()
    if "name or service not known" in text or "failed to resolve" in text or "name not resolved" in text:
        return "name not resolved"
    return "connection refused" if "connection refused" in text else None


class HostHealth:
    """Hosts that could not be reached (not resolved, refused) ``down_after`` times are down for the run."""

    def __init__(self, down_after: int, log: logging.Logger | None) -> None:
        self._down_after = max(1, down_after)
        self._log = log
        self._lock = threading.Lock()
        self._failures: dict[str, int] = {}
        self._down: dict[str, str] = {}

    def is_down(self, host: str) -> bool:
        return host in self._down

    def check(self, host: str, url: str) -> None:
        reason = self._down.get(host)
        if reason is not None:
            raise HostDown(f"{host} is down ({reason}); not trying {url}", url=url, kind=ErrorKind.TRANSIENT)

    def unreachable(self, host: str, reason: str) -> None:
        with self._lock:
            self._failures[host] = count = self._failures.get(host, 0) + 1
            if count < self._down_after or host in self._down:
                return
            self._down[host] = reason
        if self._log is not None:
            self._log.warning("%s is down (%s, %d times): no more requests to it in this run", host, reason, count)

    def reachable(self, host: str) -> None:
        if self._failures.get(host):
            with self._lock:
                self._failures[host] = 0


class Http:
    """The session every component shares. Thread-safe for concurrent GETs."""

    def __init__(
        self,
        net: NetworkSettings,
        rewrites: Sequence[Rewrite] = (),
        cookies: CookieJar | None = None,
        limiter: HostLimiter | None = None,
        log: logging.Logger | None = None,
    ) -> None:
        self.net = net
        self.log = log
        self.rewriter = Rewriter(rewrites)
        self.limiter = limiter or HostLimiter(net.per_host_connections, net.min_interval_s)
        self.hosts = HostHealth(net.down_after, log)
        self.session = _Session()
        self.session.headers["User-Agent"] = net.user_agent
        if cookies is not None:
            self.session.cookies = cookies  # type: ignore[assignment]
        pool = max(10, net.per_host_connections * 2)
        adapter = _RewritingAdapter(self.rewriter, max_retries=0, pool_connections=pool, pool_maxsize=pool)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.pooled = Pooled(self.session, self._environment_for, net.timeout_s)
        # the threads that send a talk's requests side by side (its slides, its segments), kept for the run
        self.threads = Threads("http")

    def _environment_for(self, url: str) -> dict[str, object]:
        """What requests would take from the environment for a streamed GET of ``url`` (proxies, verify)."""
        session = self.session
        return session.merge_environment_settings(url, {}, True, None, None)  # type: ignore[no-any-return]

    def close(self) -> None:
        self.threads.close()
        self.session.close()

    def actual_host(self, url: str) -> str:
        """The limiter's key: the host name the request really goes to."""
        return urlsplit(self.rewriter(url)).hostname or ""

    # -- the retry policy --------------------------------------------------------------------------------
    def retrying(self, url: str, attempt: Callable[[], T], *, cancel: threading.Event | None = None) -> T:
        """Call ``attempt`` (one request) until it succeeds, fails permanently, or the budget is spent.

        Transient failures wait an exponential back-off (a ``Retry-After`` already paused the host in
        the limiter, which the next attempt waits for); a host that cannot be reached is not retried
        when its name does not resolve, and counts towards marking it down.
        """
        host = urlsplit(self.rewriter(url)).netloc  # a refused port is that port's problem, not the host's
        tries = max(1, self.net.retries + 1)
        for n in range(1, tries + 1):
            self.hosts.check(host, url)
            try:
                result = attempt()
            except FetchError as exc:
                unreachable = _unreachable(exc)
                if unreachable is not None:
                    self.hosts.unreachable(host, unreachable)
                if exc.kind != ErrorKind.TRANSIENT or n == tries or unreachable == "name not resolved":
                    raise
                if self.hosts.is_down(host):
                    raise  # this request's own failures took the host down: the real error says why
                if not getattr(exc, "retry_after", None):
                    self._sleep(min(MAX_BACKOFF_S, self.net.backoff_s * 2 ** (n - 1)), cancel)
                continue
            self.hosts.reachable(host)
            return result
        raise AssertionError("unreachable")

    @staticmethod
    def _sleep(seconds: float, cancel: threading.Event | None) -> None:
        if cancel is None:
            time.sleep(seconds)
        elif cancel.wait(seconds):
            raise Interrupted("interrupted")

    # -- one request -------------------------------------------------------------------------------------
    @contextmanager
    def stream(
        self,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        refuse_html: bool = False,
        what: str = "a file",
        accept: tuple[int, ...] = (),
    ) -> Iterator[requests.Response]:
        """One GET whose body is read by the caller; the host slot is held until the block ends.
        Not retried: callers put it inside ``retrying``. Sent through the session's pools directly unless
        it needs requests' own layers (``core/pooled.py``)."""
        if urlsplit(url).scheme not in ("http", "https"):
            raise FetchError(f"refused to fetch {url[:200]}: only http(s) URLs are followed", url=url)
        actual = self.rewriter(url)
        host = urlsplit(actual).hostname or ""
        with self.limiter.slot(host):
            try:
                response = self.pooled.get(url, actual, headers)
                if response is None:
                    response = self.session.get(
                        url, headers=headers, stream=True, timeout=self.net.timeout_s, allow_redirects=True
                    )
            except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
                raise FetchError(f"cannot reach {url}: {_reason(exc)}", url=url, kind=ErrorKind.TRANSIENT) from exc
            try:
                status = response.status_code
                if status >= 400 and status not in accept:
                    error = FetchError(f"HTTP {status} for {url} (expected {what})", url=url, status=status)
                    after = (
                        retry_after_s(response.headers.get("Retry-After")) if status in RETRY_AFTER_STATUSES else None
                    )
                    if after:
                        self.limiter.pause(host, after)
                        error.retry_after = after  # type: ignore[attr-defined]
                    raise error
                if refuse_html and _is_html(response):  # an error or login page: asking again will not help
                    raise FetchError(f"got an HTML page instead of {what} from {url}", url=url, status=status)
                yield response
            finally:
                response.close()

    def chunks(self, response: requests.Response, url: str, decode: bool = False) -> Iterator[bytes]:
        """The body as it arrives (``iter_content`` would wait for a full chunk, which a killed process
        then loses), abandoning a transfer slower than ``min_bytes_per_s`` over ``slow_window_s``.
        ``decode``: undo the answer's Content-Encoding (gzip, deflate, br, zstd: what the session's
        Accept-Encoding offers), for a page read whole; a download asks for identity and keeps its
        bytes as sent, or its offsets would not mean the server's bytes."""
        window = self.net.slow_window_s
        floor = self.net.min_bytes_per_s * window
        started = mark = time.monotonic()
        since_mark = 0
        try:
            while data := response.raw.read1(256 * 1024, decode_content=decode):
                yield data
                since_mark += len(data)
                now = time.monotonic()
                if now - mark >= window:
                    if since_mark < floor:
                        raise FetchError(
                            f"{url} is too slow: {since_mark} bytes in {now - mark:.0f} s "
                            f"(less than {self.net.min_bytes_per_s:.0f} B/s, {now - started:.0f} s in all)",
                            url=url,
                            kind=ErrorKind.TRANSIENT,
                        )
                    mark, since_mark = now, 0
        except (requests.RequestException, urllib3.exceptions.HTTPError, ConnectionError, TimeoutError) as exc:
            raise FetchError(
                f"connection broken while reading {url}: {_reason(exc)}", url=url, kind=ErrorKind.TRANSIENT
            ) from exc

    def get(
        self,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        refuse_html: bool = False,
        what: str = "a page",
        max_bytes: int | None = None,
    ) -> requests.Response:
        """A GET read whole into memory (pages, JSON, playlists), refusing bodies over ``max_bytes``."""
        limit = self.net.max_page_bytes if max_bytes is None else max_bytes
        return self.retrying(url, lambda: self._get_once(url, headers, refuse_html, what, limit))

    def _get_once(
        self, url: str, headers: dict[str, str] | None, refuse_html: bool, what: str, limit: int
    ) -> requests.Response:
        with self.stream(url, headers=headers, refuse_html=refuse_html, what=what) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                message = f"response from {url} is larger than {limit} bytes ({declared} announced)"
                raise FetchError(message, url=url, kind=ErrorKind.PERMANENT)
            parts: list[bytes] = []
            total = 0
            for chunk in self.chunks(response, url, decode=True):
                total += len(chunk)
                if total > limit:
                    message = f"response from {url} is larger than {limit} bytes"
                    raise FetchError(message, url=url, kind=ErrorKind.PERMANENT)
                parts.append(chunk)
            response._content = b"".join(parts)
            return response


def _reason(exc: BaseException) -> str:
    """A short cause for a requests exception (its repr nests three levels of urllib3 wrappers)."""
    unreachable = _unreachable(exc)
    if unreachable is not None:
        return unreachable
    text = str(exc)
    for marker in ("timed out", "reset by peer"):
        if marker in text:
            return marker
    return type(exc).__name__
