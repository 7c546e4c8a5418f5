"""Players on other hosts: an iframe or a meta whose URL one of yt-dlp's site extractors claims.

This plugin keeps no list of hosts: yt-dlp's own ``suitable()`` test decides (its generic extractor
excluded, and only extractors that return one video, not a channel or a playlist), so any video
host works the day yt-dlp supports it. The URL is kept whole: an unlisted Vimeo video's ``h=``
parameter is part of its address. yt-dlp is imported on first use only: a re-run of a finished
archive never needs it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from ..core.model import Embed, Media, MediaKind, TalkKey, TalkRef
from ..core.settings import Settings
from .base import Placed, SiteBase, SiteTalk, Web
from .page import Page

NAME = "player"


class PlayerSite(SiteBase):
    name = NAME
    priority = 10

    def __init__(self, settings: Settings) -> None:
        del settings

    @cached_property
    def _extractors(self) -> tuple[Any, ...]:
        from yt_dlp.extractor import gen_extractor_classes

        return tuple(
            ie
            for ie in gen_extractor_classes()
            if ie.ie_key() != "Generic" and getattr(ie, "_RETURN_TYPE", "") == "video"
        )

    def talk_key(self, url: str) -> TalkKey | None:
        if not url.startswith(("http://", "https://")):
            return None
        for ie in self._extractors:
            if ie.suitable(url):
                site = re.sub(r"[^a-z0-9-]+", "-", ie.ie_key().lower()).strip("-") or "video"
                ident = ie.get_temp_id(url) or hashlib.sha1(url.encode()).hexdigest()[:16]
                return TalkKey(site if site[0].isalpha() else f"v{site}", re.sub(r"\s+", "_", str(ident)))
        return None

    def embeds(self, page: Page) -> Sequence[Placed]:
        found: list[Placed] = []
        candidates = [str(tag["src"]) for tag in page.soup.find_all("iframe", src=True)]
        for name in ("og:video", "og:video:url", "og:video:secure_url", "twitter:player"):
            candidates += page.metas(name)
        candidates += [url for url in page.extra if "embed" in url or "player" in url]
        for raw in candidates:
            url = page.absolute(raw)
            if url is None or urlsplit(url).netloc == page.host:
                continue
            key = self.talk_key(url)
            if key is not None:
                at = page.text.find(raw)
                found.append(Placed(at if at >= 0 else len(page.text), Embed(key, url, NAME)))
        return found

    def resolve(self, ref: TalkRef, web: Web) -> SiteTalk:
        assert ref.embed is not None
        referer = ref.about.url if ref.about is not None else None
        return SiteTalk(Media(MediaKind.SITE, ref.embed.url, referer))
