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
from dataclasses import dataclass
from posixpath import dirname, splitext
from urllib.parse import urlsplit

from bs4 import Tag

from ..core.model import PageMeta, TalkRef
from .page import Page, clean_text, furniture_of

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
    """A link around (or inside) a heading, or one whose own classes or children's say "title"."""
    for node in (tag, *tag.descendants):
        if isinstance(node, Tag) and (
            node.name in _HEADINGS or any("title" in str(c).lower() for c in node.get("class") or ())
        ):
            return True
    return any(parent.name in _HEADINGS for parent in tag.parents)


def _bare(url: str) -> str:
    return urlsplit(url)._replace(query="", fragment="").geturl()


@dataclass(frozen=True)
class _Anchor:
    url: str  # without query and fragment
    text: str | None
    shape: Shape
    furniture: str | None  # the navigation it stands in
    title: bool  # carries a heading or a title


def _anchors(page: Page) -> list[_Anchor]:
    """The page's same-origin links to other pages without a query, each judged once."""
    here = _bare(page.url)
    found = []
    for tag in page.soup.find_all("a", href=True):
        url = page.absolute(str(tag["href"]))
        if url is None or urlsplit(url).netloc != page.host or urlsplit(url).query or _bare(url) == here:
            continue
        url = _bare(url)
        text = clean_text(tag.get_text(" "))
        found.append(_Anchor(url, text, link_shape(url), furniture_of(tag), _is_title_link(tag)))
    return found


def card_links(page: Page, conference: str | None, log: logging.Logger) -> list[TalkRef] | None:
    """The listing's talks in page order (sorted when drawn: drawn cards come shuffled), or None."""
    anchors = _anchors(page)
    kept: Counter[Shape] = Counter()
    dropped: Counter[Shape] = Counter()
    where: dict[Shape, str] = {}
    for shape, _url, furniture in dict.fromkeys((a.shape, a.url, a.furniture) for a in anchors if a.title):
        if furniture is None:
            kept[shape] += 1
        else:
            dropped[shape] += 1
            where.setdefault(shape, furniture)
    for shape, count in dropped.items():
        if count >= 2 and count >= kept[shape]:
            log.warning(
                "%s: %d card links like %s…%s stand inside %s and are read as the site's navigation, not talks",
                page.url, count, shape[2], shape[3], where[shape],
            )  # fmt: skip
    if not kept:
        return None
    shape, count = kept.most_common(1)[0]
    if count < 2 or shape == link_shape(page.url):
        return None  # one link is not a listing; a page of the same kind links its siblings
    titles: dict[str, str | None] = {}
    for anchor in anchors:
        if anchor.shape != shape or anchor.furniture is not None:
            continue
        text = anchor.text if anchor.text and anchor.text.lower() not in _GENERIC_TEXT else None
        if anchor.url not in titles or (titles[anchor.url] is None and text):
            titles[anchor.url] = text
    refs = [TalkRef(url, None, title, about=PageMeta(url, conference=conference)) for url, title in titles.items()]
    return sorted(refs, key=lambda r: r.url) if page.rendered else refs
