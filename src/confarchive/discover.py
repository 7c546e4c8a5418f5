"""Whole-conference discovery: a listing page in, talk URLs (with titles when known) out.

- MiniConf ``papers.html`` (ICLR/ICML/NeurIPS/ACL 2020) is empty in static HTML: its script draws the
  cards from ``papers.json``, so that JSON is read directly (its order is the site's; the cards are
  shuffled on every load). The poster URL pattern (``poster_{id}.html`` or ``paper_{id}.html``) is
  read from the page or its scripts.
- 2021+ sites render ``<li><a href="/virtual/{year}/poster/{n}">`` lists server-side, over several
  pages, mixed with login links, which are skipped.
- Anything else is rendered in headless Chromium and its links are read; drawn cards come in random
  order, so those URLs are sorted to keep the result stable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlsplit

from bs4 import BeautifulSoup

from .errors import ConfarchiveError, FetchError, MissingToolError
from .net import Http
from .resolvers.page import clean_text

LISTING = re.compile(r"(?:/papers(?:\.html)?/?$|/papers\.html\?|[?&]filter=titles|/(?:posters|orals)\.html$)")
_TALK_LINK = re.compile(
    r"(?:/virtual/\d{4}/(?:poster|oral|spotlight|session|invited-talk)/\d+/?$|/(?:poster|paper)_[\w.-]+\.html$"
    r"|^https?://(?:www\.)?slideslive\.com/\d{5,})"
)
_LOGIN = re.compile(r"/(?:accounts/)?login|[?&]next(?:p)?=")
MAX_PAGES = 200

DomRenderer = Callable[[str], str]


@dataclass(frozen=True)
class Listed:
    url: str
    title: str | None = None


def is_listing(url: str) -> bool:
    """A conference's list of papers rather than one talk (by URL: no request needed)."""
    parts = urlsplit(url)
    return bool(LISTING.search(parts.path + ("?" + parts.query if parts.query else "")))


def _papers_json(data: object) -> list[tuple[str, str | None]]:
    """(poster id, title) from the papers.json shapes of Mini-Conf, ICLR 2020 and ACL 2020."""
    if isinstance(data, dict):
        data = data.get("papers") or data.get("data") or []
    if not isinstance(data, list):
        raise ConfarchiveError("papers.json is not a list of papers")
    out = []
    for item in data:
        if not isinstance(item, dict):
            continue
        content = item.get("content") if isinstance(item.get("content"), dict) else {}
        uid = item.get("UID") or item.get("forum") or item.get("id")
        title = content.get("title") or item.get("title")
        if isinstance(uid, str | int) and str(uid):
            out.append((str(uid), clean_text(str(title)) if title else None))
    return out


class Discoverer:
    def __init__(self, http: Http, render: DomRenderer | None = None) -> None:
        self.http = http
        self.render = render

    def discover(self, url: str) -> list[Listed]:
        response = self.http.get(url, what="the listing page")
        soup = BeautifulSoup(response.text, "html.parser")
        if soup.select_one(".cards") is not None and not self._links(soup, response.url):
            found = self._miniconf(response.url, response.text, soup)
            if found:
                return found
        listed = self._server_rendered(response.url, soup)
        if listed:
            return listed
        if self.render is None:
            raise ConfarchiveError(f"no talk links on {url} (static page; the browser is turned off)")
        try:
            dom = self.render(response.url)
        except MissingToolError as exc:
            raise ConfarchiveError(f"no talk links on {url} (static page; {exc.one_line()})") from exc
        drawn = self._links(BeautifulSoup(dom, "html.parser"), response.url)
        if not drawn:
            raise ConfarchiveError(f"no talk links on {url} (static page and browser)")
        return sorted(drawn, key=lambda item: item.url)  # cards are shuffled: sort for a stable order

    def _miniconf(self, url: str, html: str, soup: BeautifulSoup) -> list[Listed]:
        try:
            papers = _papers_json(json.loads(self.http.get(urljoin(url, "papers.json"), what="papers.json").content))
        except (FetchError, ValueError, ConfarchiveError):
            return []
        prefix = self._poster_prefix(url, html, soup)
        return [Listed(urljoin(url, f"{prefix}{uid}.html"), title) for uid, title in papers]

    def _poster_prefix(self, url: str, html: str, soup: BeautifulSoup) -> str:
        """``poster_`` or ``paper_``: whichever the page's own scripts build links with."""
        scripts = [html]
        for tag in soup.find_all("script", src=True)[:8]:
            src = urljoin(url, str(tag["src"]))
            if urlsplit(src).netloc == urlsplit(url).netloc:
                try:
                    scripts.append(self.http.get(src, what="a script").text)
                except FetchError:
                    continue
            if any("paper_" in s or "poster_" in s for s in scripts):
                break
        text = "\n".join(scripts)
        return "paper_" if "paper_" in text and "poster_" not in text else "poster_"

    def _links(self, soup: BeautifulSoup, base: str) -> list[Listed]:
        found: dict[str, Listed] = {}
        for link in soup.find_all("a", href=True):
            href = urljoin(base, str(link["href"]))
            path = urlsplit(href)._replace(query="", fragment="").geturl()
            if not href.startswith(("http://", "https://")) or _LOGIN.search(href) or not _TALK_LINK.search(path):
                continue
            found.setdefault(path, Listed(path, clean_text(link.get_text(" "))))
        return list(found.values())

    def _server_rendered(self, url: str, soup: BeautifulSoup) -> list[Listed]:
        """Talk links of this page and of every page its pagination links reach, in page order."""
        found: dict[str, Listed] = {}
        queue, seen = [url], {_page_number(url)}
        while queue and len(seen) <= MAX_PAGES:
            page_url = queue.pop(0)
            page = soup if page_url == url else self._soup(page_url)
            for item in self._links(page, page_url):
                found.setdefault(item.url, item)
            for link in page.find_all("a", href=True):
                target = urljoin(page_url, str(link["href"]))
                if urlsplit(target).path != urlsplit(url).path or "page" not in parse_qs(urlsplit(target).query):
                    continue
                if _page_number(target) not in seen:
                    seen.add(_page_number(target))
                    queue.append(target)
        return list(found.values())

    def _soup(self, url: str) -> BeautifulSoup:
        return BeautifulSoup(self.http.get(url, what="a listing page").text, "html.parser")


def _page_number(url: str) -> str:
    return parse_qs(urlsplit(url).query).get("page", ["1"])[0]
