"""Papers to talks: the conference listings a run was given (``--from``), and each paper looked up in them.

A listing is read once per run, by the same code as ``discover`` (the resolver's own ``expand``), and
kept for the run: a reading list of 165 papers costs one read of the listing, not 165. Its entries
become ``reading.Listing`` entries (the talk page URL, the title, every paper id the listing's data
names: OpenReview forum ids, Anthology ids in ``pdf_url``, ...) and ``reading.matching`` does the rest:
the same id on both sides, else the title, else a reason naming the paper and the listings searched.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ..core.errors import ConfarchiveError, UsageError
from ..core.model import Expansion, PaperLink, TalkRef
from ..reading.ids import PaperId, paper_id
from ..reading.listing import Listing, ListingEntry
from ..reading.matching import Match, match
from ..reading.paper import Paper

Expand = Callable[[TalkRef], Expansion]
PageTitle = Callable[[str], "str | None"]  # a paper's own page -> the title it states (one request)


def landing_page(paper: Paper) -> str | None:
    """The paper's own HTML page, which states its title: an arXiv abstract, an OpenReview forum, an
    Anthology entry; any other page that is not a PDF."""
    if paper.id is not None and paper.id.kind == "arxiv":
        return f"https://arxiv.org/abs/{paper.id.value}"
    if paper.id is not None and paper.id.kind == "openreview":
        return f"https://openreview.net/forum?id={paper.id.value}"
    if paper.id is not None and paper.id.kind == "acl":
        return f"https://aclanthology.org/{paper.id.value}/"
    if paper.url is None or paper.url.split("?", 1)[0].lower().endswith(".pdf"):
        return None
    return paper.url


@dataclass(frozen=True)
class _Read:
    """One listing as matching sees it, and its talks by their page URL."""

    listing: Listing
    talks: dict[str, TalkRef]


def _ids(ref: TalkRef) -> tuple[PaperId, ...]:
    about = ref.about
    if about is None:
        return ()
    found = [PaperId(*text.split(":", 1)) for text in about.paper_ids if ":" in text]
    if about.paper_url and (from_pdf := paper_id(about.paper_url)) is not None:
        found.append(from_pdf)
    return tuple(dict.fromkeys(found))


def _entry(ref: TalkRef) -> ListingEntry:
    title = (ref.about.title if ref.about else None) or ref.title
    return ListingEntry(ref.url, title, _ids(ref))


class PaperFinder:
    """The ``--from`` listings of one run, read on first need (once, whatever the threads), and matching."""

    def __init__(self, listing_urls: Sequence[str]) -> None:
        self.listing_urls = tuple(dict.fromkeys(listing_urls))
        self._lock = threading.RLock()
        self._read: tuple[_Read, ...] | None = None
        self._error: ConfarchiveError | None = None
        self._reading = False  # a listing being read asks for the listings again: it is a reading list

    def __bool__(self) -> bool:
        return bool(self.listing_urls)

    def _listings(self, expand: Expand) -> tuple[_Read, ...]:
        with self._lock:
            if self._error is not None:
                raise self._error
            if self._reading:
                raise UsageError(f"--from {', '.join(self.listing_urls)}: a reading list is not a conference listing")
            if self._read is None:
                self._reading = True
                try:
                    self._read = tuple(self._read_one(url, expand) for url in self.listing_urls)
                except ConfarchiveError as exc:
                    self._error = exc
                    raise
                finally:
                    self._reading = False
            return self._read

    @staticmethod
    def _read_one(url: str, expand: Expand) -> _Read:
        try:
            listed = expand(TalkRef(url)).listed
        except ConfarchiveError as exc:
            raise ConfarchiveError(f"--from {url}: {exc.one_line()}") from exc
        if not listed:
            raise UsageError(f"--from {url} is not a conference listing: it lists no talks")
        talks = {ref.url: ref for ref in listed}
        return _Read(Listing(url, tuple(_entry(ref) for ref in talks.values())), talks)

    def is_listed(self, url: str, expand: Expand) -> bool:
        """A talk page of one of the listings (a post may link the posters it recommends)."""
        with self._lock:
            if self._reading:
                return False  # a page met while a listing is read (its browser fallback): not a post
        return any(url in r.talks for r in self._listings(expand))

    def find(
        self, papers: Sequence[Paper], expand: Expand, page_title: PageTitle | None = None
    ) -> tuple[tuple[PaperLink, ...], tuple[TalkRef, ...]]:
        """Each paper's link (in order) and the talks they lead to (in order, each once). A paper found
        neither by id nor by the title the post gives it is looked up once more by the title its own page
        states (``page_title``: one request for each such paper, none for the others)."""
        if not self.listing_urls:
            raise UsageError(
                f"{len(papers)} paper(s) to look up, but no listing to look them up in: give the conference's "
                "listing with --from LISTING_URL (its papers.html)"
            )
        read = self._listings(expand)
        by_name = {r.listing.name: r for r in read}
        links: list[PaperLink] = []
        talks: dict[str, TalkRef] = {}
        listings = [r.listing for r in read]
        found_all = match(papers, listings)
        if page_title is not None:
            found_all = [_by_page_title(found, listings, page_title) for found in found_all]
        for found in found_all:
            link, ref = _link(found, by_name)
            links.append(link)
            if ref is not None:
                talks.setdefault(ref.url, ref)
        return tuple(links), tuple(talks.values())


def _by_page_title(found: Match, listings: Sequence[Listing], page_title: PageTitle) -> Match:
    paper = found.paper
    if found.method != "none" or (landing := landing_page(paper)) is None:
        return found
    title = page_title(landing)
    if not title or title == paper.title:
        return found
    again = match([replace(paper, title=title, evidence="page")], listings)[0]
    return again if again.method != "none" else found


def _link(found: Match, by_name: dict[str, _Read]) -> tuple[PaperLink, TalkRef | None]:
    paper = found.paper
    if found.method == "talk" and paper.url is not None:
        return PaperLink(paper.url, paper.title, paper.url, "talk"), TalkRef(paper.url, title=paper.title)
    if found.entry is None or found.listing is None:
        return PaperLink(paper.url, paper.title, None, "none", reason=found.reason), None
    ref = by_name[found.listing].talks[found.entry.key]
    score = round(found.score, 1) if found.score is not None else None
    return PaperLink(paper.url, paper.title, ref.url, found.method, score, note=found.note), ref
