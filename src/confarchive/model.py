"""The frozen dataclasses that pass between stages.

Stages never hand each other loose dicts: a site change that breaks a resolver must fail in the
resolver, not three stages later as a ``KeyError`` in the merge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True)
class TalkRef:
    """One line of input: the URL as the user gave it, and a key when the URL alone tells it.

    A key known before any request (``slideslive:38925850`` from a SlidesLive URL) lets a re-run skip a
    finished talk without touching the network; poster pages get their key when resolved.
    """

    url: str
    key: str | None = None
    title: str | None = None  # known from a listing page, before any request for the talk itself


class MediaKind(StrEnum):
    """How the media must be fetched; all kinds go through yt-dlp."""

    HLS = "hls"
    DASH = "dash"
    FILE = "file"
    YOUTUBE = "youtube"
    VIMEO = "vimeo"


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
    """Everything resolution learned about a talk; the input of fetch and merge."""

    key: str
    source_url: str
    title: str
    media: Media
    presentation_id: str | None = None
    authors: tuple[str, ...] = ()
    conference: str | None = None
    abstract: str | None = None
    paper_url: str | None = None
    slides: tuple[Slide, ...] = ()
    other_embeds: tuple[str, ...] = ()
    page_url: str | None = None
    subtitles: tuple[Subtitle, ...] = ()
    date: str | None = None


@dataclass(frozen=True)
class PageInfo:
    """What a conference page says about its talk, before any SlidesLive request."""

    url: str
    title: str | None
    authors: tuple[str, ...] = ()
    conference: str | None = None
    abstract: str | None = None
    paper_url: str | None = None
    presentation_ids: tuple[str, ...] = ()
    media_urls: tuple[str, ...] = ()
    date: str | None = None


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
class Merged:
    """The final MP4, validated and under its final name."""

    path: str
    duration_ms: int
    frames: int
    size: int
    slides: tuple[PlannedSlide, ...] = field(default=())


class Status(StrEnum):
    DONE = "done"
    FAILED = "failed"
    PENDING = "pending"


@dataclass(frozen=True)
class TalkResult:
    """What a worker reports back to the coordinator, which alone writes the manifest."""

    source_url: str
    key: str
    status: Status
    error: str | None = None
    entry: dict[str, object] | None = None
    skipped: bool = False
    halt: bool = False  # the whole run must stop (the disk is full)
