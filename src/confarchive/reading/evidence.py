"""A paper's title out of the words a post puts around its link.

Posts cite papers as "Title Authors URL", "Title. Authors. [pdf]", "**Title** (Authors) URL", a
heading over a PDF link, or a link whose own text is the title. The title is the part before the
authors: authors are found by their initials (``S.M. Jayakumar et al.``, ``G.H. Lee and T.S.
Jaakkola``, ``J. von Oswald``, ``D.Terjék``), else the title is the first sentence ("Title. Jane Doe,
John Smith."), or what follows the year of a bibliography entry ("Doe, J. (2020). Title. In ...").
What is left must look like a title (two to thirty words) or nothing is claimed: a
wrong guess is harmless when the link's id is in the listing, and otherwise the fuzzy threshold
refuses it, but a missing guess is honest.
"""

from __future__ import annotations

import re

MAX_WORDS = 30  # the longest title in ICLR, ACL and EMNLP 2020 has 24 words
# Initials then a surname: "S.M. Jayakumar", "D.W.. Romero", "J. von Oswald", "D.Terjék", "P.-A. Absil"
_INITIALS = re.compile(r"(?<![\w.'’])(?:[A-Z]\.\s?-?){1,3}\.?\s?(?:(?:van|von|de|der|da|di|del|le|la)\s)?[A-Z][\w'’-]")
_SENTENCE = re.compile(r"(?<=[a-z0-9)\]?!])\.\s+(?=[A-Z“\"])")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+•▪◦·>]|\(?\d{1,3}[.)]|\[\d{1,3}\])\s+")
_LABEL = re.compile(r"^(?:paper|title|link|pdf|arxiv|openreview)\s*[:–—-]\s*", re.IGNORECASE)
_QUOTED = re.compile(r"^[“\"]([^”\"]{8,300})[”\"]")  # "Title," Authors: only a quote that opens the text
_MARKUP = re.compile(r"\*\*|__|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)|`|^#+\s*")
# separators and tags after a title ("Title. [pdf]", "Title (arXiv)", "Title - PDF:"); never a title's own last word
_TAG = r"(?:pdf|arxiv|paper|link|html|abs|code|openreview|slides|video)"
_TRAILING = re.compile(rf"(?:[\s.,;:|/([{{<–—-]|[\[(]{_TAG}[\])]|\b{_TAG}\s*:)+$", re.IGNORECASE)
_YEAR = re.compile(r"\((?:19|20)\d{2}[a-z]?\)[.,:]?\s+")
_NOT_PROSE = ("##", "://", "{%", "%}", "```")  # a shell comment or template around a link is no title
_WORD = re.compile(r"[^\W\d_]{2,}")
_ET_AL = re.compile(r"\bet\s+al\b\.?", re.IGNORECASE)
_GENERIC = frozenset((  # a link's text made only of these is a label, not a title
    "pdf", "paper", "link", "here", "this", "the", "arxiv", "openreview", "abstract", "html", "code", "slides", "video",
    "talk", "poster", "proceedings", "full", "text", "preprint", "page", "source", "website", "project", "anthology",
    "acl", "pmlr", "doi", "bib", "bibtex", "supplementary", "supp",
))  # fmt: skip
_FUNCTION_WORDS = frozenset((  # "see also", "read this first": words around a link that are not a title
    "see", "also", "read", "first", "more", "again", "via", "and", "or", "of", "in", "on", "at", "from", "for", "by",
    "with", "to", "is", "are", "it", "an", "our", "my", "its", "their", "bare",
))  # fmt: skip


def clean(text: str) -> str:
    """Whitespace collapsed (a link's text spans lines in HTML and in wrapped text)."""
    return " ".join(text.split())


def looks_like_title(text: str) -> bool:
    """A link's own text that can be a title: words, not "[pdf]", a URL, an id or "Chen et al. (2020)"."""
    text = clean(text)
    words = _words(text)
    if len(words) < 2 or len(text.split()) > MAX_WORDS or "://" in text or text.lower().startswith("www."):
        return False
    if _ET_AL.search(text) or _INITIALS.search(text):
        return False
    return not all(w in _GENERIC for w in words)


def title_from(segment: str) -> str | None:
    """The title in the text before a paper's link, or None when that text does not hold one."""
    text = _MARKUP.sub("", clean(segment))
    text = _LABEL.sub("", _LIST_MARKER.sub("", text))
    quoted = _QUOTED.search(text)
    if quoted and len(quoted.group(1).split()) >= 2:
        return _tidy(quoted.group(1))
    cited = _YEAR.search(text)
    if cited:  # a bibliography: "Doe, J. and Roe, B. (2020). Sparse kites. In ICLR."
        text = text[cited.end() :]
    authors = list(_INITIALS.finditer(text))
    if authors and authors[0].start() == 0:
        return None  # "J. Doe et al." alone, or authors before a title that cannot be told from them
    start = _last_item_start(text, authors)
    authors = [a for a in authors if a.start() >= start]
    if authors and len(_words(text[start : authors[0].start()])) >= 2:
        text = text[start : authors[0].start()]
    else:
        sentences = _SENTENCE.split(text, maxsplit=1)
        if len(sentences) == 2 and len(sentences[0].split()) >= 2:
            text = sentences[0]
    return _tidy(text)


def _last_item_start(text: str, authors: list[re.Match[str]]) -> int:
    """Where the last "Title Authors" item of a run starts: a line that holds two ("Title A A. Author et al.
    Title B B. Author et al. URL") gives the link after them the second title, never the first."""
    if len(authors) < 2:
        return 0
    last = authors[-1].start()
    ends = [e.end() for e in _ET_AL.finditer(text) if authors[0].start() < e.start() and e.end() < last]
    return ends[-1] if ends and len(text[ends[-1] : last].split()) >= 2 else 0


def _tidy(text: str) -> str | None:
    text = _TRAILING.sub("", clean(text)).strip()
    text = text.strip("\"'“”‘’ ")
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    if any(mark in text for mark in _NOT_PROSE):
        return None
    words = _words(text)
    if len(words) < 2 or len(text.split()) > MAX_WORDS or all(w in _FUNCTION_WORDS | _GENERIC for w in words):
        return None
    return text


def _words(text: str) -> list[str]:
    """Words of two letters or more, lower case: "Meta-Q-Learning" has two, "[pdf]" one, "2002.05709" none."""
    return _WORD.findall(text.lower())
