"""DevTools plumbing for ``browser.py``: URL rewrites and cookies inside Chromium.

Why it looks like this (measured with Chromium 156, chromedriver 156, selenium 4.51):

- ``Fetch.enable`` on the *browser* target pauses every request of every frame, worker and
  out-of-process iframe, so no per-target ``Target.setAutoAttach`` bookkeeping is needed. On a page
  session, Fetch missed the subresources of a cross-origin iframe (they would have gone to the real
  site).
- ``Fetch.continueRequest(url=...)`` changes the URL without the page noticing (``location``, cookies
  and the performance log stay logical), but a *relative* redirect is then resolved against the
  rewritten URL, and Chromium drops the Referer on the https -> http downgrade. So the headers the
  page meant to send are passed back explicitly, and 3xx answers of rewritten requests are paused
  at the response stage and replayed with ``Fetch.fulfillRequest`` and a ``Location`` resolved
  against the logical URL (``continueResponse`` with a changed ``Location`` was ignored).
- selenium's own ``WebSocketConnection`` carries the commands. ``driver.bidi_connection()`` (trio)
  parses every event into v155 dataclasses and its reader dies on an event or enum value it does
  not know (Chromium is 156); here events arrive as plain dicts, each in its own short thread.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable
from http.cookiejar import Cookie
from typing import Any
from urllib.parse import urljoin

from selenium.webdriver.remote.websocket_connection import WebSocketConnection

from ..core.errors import ConfarchiveError

REDIRECTS = frozenset({301, 302, 303, 307, 308})


class _RawEvent:
    """Lets ``WebSocketConnection.add_callback`` hand over the raw params instead of typed objects."""

    def __init__(self, method: str) -> None:
        self.event_class = method

    @staticmethod
    def from_json(params: dict[str, Any]) -> dict[str, Any]:
        return params


def browser_websocket_url(debugger_address: str, timeout_s: float) -> str:
    """The browser target's DevTools URL, from chromedriver's ``debuggerAddress`` (never a proxy)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"http://{debugger_address}/json/version", timeout=timeout_s) as resp:
        return str(json.load(resp)["webSocketDebuggerUrl"])


def cookie_params(cookies: Iterable[Cookie]) -> list[dict[str, Any]]:
    """The jar's live cookies as ``Storage.setCookies`` parameters, under their logical domains."""
    now = time.time()
    params = []
    for c in cookies:
        if c.is_expired(now):
            continue
        host = c.domain.lstrip(".")
        p: dict[str, Any] = {
            "name": c.name,
            "value": c.value or "",
            "url": f"https://{host}{c.path or '/'}",  # a secure source: also sent to https pages
            "path": c.path or "/",
            "secure": bool(c.secure),
            "httpOnly": c.has_nonstandard_attr("HttpOnly"),
        }
        if c.domain_specified or c.domain.startswith("."):
            p["domain"] = c.domain  # a domain cookie; without it the cookie is host-only
        if c.expires:
            p["expires"] = float(c.expires)
        same_site = str(c.get_nonstandard_attr("SameSite") or "").capitalize()
        if same_site in ("Strict", "Lax", "None"):
            p["sameSite"] = same_site
        params.append(p)
    return params


