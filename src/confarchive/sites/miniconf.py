"""The MiniConf family: ICLR, ICML, NeurIPS, ACL, EMNLP 2020 and the many sites built from Mini-Conf.

Talk pages are ``poster_{id}.html`` or ``paper_{id}.html``; their layout gives the title
(``h2.card-title.main-title``, or ``h3.card-title`` on early builds), the authors (the card's
subtitle: links, or text with a comma after every name) and the abstract (``#abstractExample``).
"Similar Papers" cards on the same page have subtitles too: only the talk's own card is read.

A listing (``papers.html``) is an empty ``.cards`` container that a script fills from a JSON file.
Its links are read from that script: every same-origin script the page loads is searched for a link
template (``poster_${paper.content.iclr_id}.html``, ``"paper_" + d.id + ".html"``) and for the JSON it
reads; the template's field path is then applied to each entry. An entry that names its SlidesLive
``presentation_id``, title, authors and abstract needs no request to its poster page. A listing
rendered server-side (the pre-conference ICLR build) is its poster links, navigation excepted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import Tag

from ..core.errors import ConfarchiveError
from ..core.model import Embed, PageMeta, TalkKey, TalkRef
from ..core.settings import Settings
from .about import conference_from_text
from .base import SiteBase, Web
from .page import Page, clean_text, is_furniture

NAME = "miniconf"
TALK_PAGE = re.compile(r"/(?:poster|paper)_[^/?#]+\.html$")
MAX_SCRIPTS = 60  # a listing loads 20-30; a page that loads more is not one
# `poster_${paper.content.iclr_id}.html` and 'poster_' + paper.UID + '.html'
_TEMPLATE_LITERAL = re.compile(r"`(?P<prefix>[A-Za-z][\w-]*_)\$\{\s*(?P<path>[A-Za-z_$][\w$.]*)\s*\}\.html`")
_CONCATENATION = re.compile(
    r"""(?P<q>["'])(?P<prefix>[A-Za-z][\w-]*_)(?P=q)\s*\+\s*(?P<path>[A-Za-z_$][\w$.]*)\s*\+\s*(?P<q2>["'])\.html(?P=q2)"""
)
_DATA_FILE = re.compile(r"""["'`](?P<name>[\w./-]*papers\.json)["'`]""")
_TITLES = ("h2.card-title.main-title", "h3.card-title", "h2.card-title")
_SLIDESLIVE_ID = re.compile(r"\d{5,}")


@dataclass(frozen=True)
class LinkTemplate:
    prefix: str  # "poster_"
    path: tuple[str, ...]  # ("content", "iclr_id"): the field of a papers.json entry

    def href(self, entry: dict[str, Any]) -> str | None:
        value: Any = entry
        for name in self.path:
            value = value.get(name) if isinstance(value, dict) else None
        return f"{self.prefix}{value}.html" if isinstance(value, str | int) and str(value).strip() else None


def find_template(script: str) -> LinkTemplate | None:
    """The first talk-page link template of a script; the loop variable's name is dropped."""
    for pattern in (_TEMPLATE_LITERAL, _CONCATENATION):
        for match in pattern.finditer(script):
            parts = match.group("path").split(".")
            if len(parts) >= 2:
                return LinkTemplate(match.group("prefix"), tuple(parts[1:]))
    return None


def _text(value: object) -> str | None:
    return clean_text(value) if isinstance(value, str) else None


def _authors(value: object) -> tuple[str, ...]:
    if isinstance(value, str):  # EMNLP workshop entries: "A|B"
        value = value.split("|")
    if not isinstance(value, list):
        return ()
    return tuple(name for item in value if (name := _text(item)))


def listed_ref(url: str, entry: dict[str, Any], conference: str | None) -> TalkRef:
    """A poster URL and what its papers.json entry says; with a presentation id, the talk's key."""
    content = entry.get("content") if isinstance(entry.get("content"), dict) else {}
    title = _text(content.get("title")) or _text(entry.get("title"))
    about = PageMeta(
        url=url,
        title=title,
        authors=_authors(content.get("authors")) or _authors(entry.get("authors") or entry.get("speakers")),
        conference=conference,
        abstract=_text(content.get("abstract")) or _text(entry.get("abstract")),
        paper_url=_text(content.get("pdf_url")) or _text(entry.get("pdf_url")),
    )
    pid = entry.get("presentation_id")
    pid = str(pid).strip() if isinstance(pid, str | int) and not isinstance(pid, bool) else ""
    if not _SLIDESLIVE_ID.fullmatch(pid):
        # no presentation named: the poster page still says whether it has a video
        return TalkRef(url, None, title, about=about, listed_without_video="presentation_id" in entry)
    key = TalkKey("slideslive", pid)
    return TalkRef(url, key, title, Embed(key, f"https://slideslive.com/{pid}", "slideslive"), about)


class MiniConfSite(SiteBase):
    name = NAME
    priority = 40

    def __init__(self, settings: Settings) -> None:
        del settings

    def is_talk_page(self, url: str) -> bool:
        return bool(TALK_PAGE.search(urlsplit(url).path))

    # -- a talk page -------------------------------------------------------------------------------
    @staticmethod
    def _title_tag(page: Page) -> Tag | None:
        for selector in _TITLES:
            for tag in page.soup.select(selector):
                if clean_text(tag.get_text(" ")) and not is_furniture(tag):
                    return tag
        return None

    def about(self, page: Page) -> PageMeta | None:
        title_tag = self._title_tag(page)
        abstract = page.soup.find(id="abstractExample")
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
        if self.is_talk_page(page.url):
            return None
        conference = conference_from_text(page.host + urlsplit(page.url).path)
        if page.soup.select_one(".cards") is not None and not page.rendered:
            drawn = self._from_data(page, web, conference)
            if drawn:
                return drawn
        links = self._poster_links(page)
        return links if len(links) >= 2 else None

    def _poster_links(self, page: Page) -> list[TalkRef]:
        found: dict[str, TalkRef] = {}
        for link in page.links():
            url = urlsplit(link.url)._replace(query="", fragment="").geturl()
            if link.furniture or url == page.url or not self.is_talk_page(url):
                continue
            if url not in found or (found[url].title is None and link.text):
                found[url] = TalkRef(url, None, link.text if link.text not in ("Visit", None) else None)
        refs = list(found.values())
        return sorted(refs, key=lambda r: r.url) if page.rendered else refs  # drawn cards come shuffled

    def _scripts(self, page: Page, web: Web) -> Iterable[str]:
        """Inline scripts, then every same-origin script the page loads, in page order."""
        yield from (tag.get_text() for tag in page.soup.find_all("script", src=False))
        for tag in page.soup.find_all("script", src=True)[:MAX_SCRIPTS]:
            src = page.absolute(str(tag["src"]))
            if src is not None and urlsplit(src).netloc == page.host:
                try:
                    yield web.http.get(src, what="a script of the listing").text
                except ConfarchiveError as exc:
                    web.log.debug("listing script %s: %s", src, exc.one_line())

    def _from_data(self, page: Page, web: Web, conference: str | None) -> list[TalkRef]:
        template: LinkTemplate | None = None
        data_file: str | None = None
        for script in self._scripts(page, web):
            template = template or find_template(script)
            if data_file is None and (match := _DATA_FILE.search(script)):
                data_file = match.group("name")
            if template is not None and data_file is not None:
                break
        if template is None:
            return []
        data_url = urljoin(page.url, data_file or "papers.json")  # fetched by the page: relative to it
        try:
            entries = json.loads(web.http.get(data_url, what="the listing's papers.json").content)
        except (ConfarchiveError, ValueError) as exc:
            web.log.info("%s: %s; reading the drawn page instead", data_url, exc)
            return []
        if isinstance(entries, dict):
            entries = entries.get("papers") or entries.get("data") or []
        refs: dict[str, TalkRef] = {}
        for entry in entries if isinstance(entries, list) else ():
            href = template.href(entry) if isinstance(entry, dict) else None
            if href is not None:
                url = urljoin(page.url, href)
                refs.setdefault(url, listed_ref(url, entry, conference))
        return list(refs.values())
