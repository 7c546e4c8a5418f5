"""The one browser boundary: headless Chromium via Selenium, for pages that only show a talk after
their JavaScript has run.

- Started lazily: a run that never meets such a page never needs Chromium installed.
- One ``Browser`` per worker thread: a WebDriver session must not be driven from two threads, so the
  first thread that renders owns it (``render`` from another thread is a bug and raises).
- URL rewrites happen inside Chromium through DevTools request interception (``cdp.py`` says why it
  is done on the browser target), so the page, its cookies and every URL reported here stay logical.
- A browser that dies is replaced and the page retried once; each instance has its own temporary
  profile, removed on close, so crashed runs leave nothing behind.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from types import TracebackType
from typing import Any

import psutil
import urllib3
from selenium import webdriver
from selenium.common.exceptions import (
    InvalidSessionIdException,
    NoSuchWindowException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from ..core.errors import ConfarchiveError, MissingToolError
from ..core.net import Rewriter
from .devtools import DevTools, cookie_params

INSTALL_HINT = (
    "install it (Debian/Ubuntu: sudo apt-get install -y chromium chromium-driver) or set [tools] in the config"
)
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--mute-audio",
    # One renderer for all frames: chromedriver's performance log then also holds the requests made
    # inside cross-origin iframes (a player fetching its .m3u8), and a worker's browser stays small.
    # Chromium 156 keeps isolating unless both switches are given. Interception does not depend on it.
    "--disable-site-isolation-trials",
    "--disable-features=IsolateOrigins,site-per-process",
)
MEDIA_HINTS = ", ".join(
    (
        'iframe[src*="slideslive.com/embed"]',
        'iframe[src*="youtube.com/embed"]',
        'iframe[src*="player.vimeo.com"]',
        "video",
        "source[src]",  # a media source; <picture> sources (srcset only) are everywhere and mean nothing
        ".cards a[href]",
        'a[href*="poster"]',
    )
)
IDLE_S = 0.5  # network quiet this long after readyState "complete" counts as settled
MAX_FRAMES = 8  # frames entered per page to read their HTML; ads and trackers can add dozens
CRASH_MARKERS = (
    "disconnected",
    "no such window",
    "not connected to devtools",
    "chrome not reachable",
    "session deleted",
    "tab crashed",
    "target window already closed",
    "browser has closed",
    "invalid session id",
)


@dataclass(frozen=True)
class RenderedPage:
    """A page after its scripts ran. Every URL is logical (as the real site would have it)."""

    url: str  # final URL, after redirects
    html: str  # the rendered DOM: document.documentElement.outerHTML
    iframe_srcs: tuple[str, ...]  # absolute src of each <iframe src>, in document order
    network_urls: tuple[str, ...]  # every http(s) request of the page and its frames, first seen first
    frames_html: tuple[str, ...] = ()  # rendered DOM of each iframe_srcs entry ("" when unreadable)


class _NetworkWatch:
    """Requests in flight and the URLs seen, from chromedriver's performance log (Network domain)."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self._in_flight: set[str] = set()
        self._last_activity = time.monotonic()

    def feed(self, entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            message = json.loads(entry["message"])["message"]
            method, params = message.get("method"), message.get("params", {})
            if method == "Network.requestWillBeSent":
                url = params.get("request", {}).get("url", "")
                if url.startswith(("http://", "https://")):
                    self.urls.append(url)
                    self._in_flight.add(params.get("requestId", ""))
                    self._last_activity = time.monotonic()
            elif (
                method in ("Network.loadingFinished", "Network.loadingFailed")
                and params.get("requestId") in self._in_flight
            ):
                self._in_flight.discard(params["requestId"])
                self._last_activity = time.monotonic()

    def idle_for(self) -> float:
        return 0.0 if self._in_flight else time.monotonic() - self._last_activity


class Browser:
    """Headless Chromium for one worker thread; see the module docstring. Use as a context manager."""

    def __init__(
        self,
        chromium_path: str,
        chromedriver_path: str,
        rewriter: Rewriter,
        cookies: CookieJar | None,
        log: logging.Logger,
        page_load_timeout_s: float = 30,
    ) -> None:
        self._chromium = chromium_path
        self._chromedriver = chromedriver_path
        self._rewriter = rewriter
        self._cookies = cookies
        self._log = log
        self._timeout = page_load_timeout_s
        self._driver: WebDriver | None = None
        self._devtools: DevTools | None = None
        self._profile: Path | None = None
        self._owner: int | None = None
        self._cookies_sent: tuple[tuple[Any, ...], ...] | None = None

    # -- public ----------------------------------------------------------------------------------
    @property
    def profile_dir(self) -> Path | None:
        """The running browser's temporary profile (None before the first page and after close)."""
        return self._profile

    def processes(self) -> list[psutil.Process]:
        """chromedriver and every process below it (Chromium and its helpers); for cleanup and tests."""
        if self._driver is None or self._driver.service.process is None:
            return []
        try:
            root = psutil.Process(self._driver.service.process.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def pids(self) -> tuple[int, ...]:
        return tuple(p.pid for p in self.processes())

    def render(self, url: str, *, wait_s: float = 10.0) -> RenderedPage:
        """Load ``url`` (logical) and return the page once a talk's media shows or the network is quiet.

        A browser that died is restarted and the page retried once; a second failure, a page-load
        timeout or any other browser error raises ConfarchiveError.
        """
        me = threading.get_ident()
        if self._owner not in (None, me):
            raise RuntimeError("a Browser belongs to the thread that first used it: make one per worker thread")
        self._owner = me
        for attempt in (1, 2):
            driver = self._ensure_started()
            try:
                return self._render_once(driver, url, wait_s)
            except TimeoutException as exc:
                raise ConfarchiveError(f"page load timed out after {self._timeout:g} s: {url}") from exc
            except (WebDriverException, urllib3.exceptions.HTTPError, ConnectionError, ConfarchiveError) as exc:
                reason = _one_line(exc)
                if not self._crashed(exc):
                    if isinstance(exc, ConfarchiveError):  # a DevTools command failed on a live browser
                        raise
                    raise ConfarchiveError(f"browser error on {url}: {reason}") from exc
                self._log.warning(
                    "chromium died on %s (%s); %s", url, reason, "restarting" if attempt == 1 else "giving up"
                )
                self._shutdown()
                if attempt == 2:
                    raise ConfarchiveError(f"chromium crashed twice while loading {url}: {reason}") from exc
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Quit Chromium, stop the DevTools connection, remove the profile. Safe to call twice."""
        self._shutdown()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    # -- start and stop ------------------------------------------------------------------------------
    def _tool(self, path: str, what: str) -> str:
        found = shutil.which(path)
        if found is None:
            raise MissingToolError(f"{what} not found at {path!r}: {INSTALL_HINT}")
        return found

    def _ensure_started(self) -> WebDriver:
        if self._driver is not None:
            return self._driver
        chromium = self._tool(self._chromium, "chromium")
        chromedriver = self._tool(self._chromedriver, "chromedriver")
        self._profile = Path(tempfile.mkdtemp(prefix="confarchive-chromium-"))
        options = webdriver.ChromeOptions()
        options.binary_location = chromium  # with the driver given too, Selenium Manager is never run
        for flag in (*FLAGS, f"--user-data-dir={self._profile}"):
            options.add_argument(flag)
        options.page_load_strategy = "eager"
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        options.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True, "enablePage": False})
        started = time.monotonic()
        try:
            service = Service(executable_path=chromedriver, log_output=subprocess.DEVNULL)
            self._driver = webdriver.Chrome(service=service, options=options)
            self._driver.set_page_load_timeout(self._timeout)
            # Leave Chromium's new-tab page first: a navigation away from it ignored the page-load
            # timeout (measured: 21 s instead of 1.5 s for a server that never answered).
            self._driver.get("about:blank")
            address = self._driver.capabilities["goog:chromeOptions"]["debuggerAddress"]
            self._devtools = DevTools(address, self._rewriter if self._rewriter else None, self._log)
        except (WebDriverException, ConfarchiveError, OSError, KeyError) as exc:
            self._shutdown()
            raise ConfarchiveError(f"cannot start chromium ({chromium}): {_one_line(exc)}") from exc
        self._log.debug("chromium started in %.1f s, profile %s", time.monotonic() - started, self._profile)
        self._cookies_sent = None
        return self._driver

    def _shutdown(self) -> None:
        """Stop everything this instance started, also when Chromium is already dead."""
        ours = self.processes()  # psutil.Process remembers each one's start time: a reused pid is not ours
        if self._driver is not None:
            try:
                self._driver.quit()
            except Exception as exc:  # quitting a dead browser may fail in many ways; it is going anyway
                self._log.debug("driver.quit: %s", _one_line(exc))
            self._driver = None
        if self._devtools is not None:  # after quit: closing a live socket first waits seconds for its close frame
            self._devtools.close()
            self._devtools = None
        _reap(ours)
        if self._profile is not None:
            _remove_tree(self._profile, self._log)
            self._profile = None

    def _crashed(self, exc: BaseException) -> bool:
        if isinstance(exc, InvalidSessionIdException | NoSuchWindowException | urllib3.exceptions.HTTPError):
            return True
        if isinstance(exc, ConnectionError) or any(m in str(exc).lower() for m in CRASH_MARKERS):
            return True
        processes = self.processes()
        return len(processes) < 2 or not all(_alive(p) for p in processes[:2])

    # -- one page ------------------------------------------------------------------------------------
    def _sync_cookies(self) -> None:
        """Copy the jar into Chromium when it changed: cookies are chosen by the page's logical URL."""
        if self._cookies is None or self._devtools is None:
            return
        jar = list(self._cookies)
        key = tuple((c.domain, c.path, c.name, c.value, c.expires, c.secure) for c in jar)
        if key != self._cookies_sent:
            self._devtools.set_cookies(cookie_params(jar))
            self._cookies_sent = key

    def _render_once(self, driver: WebDriver, url: str, wait_s: float) -> RenderedPage:
        deadline = time.monotonic() + wait_s
        self._sync_cookies()
        driver.get_log("performance")  # drop what earlier pages left
        assert self._devtools is not None
        self._devtools.take_seen()
        driver.get(url)
        watch = _NetworkWatch()

        def settled(d: WebDriver) -> bool:
            watch.feed(d.get_log("performance"))
            state, hint = d.execute_script(
                "return [document.readyState, document.querySelector(arguments[0]) !== null]", MEDIA_HINTS
            )
            return bool(hint) or (state == "complete" and watch.idle_for() >= IDLE_S)

        try:
            WebDriverWait(driver, wait_s, poll_frequency=0.1).until(settled)
        except TimeoutException:
            self._log.debug("%s did not settle within %g s; taking it as it is", url, wait_s)
        frames: list[WebElement] = driver.find_elements(By.CSS_SELECTOR, "iframe[src]")
        srcs: list[str] = driver.execute_script("return arguments[0].map(f => f.src)", frames) if frames else []
        frames_html = tuple(
            self._frame_html(driver, f, s, deadline) if i < MAX_FRAMES else ""
            for i, (f, s) in enumerate(zip(frames, srcs, strict=True))
        )
        html = driver.execute_script("return document.documentElement.outerHTML")
        final_url = driver.current_url
        watch.feed(driver.get_log("performance"))
        network = dict.fromkeys(watch.urls + self._devtools.take_seen())
        return RenderedPage(final_url, html, tuple(srcs), tuple(network), frames_html)

    def _frame_html(self, driver: WebDriver, frame: WebElement, src: str, deadline: float) -> str:
        """The frame's rendered DOM; entering it also waits for its document (chromedriver does)."""
        if not src.startswith(("http://", "https://")):
            return ""
        try:
            WebDriverWait(driver, max(0.5, deadline - time.monotonic())).until(
                ec.frame_to_be_available_and_switch_to_it(frame)
            )
            return str(driver.execute_script("return document.documentElement.outerHTML"))
        except (TimeoutException, WebDriverException) as exc:
            if self._crashed(exc):
                raise
            self._log.debug("cannot read frame %s: %s", src, _one_line(exc))
            return ""
        finally:
            driver.switch_to.default_content()


def _alive(process: psutil.Process) -> bool:
    """Running, not a zombie, and still the process it was (psutil checks the start time)."""
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _reap(processes: list[psutil.Process], timeout_s: float = 5.0) -> None:
    """Wait for our own processes to exit after quit; kill the ones that outlive it."""
    _, alive = psutil.wait_procs(processes, timeout=timeout_s)
    for process in alive:
        with contextlib.suppress(psutil.Error):
            process.kill()


def _remove_tree(path: Path, log: logging.Logger) -> None:
    """Remove the profile; a helper that is still exiting may write one last file into it."""
    for _ in range(20):
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            return
        time.sleep(0.05)
    log.warning("could not remove the chromium profile %s", path)


def _one_line(exc: BaseException) -> str:
    text = getattr(exc, "msg", None) or str(exc) or type(exc).__name__
    return " ".join(str(text).split("\n", 1)[0].split())