class DevTools:
    """One DevTools connection to the browser target: cookies, and URL rewrites when there are any.

    Alive as long as its driver; ``close()`` ends its reader thread. Callbacks run on selenium's
    event threads, so the state they share is guarded by a lock.
    """

    def __init__(
        self, debugger_address: str, rewrite: Callable[[str], str] | None, log: logging.Logger, timeout_s: float = 10
    ) -> None:
        self._rewrite = rewrite
        self._log = log
        self._lock = threading.Lock()
        self._logical: dict[str, str] = {}  # requestId -> logical URL, for rewritten requests
        self._seen: list[str] = []
        try:
            url = browser_websocket_url(debugger_address, timeout_s)
            self._conn = WebSocketConnection(url, timeout_s, 0.005)
        except Exception as exc:  # any failure here means the browser is unusable
            raise ConfarchiveError(f"cannot open DevTools of chromium at {debugger_address}: {exc}") from exc
        self.command("Browser.getVersion", {})  # selenium's constructor does not say if it connected
        if rewrite is not None:
            self._conn.add_callback(_RawEvent("Fetch.requestPaused"), self._on_paused)
            patterns = [{"urlPattern": "*", "requestStage": "Request"}, {"urlPattern": "*", "requestStage": "Response"}]
            self.command("Fetch.enable", {"patterns": patterns})

    def command(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        try:
            reply = self._conn.send_cmd(method, params)
        except Exception as exc:  # a closed socket, a dead browser
            raise ConfarchiveError(f"DevTools {method} failed: {exc}") from exc
        if "error" in reply:
            raise ConfarchiveError(f"DevTools {method} failed: {reply['error'].get('message', reply['error'])}")
        return dict(reply.get("result") or {})

    def set_cookies(self, params: list[dict[str, Any]]) -> None:
        """Set cookies; one bad cookie (Chromium refuses the whole batch) must not lose the others."""
        if not params:
            return
        try:
            self.command("Storage.setCookies", {"cookies": params})
        except ConfarchiveError:
            for p in params:
                try:
                    self.command("Storage.setCookies", {"cookies": [p]})
                except ConfarchiveError as exc:
                    self._log.warning("chromium refused cookie %s for %s: %s", p["name"], p["url"], exc.one_line())

    def take_seen(self) -> list[str]:
        """Logical URLs of the requests intercepted since the last call."""
        with self._lock:
            seen, self._seen = self._seen, []
        return seen

    def close(self) -> None:
        try:
            self._conn.close()
        except Exception as exc:  # closing a dead connection
            self._log.debug("closing DevTools: %s", exc)

    # -- interception (selenium's event threads) ----------------------------------------------------
    def _on_paused(self, event: dict[str, Any]) -> None:
        rid = event["requestId"]
        try:
            if "responseStatusCode" in event or "responseErrorReason" in event:
                self._on_response(rid, event)
            else:
                self._on_request(rid, event)
        except Exception as exc:  # a paused request must never be left hanging
            self._log.debug("request interception failed for %s: %s", event.get("request", {}).get("url"), exc)
            with contextlib.suppress(Exception):  # the browser is gone; nothing is waiting any more
                self._conn.send_cmd("Fetch.continueRequest", {"requestId": rid})

    def _on_request(self, rid: str, event: dict[str, Any]) -> None:
        request = event["request"]
        logical = request["url"]  # as the page asked for it: the rewrite is invisible to the page
        assert self._rewrite is not None
        actual = self._rewrite(logical)
        with self._lock:
            self._seen.append(logical)
            if actual != logical:
                self._logical[rid] = logical
        if actual == logical:
            self._conn.send_cmd("Fetch.continueRequest", {"requestId": rid})
            return
        headers = [{"name": k, "value": v} for k, v in request.get("headers", {}).items()]
        reply = self._conn.send_cmd("Fetch.continueRequest", {"requestId": rid, "url": actual, "headers": headers})
        if "error" in reply:  # fail it rather than let it reach the host the user rewrote away from
            self._log.warning("chromium refused the rewrite %s -> %s: %s", logical, actual, reply["error"])
            self._conn.send_cmd("Fetch.failRequest", {"requestId": rid, "errorReason": "AddressUnreachable"})

    def _on_response(self, rid: str, event: dict[str, Any]) -> None:
        with self._lock:
            logical = self._logical.pop(rid, None)
        status = event.get("responseStatusCode", 0)
        headers = event.get("responseHeaders") or []
        location = next((h["value"] for h in headers if h["name"].lower() == "location"), None)
        if logical is None or status not in REDIRECTS or location is None:
            self._conn.send_cmd("Fetch.continueRequest", {"requestId": rid})
            return
        fixed = [
            {
                "name": h["name"],
                "value": urljoin(logical, h["value"]) if h["name"].lower() == "location" else h["value"],
            }
            for h in headers
        ]
        # An explicit (empty) body: without one Chromium replays the original answer, redirect included.
        params = {"requestId": rid, "responseCode": status, "responseHeaders": fixed, "body": ""}
        if "error" in self._conn.send_cmd("Fetch.fulfillRequest", params):
            self._conn.send_cmd("Fetch.continueRequest", {"requestId": rid})
