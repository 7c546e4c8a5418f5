"""The frozen values that pass between stages.

Stages never hand each other loose dicts: a site change that breaks a resolver must fail in the
resolver, not three stages later as a ``KeyError`` in the merge.

The flow: a ``TalkRef`` (a URL, and whatever a listing already said about it) is *expanded* into the
talks its page holds, each a ``TalkRef`` with a ``TalkKey`` and an ``Embed``; each of those is
*resolved* by its site into a ``Talk``; fetch and merge turn a ``Talk`` into files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

_SITE_NAME = re.compile(r"[a-z][a-z0-9-]*")


@dataclass(frozen=True, order=True)
class TalkKey:
    """A talk's identity across runs and machines: the site that knows it and its id there.

    Written ``slideslive:38925850``. A key known before any request (from a SlidesLive URL, a listing
    that names the presentation id) lets a re-run skip a finished talk without touching the network.
    ``url:<source URL>`` keys a talk that failed before its real key was known.
    """

    site: str
    id: str

    def __post_init__(self) -> None:
        if not _SITE_NAME.fullmatch(self.site) or not self.id or any(c.isspace() for c in self.id):
            raise ValueError(f"not a talk key: {self.site!r}, {self.id!r}")

    def __str__(self) -> str:
        return f"{self.site}:{self.id}"

    @classmethod
    def parse(cls, text: str) -> TalkKey:
        site, sep, ident = text.partition(":")
        if not sep:
            raise ValueError(f"not a talk key: {text!r}")
        return cls(site, ident)

    @classmethod
    def for_url(cls, url: str) -> TalkKey:
        """The key of a URL whose talk is not known (yet): its failures are recorded under it."""
        return cls("url", url)

    @property
    def provisional(self) -> bool:
        return self.site == "url"


@dataclass(frozen=True)
class PageMeta:
    """What a page (or a listing entry) says about a talk: best effort, never a reason to fail."""

    url: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    conference: str | None = None
    abstract: str | None = None
    paper_url: str | None = None
    date: str | None = None
    paper_ids: tuple[str, ...] = ()  # the paper's ids a listing entry names (``openreview:rylnK6VtDH``)

    def merged(self, fallback: PageMeta) -> PageMeta:
        """Each field from ``self``, else from ``fallback``."""
        return PageMeta(
            url=self.url,
            title=self.title or fallback.title,
            authors=self.authors or fallback.authors,
            conference=self.conference or fallback.conference,
            abstract=self.abstract or fallback.abstract,
            paper_url=self.paper_url or fallback.paper_url,
            date=self.date or fallback.date,
            paper_ids=self.paper_ids or fallback.paper_ids,
        )


@dataclass(frozen=True)
class Embed:
    """A talk video a page holds (or a listing names): the key, and the address its site resolves.

    ``url`` is kept whole: an unlisted video's hash parameter is part of its address. ``label`` is the
    heading that introduces it on a page with several talks ("Question and Answer Session").
    """

    key: TalkKey
    url: str
    site: str  # the plugin that resolves it
    label: str | None = None


@dataclass(frozen=True)
class TalkRef:
    """A talk to archive, as far as it is known before its site is asked.

    From an input line: the URL, and the key when the URL alone tells it. From a page's expansion or
    a listing's data: also the embed to resolve and the page's metadata, so that a listing which
    names everything needs no request per poster page.
    """

    url: str
    key: TalkKey | None = None
    title: str | None = None  # as listed, before any request for the talk itself
    embed: Embed | None = None
    about: PageMeta | None = None
    part: int = 1  # its position among the talks of its page (1: the page's own talk)
    listed_without_video: bool = False  # a listing said it has no video: no browser to look for one


@dataclass(frozen=True)
class PaperLink:
    """One paper a reading list (or an input line) names, and the talk a listing links it to.

    ``method`` says how it was found: ``id`` (the same paper id on both sides), ``title`` (its title
    matched the listing's, with ``score``), ``talk`` (the link is a talk page itself) or ``none``
    (``reason`` says why, naming the listings searched).
    """

    url: str | None  # as the post links it
    title: str | None  # the title the post gives it (link text, or the text before the link)
    talk_url: str | None  # the listing's talk page for it
    method: str
    score: float | None = None
    reason: str | None = None
    note: str | None = None  # a qualified match (its ids differ from the listing's)

    @property
    def name(self) -> str:
        """What identifies the paper in the archive: its URL, else its title."""
        return self.url or f"title:{self.title}"


@dataclass(frozen=True)
class Collection:
    """A reading list: a post (or a text file) whose papers were looked up in the listings given."""

    url: str
    title: str | None


@dataclass(frozen=True)
class Expansion:
    """What one URL holds: its talks (with their embeds), and further URLs to expand (a listing, or
    the talks a page links to besides its own). A reading list (or a paper) also says which papers it
    named and what each led to, in its order; ``collection`` is the post they came from."""

    talks: tuple[TalkRef, ...] = ()
    listed: tuple[TalkRef, ...] = ()
    papers: tuple[PaperLink, ...] = ()
    collection: Collection | None = None


class MediaKind(StrEnum):
    """How the media is fetched: HLS by the fast path (else yt-dlp), everything else by yt-dlp."""

    HLS = "hls"
    DASH = "dash"
    FILE = "file"
    SITE = "site"  # a page one of yt-dlp's site extractors knows (YouTube, Vimeo, ...)


@dataclass(frozen=True)
class Media:
    """The talk's audio/video source, as a logical (never rewritten) URL."""

    kind: MediaKind
    url: str
    referer: str | None = None


@dataclass(frozen=True)
class Slide:
    """One slide: its start in milliseconds and the image URLs to try, best first.

    A video slide (SlidesLive ``"type": "video"``) has no image; ``video_url`` is its clip (HLS) when
    the clip's server could be found. Its span shows the clip's first frame, else the previous slide.
    """

    index: int
    start_ms: int
    image_urls: tuple[str, ...]
    name: str = ""
    kind: str = "image"
    video_url: str | None = None


@dataclass(frozen=True)
class Subtitle:
    """A subtitle track (WebVTT) offered by the source."""

    language: str
    url: str


@dataclass(frozen=True)
class Talk:
    """Everything resolution learned about a talk; the input of fetch and merge.

    ``site_fields`` are what only its site knows and the index shows (SlidesLive's presentation id).
    """

    key: TalkKey
    source_url: str
    title: str
    media: Media
    authors: tuple[str, ...] = ()
    conference: str | None = None
    abstract: str | None = None
    paper_url: str | None = None
    slides: tuple[Slide, ...] = ()
    subtitles: tuple[Subtitle, ...] = ()
    date: str | None = None
    site_fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PlannedSlide:
    """A slide as it appears in the video: shown from ``start_ms`` until ``end_ms``."""

    index: int
    start_ms: int
    end_ms: int

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


@dataclass(frozen=True)
class SlideFile:
    """A slide image verified on disk."""

    index: int
    path: str
    width: int
    height: int
    codec: str
    size: int


@dataclass(frozen=True)
class MediaFile:
    """A media download verified with ffprobe."""

    path: str
    duration_ms: int
    audio_codec: str
    size: int


@dataclass(frozen=True)
class SubtitleFile:
    """A subtitle track saved beside the MP4 (``path`` relative to the archive). ``kind`` says where it
    came from: ``source`` (the talk's own) or ``machine`` (speech to text, ``archive --transcribe``)."""

    language: str
    path: str
    kind: str = "source"


@dataclass(frozen=True)
class Merged:
    """The final MP4, validated and under its final name."""

    path: str
    duration_ms: int
    frames: int
    size: int
    slides: tuple[PlannedSlide, ...] = field(default=())
