"""The one HTTP boundary: a requests session with timeouts, retries, per-host politeness and URL rewrites.

Everything above this module sees logical URLs (the real sites). Rewrites (git's ``insteadOf``) are
applied in the transport adapter as each request leaves, on every redirect hop, and the response is
handed back under its logical URL, so cookies, Referer headers and relative redirects all stay in the
logical world. That is how the tests reach the fixture world with the production code unchanged.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from http.cookiejar import CookieJar
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .errors import FetchError
from .politeness import HostLimiter
from .settings import NetworkSettings, Rewrite

RETRY_STATUSES = (429, 500, 502, 503, 504)


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


class _PoliteRetry(Retry):
    """urllib3's retry policy, telling the shared limiter when a server asks everyone to wait."""

    on_retry_after: Callable[[str, float], None] | None = None

    def new(self, **kw: Any) -> _PoliteRetry:
        retry = super().new(**kw)
        retry.on_retry_after = self.on_retry_after
        return retry

    def increment(self, method: Any = None, url: Any = None, response: Any = None, error: Any = None,
                  _pool: Any = None, _stacktrace: Any = None) -> Retry:  # fmt: skip
        if response is not None and _pool is not None and self.on_retry_after is not None:
            after = self.get_retry_after(response)
            if after:
                self.on_retry_after(str(_pool.host), after)
        return super().increment(method, url, response, error, _pool, _stacktrace)


def _retry_policy(net: NetworkSettings, on_retry_after: Callable[[str, float], None]) -> Retry:
    retry = _PoliteRetry(
        total=net.retries,
        connect=net.retries,
        read=net.retries,
        status=net.retries,
        backoff_factor=net.backoff_s,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    retry.on_retry_after = on_retry_after
    return retry


def _is_html(response: requests.Response) -> bool:
    ctype = response.headers.get("Content-Type", "").lower()
    return "text/html" in ctype or "application/xhtml" in ctype


class Http:
    """The session every component shares. Thread-safe for concurrent GETs."""

    def __init__(
        self,
        net: NetworkSettings,
        rewrites: Sequence[Rewrite] = (),
        cookies: CookieJar | None = None,
        limiter: HostLimiter | None = None,
    ) -> None:
        self.net = net
        self.rewriter = Rewriter(rewrites)
        self.limiter = limiter or HostLimiter(net.per_host_connections, net.min_interval_s)
        self.session = requests.Session()
        self.session.headers["User-Agent"] = net.user_agent
        if cookies is not None:
            self.session.cookies = cookies  # type: ignore[assignment]
        pool = max(10, net.per_host_connections * 2)
        retry = _retry_policy(net, self.limiter.pause)
        adapter = _RewritingAdapter(self.rewriter, max_retries=retry, pool_connections=pool, pool_maxsize=pool)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def close(self) -> None:
        self.session.close()

    def actual_host(self, url: str) -> str:
        """The limiter's key: the host name the request really goes to."""
        return urlsplit(self.rewriter(url)).hostname or ""

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
        """A GET whose body is read by the caller; the host slot is held until the block ends."""
        if urlsplit(url).scheme not in ("http", "https"):
            raise FetchError(f"refused to fetch {url[:200]}: only http(s) URLs are followed", url=url)
        with self.limiter.slot(self.actual_host(url)):
            try:
                response = self.session.get(
                    url, headers=headers, stream=True, timeout=self.net.timeout_s, allow_redirects=True
                )
            except requests.RequestException as exc:
                raise FetchError(f"cannot reach {url}: {_reason(exc)}", url=url) from exc
            try:
                if response.status_code >= 400 and response.status_code not in accept:
                    raise FetchError(
                        f"HTTP {response.status_code} for {url} (expected {what})",
                        url=url,
                        status=response.status_code,
                    )
                if refuse_html and _is_html(response):
                    raise FetchError(
                        f"got an HTML page instead of {what} from {url}", url=url, status=response.status_code
                    )
                yield response
            finally:
                response.close()

    def chunks(self, response: requests.Response, url: str) -> Iterator[bytes]:
        """The body as it arrives (``iter_content`` would wait for a full chunk, which a killed process
        then loses), abandoning a transfer slower than ``min_bytes_per_s`` over ``slow_window_s``."""
        window = self.net.slow_window_s
        floor = self.net.min_bytes_per_s * window
        started = mark = time.monotonic()
        since_mark = 0
        while data := response.raw.read1(256 * 1024):
            yield data
            since_mark += len(data)
            now = time.monotonic()
            if now - mark >= window:
                if since_mark < floor:
                    raise FetchError(
                        f"{url} is too slow: {since_mark} bytes in {now - mark:.0f} s "
                        f"(less than {self.net.min_bytes_per_s:.0f} B/s, {now - started:.0f} s in all)",
                        url=url,
                    )
                mark, since_mark = now, 0

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
        for attempt in range(1, 4):  # urllib3 retries statuses and connects, not a body cut mid-stream
            try:
                return self._get_once(url, headers, refuse_html, what, limit)
            except _BrokenBody as exc:
                if attempt == 3:
                    raise FetchError(str(exc), url=url) from exc.__cause__
        raise AssertionError("unreachable")

    def _get_once(
        self, url: str, headers: dict[str, str] | None, refuse_html: bool, what: str, limit: int
    ) -> requests.Response:
        with self.stream(url, headers=headers, refuse_html=refuse_html, what=what) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise FetchError(f"response from {url} is larger than {limit} bytes ({declared} announced)", url=url)
            parts: list[bytes] = []
            total = 0
            try:
                for chunk in self.chunks(response, url):
                    total += len(chunk)
                    if total > limit:
                        raise FetchError(f"response from {url} is larger than {limit} bytes", url=url)
                    parts.append(chunk)
            except (requests.RequestException, urllib3.exceptions.HTTPError, ConnectionError, TimeoutError) as exc:
                raise _BrokenBody(f"connection broken while reading {url}: {_reason(exc)}") from exc
            response._content = b"".join(parts)
            return response


class _BrokenBody(Exception):
    """A body cut mid-stream: the whole (small) GET is worth trying again."""


def _reason(exc: BaseException) -> str:
    """A short cause for a requests exception (its repr nests three levels of urllib3 wrappers)."""
    text = str(exc)
    for marker in ("Connection refused", "timed out", "Name or service not known", "reset by peer"):
        if marker in text:
            return marker.lower()
    return type(exc).__name__
