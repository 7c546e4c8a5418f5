"""The talk links of a listing whose cards are in the HTML: drawn by its scripts (read in Chromium) or
rendered by the server (the pre-conference ICLR build).

Which links are talks is read from the cards themselves, never from a list of names: a card's title
is a link (``<a href="poster_x.html"><h5 class="card-title">…``), so the links that carry headings or
titles are grouped by their shape (folder, the name's leading word such as ``poster_`` or ``demo_``,
extension), and the largest group is the listing's kind of page. Every link of that shape outside the
site's furniture is a talk ("Visit" buttons included); keyword, calendar and chat links have other
shapes, and a page of that very shape (a poster page and its "Similar Papers" cards) is a talk, not
a listing of them.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from posixpath import dirname, splitext
from urllib.parse import urlsplit

from bs4 import Tag

from ..model import PageMeta, TalkRef
from .page import Page, furniture_of

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_LEADING_WORD = re.compile(r"[A-Za-z]+[_-](?=.)")
_GENERIC_TEXT = frozenset({"visit", "more", "details", "open", "view", "link", "here"})

Shape = tuple[str, str, str, str]  # host, folder, the name's leading word, extension


def link_shape(url: str) -> Shape:
    """``poster_r1eyceSYPr.html`` and ``poster_B1x.html`` share a shape; ``keyword_x.html`` does not."""
    parts = urlsplit(url)
    name = parts.path.rsplit("/", 1)[-1]
    stem, ext = splitext(name)
    if not ext.strip(".").isalpha():
        stem, ext = name, ""
    word = _LEADING_WORD.match(stem)
    return parts.netloc, dirname(parts.path), word.group(0) if word else "", ext.lower()


def _is_title_link(tag: Tag) -> bool:
    if tag.find(_HEADINGS) is not None or tag.find_parent(_HEADINGS) is not None:
        return True
    classes = [*(tag.get("class") or ()), *(c for t in tag.find_all(True) for c in (t.get("class") or ()))]
    return any("title" in str(c).lower() for c in classes)


def _bare(url: str) -> str:
    return urlsplit(url)._replace(query="", fragment="").geturl()


def card_links(page: Page, conference: str | None, log: logging.Logger) -> list[TalkRef] | None:
    """The listing's talks in page order (sorted when drawn: drawn cards come shuffled), or None."""
    own_shape = link_shape(page.url)
    kept: Counter[Shape] = Counter()
    dropped: Counter[Shape] = Counter()
    where: dict[Shape, str] = {}
    seen: set[tuple[Shape, str]] = set()
    for tag in page.soup.find_all("a", href=True):
        url = page.absolute(str(tag["href"]))
        if url is None or urlsplit(url).netloc != page.host or urlsplit(url).query or not _is_title_link(tag):
            continue
        url = _bare(url)
        shape = link_shape(url)
        if url == _bare(page.url) or (shape, url) in seen:
            continue
        seen.add((shape, url))
        furniture = furniture_of(tag)
        if furniture is None:
            kept[shape] += 1
        else:
            dropped[shape] += 1
            where.setdefault(shape, furniture)
    for shape, count in dropped.items():
        if count >= 2 and count >= kept[shape]:
            log.warning(
                "%s: %d card links like %s%s%s stand inside %s and are read as the site's navigation, not talks",
                page.url, count, shape[2], "…", shape[3], where[shape],
            )  # fmt: skip
    if not kept:
        return None
    shape, count = kept.most_common(1)[0]
    if count < 2 or shape == own_shape:
        return None  # one link is not a listing; a page of the same kind links its siblings
    return _links_of_shape(page, shape, conference)


def _links_of_shape(page: Page, shape: Shape, conference: str | None) -> list[TalkRef]:
    titles: dict[str, str | None] = {}
    for link in page.links():
        url = _bare(link.url)
        if link.furniture or url == _bare(page.url) or link_shape(url) != shape or urlsplit(link.url).query:
            continue
        text = link.text if link.text and link.text.lower() not in _GENERIC_TEXT else None
        if url not in titles or (titles[url] is None and text):
            titles[url] = text
    refs = [TalkRef(url, None, title, about=PageMeta(url, conference=conference)) for url, title in titles.items()]
    return sorted(refs, key=lambda r: r.url) if page.rendered else refs
