"""A reading list out of a post: its title and its papers, in the post's order.

A post is HTML (a blog, a notebook export) or text (a file of lines "Title Authors URL", bare URLs,
markdown links). Its papers are the links ``ids.paper_id`` recognises, each with the title evidence
beside it: the link's own text when that is a title, else the text just before the link (the line,
list item or heading it sits in; for HTML, the block before when the link stands alone). Links in
navigation, headers and footers are not the post's. A paper linked twice is listed once, where it
first appears (taking the later link's title when the first had none).

Talk pages in a post (``icml.cc/virtual/2020/poster/6171``) are not papers; a caller that knows them
(the site registry) passes ``is_talk``, and they stay in the list, in order, as papers without an id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from urllib.parse import urldefrag, urljoin

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from .evidence import clean, looks_like_title, title_from
from .ids import paper_id
from .paper import Paper

TalkTest = Callable[[str], bool]

_FRONT_MATTER = re.compile(r"\A\s*---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)
_FRONT_TITLE = re.compile(r"^title\s*:\s*(.+?)\s*$", re.MULTILINE)
_HTML = re.compile(r"<(?:html|body|a|p|div|h[1-6]|ul|li|article)[\s>]", re.IGNORECASE)
# a markdown link, an <angle-bracketed> URL, a bare URL (www. ones too)
_TEXT_LINK = re.compile(
    r"\[(?P<text>[^\]\n]{1,400})\]\((?P<md>[^)\s]+)\)|<(?P<angle>https?://[^>\s]+)>|(?P<bare>(?:https?://|www\.)[^\s<>\"'\]\[]+)"
)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_UNBALANCED_TAIL = ".,;:!?'\"”’>*_"
_FURNITURE_TAGS = ("nav", "footer", "aside", "script", "style", "noscript", "form", "template", "svg", "button")
_FURNITURE_WORDS = frozenset((  # words of a class or id ("site-nav", "post_footer"); not "related": related work
    "nav", "navbar", "navigation", "menu", "footer", "sidebar", "breadcrumb", "breadcrumbs", "share", "sharing",
    "comments", "cookie", "masthead", "pagination", "toc",
))  # fmt: skip
_FURNITURE_ROLES = frozenset(("navigation", "banner", "contentinfo", "complementary", "search"))
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_BLOCKS = _HEADINGS | {"p", "li", "dd", "dt", "td", "th", "blockquote", "figcaption", "caption", "pre"}
_CONTAINERS = frozenset(("div", "section", "article", "main", "body", "ul", "ol", "dl", "table"))
_SEPARATOR_END = re.compile(r"(?:[.:;,|)\]>–—-]|\bet al\.?)\s*$")
MAX_TITLE_WORDS = 14  # a post's title, written as its first line
MAX_BEFORE_CHARS = 600
MAX_BEFORE_WORDS = 60  # the block before a lone link: a heading or a short line, not a paragraph


@dataclass(frozen=True)
class Post:
    """A reading list: the post's title (None when it states none) and its papers in order."""

    title: str | None
    papers: tuple[Paper, ...]


def read_post(text: str, url: str | None = None, is_talk: TalkTest | None = None, html: bool | None = None) -> Post:
    """The reading list a post holds. ``html`` says which it is (a served Content-Type); None sniffs it."""
    front = _FRONT_MATTER.match(text)
    front_title = None
    if front:
        found = _FRONT_TITLE.search(front.group(1))
        front_title = clean(found.group(1).strip("\"'")) if found else None
        text = text[front.end() :]
    is_html = bool(_HTML.search(text)) if html is None else html
    title, links = _html_links(text, url) if is_html else _text_links(text, url)
    return Post(front_title or title, _papers(links, is_talk or (lambda _: False)))


def _papers(links: Iterator[tuple[str, str | None, str]], is_talk: TalkTest) -> tuple[Paper, ...]:
    """Paper (and talk) links, each once; a later link's title fills a first link's missing one."""
    found: dict[object, Paper] = {}
    for url, title, evidence in links:
        pid = paper_id(url)
        if pid is None and not is_talk(url):
            continue
        key = pid or urldefrag(url).url
        paper = Paper(url, pid, title, evidence if title else "none", talk=pid is None)
        first = found.get(key)
        if first is None:
            found[key] = paper
        elif first.title is None and title is not None:
            found[key] = replace(first, title=title, evidence=evidence)
    return tuple(found.values())


