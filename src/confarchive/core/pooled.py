"""GETs sent through the session's own connection pools, without requests' per-request layers.

Why: a 5-minute talk is about a hundred GETs of small files (its slides and HLS segments), and for each
of them requests merges the session's settings into a new request, re-parses and re-quotes its URL,
wraps the answer twice and runs the cookie jar over it twice: about half the CPU of such a GET in the
calling thread, where urllib3, which requests sends it through anyway, does the rest (docs/performance.md).

What a GET sent here keeps from the session, so that it is the request requests would have sent:
- the session's headers, under the caller's own;
- its cookies for the URL (``get_cookie_header``), and the cookies an answer sets go into its jar;
- the session's auth (``~/.netrc``, per host);
- the adapter's pool for the URL (``get_connection_with_tls_context``: same pools, same TLS checks, same
  CA bundle, ``REQUESTS_CA_BUNDLE`` included), its retry setting and the session's timeout.
What it leaves to requests: URLs that a proxy of the environment applies to or that are not plain ASCII
(``Pooled.get`` answers None, and the caller sends them through ``Session.get``), and what follows a
redirect (``Session.resolve_redirects``, from the answer received here: no request is sent twice).
The caller applies rewrites and the per-host limit and handles errors, as for any request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.cookies import extract_cookies_to_jar, get_cookie_header
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers, requote_uri, select_proxy


class Pooled:
    """GETs through ``session``'s pools; thread-safe as the session's pools are."""

    def __init__(
        self, session: requests.Session, settings_for: Callable[[str], dict[str, Any]], timeout_s: float
    ) -> None:
        self._session = session
        self._settings_for = settings_for  # the session's environment settings for a URL (proxies, verify)
        self._timeout_s = timeout_s
        self._timeout = urllib3.Timeout(connect=timeout_s, read=timeout_s)
        # the adapter's pool per origin and TLS settings (one entry per origin a run meets): asking the
        # adapter rebuilds its pool key and TLS context (a URL parse, a stat of the CA bundle) for every GET,
        # a third of what this module added to urllib3's own CPU in a profile of 30 talks
        self._pools: dict[tuple[object, ...], urllib3.HTTPConnectionPool] = {}

    def get(self, logical: str, actual: str, headers: dict[str, str] | None) -> requests.Response | None:
        """The answer to a GET of ``actual`` (``logical`` rewritten), body unread, redirects followed; None
        when requests must send it (a proxy applies, the URL is not plain ASCII)."""
        settings = self._settings_for(logical)  # as requests: the environment for the URL asked for
        proxies = settings["proxies"]
        if not actual.isascii() or (proxies and select_proxy(actual, proxies)):
            return None
        wire = requests.PreparedRequest()
        wire.method, wire.url = "GET", requote_uri(actual)
        sent = CaseInsensitiveDict(self._session.headers)
        sent.update(headers or {})
        logical_request = requests.PreparedRequest()
        logical_request.method, logical_request.url, logical_request.headers = "GET", logical, sent
        if self._session.cookies:
            cookie = get_cookie_header(self._session.cookies, logical_request)
            if cookie:
                sent["Cookie"] = cookie
        auth = self._session.auth
        if callable(auth):
            logical_request = auth(logical_request)
        adapter = self._session.get_adapter(wire.url)
        assert isinstance(adapter, HTTPAdapter)
        pool = self._pool(adapter, wire, settings)
        raw = pool.urlopen(
            "GET", wire.path_url, headers=logical_request.headers, redirect=False, assert_same_host=False,
            preload_content=False, decode_content=False, retries=adapter.max_retries, timeout=self._timeout,
        )  # fmt: skip
        if "set-cookie" in raw.headers:
            extract_cookies_to_jar(self._session.cookies, logical_request, raw)
        response = requests.Response()
        response.status_code, response.reason = raw.status, raw.reason
        response.headers = CaseInsensitiveDict(raw.headers)
        response.encoding = get_encoding_from_headers(response.headers)  # what .text decodes with, as requests sets it
        response.raw, response.url, response.request = raw, logical, logical_request
        if response.is_redirect:
            return self._redirected(response, logical, headers, settings)
        return response

    def _pool(
        self, adapter: HTTPAdapter, wire: requests.PreparedRequest, settings: dict[str, Any]
    ) -> urllib3.HTTPConnectionPool:
        """The adapter's pool for ``wire``'s origin, asked of the adapter (and given its TLS settings by
        ``cert_verify``) once per origin and TLS settings: the same settings would set the same attributes
        again, and other settings make another pool (they are part of requests' pool key). A pool closed
        since (urllib3 1.26's manager closes the pools it drops; 2.x leaves them to the garbage collector)
        is asked for again; one closed between this and its use is a ``ClosedPoolError``, retried as any
        error of a request."""
        url = wire.url or ""
        end = url.find("/", url.find("//") + 2)
        key = (adapter, url if end < 0 else url[:end], settings["verify"], settings["cert"])  # adapter: by identity
        pool = self._pools.get(key)
        if pool is None or pool.pool is None:
            # proxies as requests passes them, never None: yt-dlp, once imported, replaces requests' proxy
            # selector with one that needs the dict
            pool = adapter.get_connection_with_tls_context(wire, settings["verify"], settings["proxies"],
                                                           settings["cert"])  # fmt: skip
            adapter.cert_verify(pool, url, settings["verify"], settings["cert"])
            self._pools[key] = pool
        return pool

    def _redirected(
        self, response: requests.Response, logical: str, headers: dict[str, str] | None, settings: dict[str, Any]
    ) -> requests.Response:
        """The end of the redirects from ``response``, followed by requests itself (``resolve_redirects``:
        its rules for methods, auth, cookies and proxies between hops) from the request it would have made."""
        session = self._session
        request = session.prepare_request(requests.Request("GET", logical, headers=headers))
        response.request = request
        hops = list(session.resolve_redirects(response, request, stream=True, timeout=self._timeout_s,
                                              verify=settings["verify"], cert=settings["cert"],
                                              proxies=settings["proxies"]))  # fmt: skip
        final = hops.pop()
        final.history = [response, *hops]
        return final
