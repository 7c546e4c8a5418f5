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
- a paper (an OpenReview forum, an arXiv abstract, an Anthology entry: ``reading/ids.py``) is the talk
  the ``--from`` listings give it, with no request for the paper itself; a page of paper links and no
  talks of its own (a reading list) is the talks of its papers, in its order (``papers.py``);
- a page that shows none of this in its static HTML is rendered once in headless Chromium and read
  the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from ..core.errors import ConfarchiveError, MissingToolError, NoTalkError, NoVideoError
from ..core.model import Collection, Embed, Expansion, PageMeta, Talk, TalkRef
from ..reading.ids import paper_id
from ..reading.paper import Paper
from ..reading.posts import Post, read_post
from . import Page, Registry, Web
from .about import page_about
from .papers import PaperFinder
from .reasons import is_live, why_no_video

MAX_POST_BYTES = 20_000_000  # a reading list on disk; a bigger file is not one
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
    """Holds no per-talk state; ``render`` is None when the browser is off; ``papers`` holds the run's
    ``--from`` listings (read once, shared by every resolver of the run)."""

    def __init__(
        self, registry: Registry, web: Web, render: Renderer | None = None, papers: PaperFinder | None = None
    ) -> None:
        self.registry = registry
        self.web = web
        self.render = render
        self.papers = papers if papers is not None else PaperFinder(())

    # -- expand ----------------------------------------------------------------------------------------
    def expand(self, ref: TalkRef) -> Expansion:
        """The talks (and further URLs) ``ref`` stands for; raises when it holds nothing."""
        if ref.url.startswith("file:"):  # a reading list given as a local file on the command line
            return self._local_post(ref.url)
        if ref.embed is not None and complete(ref.about):
            return Expansion((ref,))  # the listing said everything: no request for the poster page
        embed = ref.embed or self.registry.embed_for(ref.url)
        if embed is not None and (ref.about is None or embed.url == ref.url):
            return Expansion((replace(ref, key=embed.key, embed=embed),))
        if paper_id(ref.url) is not None:  # a paper, not a page to read: its talk is in the listings
            return self.expand_papers(Post(None, (Paper.from_url(ref.url, ref.title),)))
        response = self.web.http.get(ref.url, what="the talk page")
        page = Page.parse(response.text, response.url)
        found = self._read(page, ref)
        if found is None and not ref.listed_without_video and not page.metas("citation_title"):
            kind = response.headers.get("content-type", "").lower()
            html = True if "html" in kind else False if kind.startswith("text/plain") else None
            post = self.read_post(response.text, page.url, html)  # a reading list: papers, no talks of its own
            if any(not paper.talk for paper in post.papers):
                return self.expand_papers(post, page.url)
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

    # -- reading lists ---------------------------------------------------------------------------------
    def read_post(self, text: str, url: str | None, html: bool | None = None) -> Post:
        """The papers a post (a page, a text file) links, in order; links to talk pages stay talks."""
        return read_post(text, url, is_talk=self._is_talk, html=html)

    def _local_post(self, url: str) -> Expansion:
        path = Path(url2pathname(urlsplit(url).path))
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_POST_BYTES + 1)
        except OSError as exc:
            raise ConfarchiveError(f"cannot read {path}: {exc.strerror}") from exc
        if len(data) > MAX_POST_BYTES:
            raise ConfarchiveError(f"{path} is over {MAX_POST_BYTES // 1_000_000} MB: not a reading list")
        html = True if path.suffix.lower() in (".html", ".htm") else None
        post = self.read_post(data.decode("utf-8", errors="replace"), None, html)
        if not post.papers:
            raise NoVideoError(
                f"{path} links no paper (OpenReview, arXiv, ACL Anthology, PMLR, proceedings) and no talk"
            )
        return self.expand_papers(replace(post, title=post.title or path.stem), url)

    def _page_title(self, url: str) -> str | None:
        """The title a paper's own page states (``citation_title`` first), None when it cannot be read."""
        try:
            response = self.web.http.get(url, what="the paper's page")
        except ConfarchiveError as exc:
            self.web.log.debug("%s: %s", url, exc.one_line())
            return None
        return page_about(Page.parse(response.text, response.url), ()).title

    def _is_talk(self, url: str) -> bool:
        return (
            self.registry.is_talk_page(url)
            or self.registry.embed_for(url) is not None
            or (bool(self.papers) and self.papers.is_listed(url, self.expand))
        )

    def expand_papers(self, post: Post, url: str | None = None) -> Expansion:
        """The talks of a reading list's papers (a post at ``url``, or one paper given by itself)."""
        links, talks = self.papers.find(post.papers, self.expand, self._page_title)
        unmatched = [link for link in links if link.method == "none"]
        for link in unmatched:
            self.web.log.warning("no talk for %s", link.reason)
        if url is None and not talks:  # one paper given by itself: nothing else to archive
            raise NoTalkError(unmatched[0].reason if unmatched else f"no talk for {post.papers[0]}")
        if url is not None:
            found = len(links) - len(unmatched)
            self.web.log.info("%s: %d paper(s), %d with a talk, %d without", url, len(links), found, len(unmatched))
        collection = Collection(url, post.title) if url is not None else None
        return Expansion(listed=talks, papers=links, collection=collection)

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
