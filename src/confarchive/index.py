"""``index.json`` (version 1, contract.md) and the offline player ``index.html`` at the archive root.

Both are derived from the manifest alone, so they can be rebuilt at any time, hold no timestamps,
and are rewritten only when their bytes change. Every text that came from the web is escaped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from .archive import Layout, write_if_changed
from .model import Merged, PageInfo, SlideFile, Status, Talk
from .store import Row
from .webpage import render_player

INDEX_VERSION = 1


def talk_entry(
    talk: Talk,
    layout: Layout,
    merged: Merged | None,
    shown: Mapping[int, SlideFile],
    paper: str | None,
    subtitles: list[dict[str, str]],
    slides_pdf: str | None = None,
) -> dict[str, object]:
    """The talk's entry, shared by ``talk.json`` and ``index.json``; paths relative to the archive."""
    kinds = {s.index: s.kind for s in talk.slides}
    slides = []
    for planned in merged.slides if merged else ():
        image = shown.get(planned.index)
        slides.append(
            {
                "index": planned.index,
                "start_s": round(planned.start_ms / 1000, 3),
                "image": layout.relative(image.path) if image else None,
                "type": kinds.get(planned.index, "image"),
            }
        )
    return {
        "key": talk.key,
        "presentation_id": talk.presentation_id,
        "title": talk.title,
        "authors": list(talk.authors),
        "conference": talk.conference,
        "source_url": talk.source_url,
        "status": Status.DONE.value if merged else Status.PENDING.value,
        "error": None,
        "video": layout.relative(merged.path) if merged else None,
        "duration_s": round(merged.duration_ms / 1000, 3) if merged else None,
        "slides": slides,
        "paper_pdf": paper,
        "slides_pdf": slides_pdf,
        "abstract": talk.abstract,
        "subtitles": subtitles,
        "other_embeds": list(talk.other_embeds),
    }


def placeholder_entry(key: str, source_url: str) -> dict[str, object]:
    """The entry of a talk that failed before anything about it was known."""
    return {
        "key": key, "presentation_id": None, "title": source_url, "authors": [], "conference": None,
        "source_url": source_url, "status": Status.FAILED.value, "error": None, "video": None,
        "duration_s": None, "slides": [], "paper_pdf": None, "slides_pdf": None, "abstract": None, "subtitles": [],
        "other_embeds": [],
    }  # fmt: skip


def page_entry(key: str, source_url: str, page: PageInfo) -> dict[str, object]:
    """The entry of a talk whose page was read but whose video could not be resolved."""
    entry = placeholder_entry(key, source_url)
    pid = key.split(":", 1)[1] if key.startswith("slideslive:") else None
    entry.update(
        presentation_id=pid, title=page.title or source_url, authors=list(page.authors),
        conference=page.conference, abstract=page.abstract,
    )  # fmt: skip
    return entry


def entry_for_row(row: Row) -> dict[str, object]:
    entry = dict(row.entry) if row.entry else placeholder_entry(row.key, row.source_url)
    entry["status"] = row.status if row.status in {s.value for s in Status} else Status.PENDING.value
    entry["error"] = row.last_error if row.status == Status.FAILED.value else None
    if row.status != Status.DONE.value:
        entry["video"] = None
    return entry


def build_index(rows: Iterable[Row]) -> dict[str, object]:
    talks = [entry_for_row(r) for r in rows]
    talks.sort(key=lambda t: (str(t["conference"] or "\uffff"), str(t["title"]).casefold(), str(t["key"])))
    return {"version": INDEX_VERSION, "talks": talks}


def dumps(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _subtitle_texts(layout: Layout, index: Mapping[str, object], budget: int = 2 * 1024 * 1024) -> dict[str, str]:
    """Subtitle files to inline in index.html (browsers refuse <track src> from file://), within a
    budget so that a large archive keeps a light page; the rest load when the archive is served."""
    texts: dict[str, str] = {}
    for talk in index["talks"]:  # type: ignore[union-attr]
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


def write_index(layout: Layout, rows: Iterable[Row]) -> bool:
    """Rewrite ``index.json`` and ``index.html`` if (and only if) their content changed."""
    index = build_index(rows)
    changed = write_if_changed(layout, layout.root / "index.json", dumps(index))
    page = render_player(index, subtitles=_subtitle_texts(layout, index))
    changed |= write_if_changed(layout, layout.root / "index.html", page.encode("utf-8"))
    return changed


def resolved_entry(talk: Talk) -> dict[str, object]:
    """What ``resolve --json`` prints: the entry as it will be, with source slide times and URLs."""
    entry = talk_entry(talk, Layout(Path(".")), None, {}, None, [])
    entry["slides"] = [
        {
            "index": s.index,
            "start_s": round(s.start_ms / 1000, 3),
            "image": next(iter(s.image_urls), None),
            "type": s.kind,
        }
        for s in talk.slides
    ]
    return entry | {"media": {"kind": talk.media.kind.value, "url": talk.media.url}, "paper_url": talk.paper_url}
