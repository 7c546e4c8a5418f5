"""The run context: everything a command that reads the web needs, built once, passed down, closed once.

Built in dependency order, so nothing is swapped after the fact: the Dask cluster first (when there
is one), then the per-host limiter it implies (shared by every process of the cluster, or by this
process's threads), then the HTTP boundary bound to that limiter (its Retry-After handling pauses
the right limiter), then the browsers, which are started only when a page needs one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.cookiejar import LoadError, MozillaCookieJar
from typing import Any

from ..browser import BrowserPool
from ..core.errors import UsageError
from ..core.layout import Layout
from ..core.net import Http
from ..core.politeness import HostLimiter
from ..core.settings import Settings
from ..sites import Registry, Web
from ..sites.papers import PaperFinder
from ..sites.resolve import Resolver


def load_cookies(path: str | None) -> MozillaCookieJar | None:
    if path is None:
        return None
    jar = MozillaCookieJar(path)
    try:
        jar.load(ignore_discard=True, ignore_expires=True)
    except (OSError, LoadError) as exc:
        raise UsageError(f"cannot read cookies from {path}: {exc} (a Netscape cookies.txt is expected)") from exc
    return jar


@dataclass(frozen=True)
class RunContext:
    settings: Settings
    http: Http
    registry: Registry
    log: logging.Logger
    browsers: BrowserPool | None = None
    cluster: Any = None  # cluster.Cluster when the run uses Dask
    cancel: threading.Event = field(default_factory=threading.Event)
    papers: PaperFinder = field(default_factory=lambda: PaperFinder(()))  # the --from listings, read once

    @property
    def layout(self) -> Layout:
        return Layout(self.settings.archive_dir)

    @property
    def web(self) -> Web:
        return Web(self.http, self.settings, self.log)

    def resolver(self) -> Resolver:
        render = self.browsers.render if self.browsers is not None else None
        return Resolver(self.registry, self.web, render, self.papers)


@contextmanager
def open_run(
    settings: Settings,
    log: logging.Logger,
    *,
    cookies: str | None = None,
    browser: bool = True,
    executor: str = "local",
    registry: Registry | None = None,
    listings: tuple[str, ...] = (),
) -> Iterator[RunContext]:
    """A run context for ``settings``; ``executor`` is ``local`` or ``dask://HOST:PORT``; ``listings``
    are the conference listings that papers are looked up in (``--from``)."""
    jar = load_cookies(cookies)
    with ExitStack() as stack:
        cluster = None
        if executor != "local":
            try:
                from .dask import Cluster
            except ImportError as exc:
                raise UsageError("the dask executor needs the extra: pip install 'confarchive[dask]'") from exc
            cluster = stack.enter_context(Cluster.connect(executor, settings, jar, log))
        net = settings.network
        limiter = (
            cluster.limiter() if cluster is not None else HostLimiter(net.per_host_connections, net.min_interval_s)
        )
        http = Http(net, settings.rewrites, jar, limiter, log=log)
        stack.callback(http.close)
        browsers = None
        if browser:
            browsers = BrowserPool(settings, http.rewriter, jar, log)
            stack.callback(browsers.close)
        sites = registry or Registry.default(settings)
        yield RunContext(settings, http, sites, log, browsers, cluster, papers=PaperFinder(listings))
