"""One headless browser per worker thread, started only when a page needs one, all closed at the end.

A WebDriver session belongs to the thread that drives it, so each resolving worker gets its own
``Browser`` (created on first need: a run of static pages never starts Chromium) and reuses it for
every page it meets; the run closes them all. Selenium is imported with the first browser: a run that
never meets such a page (a re-run of a finished archive) does not pay its 0.2 s import.
"""

from __future__ import annotations

import logging
import threading
from http.cookiejar import CookieJar
from typing import TYPE_CHECKING

from ..core.net import Rewriter
from ..core.settings import Settings

if TYPE_CHECKING:
    from .chromium import Browser


class BrowserPool:
    def __init__(self, settings: Settings, rewriter: Rewriter, cookies: CookieJar | None, log: logging.Logger) -> None:
        self._settings = settings
        self._rewriter = rewriter
        self._cookies = cookies
        self._log = log
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[Browser] = []

    def _browser(self) -> Browser:
        browser: Browser | None = getattr(self._local, "browser", None)
        if browser is None:
            from .chromium import Browser

            tools = self._settings.tools
            browser = Browser(
                tools.chromium, tools.chromedriver, self._rewriter, self._cookies, self._log,
                page_load_timeout_s=self._settings.network.timeout_s,
            )  # fmt: skip
            self._local.browser = browser
            with self._lock:
                self._all.append(browser)
        return browser

    def render(self, url: str) -> tuple[str, tuple[str, ...]]:
        """The rendered DOM (with its frames' HTML), then the iframe sources and the URLs it requested."""
        page = self._browser().render(url)
        return "\n".join([page.html, *page.frames_html]), (*page.iframe_srcs, *page.network_urls)

    def close(self) -> None:
        with self._lock:
            browsers, self._all = self._all, []
        for browser in browsers:
            browser.close()
