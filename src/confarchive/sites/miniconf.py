"""The MiniConf family: ICLR, ICML, NeurIPS, ACL, EMNLP 2020 and the many sites built from Mini-Conf.

Talk pages (``poster_{id}.html``, ``paper_{id}.html``, ``demo_…``: whatever the listing links) have a
layout that gives the title (``h2.card-title.main-title``, or ``h3.card-title`` on early builds), the
authors (the card's subtitle: links, or text with a comma after every name) and the abstract
(``#abstractExample``). "Similar Papers" cards on the same page have subtitles too: only the talk's
own card is read.

A listing (``papers.html``) is an empty container that a script fills from a JSON file. It is read
from that data (``listingdata.py``: the card link template found in the scripts, applied to each
entry), so an entry that names its SlidesLive ``presentation_id``, title, authors and abstract needs
no request to its poster page. When the data cannot be read, the cards a browser drew (or a server
rendered) are read instead (``cards.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import Tag

from ..core.model import Embed, PageMeta, TalkKey, TalkRef
from ..core.settings import Settings
from ..reading.listing import entry_ids
from .about import conference_from_text
from .base import SiteBase, Web
from .cards import card_links
from .listingdata import read_listing_data
from .page import Page, clean_text, is_furniture

NAME = "miniconf"
# A talk page's title, best first: (tag, the class tokens it carries), as ``h2.card-title.main-title``.
_TITLES = (
    ("h2", frozenset({"card-title", "main-title"})),
    ("h3", frozenset({"card-title"})),
    ("h2", frozenset({"card-title"})),
)
_SLIDESLIVE_ID = re.compile(r"\d{5,}")
_PRESENTATION_FIELDS = ("presentation_id", "slideslive_id")


def _text(value: object) -> str | None:
    return clean_text(value) if isinstance(value, str) else None


def _authors(value: object) -> tuple[str, ...]:
    if isinstance(value, str):  # EMNLP workshop entries: "A|B"
        value = value.split("|")
    if not isinstance(value, list):
        return ()
    return tuple(name for item in value if (name := _text(item)))


def listed_ref(url: str, entry: dict[str, Any], conference: str | None) -> TalkRef:
    """A talk page URL and what its listing entry says; with a presentation id, the talk's key."""
    content = entry.get("content") if isinstance(entry.get("content"), dict) else {}
    title = _text(content.get("title")) or _text(entry.get("title"))
    about = PageMeta(
        url=url,
        title=title,
        authors=_authors(content.get("authors")) or _authors(entry.get("authors") or entry.get("speakers")),
        conference=conference,
        abstract=_text(content.get("abstract")) or _text(entry.get("abstract")),
        paper_url=urljoin(url, pdf) if (pdf := _text(content.get("pdf_url")) or _text(entry.get("pdf_url"))) else None,
        paper_ids=tuple(str(found) for found in entry_ids(entry)),
    )
    named = [entry[f] for f in _PRESENTATION_FIELDS if f in entry]
    pid = next((str(v).strip() for v in named if isinstance(v, str | int) and not isinstance(v, bool)), "")
    if not _SLIDESLIVE_ID.fullmatch(pid):
        # no presentation named: the poster page still says whether it has a video
        return TalkRef(url, None, title, about=about, listed_without_video=bool(named))
    key = TalkKey("slideslive", pid)
    return TalkRef(url, key, title, Embed(key, f"https://slideslive.com/{pid}", "slideslive"), about)


class MiniConfSite(SiteBase):
    name = NAME
    priority = 40

    def __init__(self, settings: Settings) -> None:
        del settings

    # -- a talk page -------------------------------------------------------------------------------
    @staticmethod
    def _title_tag(page: Page) -> Tag | None:
        headings = [t for t in page.tags(*{name for name, _ in _TITLES}) if clean_text(t.get_text(" "))]
        for name, tokens in _TITLES:  # one walk of the tree, not one CSS query per rule
            for tag in headings:
                if tag.name == name and tokens <= set(tag.get("class") or ()) and not is_furniture(tag):
                    return tag
        return None

    def about(self, page: Page) -> PageMeta | None:
        title_tag = self._title_tag(page)
        abstract = page.by_id("abstractExample")
        text = clean_text(abstract.get_text(" ")) if isinstance(abstract, Tag) else None
        if text and text.lower().startswith("abstract:"):
            text = clean_text(text[len("abstract:") :])
        if title_tag is None and text is None:
            return None
        return PageMeta(
            url=page.url,
            title=clean_text(title_tag.get_text(" ")) if title_tag is not None else None,
            authors=self._card_authors(title_tag) if title_tag is not None else (),
            abstract=text,
        )

    @staticmethod
    def _card_authors(title_tag: Tag) -> tuple[str, ...]:
        """The subtitle of the title's own card (never a "Similar Papers" card's)."""
        subtitle = title_tag.find_next(class_="card-subtitle")
        header = title_tag.find_parent(class_=re.compile(r"card-header|pp-card|card"))
        if not isinstance(subtitle, Tag) or (header is not None and header not in subtitle.parents):
            return ()
        names = [clean_text(a.get_text(" ")) for a in subtitle.find_all("a")]
        if not any(names):
            names = re.split(r"\s*[·,]\s*", clean_text(subtitle.get_text(" ")) or "")
        return tuple(n for name in names if name and (n := name.strip().rstrip(",").strip()))

    # -- a listing ---------------------------------------------------------------------------------
    def listing(self, page: Page, web: Web) -> Sequence[TalkRef] | None:
        if page.metas("citation_title"):
            return None  # one paper's page (its "Similar Papers" cards are not a listing)
        conference = conference_from_text(page.host + urlsplit(page.url).path)
        if not page.rendered:
            data = read_listing_data(page, web)
            if data is not None:
                if data.is_one_of(page.url, page.url):
                    return None  # a talk page that loads its listing's script is not the listing
                return [listed_ref(url, entry, conference) for url, entry in data.hrefs(page.url)] or None
        return card_links(page, conference, web.log)
