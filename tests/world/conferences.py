"""The fixture conference sites: poster and talk pages, listings with their scripts and data, the
libraries they load, papers served by the conference itself."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from .catalog import (
    ACL_HOST,
    CHAT_HOST,
    EMNLP_HOST,
    ICLR_HOST,
    LIB_HOST,
    MINICONF_HOST,
    NEURIPS_HOST,
    OLD_HOST,
    FixtureTalk,
)  # fmt: skip
from .listings import (
    ACL,
    DEMOS,
    EMNLP,
    ICLR,
    MINICONF,
    Listing,
    acl_papers_json,
    demos_json,
    emnlp_papers_json,
    iclr_papers_json,
    iclr_papers_old,
    miniconf_papers_json,
    neurips_papers_page,
)  # fmt: skip
from .pages import login_page, poster_page
from .papers import (
    ANTHOLOGY_HOST,
    ARXIV_HOST,
    BLOG_HOST,
    PMLR_HOST,
    arxiv_page,
    icml_post,
    workshop_papers_json,
    workshop_post,
)  # fmt: skip
from .renderers import LIBRARIES, library_placeholder
from .server import Request, Response

if TYPE_CHECKING:
    from . import World

HTML = "text/html; charset=utf-8"
JSON = "application/json"
EMNLP_SIZE = 2000  # entries of the large listing (EMNLP 2020 has 2,071)

# Which talks each listing shows, in the site's own order: by host (its papers listing) or by listing URL.
_LISTED: dict[str, Callable[[FixtureTalk], bool]] = {
    ICLR_HOST: lambda t: "/poster_" in t.page_path and t.slideslive and not t.login,
    ACL_HOST: lambda t: t.page_path.startswith("/paper_") and not t.login and t.page not in ("youtube", "vimeo"),
    MINICONF_HOST: lambda t: t.page_path.startswith("/poster_"),
    OLD_HOST: lambda t: "/poster_" in t.page_path,
    NEURIPS_HOST: lambda t: t.page == "virtual2021",
    f"https://{MINICONF_HOST}/demos.html": lambda t: t.page == "demo",
}
LISTING_PAGES: dict[tuple[str, str], tuple[Listing, str]] = {  # (host, listing path) -> listing, its folder
    (ICLR_HOST, "/virtual_2020/papers.html"): (ICLR, "/virtual_2020/"),
    (ACL_HOST, "/papers.html"): (ACL, "/"),
    (MINICONF_HOST, "/papers.html"): (MINICONF, "/"),
    (MINICONF_HOST, "/demos.html"): (DEMOS, "/"),
    (EMNLP_HOST, "/papers.html"): (EMNLP, "/"),
    (EMNLP_HOST, "/workshop/papers.html"): (EMNLP, "/workshop/"),  # the hard cases of reading lists
}
# A CDN answers cross-origin script requests with CORS headers: without them Chromium refuses a script
# whose tag pins it with ``integrity`` (and ``crossorigin``), as every real MiniConf listing does.
CDN_HEADERS = {"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=31536000"}


class ConferenceRoutes:
    def __init__(self, world: World) -> None:
        self.world = world
        self.emnlp_json, self.emnlp_ids = emnlp_papers_json(EMNLP_SIZE)

    def listed(self, where: str) -> list[FixtureTalk]:
        """The talks of ``where``: a host's papers listing, or a listing URL."""
        host = where.split("/")[2] if "://" in where else where
        return [t for t in self.world.talks.values() if t.page_host == host and _LISTED[where](t)]

    def route(self, req: Request) -> Response | None:
        if req.host == CHAT_HOST:
            return Response(body=b"<!DOCTYPE html><html><body><h1>Live Chat</h1></body></html>", content_type=HTML)
        if req.host in (ANTHOLOGY_HOST, PMLR_HOST, ARXIV_HOST, BLOG_HOST):
            return self._papers(req)
        if req.host == LIB_HOST:
            body = LIBRARIES.get(req.path, library_placeholder(req.path))
            return Response(body=body.encode(), content_type="application/javascript", headers=dict(CDN_HEADERS))
        talk = self.world.by_page.get((req.host, req.path))
        if talk is not None:
            if talk.login and not self.world.logged_in(req):
                return Response(body=login_page(talk).encode(), content_type=HTML)
            return Response(body=poster_page(talk, self.world.talks.__getitem__).encode(), content_type=HTML)
        if m := re.fullmatch(r"(.*/)talk_(\w+)\.json", req.path):  # what a JS-only page fetches
            talk = next(
                (t for t in self.world.talks.values() if t.forum == m.group(2) and t.page_host == req.host), None
            )
            if talk is None or (talk.login and not self.world.logged_in(req)):
                return None
            return Response(body=json.dumps({"slideslive": talk.pid}).encode(), content_type=JSON)
        m = re.fullmatch(r"/pdf/([\w.-]+)\.pdf", req.path)  # a paper the conference serves itself
        if m and any(t.forum == m.group(1) and t.page_host == req.host for t in self.world.talks.values()):
            return Response(body=self.world.paper(m.group(1)), content_type="application/pdf")
        return self._listing(req)

    def _listing(self, req: Request) -> Response | None:
        for (host, path), (listing, folder) in LISTING_PAGES.items():
            if req.host != host or not req.path.startswith(folder):
                continue
            if req.path == path:
                return Response(body=listing.html().encode(), content_type=HTML)
            if req.path == folder + listing.data:
                return Response(body=self._data(host, path), content_type=JSON)
            if (script := listing.script(req.path[len(folder) :])) is not None:
                return Response(body=script.encode(), content_type="application/javascript")
        if req.host == OLD_HOST and req.path == "/virtual_2020/papers_old.html":
            return Response(body=iclr_papers_old(self.listed(OLD_HOST)), content_type=HTML)
        if req.host == NEURIPS_HOST and req.path == "/virtual/2021/papers.html":
            talks = self.listed(NEURIPS_HOST)
            page = int(req.query.get("page", ["1"])[0])
            shown = talks[:2] if page == 1 else [*talks[2:], talks[0]]  # page 2 repeats a talk
            return Response(body=neurips_papers_page(shown, page, 2), content_type=HTML)
        return None

    def _papers(self, req: Request) -> Response | None:
        """Proceedings PDFs the listings name, arXiv abstract pages, the blog's reading lists."""
        if req.host == ARXIV_HOST and (m := re.fullmatch(r"/abs/(\d{4}\.\d{4,5})(?:v\d+)?", req.path)):
            page = arxiv_page(m.group(1))
            return Response(body=page, content_type=HTML) if page is not None else None
        if req.host in (ANTHOLOGY_HOST, PMLR_HOST) and req.path.endswith(".pdf"):
            return Response(body=self.world.paper(req.path.rsplit("/", 1)[-1][:-4]), content_type="application/pdf")
        if req.host == BLOG_HOST and req.path == "/icml-highlights.html":
            talks = self.world.talks
            post = icml_post([talks["miniconf"], talks["cdn"]], [talks["neurips-1"], talks["neurips-2"]])
            return Response(body=post.encode(), content_type=HTML)
        if req.host == BLOG_HOST and req.path == "/workshop-picks.txt":
            return Response(body=workshop_post().encode(), content_type="text/plain; charset=utf-8")
        return None

    def _data(self, host: str, path: str) -> bytes:
        if path == "/workshop/papers.html":
            return workshop_papers_json()
        if host == EMNLP_HOST:
            return self.emnlp_json
        if path == "/demos.html":
            return demos_json(self.listed(f"https://{host}{path}"))
        make = {ICLR_HOST: iclr_papers_json, ACL_HOST: acl_papers_json, MINICONF_HOST: miniconf_papers_json}[host]
        return make(self.listed(host))
