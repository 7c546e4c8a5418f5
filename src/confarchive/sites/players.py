"""Players on other hosts: an iframe or a meta whose URL one of yt-dlp's site extractors claims.

This plugin keeps no list of hosts: yt-dlp's own ``suitable()`` test decides (its generic extractor
excluded, and only extractors that return one video, not a channel or a playlist), so any video
host works the day yt-dlp supports it. The URL is kept whole: an unlisted Vimeo video's ``h=``
parameter is part of its address. yt-dlp is imported on first use only: a re-run of a finished
archive never needs it.

A URL is not offered to all ~1,100 extractors: ``extractors.py`` files each under the hosts its pattern
can match (once, kept on disk), and a URL is asked of those filed under its host (or a suffix of it) and
of those that could not be filed, in yt-dlp's order; the same answers as asking them all
(``tests/unit/sites/test_player_index.py`` asks both ways on yt-dlp's own test URLs and variants).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from ..core.model import Embed, Media, MediaKind, TalkKey, TalkRef
from ..core.settings import Settings
from .base import Placed, SiteBase, SiteTalk, Web
from .extractors import extractor_table
from .page import Page

NAME = "player"


class PlayerSite(SiteBase):
    name = NAME
    priority = 10

    def __init__(self, settings: Settings) -> None:
        del settings

    def talk_key(self, url: str) -> TalkKey | None:
        if not url.startswith(("http://", "https://")):
            return None
        claimed = extractor_table().claim(url)
        if claimed is None:
            return None
        name, ident = claimed
        site = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") or "video"
        ident = ident or hashlib.sha1(url.encode()).hexdigest()[:16]
        return TalkKey(site if site[0].isalpha() else f"v{site}", re.sub(r"\s+", "_", str(ident)))

    def embeds(self, page: Page) -> Sequence[Placed]:
        found: list[Placed] = []
        candidates = [str(tag["src"]) for tag in page.tags("iframe", having="src")]
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
