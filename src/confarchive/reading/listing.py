"""A conference listing as reading lists need it: each entry's key, title and every paper id it carries.

A MiniConf ``papers.json`` entry names its paper in several ways, none of them everywhere: ICLR's
``forum`` (and ``content.iclr_id``) is the OpenReview forum id; ACL's and EMNLP's ``forum`` is the
listing's own UID (``main.8``, not an OpenReview id: refused by its shape) while ``content.pdf_url``
is an Anthology URL whose id differs from the UID (EMNLP ``main.1004`` is ``2020.emnlp-main.188``);
TACL and CL entries link a DOI or an arXiv abstract; Mini-Conf's own template has ``UID`` and a flat
``pdf_url``. Every id found is kept, so a paper is found by whichever id its reading list links.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .ids import PaperId, openreview_id, paper_id
from .titles import TitleIndex

_KEY_FIELDS = ("UID", "id", "forum")  # the entry's own key, as the listing's talk-page links use it
_URL_FIELDS = ("pdf_url", "share_url", "paper_url", "url", "arxiv", "openreview", "doi")
_FORUM_FIELDS = ("forum", "iclr_id", "openreview_id")


@dataclass(frozen=True)
class ListingEntry:
    """One paper of a listing: its key there (``main.8``, ``rylnK6VtDH``), its title and its ids."""

    key: str
    title: str | None
    ids: tuple[PaperId, ...] = ()


def _text(value: object) -> str | None:
    if isinstance(value, str | int) and not isinstance(value, bool):
        text = " ".join(str(value).split())
        return text or None
    return None


def _ids_of(record: Mapping[str, Any]) -> Iterable[PaperId]:
    for name in _FORUM_FIELDS:
        found = openreview_id(record.get(name))
        if found is not None:
            yield found
    for name in _URL_FIELDS:
        url = _text(record.get(name))
        found = paper_id(url) if url else None
        if found is not None:
            yield found


def entry_ids(entry: Mapping[str, Any]) -> tuple[PaperId, ...]:
    """Every paper id an entry holds, top level and ``content``, each once, in field order."""
    content = entry.get("content")
    records = [entry, content] if isinstance(content, Mapping) else [entry]
    return tuple(dict.fromkeys(found for record in records for found in _ids_of(record)))


def entry_title(entry: Mapping[str, Any]) -> str | None:
    content = entry.get("content")
    title = _text(content.get("title")) if isinstance(content, Mapping) else None
    return title or _text(entry.get("title"))


def listing_entry(entry: Mapping[str, Any]) -> ListingEntry | None:
    """The entry as matching sees it, or None for an entry with neither a key nor a title."""
    key = next((k for name in _KEY_FIELDS if (k := _text(entry.get(name)))), None)
    title = entry_title(entry)
    if key is None and title is None:
        return None
    return ListingEntry(key or title or "", title, entry_ids(entry))


@dataclass(frozen=True)
class Listing:
    """A listing's entries (in its order) and their indices: by id, and by title for rapidfuzz.

    ``name`` says which listing it is in reports (its URL). Two entries with one id (EMNLP lists some
    Findings papers again under a workshop) resolve to the first, as two with one title do.
    """

    name: str
    entries: tuple[ListingEntry, ...]
    _by_id: dict[PaperId, int] = field(init=False, repr=False, compare=False)
    _titles: TitleIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id: dict[PaperId, int] = {}
        for index, entry in enumerate(self.entries):
            for found in entry.ids:
                by_id.setdefault(found, index)
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_titles", TitleIndex([e.title for e in self.entries]))

    @classmethod
    def from_json(cls, name: str, data: object) -> Listing:
        """From a ``papers.json`` document: a list of entries (or ``{"papers": [...]}``); others are skipped."""
        if isinstance(data, Mapping):
            data = data.get("papers", [])
        rows: Sequence[Any] = data if isinstance(data, list) else []
        entries = (listing_entry(row) for row in rows if isinstance(row, Mapping))
        return cls(name, tuple(e for e in entries if e is not None))

    def by_id(self, paper: PaperId) -> int | None:
        return self._by_id.get(paper)

    @property
    def titles(self) -> TitleIndex:
        return self._titles

    def __len__(self) -> int:
        return len(self.entries)
