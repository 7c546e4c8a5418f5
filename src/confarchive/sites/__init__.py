"""Reading pages: the site plugins and their registry, the page parsed once (``page``, ``about``), and what a URL
holds whatever its site (``resolve``). May import ``core`` only.

Sites as plugins: a registry of ``Site`` objects (see ``base.py``), asked in priority order.

The first plugins are SlidesLive, the MiniConf family (ICLR/ICML/NeurIPS/ACL/EMNLP 2020), the 2021+
conference sites, direct media files and any player one of yt-dlp's extractors knows. More come from
the ``confarchive.sites`` entry point group (a callable taking the ``Settings`` and returning a
``Site``), or from ``Registry.with_site`` for a program that embeds confarchive. docs/sites.md says
how to write one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from importlib.metadata import entry_points

from ..core.model import Embed, PageMeta, TalkKey, TalkRef
from ..core.settings import Settings
from .about import page_about
from .base import Placed, Site, SiteBase, SiteTalk, Web
from .page import Page

__all__ = ["Page", "Placed", "Registry", "Site", "SiteBase", "SiteTalk", "Web"]

ENTRY_POINT_GROUP = "confarchive.sites"


class Registry:
    """The sites of a run, most specific first. Immutable: ``with_site`` returns a new registry."""

    def __init__(self, sites: Iterable[Site]) -> None:
        ordered = sorted(sites, key=lambda s: (-s.priority, s.name))
        names = [s.name for s in ordered]
        if len(set(names)) != len(names):
            raise ValueError(f"two sites share a name: {names}")
        self.sites: tuple[Site, ...] = tuple(ordered)

    @classmethod
    def default(cls, settings: Settings) -> Registry:
        """The built-in sites and every installed plugin."""
        from .media import MediaFileSite
        from .miniconf import MiniConfSite
        from .players import PlayerSite
        from .slideslive import SlidesLiveSite
        from .virtual import VirtualSite

        builtin: list[Callable[[Settings], Site]] = [SlidesLiveSite, MiniConfSite, VirtualSite, MediaFileSite]
        builtin.append(PlayerSite)
        plugins = [ep.load() for ep in entry_points(group=ENTRY_POINT_GROUP)]
        return cls(make(settings) for make in [*builtin, *plugins])

    def with_site(self, site: Site) -> Registry:
        return Registry([*(s for s in self.sites if s.name != site.name), site])

    def site(self, name: str) -> Site:
        for site in self.sites:
            if site.name == name:
                return site
        raise KeyError(f"no site plugin named {name!r}")

    def embed_for(self, url: str) -> Embed | None:
        """The talk this URL is by itself (no request), if a site says so."""
        for site in self.sites:
            key = site.talk_key(url)
            if key is not None:
                return Embed(key, url, site.name)
        return None

    def talk_key(self, url: str) -> TalkKey | None:
        embed = self.embed_for(url)
        return embed.key if embed else None

    def is_talk_page(self, url: str) -> bool:
        return any(site.is_talk_page(url) for site in self.sites)

    def embeds(self, page: Page) -> list[Embed]:
        """Every talk video on the page, in page order, each once (the more specific site wins)."""
        placed: list[Placed] = []
        for site in self.sites:
            placed.extend(site.embeds(page))
        seen: dict[TalkKey, Embed] = {}
        for item in sorted(placed, key=lambda p: p.at):  # stable: same place, higher priority first
            seen.setdefault(item.embed.key, item.embed)
        return list(seen.values())

    def listing(self, page: Page, web: Web) -> Sequence[TalkRef] | None:
        for site in self.sites:
            listed = site.listing(page, web)
            if listed is not None:
                return listed
        return None

    def about(self, page: Page) -> PageMeta:
        return page_about(page, [a for site in self.sites if (a := site.about(page)) is not None])
