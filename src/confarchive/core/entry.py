"""A talk's entry: the one schema of ``index.json``, ``talk.json`` and ``resolve --json`` (docs/archive.md).

Typed here and turned into JSON only at the edge (``to_json``), so that the schema is written once.
``from_json`` reads entries of any earlier version of this schema (a manifest or ``talk.json`` from
an older release), which is what lets an archive be re-indexed after an upgrade.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from .model import SubtitleFile, TalkKey

INDEX_VERSION = 1


@dataclass(frozen=True)
class SlideEntry:
    index: int  # 1-based, in the source's order
    start_s: float  # millisecond precision
    image: str | None  # path relative to the archive (or, before fetching, the first image URL)
    type: str = "image"  # "image" or "video"
    title: str | None = None  # the chapter title: the slide's heading, when OCR found one
    text: str | None = None  # what OCR read on the slide ("" when it was read and holds no text)


@dataclass(frozen=True)
class TalkEntry:
    key: TalkKey
    title: str
    source_url: str  # the first input line that led to the talk, verbatim
    source_urls: tuple[str, ...] = ()  # every input line that led to it, the first included
    authors: tuple[str, ...] = ()
    conference: str | None = None
    status: str = "pending"  # done | failed | pending
    error: str | None = None
    error_kind: str | None = None  # permanent | transient | internal, with error
    video: str | None = None
    duration_s: float | None = None
    slides: tuple[SlideEntry, ...] = ()
    paper_pdf: str | None = None
    slides_pdf: str | None = None
    abstract: str | None = None
    subtitles: tuple[SubtitleFile, ...] = ()
    site_fields: tuple[tuple[str, str], ...] = ()  # what only the talk's site knows (presentation_id)
    paper_urls: tuple[str, ...] = ()  # the papers (of reading lists, or given by themselves) that asked for it
    collections: tuple[str, ...] = ()  # the titles of the reading lists it is in

    def with_sources(self, urls: tuple[str, ...]) -> TalkEntry:
        merged = tuple(dict.fromkeys((self.source_url, *self.source_urls, *urls)))
        return replace(self, source_urls=merged)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"key": str(self.key)}
        data.update(dict(self.site_fields))
        data |= {
            "title": self.title,
            "authors": list(self.authors),
            "conference": self.conference,
            "source_url": self.source_url,
            "source_urls": list(dict.fromkeys((self.source_url, *self.source_urls))),
            "status": self.status,
            "error": self.error,
            "error_kind": self.error_kind,
            "video": self.video,
            "duration_s": self.duration_s,
            "slides": [_slide_json(s) for s in self.slides],
            "paper_pdf": self.paper_pdf,
            "slides_pdf": self.slides_pdf,
            "abstract": self.abstract,
            "subtitles": [{"language": s.language, "path": s.path, "kind": s.kind} for s in self.subtitles],
            "paper_urls": list(self.paper_urls),
            "collections": list(self.collections),
        }
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TalkEntry:
        """An entry as written by this or an earlier release; raises ValueError when it is not one."""
        try:
            key = TalkKey.parse(str(data["key"]))
            source = str(data["source_url"])
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a talk entry: {exc}") from exc
        site_fields = tuple(
            (name, str(value)) for name, value in data.items() if name not in _KNOWN and isinstance(value, str | int)
        )
        return cls(
            key=key,
            title=str(data.get("title") or source),
            source_url=source,
            source_urls=tuple(str(u) for u in data.get("source_urls") or ()),
            authors=tuple(str(a) for a in data.get("authors") or ()),
            conference=_text(data.get("conference")),
            status=str(data.get("status") or "pending"),
            error=_text(data.get("error")),
            error_kind=_text(data.get("error_kind")),
            video=_text(data.get("video")),
            duration_s=float(data["duration_s"]) if isinstance(data.get("duration_s"), int | float) else None,
            slides=tuple(_slide(s) for s in data.get("slides") or () if isinstance(s, Mapping)),
            paper_pdf=_text(data.get("paper_pdf")),
            slides_pdf=_text(data.get("slides_pdf")),
            abstract=_text(data.get("abstract")),
            subtitles=tuple(
                SubtitleFile(str(s["language"]), str(s["path"]), str(s.get("kind") or "source"))
                for s in data.get("subtitles") or ()
                if isinstance(s, Mapping) and "language" in s and "path" in s
            ),
            site_fields=site_fields,
            paper_urls=tuple(str(u) for u in data.get("paper_urls") or ()),
            collections=tuple(str(c) for c in data.get("collections") or ()),
        )


# Fields of the schema; ``other_embeds`` and ``media``/``paper_url`` belonged to earlier releases and
# to ``resolve --json`` and are not site fields.
_KNOWN = frozenset(
    {
        "key", "title", "authors", "conference", "source_url", "source_urls", "status", "error", "error_kind",
        "video", "duration_s", "slides", "paper_pdf", "slides_pdf", "abstract", "subtitles", "other_embeds",
        "media", "paper_url", "paper_urls", "collections",
    }
)  # fmt: skip


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _slide_json(slide: SlideEntry) -> dict[str, Any]:
    data: dict[str, Any] = {"index": slide.index, "start_s": slide.start_s, "image": slide.image, "type": slide.type}
    if slide.title is not None:
        data["title"] = slide.title
    if slide.text is not None:
        data["text"] = slide.text
    return data


def _slide(data: Mapping[str, Any]) -> SlideEntry:
    return SlideEntry(
        index=int(data.get("index") or 0),
        start_s=float(data.get("start_s") or 0.0),
        image=_text(data.get("image")),
        type=str(data.get("type") or "image"),
        title=_text(data.get("title")),
        text=data["text"] if isinstance(data.get("text"), str) else None,
    )
