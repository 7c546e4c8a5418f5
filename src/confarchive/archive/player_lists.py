"""The reading lists (``index.json`` ``collections``) as the offline player shows them: one page each.

``index.json`` keeps what matching found (each paper's talk key, method, score, reason); the page needs
what a reader sees: a paper's talk when it can be watched, else one line saying why not, and for each
talk the pages of the lists it is in. That join is decided here, once, in Python (so it is tested
without a browser and the page's script only draws it), and embedded in the page as JSON beside the
talks. Like everything the page embeds, the texts came from the web: the script shows them only as text,
and the ``<noscript>`` list made here escapes them.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["fallback_lists", "how_matched", "page_lists", "why_not"]

NOT_ARCHIVED = "not archived yet"
NO_TALK = "no talk found"


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _score(value: object) -> str | None:
    """A match score as a reader reads it: ``98``, ``97.5`` (never rounded up past a threshold)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    tenths = math.floor(value * 10 + 1e-9) / 10
    return f"{tenths:.0f}" if tenths.is_integer() else f"{tenths:.1f}"


def how_matched(paper: Mapping[str, Any]) -> str | None:
    """How the paper was joined to its talk, said discreetly ("matched by title, 97.5"); None when it
    was not (its reason says why instead)."""
    method = _text(paper.get("method"))
    if method in (None, "none"):
        how = None
    elif method == "title":
        score = _score(paper.get("score"))
        how = f"matched by title, {score}" if score else "matched by title"
    elif method == "talk":
        how = "the post links the talk"
    else:
        how = f"matched by {method}"
    note = _text(paper.get("note"))
    return f"{how}; {note}" if how and note else how or note


def why_not(paper: Mapping[str, Any], talk: Mapping[str, Any] | None) -> str | None:
    """Why a paper cannot be watched; None when its talk is done. ``talk`` is its entry, if the index
    has one: the paper's own reason first, then what happened to the talk, then what is missing."""
    if talk is not None and talk.get("status") == "done":
        return None
    reason = _text(paper.get("reason"))
    if reason:
        url = _text(paper.get("url"))
        return reason.removeprefix(f"{url}: ") if url else reason  # the page shows the paper's URL beside it
    if talk is None:
        return NOT_ARCHIVED if _text(paper.get("talk")) or _text(paper.get("talk_url")) else NO_TALK
    status = _text(talk.get("status")) or "pending"
    return _text(talk.get("error")) or (NOT_ARCHIVED if status == "pending" else status)


class _Talks:
    """The index's talks by key and by every URL that led to them (the first talk wins, as on the page)."""

    def __init__(self, talks: Sequence[Any]) -> None:
        self.by_key: dict[str, Mapping[str, Any]] = {}
        self.by_url: dict[str, Mapping[str, Any]] = {}
        for talk in talks:
            if not isinstance(talk, Mapping):
                continue
            self.by_key.setdefault(str(talk.get("key")), talk)
            urls = talk.get("source_urls")
            for url in (talk.get("source_url"), *(urls if isinstance(urls, list) else ())):
                if _text(url):
                    self.by_url.setdefault(url, talk)

    def of(self, paper: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """The paper's talk: by its key, else (a talk that failed before it had one) by its talk page."""
        key, url = _text(paper.get("talk")), _text(paper.get("talk_url"))
        found = self.by_key.get(key) if key else None
        return found if found is not None else self.by_url.get(url) if url else None


def _name(collection: Mapping[str, Any]) -> str:
    """What a list is called, as the talks' ``collections`` call it: its title, else its URL."""
    return _text(collection.get("title")) or str(collection.get("url") or "")


def _page_paper(paper: Mapping[str, Any], talks: _Talks) -> dict[str, Any]:
    talk = talks.of(paper)
    title = _text(paper.get("title")) or (_text(talk.get("title")) if talk else None) or _text(paper.get("url"))
    return {
        "title": title or "(a paper without title or URL)",
        "url": _text(paper.get("url")),
        "talk": str(talk.get("key")) if talk is not None else None,
        "why": why_not(paper, talk),
        "how": how_matched(paper),
    }


def _collections(index: Mapping[str, object]) -> list[Mapping[str, Any]]:
    found = index.get("collections")
    return [c for c in found if isinstance(c, Mapping)] if isinstance(found, list) else []


def page_lists(index: Mapping[str, object]) -> dict[str, Any] | None:
    """The reading lists as the page embeds them; None when the index has none (the page then carries
    neither this data nor the script that shows it).

    ``{"lists": [{"name", "title", "url", "papers": [{"title", "url", "talk", "why", "how"}]}],
    "talks": [[key, [list number, ...]], ...]}``: each list's papers in the post's order; a paper's
    ``talk`` is its talk's key when the index has that talk (found by key, else by its talk page among
    the talks' ``source_url``/``source_urls``), ``why`` is None exactly when that talk is done (the
    paper is then a link to it) and ``how`` says how it was matched. ``talks`` gives each talk the lists
    (0-based) named by its ``collections``: of the lists so named, those that hold the talk (two posts
    may share a title), else all of them.
    """
    collections = _collections(index)
    if not collections:
        return None
    found = index.get("talks")
    talks = _Talks(found if isinstance(found, list) else [])
    lists = []
    for collection in collections:
        papers = collection.get("papers")
        shown = [_page_paper(p, talks) for p in papers if isinstance(p, Mapping)] if isinstance(papers, list) else []
        title, url = _text(collection.get("title")), _text(collection.get("url"))
        lists.append({"name": _name(collection), "title": title, "url": url, "papers": shown})
    members: list[list[Any]] = []
    for key, talk in talks.by_key.items():
        names = talk.get("collections")
        pages: list[int] = []
        for name in dict.fromkeys(str(n) for n in names) if isinstance(names, list) else ():
            named = [n for n, shown in enumerate(lists) if shown["name"] == name]
            holding = [n for n in named if any(p["talk"] == key for p in lists[n]["papers"])]
            pages.extend(n for n in holding or named if n not in pages)
        if pages:
            members.append([key, pages])
    return {"lists": lists, "talks": members}


def fallback_lists(data: Mapping[str, Any] | None, videos: Mapping[str, str]) -> str:
    """The lists for browsers without JavaScript: each a heading and its papers, a paper that can be
    watched a link to its video file (``videos``: talk key -> href, already encoded)."""
    if not data:
        return ""
    parts = ["<p>The reading lists:</p>"]
    for shown in data["lists"]:
        items = []
        for paper in shown["papers"]:
            title = html.escape(paper["title"])
            href = videos.get(paper["talk"]) if paper["why"] is None else None
            if href:
                items.append(f'<li><a href="{html.escape(href)}">{title}</a></li>')
            else:
                items.append(f"<li>{title} ({html.escape(paper['why'] or 'no video')})</li>")
        parts.append(f"<h2>{html.escape(shown['name'])}</h2><ol>{''.join(items)}</ol>")
    return "".join(parts)