# -- text ------------------------------------------------------------------------------------------------
def _strip_url(url: str) -> str:
    """A URL as written in prose, without the sentence's punctuation (a ')' only if it opens none)."""
    while url and (url[-1] in _UNBALANCED_TAIL or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    return url


def _text_links(text: str, base: str | None) -> tuple[str | None, Iterator[tuple[str, str | None, str]]]:
    heading = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
    return (clean(heading.group(1)) if heading else _first_line_title(text)), _text_items(text, base)


def _first_line_title(text: str) -> str | None:
    """A text file's first line is its title when it reads like one: short, alone above a blank line,
    no link, no sentence's full stop ("Workshop picks"; not "Here are the papers I liked.")."""
    lines = text.lstrip().split("\n", 2)
    first = lines[0].strip()
    alone = len(lines) > 1 and not lines[1].strip()
    if not alone or not first or _TEXT_LINK.search(first) or first.endswith((".", ":", ",", ";")):
        return None
    return clean(first) if len(first.split()) <= MAX_TITLE_WORDS else None


def _text_items(text: str, base: str | None) -> Iterator[tuple[str, str | None, str]]:
    previous_end = 0
    for match in _TEXT_LINK.finditer(text):
        raw = match.group("md") or match.group("angle") or _strip_url(match.group("bare"))
        url = urljoin(base, raw) if base and not raw.startswith(("http", "www.")) else raw
        before = text[previous_end : match.start()]
        previous_end = match.start() + len(raw) if match.group("bare") else match.end()
        link_text = match.group("text")
        if link_text and looks_like_title(link_text):
            yield url, clean(link_text), "link text"
            continue
        title = title_from(_segment(before))
        yield url, title, "text before" if title else "none"


def _segment(before: str) -> str:
    """The text a link's title can be in: since the last link, within its paragraph; its own line if
    that has text before the link, else the first line before it (a title, then its authors, then the
    link, each on a line of its own)."""
    before = _PARAGRAPH_BREAK.split(before)[-1]
    *lines, own = before.split("\n")
    return own if own.strip() else next((line for line in lines if line.strip()), "")


# -- HTML ------------------------------------------------------------------------------------------------
def _is_furniture(tag: Tag) -> bool:
    if tag.name in _FURNITURE_TAGS or (tag.name == "header" and tag.find_parent(("article", "main")) is None):
        return True
    if str(tag.get("role", "")).lower() in _FURNITURE_ROLES:
        return True
    names = " ".join([*(tag.get("class") or []), str(tag.get("id") or "")]).lower()
    return any(word in _FURNITURE_WORDS for word in re.split(r"[\s_-]+", names))


def _post_title(soup: BeautifulSoup) -> str | None:
    meta = soup.find("meta", attrs={"property": "og:title"})
    if isinstance(meta, Tag) and clean(str(meta.get("content") or "")):
        return clean(str(meta.get("content")))
    for tag in (soup.select_one("article h1, main h1"), soup.find("h1"), soup.find("title")):
        if isinstance(tag, Tag) and clean(tag.get_text(" ")):
            return clean(tag.get_text(" "))
    return None


def _html_links(text: str, base: str | None) -> tuple[str | None, Iterator[tuple[str, str | None, str]]]:
    soup = BeautifulSoup(text, "html.parser")
    title = _post_title(soup)  # before the furniture goes: <title> and og:title live in <head>
    base_tag = soup.find("base", href=True)
    if isinstance(base_tag, Tag):
        base = urljoin(base or "", str(base_tag["href"]))
    for tag in [t for t in soup.find_all(True) if _is_furniture(t)]:
        if not tag.decomposed:
            tag.decompose()
    return title, _html_items(soup, base)


def _html_items(soup: BeautifulSoup, base: str | None) -> Iterator[tuple[str, str | None, str]]:
    for link in soup.find_all("a", href=True):
        href = str(link["href"]).strip()
        if not href or href.startswith(("#", "mailto:", "javascript:")):
            continue
        url = urljoin(base, href) if base else href
        link_text = clean(link.get_text(" "))
        if looks_like_title(link_text):
            yield url, link_text, "link text"
            continue
        title = title_from(_html_before(link))
        yield url, title, "text before" if title else "none"


def _block(tag: Tag) -> Tag:
    """The element whose text a link's title is in: its paragraph, item or heading, else its container."""
    parent = tag.parent
    while isinstance(parent, Tag) and parent.name not in _BLOCKS and parent.name not in _CONTAINERS:
        if not isinstance(parent.parent, Tag):
            return parent  # the document itself: a fragment of inline HTML
        parent = parent.parent
    return parent if isinstance(parent, Tag) else tag


def _html_before(link: Tag) -> str:
    """The words before a link within its block, since the block's previous paper link. A link in the
    middle of prose (more than a few words follow it before the next link) is a mention: no title. A link
    alone in its block takes the previous block (a heading, a "Title. Authors." line)."""
    block = _block(link)
    before: list[str] = []
    after: list[str] = []
    papers: list[Tag] = []  # the block's paper links before this one: their words are not this one's
    seen = False
    for node in block.descendants:
        if node is link:
            seen = True
        elif isinstance(node, Tag) and node.name == "a" and node.get("href"):
            if seen:
                break
            if paper_id(str(node["href"])) is not None:
                papers.append(node)
                before.clear()
        elif isinstance(node, Tag) and node.name == "br" and not seen:
            before.clear()  # "Title. Authors. <a>pdf</a><br>Title. Authors. <a>pdf</a>": one line each
        elif isinstance(node, NavigableString) and not isinstance(node, Comment):
            inside = [parent for parent in node.parents if parent is link or any(parent is p for p in papers)]
            if not inside:
                (after if seen else before).append(str(node))
    text = clean("".join(before))[-MAX_BEFORE_CHARS:]  # a title sits next to its link, not pages above
    if text:
        prose = len(clean("".join(after)).split()) > 3 and not _SEPARATOR_END.search(text)
        return "" if prose else text
    return _previous_block_text(block)


def _previous_block_text(block: Tag) -> str:
    sibling = block.find_previous_sibling(True)
    if not isinstance(sibling, Tag):
        return ""
    text = clean(sibling.get_text(" "))
    if sibling.name in _HEADINGS or len(text.split()) <= MAX_BEFORE_WORDS:
        return text
    return ""
