"""Which resolver handles a URL: by URL pattern first, then by page content.

``talk_key`` is the offline half: it derives a talk's key from its URL alone (no request), which is
what lets a re-run skip a finished SlidesLive URL before touching the network. Poster pages on any
host (a conference, a mirror, the fixture world) are recognised by what they embed.
"""

from __future__ import annotations

from ..errors import ConfarchiveError, NoVideoError, ResolveError
from ..model import PageInfo, Talk
from ..net import Http
from ..settings import Settings
from .page import parse_page
from .slideslive import SlidesLive, SlidesLiveTalk, presentation_id_from_url


def talk_key(url: str) -> str | None:
    """The talk's key when the URL alone tells it (``slideslive:38925850``), else None."""
    pid = presentation_id_from_url(url)
    return f"slideslive:{pid}" if pid else None


class Resolver:
    """Turns a talk URL into a ``Talk``. One per worker thread is fine; it holds no per-talk state."""

    def __init__(self, http: Http, settings: Settings) -> None:
        self.http = http
        self.slideslive = SlidesLive(http, settings.slideslive)

    def resolve(self, url: str) -> Talk:
        pid = presentation_id_from_url(url)
        if pid is not None:
            return self._talk(url, self.slideslive.resolve(pid, None), PageInfo(url=url, title=None))
        response = self.http.get(url, what="the talk page")
        page = parse_page(response.text, response.url)
        if page.presentation_ids:
            pid = page.presentation_ids[0]
            try:
                sl = self.slideslive.resolve(pid, response.url)
            except ConfarchiveError as exc:
                raise ResolveError(exc.one_line(), key=f"slideslive:{pid}", page=page) from exc
            return self._talk(url, sl, page)
        raise NoVideoError(f"no video found on {url} (static page): no SlidesLive embed or link")

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
            page_url=page.url if page.title is not None or page.presentation_ids else None,
        )
