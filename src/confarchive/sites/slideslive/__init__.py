"""SlidesLive: its URLs are talks by themselves, and its player embeds hold talks on any page.

An embed is the player as a page configures it: the ``presentation-embed-{id}`` container, the
``presentationId`` of the embed script (quoted or not, on the next line or not), an iframe of the
embed page, or (seen only in a browser) the requests the player made. A plain ``<a>`` link to
``slideslive.com/{id}`` is not an embed: one such link on a page is its talk, many make a listing
(see ``sites/resolve.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bs4 import Tag

from ...core.model import Embed, TalkKey, TalkRef
from ...core.settings import Settings
from ..base import Placed, SiteBase, SiteTalk, Web
from ..page import Page, heading_before
from .api import SlidesLive

NAME = "slideslive"
URL_PATTERN = re.compile(
    r"^https?://(?:www\.)?slideslive\.(?:com|de)/(?:embed/presentation/|embed/|presentation/)?(\d{5,})(?:[/?#]|$)"
)
# presentationId: '123', "123", 123, or the value on the next line. A JS variable does not match.
_PRESENTATION_ID = re.compile(r"""presentationId["']?\s*:\s*["']?(\d{5,})\b""")
# <div id="presentation-embed-123">: the container the embed script fills.
_CONTAINER_ID = re.compile(r"""id\s*=\s*["']?presentation-embed-(\d{5,})\b""")
# The player itself: an iframe of the embed page, or (in a browser) the player's requests.
_PLAYER_URL = re.compile(r"""https?://(?:www\.)?slideslive\.(?:com|de)/(?:embed/presentation/|player/)(\d{5,})\b""")


def presentation_id(url: str) -> str | None:
    match = URL_PATTERN.match(url)
    return match.group(1) if match else None


class SlidesLiveSite(SiteBase):
    name = NAME
    priority = 100

    def __init__(self, settings: Settings) -> None:
        self.settings = settings.slideslive

    def talk_key(self, url: str) -> TalkKey | None:
        pid = presentation_id(url)
        return TalkKey(NAME, pid) if pid else None

    def embeds(self, page: Page) -> Sequence[Placed]:
        hits: dict[str, int] = {}
        for pattern in (_PRESENTATION_ID, _CONTAINER_ID, _PLAYER_URL):
            for match in pattern.finditer(page.text):
                hits[match.group(1)] = min(match.start(), hits.get(match.group(1), match.start()))
        end = len(page.text)
        for n, seen in enumerate(page.extra):  # only a browser saw these: after everything in the page
            for match in _PLAYER_URL.finditer(seen):
                hits.setdefault(match.group(1), end + n)
        labels = self._labels(page, sorted(hits, key=hits.__getitem__))
        return [
            Placed(at, Embed(TalkKey(NAME, pid), f"https://slideslive.com/{pid}", NAME, labels.get(pid)))
            for pid, at in hits.items()
        ]

    @staticmethod
    def _labels(page: Page, pids: list[str]) -> dict[str, str]:
        """Each embed's heading, when it has one of its own (not the one the previous embed had)."""
        labels: dict[str, str] = {}
        previous: str | None = None
        for pid in pids:
            tag = page.by_id(f"presentation-embed-{pid}") or next(
                (t for t in page.tags("script", "iframe") if pid in (t.get("src") or t.get_text())), None
            )
            label = heading_before(tag) if isinstance(tag, Tag) else None
            if label and label != previous:
                labels[pid] = label
            previous = label
        return labels

    def resolve(self, ref: TalkRef, web: Web) -> SiteTalk:
        assert ref.key is not None and ref.key.site == NAME
        page_url = ref.about.url if ref.about is not None and presentation_id(ref.about.url) is None else None
        return SlidesLive(web.http, self.settings).resolve(ref.key.id, page_url)
