"""Conference sites of 2021 and later (``{conf}.cc/virtual/{year}/...``): server-rendered listings.

A listing (``papers.html?filter=titles``) is a list of ``/virtual/{year}/poster/{n}`` links to its own host over
several pages, mixed with login links (``accounts/login?nextp=``), which are never talks. Poster
pages embed the SlidesLive player like the MiniConf pages they descend from, whose layout plugin
reads their titles and authors.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import parse_qs, urlsplit

from ..core.errors import ConfarchiveError
from ..core.model import PageMeta, TalkRef
from ..core.settings import Settings
from .about import conference_from_text
from .base import SiteBase, Web
from .page import Page

NAME = "virtual"
TALK_PAGE = re.compile(r"/virtual/\d{4}/(?:poster|oral|spotlight|session|invited-talk|tutorial|workshop)/\d+/?$")
_LOGIN = re.compile(r"/(?:accounts/)?login|[?&]nextp?=")
MAX_PAGES = 200


def _page_number(url: str) -> str:
    return parse_qs(urlsplit(url).query).get("page", ["1"])[0]


class VirtualSite(SiteBase):
    name = NAME
    priority = 30

    def __init__(self, settings: Settings) -> None:
        del settings

    def is_talk_page(self, url: str) -> bool:
        return bool(TALK_PAGE.search(urlsplit(url).path)) and not _LOGIN.search(url)

    def _links(self, page: Page, conference: str | None) -> list[TalkRef]:
        found: dict[str, TalkRef] = {}
        for link in page.links():
            url = urlsplit(link.url)._replace(query="", fragment="").geturl()
            own = urlsplit(url).netloc == page.host  # a conference lists its own pages (a blog post links some)
            if own and not link.furniture and not _LOGIN.search(link.url) and self.is_talk_page(url):
                found.setdefault(url, TalkRef(url, None, link.text, about=PageMeta(url, conference=conference)))
        return list(found.values())

    def listing(self, page: Page, web: Web) -> Sequence[TalkRef] | None:
        """Talk links of this page and of every page its pagination reaches, in page order."""
        if self.is_talk_page(page.url):
            return None
        conference = conference_from_text(page.host + urlsplit(page.url).path)
        first = self._links(page, conference)
        if len(first) < 2:
            return None
        found = {ref.url: ref for ref in first}
        path = urlsplit(page.url).path
        queue, seen = [page], {_page_number(page.url)}
        while queue and len(seen) <= MAX_PAGES:
            current = queue.pop(0)
            if current is not page:
                for ref in self._links(current, conference):
                    found.setdefault(ref.url, ref)
            for link in current.links():
                target = urlsplit(link.url)
                if target.path != path or "page" not in parse_qs(target.query) or _page_number(link.url) in seen:
                    continue
                seen.add(_page_number(link.url))
                try:
                    response = web.http.get(link.url, what="a page of the listing")
                except ConfarchiveError as exc:
                    web.log.warning("listing page %s: %s", link.url, exc.one_line())
                    continue
                queue.append(Page.parse(response.text, response.url))
        return list(found.values())
