"""Reading a conference poster page: title, authors, conference, abstract, paper, embedded talks.

Works on any host: the MiniConf family (ICLR/ICML/NeurIPS/ACL 2020), later builds, mirrors and the
fixture world all go through the same content-based extraction. Metadata is best effort and never
fails a talk; only the absence of any video does, and that is decided by the caller.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from ..model import PageInfo

# presentationId: '123', "123", 123, or the value on the next line. A JS variable does not match.
_PRESENTATION_ID = re.compile(r"""presentationId["']?\s*:\s*["']?(\d{5,})\b""")
# <div id="presentation-embed-123">: the container the embed script fills.
_CONTAINER_ID = re.compile(r"""id\s*=\s*["']?presentation-embed-(\d{5,})\b""")
# A plain link or an iframe to slideslive.com/{id}[/slug] or /embed/presentation/{id}.
_SLIDESLIVE_LINK = re.compile(
    r"""https?://(?:www\.)?slideslive\.(?:com|de)/(?:embed/presentation/|embed/|presentation/)?(\d{5,})\b"""
)

# Other players: YouTube (embed, youtu.be, watch?v=) and Vimeo, normalised to one URL each.
_YOUTUBE = re.compile(r"""(?:youtube(?:-nocookie)?\.com/(?:embed/|watch\?v=|v/)|youtu\.be/)([\w-]{11})(?![\w-])""")
_VIMEO = re.compile(r"""(?:player\.vimeo\.com/video/|//vimeo\.com/)(\d{5,})""")
# Media files and streams named in a page, a script or the browser's network log.
_MEDIA_FILE = re.compile(
    r"""https?://[^\s"'<>()\\]+?\.(?:m3u8|mpd|mp4|m4a|webm|mp3)(?:\?[^\s"'<>()\\]*)?(?=["'\s<>()\\]|$)"""
)

_CONFERENCE_NAMES = (
    "ICLR", "ICML", "NeurIPS", "NIPS", "ACL", "EMNLP", "NAACL", "EACL", "AACL", "COLING", "CVPR", "ICCV",
    "ECCV", "AAAI", "IJCAI", "AISTATS", "UAI", "COLT", "CoRL", "KDD", "ICASSP", "Interspeech", "MLSys",
    "ICRA", "IROS", "RSS", "WACV", "BMVC", "CHIL", "L4DC",
)  # fmt: skip
_CONFERENCE_IN_TEXT = re.compile(
    r"(?<![a-z])(" + "|".join(_CONFERENCE_NAMES) + r")(?![a-z])(?:[^0-9]{0,32}?((?:19|20)\d\d))?",
    re.IGNORECASE,
)
_CANONICAL = {name.lower(): name for name in _CONFERENCE_NAMES}


def clean_text(text: str | None) -> str | None:
    """Collapse whitespace and drop control characters (NUL, escape sequences: nobody reads them);
    entities are already decoded by the parser. Empty becomes None."""
    if text is None:
        return None
    printable = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    collapsed = " ".join(printable.split())
    return collapsed or None


def _metas(soup: BeautifulSoup, name: str) -> list[str]:
    found = []
    for tag in soup.find_all("meta", attrs={"name": name}) + soup.find_all("meta", attrs={"property": name}):
        value = clean_text(tag.get("content"))
        if value:
            found.append(value)
    return found


def _title(soup: BeautifulSoup) -> str | None:
    for value in _metas(soup, "citation_title"):
        return value
    for selector in ("h2.card-title.main-title", "h3.card-title", "h2.card-title", "h1"):
        tag = soup.select_one(selector)
        if tag is not None and clean_text(tag.get_text()):
            return clean_text(tag.get_text())
    for value in _metas(soup, "og:title"):
        return value
    if soup.title is not None:
        text = clean_text(soup.title.get_text())
        if text and ": " in text and _CONFERENCE_IN_TEXT.match(text):
            text = text.split(": ", 1)[1]  # "ICLR: {title}"
        return text
    return None


def _authors(soup: BeautifulSoup) -> tuple[str, ...]:
    metas = _metas(soup, "citation_author")
    if metas:
        return tuple(a.rstrip(",").strip() for a in metas if a.rstrip(",").strip())
    subtitle = soup.select_one("h3.card-subtitle")
    if not isinstance(subtitle, Tag):
        return ()
    links = [clean_text(a.get_text()) for a in subtitle.find_all("a")]
    names = [n for n in links if n]
    if not names:
        text = clean_text(subtitle.get_text()) or ""
        names = re.split(r"\s*[·,]\s*", text)
    return tuple(n.strip().rstrip(",").strip() for n in names if n.strip().rstrip(",").strip())


def conference_from_text(text: str) -> str | None:
    """``ICLR 2020`` from ``iclr.cc/virtual_2020`` or ``ICLR: ...``; None when nothing is recognised."""
    match = _CONFERENCE_IN_TEXT.search(text)
    if not match:
        return None
    name = _CANONICAL[match.group(1).lower()]
    return f"{name} {match.group(2)}" if match.group(2) else name


def _conference(soup: BeautifulSoup, url: str) -> str | None:
    for value in _metas(soup, "citation_conference_title"):
        return value
    parts = urlsplit(url)
    from_url = conference_from_text(parts.netloc + parts.path)
    if from_url and " " in from_url:
        return from_url
    title = clean_text(soup.title.get_text()) if soup.title else None
    from_title = conference_from_text(title.split(":", 1)[0]) if title and ":" in title else None
    return from_url or from_title


def _abstract(soup: BeautifulSoup) -> str | None:
    for value in _metas(soup, "citation_abstract"):
        return value
    div = soup.find(id="abstractExample")
    if isinstance(div, Tag):
        text = clean_text(div.get_text(" "))
        if text and text.lower().startswith("abstract:"):
            text = clean_text(text[len("abstract:") :])
        return text
    return None


def _paper_url(soup: BeautifulSoup, url: str) -> str | None:
    for value in _metas(soup, "citation_pdf_url"):
        href = urljoin(url, value)
        return href if href.startswith(("http://", "https://")) else None
    for link in soup.find_all("a", href=True):
        if clean_text(link.get_text()) in ("Paper", "PDF", "[PDF]"):
            href = urljoin(url, link["href"])
            if href.startswith(("http://", "https://")):
                return href
    return None


def presentation_ids(html: str) -> tuple[str, ...]:
    """Every SlidesLive presentation id on the page, in order of appearance, without repeats.

    The first is the talk; the others (a Q&A session, a related talk) are recorded, not archived.
    """
    hits: list[tuple[int, str]] = []
    for pattern in (_PRESENTATION_ID, _CONTAINER_ID, _SLIDESLIVE_LINK):
        hits.extend((m.start(), m.group(1)) for m in pattern.finditer(html))
    seen: dict[str, None] = {}
    for _, pid in sorted(hits):
        seen.setdefault(pid, None)
    return tuple(seen)


def _date(soup: BeautifulSoup) -> str | None:
    """``citation_publication_date`` (``2020/04/26``) as an ISO date, for the MP4's date tag."""
    for value in _metas(soup, "citation_publication_date") + _metas(soup, "citation_date"):
        if m := re.match(r"(\d{4})(?:[/-](\d{1,2}))?(?:[/-](\d{1,2}))?", value):
            return "-".join(f"{int(p):02d}" if i else p for i, p in enumerate(m.groups()) if p)
    return None


def media_urls(html: str, url: str, soup: BeautifulSoup | None = None) -> tuple[str, ...]:
    """Non-SlidesLive media of a page, best first: YouTube, Vimeo, <video>/<source>, og:video.

    ``html`` may be any text (a rendered DOM, a network log joined by newlines): the patterns are
    searched in it, and ``soup`` (when given) adds the tags and metas with relative URLs resolved.
    """
    found: list[str] = [f"https://www.youtube.com/watch?v={m.group(1)}" for m in _YOUTUBE.finditer(html)]
    found += [f"https://player.vimeo.com/video/{m.group(1)}" for m in _VIMEO.finditer(html)]
    if soup is not None:
        for tag in soup.select("video[src], video source[src], audio[src], audio source[src]"):
            found.append(urljoin(url, str(tag["src"])))
        for name in ("og:video", "og:video:url", "og:video:secure_url"):
            found += [urljoin(url, value) for value in _metas(soup, name)]
    found += [m.group(0) for m in _MEDIA_FILE.finditer(html)]
    usable = (u for u in found if u.startswith(("http://", "https://")) and "slideslive" not in urlsplit(u).netloc)
    return tuple(dict.fromkeys(usable))


def parse_page(html: str, url: str) -> PageInfo:
    """Everything a static poster page tells, from the HTML as served (no JavaScript)."""
    soup = BeautifulSoup(html, "html.parser")
    return PageInfo(
        url=url,
        title=_title(soup),
        authors=_authors(soup),
        conference=_conference(soup, url),
        abstract=_abstract(soup),
        paper_url=_paper_url(soup, url),
        presentation_ids=presentation_ids(html),
        media_urls=media_urls(html, url, soup),
        date=_date(soup),
    )
