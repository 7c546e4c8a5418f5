"""The ``Site`` protocol: what a plugin for one site (or one kind of player) can say.

In the manner of streamlink's plugins and gallery-dl's extractors, with one difference: a page is
asked of every site at once, because a conference page on any host may embed any player. Each
question has a "not mine" answer, which ``SiteBase`` gives, so a plugin overrides only what its
site does:

- ``talk_key(url)``: this URL *is* one of my talks (no request needed: a re-run can skip it offline);
- ``is_talk_page(url)``: this URL leads to a page holding a talk (how a listing's links are told from
  navigation);
- ``embeds(page)``: the talk videos of mine this page holds, each with its place on the page;
- ``listing(page, web)``: this page is a list of talks, and these are they;
- ``about(page)``: what my site's layout says of the talk (its heading, its authors);
- ``resolve(ref, web)``: the media, slides and subtitles of one of my talks.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ..core.model import Embed, Media, PageMeta, Slide, Subtitle, TalkKey, TalkRef
from ..core.net import Http
from ..core.settings import Settings
from .page import Page


@dataclass(frozen=True)
class Web:
    """What a site may use: the one HTTP boundary, the settings, the log."""

    http: Http
    settings: Settings
    log: logging.Logger


@dataclass(frozen=True)
class Placed:
    """An embed and where on its page it stands (a character offset): pages list talks in this order."""

    at: int
    embed: Embed


@dataclass(frozen=True)
class SiteTalk:
    """What a site knows of one of its talks: its own title, the media and the slides."""

    media: Media
    title: str | None = None
    slides: tuple[Slide, ...] = ()
    subtitles: tuple[Subtitle, ...] = ()
    site_fields: tuple[tuple[str, str], ...] = ()


@runtime_checkable
class Site(Protocol):
    name: str
    priority: int  # higher is asked first: a specific site before a generic one

    def talk_key(self, url: str) -> TalkKey | None: ...

    def is_talk_page(self, url: str) -> bool: ...

    def embeds(self, page: Page) -> Sequence[Placed]: ...

    def listing(self, page: Page, web: Web) -> Sequence[TalkRef] | None: ...

    def about(self, page: Page) -> PageMeta | None: ...

    def resolve(self, ref: TalkRef, web: Web) -> SiteTalk: ...


class SiteBase:
    """Every answer is "not mine": subclasses override what their site does."""

    name = "site"
    priority = 0

    def talk_key(self, url: str) -> TalkKey | None:
        return None

    def is_talk_page(self, url: str) -> bool:
        return False

    def embeds(self, page: Page) -> Sequence[Placed]:
        return ()

    def listing(self, page: Page, web: Web) -> Sequence[TalkRef] | None:
        return None

    def about(self, page: Page) -> PageMeta | None:
        return None

    def resolve(self, ref: TalkRef, web: Web) -> SiteTalk:
        raise NotImplementedError(f"{self.name} holds no talks of its own")
