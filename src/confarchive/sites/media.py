"""Direct media: a URL that is a media file or stream is a talk by itself (no page to read), and a
page's ``<video>``/``<audio>`` tags and ``og:video`` metas are its talk's video.

The talk's key hashes the URL: a file has no id of its own, and the same URL is the same talk.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from bs4 import Tag

from ..core.model import Embed, Media, MediaKind, TalkKey, TalkRef
from ..core.settings import Settings
from .base import Placed, SiteBase, SiteTalk, Web
from .page import Page

NAME = "media"
EXTENSIONS = {".m3u8": MediaKind.HLS, ".mpd": MediaKind.DASH}
FILE_EXTENSIONS = (".mp4", ".m4a", ".m4v", ".webm", ".mp3", ".mov", ".mkv", ".ogg", ".opus", ".aac")
# Media files named in scripts, or requested by a page in a browser.
_MEDIA_FILE = re.compile(
    r"""https?://[^\s"'<>()\\]+?\.(?:m3u8|mpd|mp4|m4a|webm|mp3)(?:\?[^\s"'<>()\\]*)?(?=["'\s<>()\\]|$)"""
)


def media_kind(url: str) -> MediaKind | None:
    path = urlsplit(url).path.lower()
    for ext, kind in EXTENSIONS.items():
        if path.endswith(ext):
            return kind
    return MediaKind.FILE if path.endswith(FILE_EXTENSIONS) else None


def _media_sources(page: Page) -> list[Tag]:
    """``<video src>``, ``<audio src>`` and their ``<source src>`` children, in document order (one walk
    of the tree; a CSS selector of four alternatives costs four)."""
    return [
        tag
        for tag in page.tags("video", "audio", "source", having="src")
        if tag.name != "source" or any(parent.name in ("video", "audio") for parent in tag.parents)
    ]


class MediaFileSite(SiteBase):
    name = NAME
    priority = 50

    def __init__(self, settings: Settings) -> None:
        del settings  # nothing to configure

    def talk_key(self, url: str) -> TalkKey | None:
        if media_kind(url) is None:
            return None
        return TalkKey(NAME, hashlib.sha1(url.encode()).hexdigest()[:16])

    def _embed(self, url: str) -> Embed:
        return Embed(TalkKey(NAME, hashlib.sha1(url.encode()).hexdigest()[:16]), url, NAME)

    def embeds(self, page: Page) -> Sequence[Placed]:
        found: list[Placed] = []
        for tag in _media_sources(page):
            if (url := page.absolute(str(tag["src"]))) is not None:
                found.append(Placed(page.text.find(str(tag["src"])), self._embed(url)))
        for name in ("og:video", "og:video:url", "og:video:secure_url"):
            for value in page.metas(name):
                url = page.absolute(value)
                if url is not None and media_kind(url) is not None:
                    found.append(Placed(page.text.find(value), self._embed(url)))
        end = len(page.text)
        for n, text in enumerate((page.text, *page.extra)):  # scripts, and what a browser requested
            for match in _MEDIA_FILE.finditer(text):
                if "slideslive" not in urlsplit(match.group(0)).netloc:
                    found.append(Placed(match.start() if n == 0 else end + n, self._embed(match.group(0))))
        return [p if p.at >= 0 else Placed(end, p.embed) for p in found]

    def resolve(self, ref: TalkRef, web: Web) -> SiteTalk:
        assert ref.embed is not None
        url = ref.embed.url
        referer = ref.about.url if ref.about is not None and ref.about.url != url else None
        return SiteTalk(Media(media_kind(url) or MediaKind.FILE, url, referer))
