"""What a page says about its talk, with an explicit order of evidence (docs/sites.md).

Title: ``citation_title``, then the heading a site's layout gives it (the MiniConf card title), then
``og:title``, then ``<title>`` without its site prefix or suffix, then the first ``<h1>``. A heading
inside navigation, a chat or a footer is never a title (an EMNLP livestream's first ``<h1>`` is
"Live Chat", an ML4H footer's is "Contact us"). Authors: ``citation_author`` metas, then the site's
layout. Metadata is best effort and never fails a talk.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from ..core.model import PageMeta
from .page import Page, clean_text, is_furniture

_CONFERENCE_NAMES = (
    "ICLR", "ICML", "NeurIPS", "NIPS", "ACL", "EMNLP", "NAACL", "EACL", "AACL", "COLING", "CVPR", "ICCV",
    "ECCV", "AAAI", "IJCAI", "AISTATS", "UAI", "COLT", "CoRL", "KDD", "ICASSP", "Interspeech", "MLSys",
    "ICRA", "IROS", "RSS", "WACV", "BMVC", "CHIL", "L4DC", "AKBC", "ML4H", "MiniConf",
)  # fmt: skip
_CONFERENCE_IN_TEXT = re.compile(
    r"(?<![a-z])(" + "|".join(_CONFERENCE_NAMES) + r")(?![a-z])(?:[^0-9]{0,32}?((?:19|20)\d\d))?",
    re.IGNORECASE,
)
_CANONICAL = {name.lower(): name for name in _CONFERENCE_NAMES}
# "ICLR: Title", "Title | SlidesLive", "Title - ACL 2020", "Title – EMNLP 2020"
_PREFIX = re.compile(r"^(?P<site>[^:|]{1,40}?):\s+(?P<rest>.+)$")
_SUFFIX = re.compile(r"^(?P<rest>.+?)\s+[|\-–—·]\s+(?P<site>[^|\-–—·]{1,40})$")
_LEADING_WORD = re.compile(r"^[A-Za-z]+[_-]")  # poster_, paper_
_DATE = re.compile(r"(\d{4})(?:[/-](\d{1,2}))?(?:[/-](\d{1,2}))?")


def conference_from_text(text: str) -> str | None:
    """``ICLR 2020`` from ``iclr.cc/virtual_2020`` or ``ICLR: ...``; None when nothing is recognised."""
    match = _CONFERENCE_IN_TEXT.search(text)
    if not match:
        return None
    name = _CANONICAL[match.group(1).lower()]
    return f"{name} {match.group(2)}" if match.group(2) else name


def _site_like(text: str, page: Page) -> bool:
    """A title part naming the site rather than the talk: a conference, the site's name or its host."""
    words = text.strip()
    if not words or len(words.split()) > 4:
        return False
    lowered = words.lower()
    names = [n.lower() for n in page.metas("og:site_name")]
    return bool(_CONFERENCE_IN_TEXT.fullmatch(words)) or lowered in names or lowered.replace(" ", "") in page.host


def strip_site(title: str, page: Page) -> str:
    """``<title>`` without the site's name before or after it."""
    for pattern in (_PREFIX, _SUFFIX):
        match = pattern.match(title)
        if match and _site_like(match.group("site"), page):
            return match.group("rest").strip()
    return title


def _document_title(page: Page) -> str | None:
    tag = page.soup.find("title")
    text = clean_text(tag.get_text()) if tag is not None else None
    return strip_site(text, page) if text else None


def _first_h1(page: Page) -> str | None:
    for tag in page.tags("h1"):
        text = clean_text(tag.get_text(" "))
        if text and not is_furniture(tag):
            return text
    return None


def looks_like_an_id(value: str, page: Page) -> bool:
    """``21P03``, ``1234``, ``B1xSperKvH``, the page's own slug: what a template put in ``citation_title``
    when the paper had no title field; never a title."""
    words = value.split()
    if len(words) != 1:
        return False
    name = urlsplit(page.url).path.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    slug = _LEADING_WORD.sub("", name)
    word = words[0]
    return any(c.isdigit() for c in word) or word.lower() in (name.lower(), slug.lower())


def _title(page: Page, sites: Sequence[PageMeta]) -> str | None:
    for value in page.metas("citation_title"):
        if not looks_like_an_id(value, page):
            return value
    for about in sites:
        if about.title:
            return about.title
    for value in page.metas("og:title"):
        return strip_site(value, page)
    return _document_title(page) or _first_h1(page)


def _authors(page: Page, sites: Sequence[PageMeta]) -> tuple[str, ...]:
    names = [n.rstrip(",").strip() for n in page.metas("citation_author")]
    if any(names):
        return tuple(n for n in names if n)
    for about in sites:
        if about.authors:
            return about.authors
    return ()


def _conference(page: Page) -> str | None:
    for value in page.metas("citation_conference_title"):
        return value
    parts = urlsplit(page.url)
    from_url = conference_from_text(parts.netloc + parts.path)
    if from_url and " " in from_url:
        return from_url
    tag = page.soup.find("title")
    title = clean_text(tag.get_text()) if tag is not None else None
    from_title = conference_from_text(title.split(":", 1)[0]) if title and ":" in title else None
    if from_title and " " in from_title:  # the one that knows the year
        return from_title
    return from_url or from_title


def _paper_url(page: Page, sites: Sequence[PageMeta]) -> str | None:
    for value in page.metas("citation_pdf_url"):  # empty on TACL/CL pages, relative on AKBC's
        if url := page.absolute(value):
            return url
    for about in sites:
        if about.paper_url:
            return about.paper_url
    here = page.url.split("#", 1)[0]
    for link in page.links():
        if link.text in ("Paper", "PDF", "[PDF]") and not link.furniture and link.url.split("#", 1)[0] != here:
            return link.url  # an empty href is the page itself, not its paper
    return None


def _date(page: Page) -> str | None:
    """``citation_publication_date`` (``2020/04/26``) as an ISO date, for the MP4's date tag."""
    for value in page.metas("citation_publication_date") + page.metas("citation_date"):
        if m := _DATE.match(value):
            return "-".join(f"{int(p):02d}" if i else p for i, p in enumerate(m.groups()) if p)
    return None


def page_about(page: Page, sites: Sequence[PageMeta]) -> PageMeta:
    """Everything the page tells about its talk; ``sites``: what each site's layout says, best first."""
    abstract = next(iter(page.metas("citation_abstract")), None) or next(
        (a.abstract for a in sites if a.abstract), None
    )
    return PageMeta(
        url=page.url,
        title=_title(page, sites),
        authors=_authors(page, sites),
        conference=_conference(page),
        abstract=abstract,
        paper_url=_paper_url(page, sites),
        date=_date(page),
    )
