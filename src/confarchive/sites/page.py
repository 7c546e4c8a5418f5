"""A fetched page, parsed once, as every site plugin reads it.

What the page's author switched off is not read: HTML comments (a template's demo embed, a
commented-out copy of a Q&A session), ``<template>`` and ``<noscript>`` copies. Script bodies stay:
that is where players are configured (``presentationId: '38925850'``). ``extra`` holds what only a
browser saw (iframe sources, the URLs the page requested), searched like the page's own text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Comment, Tag

# Blocks whose headings and links are the site's furniture, never a talk's: navigation, chat, footer.
# Judged by tag, ARIA role and whole class tokens (or a whole id): Bootstrap names a tab pane of cards
# ``nav-tabContent`` and a poster list ``nav-home``, so a substring "nav" says nothing.
_FURNITURE_TAGS = frozenset({"nav", "header", "footer", "aside"})
_FURNITURE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "menu", "menubar", "tablist"})
_FURNITURE_NAMES = frozenset({
    "nav", "navbar", "navbar-nav", "navbar-collapse", "nav-tabs", "nav-pills", "navigation", "menu", "menubar",
    "dropdown-menu", "sidebar", "side-bar", "footer", "site-footer", "page-footer", "site-header", "masthead",
    "breadcrumb", "breadcrumbs", "chat", "chat-box", "chatbox", "toc",
})  # fmt: skip


def clean_text(text: str | None) -> str | None:
    """Collapse whitespace and drop control characters (NUL, escape sequences: nobody reads them);
    entities are already decoded by the parser. Empty becomes None."""
    if text is None:
        return None
    printable = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    collapsed = " ".join(printable.split())
    return collapsed or None


def furniture_of(tag: Tag) -> str | None:
    """The navigation, chat, footer or sidebar ``tag`` stands in (``nav#top.navbar``), None when the
    tag is the page's content."""
    for node in (tag, *tag.parents):
        if not isinstance(node, Tag) or node.name in ("body", "html", "[document]"):
            continue
        tokens = {str(c).lower() for c in node.get("class") or ()}
        ident = str(node.get("id") or "").lower()
        role = str(node.get("role") or "").lower()
        if (
            node.name in _FURNITURE_TAGS
            or role in _FURNITURE_ROLES
            or ident in _FURNITURE_NAMES
            or (tokens & _FURNITURE_NAMES)
        ):
            return node.name + (f"#{node.get('id')}" if ident else "") + "".join(f".{c}" for c in sorted(tokens))
    return None


def is_furniture(tag: Tag) -> bool:
    """Inside navigation, a chat, a footer or a sidebar: the site's, not the talk's."""
    return furniture_of(tag) is not None


@dataclass(frozen=True)
class Link:
    url: str  # absolute, logical
    text: str | None
    furniture: bool  # inside navigation, chat or footer
    at: int  # order on the page


@dataclass(frozen=True)
class Page:
    url: str  # logical, after redirects
    soup: BeautifulSoup  # without comments, <template> and <noscript>
    text: str  # the markup that remains (scripts included): what id patterns are searched in
    extra: tuple[str, ...] = ()  # seen by a browser only: iframe sources, requested URLs
    rendered: bool = False

    @classmethod
    def parse(cls, html: str, url: str, extra: tuple[str, ...] = (), rendered: bool = False) -> Page:
        soup = BeautifulSoup(html, "html.parser")
        switched_off = [
            node
            for node in soup.descendants
            if isinstance(node, Comment) or (isinstance(node, Tag) and node.name in ("template", "noscript"))
        ]  # one walk for both; a removed block's own comments go with it
        for node in switched_off:
            if node.decomposed:  # inside a block removed before it
                continue
            if isinstance(node, Tag):
                node.decompose()
            else:
                node.extract()
        # Unformatted: attribute values as the page's author wrote them (``&`` stays ``&``), so that a
        # src read from the tree is found in the text by ``find``; and half the cost of the default
        # formatter (measured: 0.47 against 0.99 ms on a fixture talk page).
        return cls(url, soup, soup.decode(formatter=None), extra, rendered)

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc

    def absolute(self, href: str) -> str | None:
        """``href`` resolved against the page; None unless it is http(s)."""
        url = urljoin(self.url, href.strip())
        return url if url.startswith(("http://", "https://")) else None

    def tags(self, *names: str, having: str | None = None) -> list[Tag]:
        """The page's tags with one of ``names`` (and the attribute ``having``, as ``find_all(src=True)``),
        in document order. Every site asks for a few kinds of tag (iframes, videos, headings, metas,
        links): one walk of the tree serves them all, where each ``find_all`` walked it again (eight walks
        were a sixth of a static page's resolution)."""
        return [t for t in self._tags if t.name in names and (having is None or t.get(having) is not None)]

    def by_id(self, ident: str) -> Tag | None:
        """The first tag whose ``id`` is ``ident``, as ``soup.find(id=...)``, from the same walk."""
        return self._ids.get(ident)

    @cached_property
    def _tags(self) -> tuple[Tag, ...]:
        return tuple(node for node in self.soup.descendants if isinstance(node, Tag))

    @cached_property
    def _ids(self) -> dict[str, Tag]:
        ids: dict[str, Tag] = {}
        for tag in self._tags:
            ident = tag.get("id")
            if isinstance(ident, str):
                ids.setdefault(ident, tag)
        return ids

    def links(self) -> Iterator[Link]:
        yield from self._links

    @cached_property
    def _links(self) -> tuple[Link, ...]:
        """Read once: several sites and the resolver go through a page's links, each walking the whole
        tree and every link's ancestors again (issue 23: a third of a static page's resolution)."""
        found = []
        for at, tag in enumerate(self.tags("a", having="href")):
            url = self.absolute(str(tag["href"]))
            if url is not None:
                found.append(Link(url, clean_text(tag.get_text(" ")), is_furniture(tag), at))
        return tuple(found)

    def metas(self, name: str) -> list[str]:
        """The non-empty contents of ``<meta name=...>`` / ``<meta property=...>``, in order (those with
        ``name`` first)."""
        by_name, by_property = self._metas
        return [*by_name.get(name, ()), *by_property.get(name, ())]

    @cached_property
    def _metas(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """Every meta's content by its ``name`` and by its ``property``, in one walk of the tree instead of
        two for each of the dozen names the sites ask for."""
        by_name: dict[str, list[str]] = {}
        by_property: dict[str, list[str]] = {}
        for tag in self.tags("meta"):
            value = clean_text(tag.get("content"))
            if not value:
                continue
            for attribute, table in (("name", by_name), ("property", by_property)):
                key = tag.get(attribute)
                if isinstance(key, str):
                    table.setdefault(key, []).append(value)
        return by_name, by_property


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def heading_before(tag: Tag) -> str | None:
    """The nearest heading before ``tag`` in document order, outside the site's furniture: what a
    page with several talks calls each one ("Question and Answer Session", "Part 2")."""
    for heading in tag.find_all_previous(_HEADINGS):
        text = clean_text(heading.get_text(" "))
        if text and not is_furniture(heading):
            return text
    return None
