"""Building entries from typed data, and ``index.json``/``index.html`` at the archive root.

The index is derived from the manifest alone, so it can be rebuilt at any time, holds no timestamps,
and is rewritten only when its bytes change. Every text that came from the web is escaped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..core.entry import INDEX_VERSION, SlideEntry, TalkEntry
from ..core.layout import Layout, write_if_changed
from ..core.model import Merged, PaperLink, SlideFile, SubtitleFile, Talk, TalkKey, TalkRef
from ..core.outcome import Failure, Status
from ..text.search import SearchIndex
from .catalog import Catalog
from .player import SEARCH_DATA_NAME, SearchFile, render_player, render_search_data


def talk_entry(
    talk: Talk,
    layout: Layout,
    merged: Merged | None = None,
    shown: Mapping[int, SlideFile] | None = None,
    paper: str | None = None,
    subtitles: tuple[SubtitleFile, ...] = (),
    slides_pdf: str | None = None,
) -> TalkEntry:
    """The talk's entry, shared by ``talk.json`` and ``index.json``; paths relative to the archive."""
    kinds = {s.index: s.kind for s in talk.slides}
    slides = tuple(
        SlideEntry(
            index=planned.index,
            start_s=round(planned.start_ms / 1000, 3),
            image=layout.relative(image.path) if (image := (shown or {}).get(planned.index)) else None,
            type=kinds.get(planned.index, "image"),
        )
        for planned in (merged.slides if merged else ())
    )
    return TalkEntry(
        key=talk.key,
        title=talk.title,
        source_url=talk.source_url,
        authors=talk.authors,
        conference=talk.conference,
        status=Status.DONE.value if merged else Status.PENDING.value,
        video=layout.relative(merged.path) if merged else None,
        duration_s=round(merged.duration_ms / 1000, 3) if merged else None,
        slides=slides,
        paper_pdf=paper,
        slides_pdf=slides_pdf,
        abstract=talk.abstract,
        subtitles=subtitles,
        site_fields=talk.site_fields,
    )


def ref_entry(key: TalkKey, ref: TalkRef) -> TalkEntry:
    """The entry of a talk that failed before it was resolved: what its page or listing said."""
    about = ref.about
    title = (about.title if about else None) or ref.title or ref.url
    return TalkEntry(
        key=key, title=title, source_url=ref.url, authors=about.authors if about else (),
        conference=about.conference if about else None, abstract=about.abstract if about else None,
    )  # fmt: skip


def failed_entry(entry: TalkEntry, failure: Failure) -> TalkEntry:
    return replace(entry, status=Status.FAILED.value, error=failure.message, error_kind=failure.kind.value, video=None)


def paper_json(link: PaperLink, key: TalkKey | None = None) -> dict[str, object]:
    """A paper of a reading list as ``index.json`` and ``resolve --json`` show it."""
    return {
        "url": link.url, "title": link.title, "talk_url": link.talk_url, "talk": str(key) if key else None,
        "method": link.method, "score": link.score, "reason": link.reason, "note": link.note,
    }  # fmt: skip


def build_index(catalog: Catalog) -> dict[str, object]:
    entries = [catalog.entry(r) for r in catalog.rows]
    entries.sort(key=lambda e: (e.conference or "\uffff", e.title.casefold(), str(e.key)))
    index: dict[str, object] = {"version": INDEX_VERSION, "talks": [e.to_json() for e in entries]}
    if catalog.reading_lists:
        index["collections"] = [
            {"url": r.collection.url, "title": r.collection.title, "papers": [paper_json(p, k) for p, k in r.papers]}
            for r in catalog.reading_lists
        ]
    return index


def dumps(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _subtitle_texts(layout: Layout, talks: list[dict[str, Any]], budget: int = 2 * 1024 * 1024) -> dict[str, str]:
    """Subtitle files to inline in index.html (browsers refuse <track src> from file://), within a
    budget so that a large archive keeps a light page; the rest load when the archive is served."""
    texts: dict[str, str] = {}
    for talk in talks:
        for sub in talk.get("subtitles") or ():
            path = layout.root / str(sub["path"])
            try:
                size = path.stat().st_size
                if size > budget:
                    return texts
                texts[str(sub["path"])] = path.read_text(encoding="utf-8", errors="replace")
                budget -= size
            except OSError:
                continue
    return texts


def write_index(layout: Layout, catalog: Catalog, search: SearchIndex | None = None) -> bool:
    """Rewrite ``index.json`` and ``index.html`` if (and only if) their content changed.

    With ``search``, the offline player's search data (``search-data.js``, every passage of the search
    index) is written too, before the page that names its hash; without, the page names the data file
    already there. The data file costs O(archive): it is written at the end of a run and by ``index``,
    not after every talk."""
    index = build_index(catalog)
    talks: list[dict[str, Any]] = index["talks"]  # type: ignore[assignment]
    changed = write_if_changed(layout, layout.root / "index.json", dumps(index))
    data_path = layout.root / SEARCH_DATA_NAME
    data: str | None = None
    if search is not None:
        data = render_search_data(search.passages())
        changed |= write_if_changed(layout, data_path, data.encode("utf-8"))
    elif data_path.is_file():
        data = data_path.read_text(encoding="utf-8")
    search_file = SearchFile.of(data) if data is not None else None
    page = render_player(index, subtitles=_subtitle_texts(layout, talks), search=search_file)
    changed |= write_if_changed(layout, layout.root / "index.html", page.encode("utf-8"))
    return changed


def resolved_entry(talk: Talk) -> dict[str, object]:
    """What ``resolve --json`` prints for a talk: the entry as it will be, with source slide times,
    the first image URL of each slide, the media and the paper URL."""
    entry = talk_entry(talk, Layout(Path(".")))
    slides = tuple(
        SlideEntry(s.index, round(s.start_ms / 1000, 3), next(iter(s.image_urls), None), s.kind) for s in talk.slides
    )
    media = {"kind": talk.media.kind.value, "url": talk.media.url}
    return replace(entry, slides=slides).to_json() | {"media": media, "paper_url": talk.paper_url}
