"""A paper as a reading list names it: the link, the id the link gives, and the title found beside it."""

from __future__ import annotations

from dataclasses import dataclass

from .ids import PaperId, paper_id

EVIDENCE = ("link text", "text before", "given", "page", "none")  # "page": the paper's own page, fetched


@dataclass(frozen=True)
class Paper:
    """One paper of a reading list.

    ``id`` is what the URL says without a request (None for a paper given by title alone, or a URL no
    rule knows). ``title`` is the best guess at its title, ``evidence`` where that guess came from (one
    of ``EVIDENCE``): matching trusts an id before any title, so a poor guess costs nothing when the id
    is in the listing. ``talk``: the link is a talk page itself (a post may link posters beside papers);
    it needs no matching and keeps its place in the list.
    """

    url: str | None
    id: PaperId | None
    title: str | None = None
    evidence: str = "none"
    talk: bool = False

    def __post_init__(self) -> None:
        if self.evidence not in EVIDENCE:
            raise ValueError(f"unknown title evidence {self.evidence!r}")

    @classmethod
    def from_url(cls, url: str, title: str | None = None) -> Paper:
        """A paper given on the command line or in an input file: its id from the URL, its title if known."""
        return cls(url, paper_id(url), title, "given" if title else "none")

    def __str__(self) -> str:
        return self.url or (f"“{self.title}”" if self.title else "a paper without URL or title")
