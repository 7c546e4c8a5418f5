"""A listing read from its data, without drawing it: the renderer's card link applied to the JSON it reads.

The static path for MiniConf-style listings (ICLR, ACL, EMNLP 2020, Mini-Conf and its descendants):
one request per script and one for the data, none per poster page, and no browser. The scripts are
the page's inline scripts and templates, then every same-origin script it loads (in page order), then,
only when those hold no link template at all, the scripts it loads from other hosts. Which link
template is the card's and which JSON file it reads are decided together, by the data: the first
template (card titles first, then other links, then bare URL strings) whose field is present in most
entries of a JSON file the scripts name (the template's own script's files first).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..core.errors import ConfarchiveError
from .base import Web
from .linktemplate import BoundTemplate, LinkTemplate, json_names, markup_templates, script_templates
from .page import Page

MAX_SCRIPTS = 60  # a listing loads 20-30; a page that loads more is not one
MAX_DATA_FILES = 6  # JSON files fetched for one listing (Mini-Conf's scripts name four)
_MARK = "cfamark"
_TEMPLATE_TYPES = re.compile(r"template|handlebars|mustache|html", re.IGNORECASE)
_JS_TYPES = re.compile(r"(?:module|(?:text|application)/(?:x-)?(?:java|ecma)script)?", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    """One script of the page: its text, and whether it is a markup template rather than JavaScript."""

    index: int
    url: str
    text: str
    markup: bool = False

    @cached_property
    def templates(self) -> tuple[LinkTemplate, ...]:
        found = markup_templates(self.text, self.index) if self.markup else script_templates(self.text, self.index)
        return tuple(found)

    @cached_property
    def data_names(self) -> tuple[str, ...]:
        return () if self.markup else tuple(json_names(self.text))


@dataclass(frozen=True)
class DataListing:
    """What a listing's data says: the bound card link, the data file's URL and its entries."""

    link: BoundTemplate
    data_url: str
    entries: tuple[dict[str, Any], ...]

    def hrefs(self, page_url: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each entry's talk page URL (absolute, first occurrence) and the entry."""
        seen: set[str] = set()
        for entry in self.entries:
            href = self.link.href(entry)
            url = urljoin(page_url, href) if href is not None else None
            if url is not None and url.startswith(("http://", "https://")) and url not in seen:
                seen.add(url)
                yield url, entry

    def is_one_of(self, url: str, page_url: str) -> bool:
        """``url`` is a page of the listing's own kind (a poster page that loads the listing's script)."""
        template = self.link.template
        sample = urlsplit(urljoin(page_url, f"{template.prefix}{_MARK}{template.suffix}")).path
        folder, name = sample.rsplit("/", 1)
        head, tail = name.split(_MARK, 1)
        here_folder, here = urlsplit(url).path.rsplit("/", 1)
        fits = len(here) > len(head) + len(tail) and here.startswith(head) and here.endswith(tail)
        return here_folder == folder and fits


def _script_kind(tag: Any) -> bool | None:
    """False for JavaScript, True for a markup template, None for anything else (JSON-LD, ...)."""
    kind = str(tag.get("type") or "").strip()
    if _JS_TYPES.fullmatch(kind):
        return False
    return True if _TEMPLATE_TYPES.search(kind) else None


def _inline(page: Page) -> list[Source]:
    found = []
    for tag in page.soup.find_all("script", src=False):
        markup = _script_kind(tag)
        if markup is not None:
            found.append(Source(len(found), page.url, tag.get_text(), markup))
    return found


def _loaded(page: Page, web: Web, start: int, same_origin: bool) -> Iterator[Source]:
    index = start
    for tag in page.soup.find_all("script", src=True)[:MAX_SCRIPTS]:
        src = page.absolute(str(tag["src"]))
        if src is None or _script_kind(tag) is None or (urlsplit(src).netloc == page.host) != same_origin:
            continue
        try:
            text = web.http.get(src, what="a script of the listing").text
        except ConfarchiveError as exc:
            web.log.debug("listing script %s: %s", src, exc.one_line())
            continue
        yield Source(index, src, text)
        index += 1


def _entries(payload: Any) -> tuple[dict[str, Any], ...]:
    """The entries of a listing's JSON: a list of objects, or the largest such list inside an object."""
    if isinstance(payload, dict):
        lists = [v for v in payload.values() if isinstance(v, list)]
        payload = max(lists, key=len) if lists else []
    return tuple(e for e in payload if isinstance(e, dict)) if isinstance(payload, list) else ()


class _DataFiles:
    """The JSON files of one listing, each fetched at most once."""

    def __init__(self, page: Page, web: Web) -> None:
        self.page, self.web = page, web
        self.fetched: dict[str, tuple[dict[str, Any], ...]] = {}

    def entries(self, name: str) -> tuple[dict[str, Any], ...]:
        url = urljoin(self.page.url, name)  # the renderer fetches it relative to the page
        if url not in self.fetched:
            if len(self.fetched) >= MAX_DATA_FILES:
                return ()
            try:
                payload = json.loads(self.web.http.get(url, what="the listing's data").content)
            except (ConfarchiveError, ValueError) as exc:
                self.web.log.info("%s: %s", url, exc.one_line() if isinstance(exc, ConfarchiveError) else exc)
                payload = None
            self.fetched[url] = _entries(payload)
        return self.fetched[url]


def _bind(sources: Sequence[Source], files: _DataFiles) -> DataListing | None:
    templates = sorted((t for s in sources for t in s.templates), key=lambda t: (t.rank, t.source))
    names = {s.index: s.data_names for s in sources}
    for template in templates:
        own = names.get(template.source, ())
        for name in [*own, *(n for i, ns in names.items() if i != template.source for n in ns if n not in own)]:
            entries = files.entries(name)
            bound = template.bind(entries) if entries else None
            if bound is not None and 2 * bound.hits(entries) >= len(entries):
                return DataListing(bound, urljoin(files.page.url, name), entries)
    return None


def _settled(found: DataListing | None) -> bool:
    return found is not None and found.link.template.rank == 0


def _read_on(sources: list[Source], more: Iterator[Source], files: _DataFiles) -> DataListing | None:
    """Add scripts until a card-title link is confirmed by its data; the best binding so far."""
    found = _bind(sources, files)
    for source in more:
        if _settled(found):
            break
        sources.append(source)
        if source.templates or source.data_names:
            found = _bind(sources, files)
    return found


def read_listing_data(page: Page, web: Web) -> DataListing | None:
    """The listing's card link and data, or None when its scripts and data do not say them.

    Scripts are read in page order and stop at the first card-title link that its data confirms (the
    usual case: one ``papers.js``); scripts from other hosts (CDN libraries) are read only when the
    site's own hold no link template at all.
    """
    files = _DataFiles(page, web)
    sources = _inline(page)
    found = _read_on(sources, _loaded(page, web, len(sources), same_origin=True), files)
    if found is None and not any(s.templates for s in sources):
        found = _read_on(sources, _loaded(page, web, len(sources), same_origin=False), files)
    if found is not None:
        template = found.link.template
        web.log.info(
            "%s: %d entries in %s, linked as %s{%s}%s",
            page.url, len(found.entries), found.data_url, template.prefix, ".".join(found.link.fields), template.suffix,
        )  # fmt: skip
    return found
