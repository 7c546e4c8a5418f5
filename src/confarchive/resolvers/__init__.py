"""Which resolver handles a URL: by URL pattern first, then by page content, then by the browser.

``talk_key`` is the offline half: it derives a talk's key from its URL alone (no request), which is
what lets a re-run skip a finished SlidesLive URL before touching the network. Poster pages on any
host (a conference, a mirror, the fixture world) are recognised by what they embed: a SlidesLive
player first, else another player or a media file (YouTube, Vimeo, <video>, og:video). A page with
nothing recognisable in its static HTML is rendered once in headless Chromium (scripts that insert
the player, ids from script variables) and its DOM, iframes and network log are read the same way.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from bs4 import BeautifulSoup

from ..errors import ConfarchiveError, MissingToolError, NoVideoError, ResolveError
from ..model import Media, MediaKind, PageInfo, Talk
from ..net import Http
from ..settings import Settings
from .page import media_urls, parse_page, presentation_ids
from .slideslive import SlidesLive, SlidesLiveTalk, presentation_id_from_url

_YOUTUBE_ID = re.compile(r"[?&]v=([\w-]{11})")
_VIMEO_ID = re.compile(r"player\.vimeo\.com/video/(\d+)")

# A browser renders a page: () -> (rendered DOM + frames, iframe srcs, network URLs), all logical.
Renderer = Callable[[str], tuple[str, tuple[str, ...], tuple[str, ...]]]


def talk_key(url: str) -> str | None:
    """The talk's key when the URL alone tells it (``slideslive:38925850``), else None."""
    pid = presentation_id_from_url(url)
    return f"slideslive:{pid}" if pid else None


def media_of(url: str, referer: str) -> tuple[str, Media]:
    """The key and the Media of a non-SlidesLive media URL."""
    if m := _YOUTUBE_ID.search(url):
        return f"youtube:{m.group(1)}", Media(MediaKind.YOUTUBE, url, referer)
    if m := _VIMEO_ID.search(url):
        return f"vimeo:{m.group(1)}", Media(MediaKind.VIMEO, url, referer)
    path = url.split("?", 1)[0].lower()
    kind = MediaKind.HLS if path.endswith(".m3u8") else MediaKind.DASH if path.endswith(".mpd") else MediaKind.FILE
    return f"media:{hashlib.sha1(url.encode()).hexdigest()[:16]}", Media(kind, url, referer)


class Resolver:
    """Turns a talk URL into a ``Talk``. Holds no per-talk state; ``render`` may be None (no browser)."""

    def __init__(self, http: Http, settings: Settings, render: Renderer | None = None) -> None:
        self.http = http
        self.slideslive = SlidesLive(http, settings.slideslive)
        self.render = render

    def resolve(self, url: str) -> Talk:
        pid = presentation_id_from_url(url)
        if pid is not None:
            return self._talk(url, self.slideslive.resolve(pid, None), PageInfo(url=url, title=None))
        response = self.http.get(url, what="the talk page")
        page = parse_page(response.text, response.url)
        if not page.presentation_ids and not page.media_urls:
            page = self._rendered(url, page)
        if page.presentation_ids:
            pid = page.presentation_ids[0]
            try:
                sl = self.slideslive.resolve(pid, page.url)
            except ConfarchiveError as exc:
                raise ResolveError(exc.one_line(), key=f"slideslive:{pid}", page=page) from exc
            return self._talk(url, sl, page)
        key, media = media_of(page.media_urls[0], page.url)
        return Talk(
            key=key, source_url=url, title=page.title or url, media=media, authors=page.authors,
            conference=page.conference, abstract=page.abstract, paper_url=page.paper_url,
            other_embeds=page.media_urls[1:], page_url=page.url, date=page.date,
        )  # fmt: skip

    def _rendered(self, url: str, static: PageInfo) -> PageInfo:
        """The page as headless Chromium sees it: what its scripts drew and what they requested."""
        if self.render is None:
            raise NoVideoError(f"no video found on {url} (static page; the browser is turned off)")
        try:
            dom, iframes, network = self.render(static.url)
        except MissingToolError as exc:
            raise NoVideoError(f"no video found on {url} (static page; {exc.one_line()})") from exc
        text = "\n".join([dom, *iframes, *network])
        ids = presentation_ids(text)
        media = media_urls(text, static.url, BeautifulSoup(dom, "html.parser"))
        if not ids and not media:
            raise NoVideoError(f"no video found on {url} (static page and browser)")
        return PageInfo(
            url=static.url, title=static.title, authors=static.authors, conference=static.conference,
            abstract=static.abstract, paper_url=static.paper_url, presentation_ids=ids, media_urls=media,
            date=static.date,
        )  # fmt: skip

    @staticmethod
    def _talk(source_url: str, sl: SlidesLiveTalk, page: PageInfo) -> Talk:
        others = tuple(f"https://slideslive.com/{pid}" for pid in page.presentation_ids[1:])
        return Talk(
            key=f"slideslive:{sl.presentation_id}",
            source_url=source_url,
            title=page.title or sl.title or f"SlidesLive {sl.presentation_id}",
            media=sl.media,
            presentation_id=sl.presentation_id,
            authors=page.authors,
            conference=page.conference,
            abstract=page.abstract,
            paper_url=page.paper_url,
            slides=sl.slides,
            other_embeds=others,
            subtitles=sl.subtitles,
            date=page.date,
            page_url=page.url if page.title is not None or page.presentation_ids else None,
        )
