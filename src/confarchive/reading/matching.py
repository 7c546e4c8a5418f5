"""Each paper of a reading list to its listing entry: by id first, then by title, else a reason.

The order is the issue's: the same id on both sides is certain and wins; a title is a guess, trusted
when its normalised form is the listing's exactly, or its fuzzy score reaches ``titles.THRESHOLD``
clear of the runner-up. When the paper's id and the entry's id are of the same kind but differ (an
OpenReview forum that is not the listing's: a workshop version, an earlier submission), only an exact
normalised title is accepted, with a ``note`` saying so; a fuzzy one is refused, as two papers with
similar titles are likelier than one paper retitled under another id. Whatever is not matched says
why in one line that names the paper and the listings searched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .listing import Listing, ListingEntry
from .paper import Paper
from .titles import NEAREST, THRESHOLD, TitleHit

METHODS = ("id", "title", "talk", "none")


@dataclass(frozen=True)
class Match:
    """A paper and what it matched: ``entry`` of ``listing`` (its name) by ``method`` (one of ``METHODS``).

    ``score`` is the title score (100 for an exact normalised title, None for an id); ``reason`` says
    why a paper is unmatched; ``note`` qualifies a match (its ids differ). Method ``talk``: the link is
    a talk page itself (the post's ``is_talk``), nothing to match.
    """

    paper: Paper
    method: str
    entry: ListingEntry | None = None
    listing: str | None = None
    score: float | None = None
    reason: str | None = None
    note: str | None = None

    @property
    def matched(self) -> bool:
        return self.entry is not None


def match(papers: Sequence[Paper], listings: Listing | Sequence[Listing]) -> list[Match]:
    """One ``Match`` per paper, in the papers' order (a paper given twice is matched twice, alike)."""
    searched = (listings,) if isinstance(listings, Listing) else tuple(listings)
    seen: dict[Paper, Match] = {}
    out = []
    for paper in papers:
        if paper not in seen:
            seen[paper] = match_one(paper, searched)
        out.append(seen[paper])
    return out


def match_one(paper: Paper, listings: Sequence[Listing]) -> Match:
    if paper.talk:
        return Match(paper, "talk")
    if paper.id is not None:
        for listing in listings:
            index = listing.by_id(paper.id)
            if index is not None:
                return Match(paper, "id", listing.entries[index], listing.name)
    hits = [(listing, listing.titles.lookup(paper.title)) for listing in listings]
    found = [(listing, hit) for listing, hit in hits if hit.matched and hit.index is not None]
    found.sort(key=lambda pair: -pair[1].score)  # stable: on a tie the first listing given wins
    refused: list[str] = []
    for listing, hit in found:
        entry = listing.entries[hit.index]  # type: ignore[index]  # matched hits have an index
        clash = _id_clash(paper, entry)
        if clash is None or hit.status == "exact":
            return Match(paper, "title", entry, listing.name, hit.score, note=clash)
        refused.append(clash)
    return Match(paper, "none", reason=_why(paper, listings, hits, refused))


def _id_clash(paper: Paper, entry: ListingEntry) -> str | None:
    if paper.id is None:
        return None
    same_kind = [i for i in entry.ids if i.kind == paper.id.kind]
    if same_kind and paper.id not in same_kind:
        return f"same title as {entry.key} “{entry.title}”, whose {paper.id.kind} id is {same_kind[0].value}"
    return None


def _why(paper: Paper, listings: Sequence[Listing], hits: list[tuple[Listing, TitleHit]], refused: list[str]) -> str:
    if not listings:
        return f"{paper}: no listing to search"
    names = ", ".join(listing.name for listing in listings)
    parts = [f"{paper.id} is in none" if paper.id else "no paper id in its URL"]
    if refused:
        parts += refused
    elif not paper.title:
        parts.append("no title to match")
    else:
        parts.append(_title_why(paper.title, hits))
    return f"{paper}: not found in {names}: {'; '.join(parts)}"


def _title_why(title: str, hits: list[tuple[Listing, TitleHit]]) -> str:
    listing, hit = max(hits, key=lambda pair: pair[1].score)
    if hit.status == "short":
        return f"title “{title}” too short to match"
    if hit.best is None:
        return f"title “{title}” is near no listed title (none scores {NEAREST:.0f})"
    nearest = f"“{listing.entries[hit.best].title}” scored {hit.score:.0f}"
    if hit.status == "ambiguous" and hit.runner_up is not None:
        other = listing.entries[hit.runner_up].title
        return f"title “{title}” is ambiguous: {nearest}, “{other}” {hit.runner_up_score:.0f}"
    return f"title “{title}”: nearest {nearest} < {THRESHOLD:.0f}"
