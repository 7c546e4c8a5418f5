"""What the index is built from, read from the manifest in one go: the talks, the URLs that led to each,
and the reading lists (their papers in order, each with the talk it led to).

A paper is joined to its talk through the talk page a listing linked it to: the manifest's ``sources``
say which talk that URL led to once it was read. So a paper named in two reading lists, or given again
by itself, is one talk with both recorded, and nothing here is stored twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from ..core.entry import TalkEntry
from ..core.model import Collection, PaperLink, TalkKey
from ..core.outcome import Status
from .manifest import Manifest, Row


@dataclass(frozen=True)
class ReadingList:
    """A reading list as the index shows it: its papers in order, each with its talk's key when known."""

    collection: Collection
    papers: tuple[tuple[PaperLink, TalkKey | None], ...]

    @property
    def name(self) -> str:
        return self.collection.title or self.collection.url


@dataclass(frozen=True)
class Catalog:
    rows: tuple[Row, ...]
    sources: Mapping[TalkKey, tuple[str, ...]]
    reading_lists: tuple[ReadingList, ...] = ()
    papers_of: Mapping[TalkKey, tuple[str, ...]] = field(default_factory=dict)  # the papers that asked for a talk
    lists_of: Mapping[TalkKey, tuple[str, ...]] = field(default_factory=dict)  # the reading lists a talk is in

    @classmethod
    def read(cls, store: Manifest) -> Catalog:
        rows = tuple(store.rows())
        sources = store.sources()
        talk_of = _talk_of_url(rows, sources)
        papers = store.papers()
        papers_of: dict[TalkKey, list[str]] = defaultdict(list)
        for name, link in papers.items():
            if link.talk_url and (key := talk_of.get(link.talk_url)) is not None:
                papers_of[key].append(link.url or name)
        lists: list[ReadingList] = []
        lists_of: dict[TalkKey, list[str]] = defaultdict(list)
        for collection, names in store.collections():
            shown = tuple(
                (link, talk_of.get(link.talk_url) if link.talk_url else None)
                for name in names
                if (link := papers.get(name)) is not None
            )
            reading = ReadingList(collection, shown)
            lists.append(reading)
            for key in dict.fromkeys(k for _, k in shown if k is not None):
                lists_of[key].append(reading.name)
        return cls(
            rows, sources, tuple(lists),
            {k: tuple(v) for k, v in papers_of.items()}, {k: tuple(v) for k, v in lists_of.items()},
        )  # fmt: skip

    def entry(self, row: Row) -> TalkEntry:
        """The talk's entry as the index shows it: its status, every URL and paper that led to it."""
        entry = row.entry or TalkEntry(key=row.key, title=row.source_url, source_url=row.source_url)
        status = row.status if row.status in {s.value for s in Status} else Status.PENDING.value
        entry = replace(
            entry, status=status, error=None, error_kind=None,
            paper_urls=self.papers_of.get(row.key, ()), collections=self.lists_of.get(row.key, ()),
        ).with_sources(self.sources.get(row.key, ()))  # fmt: skip
        if row.status == Status.FAILED.value:
            return replace(entry, error=row.last_error, error_kind=row.error_kind, video=None)
        return entry if row.status == Status.DONE.value else replace(entry, video=None)


def _talk_of_url(rows: tuple[Row, ...], sources: Mapping[TalkKey, tuple[str, ...]]) -> dict[str, TalkKey]:
    """The talk a URL leads to: the one it is the source of (a page's own talk), else the first found."""
    found: dict[str, TalkKey] = {}
    for row in rows:
        found.setdefault(row.source_url, row.key)
    for key, urls in sources.items():
        for url in urls:
            found.setdefault(url, key)
    return found
