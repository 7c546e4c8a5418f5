"""From a URL to talks, through the site plugins: ``expand`` (what a URL holds) and ``resolve`` (one
talk's media and slides).

A page is a talk page or a listing by what it holds, not by its URL:

- a URL a site claims by itself (``slideslive.com/{id}``, a media file, a YouTube video) is one talk,
  with no page to read;
- a page's embeds are its talks, in page order: the first is the page's own (named by the page), the
  others are named ``<page title> (<their heading>)`` (docs/sites.md);
- the talks a page only links to (``<a href="https://slideslive.com/{id}">``) are its own when it
  has no embed and links exactly one; otherwise they are further talks, each named by its site;
- a listing (MiniConf ``papers.html``, a 2021+ list) gives further URLs;
- a page that shows none of this in its static HTML is rendered once in headless Chromium and read
  the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from urllib.parse import urlsplit

from ..core.errors import ConfarchiveError, MissingToolError, NoVideoError
from ..core.model import Embed, Expansion, PageMeta, Talk, TalkRef
from . import Page, Registry, Web
from .reasons import is_live, why_no_video

# A browser renders a page: url -> (rendered DOM with its frames, iframe srcs + requested URLs), logical.
Renderer = Callable[[str], tuple[str, tuple[str, ...]]]


def talk_title(ref: TalkRef, site_title: str | None) -> str:
    """The name of a talk: the page's for its own talk; ``<page> (<heading>)`` for a further one."""
    page_title = ref.about.title if ref.about is not None else None
    if ref.part <= 1:
        link_text = ref.embed.label if ref.embed is not None else None  # a listing's link, as a last resort
        return page_title or site_title or ref.title or link_text or ref.url
    label = ref.embed.label if ref.embed is not None else None
    name = label if label and label != page_title else site_title
    if not name or name == page_title:
        name = f"part {ref.part}"
    return f"{page_title} ({name})" if page_title else name


def complete(about: PageMeta | None) -> bool:
    """Enough to name and describe a talk without reading its page."""
    return about is not None and bool(about.title and about.authors and about.abstract)


class Resolver:
    """Holds no per-talk state; ``render`` is None when the browser is off."""

    def __init__(self, registry: Registry, web: Web, render: Renderer | None = None) -> None:
        self.registry = registry
        self.web = web
        self.render = render

    # -- expand ----------------------------------------------------------------------------------------
    def expand(self, ref: TalkRef) -> Expansion:
        """The talks (and further URLs) ``ref`` stands for; raises when it holds nothing."""
        if ref.embed is not None and complete(ref.about):
            return Expansion((ref,))  # the listing said everything: no request for the poster page
        embed = ref.embed or self.registry.embed_for(ref.url)
        if embed is not None and (ref.about is None or embed.url == ref.url):
            return Expansion((replace(ref, key=embed.key, embed=embed),))
        response = self.web.http.get(ref.url, what="the talk page")
        page = Page.parse(response.text, response.url)
        found = self._read(page, ref)
        if found is None and not ref.listed_without_video and self.render is not None:
            found = self._read(self._rendered(ref.url, page), ref)
        if found is None:
            if ref.listed_without_video:
                where = "static page; the listing names no video"
            elif self.render is None:
                where = "static page; the browser is turned off"
            else:
                where = "static page and browser"
            raise NoVideoError(why_no_video(page, where, self.registry.embed_for))
        return found

    def _read(self, page: Page, ref: TalkRef) -> Expansion | None:
        embeds = self.registry.embeds(page)
        linked = self._linked(page, {e.key for e in embeds})
        if not embeds and len(linked) == 1:
            embeds, linked = [linked[0]], []  # a page whose own video is a link (a "pre-recorded screencast")
        if not embeds:
            listed = self.registry.listing(page, self.web)
            if listed:
                return Expansion(listed=tuple(listed))
            if not linked:
                return None
        about = self.registry.about(page)
        about = ref.about.merged(about) if ref.about is not None else about
        talks = tuple(
            TalkRef(ref.url, e.key, about.title, e, about, part=n, listed_without_video=False)
            for n, e in enumerate(embeds, start=1)
        )
        further = PageMeta(page.url, conference=about.conference)  # linked talks are named by their site
        return Expansion(talks, tuple(TalkRef(e.url, e.key, None, e, further) for e in linked))

    def _linked(self, page: Page, embedded: set[object]) -> list[Embed]:
        """Talks the page links to (outside navigation and footer), each once, in page order; a live
        stream that every page of a session links is not one of them."""
        found: dict[object, Embed] = {}
        for link in page.links():
            if link.furniture or urlsplit(link.url).netloc == page.host:
                continue  # a conference's own pages are never a video by themselves
            embed = self.registry.embed_for(link.url)
            if embed is None or embed.key in embedded:
                continue
            if is_live(link):
                self.web.log.info("%s: %s is a live stream (%r), not one of its talks", page.url, link.url, link.text)
                continue
            found.setdefault(embed.key, replace(embed, label=link.text))
        return list(found.values())

    def _rendered(self, url: str, static: Page) -> Page:
        """The page as headless Chromium sees it: what its scripts drew and what they requested."""
        assert self.render is not None
        try:
            html, extra = self.render(static.url)
        except MissingToolError as exc:
            raise NoVideoError(f"no video found on {url} (static page; {exc.one_line()})") from exc
        return Page.parse(html, static.url, extra, rendered=True)

    # -- resolve ---------------------------------------------------------------------------------------
    def resolve(self, ref: TalkRef) -> Talk:
        """The talk's media, slides and metadata, from its site."""
        if ref.embed is None or ref.key is None:
            raise ConfarchiveError(f"{ref.url} was not expanded into a talk")
        site = self.registry.site(ref.embed.site)
        found = site.resolve(ref, self.web)
        about = ref.about or PageMeta(ref.url)
        return Talk(
            key=ref.key,
            source_url=ref.url,
            title=talk_title(ref, found.title),
            media=found.media,
            authors=about.authors,
            conference=about.conference,
            abstract=about.abstract,
            paper_url=about.paper_url,
            slides=found.slides,
            subtitles=found.subtitles,
            date=about.date,
            site_fields=found.site_fields,
        )
