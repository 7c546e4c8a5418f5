"""Listing pages of the fixture world, in the shapes of the real 2020-2021 sites (docs/sites.md).

MiniConf ``papers.html`` (ICLR, ACL, EMNLP, Mini-Conf itself) holds an empty ``.cards`` container inside
Bootstrap's tab pane (``<div class="tab-content" id="nav-tabContent"><div class="tab-pane" id="nav-home">``)
and loads 20-30 scripts, the CDN ones pinned with ``integrity`` and ``crossorigin``; one of the site's
own, late in the list, fetches the data and draws one card per entry (``renderers.py``); navigation
tabs link a visualisation page (``paper_vis.html``). A demos page keeps its card template in the page
as a Handlebars template. The pre-conference ICLR build rendered the same cards server-side (two links
per card), and 2021+ sites render ``<li>`` lists over several pages, mixed with login links.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape

from .catalog import LIB_HOST, FixtureTalk
from .papers import ANTHOLOGY_HOST, anthology_id, pmlr_pdf
from .renderers import (
    ACL_PAPERS_JS,
    DEMOS_JS,
    DEMOS_TEMPLATE,
    EMNLP_PAPERS_JS,
    ICLR_PAPERS_JS,
    MINICONF_API_JS,
    MINICONF_PAPERS_JS,
    integrity,
)  # fmt: skip


@dataclass(frozen=True)
class Script:
    src: str  # relative to the listing page, or an absolute CDN URL
    body: str = ""  # what the fixture world serves for a same-origin script

    def tag(self) -> str:
        if self.src.startswith(f"https://{LIB_HOST}/"):  # a CDN copy, pinned as real pages pin theirs
            pin = integrity(self.src[len(f"https://{LIB_HOST}") :])
            return f'<script src="{escape(self.src)}" integrity="{pin}" crossorigin="anonymous"></script>'
        return f"<script src='{escape(self.src)}'></script>"


def _filler(name: str) -> Script:
    return Script(f"static/js/{name}.js", f"/* {name}: a helper this listing loads; no links here */\n")


def _cdn(name: str) -> Script:
    return Script(f"https://{LIB_HOST}/{name}")


def _scripts(before: int, main: Script, after: int, extra: tuple[Script, ...] = ()) -> tuple[Script, ...]:
    """``before`` scripts (CDN libraries, every third one a same-origin helper), ``extra``, the card script,
    then ``after`` more helpers: the card script is never among the first few."""
    head: list[Script] = [_cdn("d3.v5.min.js"), _cdn("jquery.min.js")]
    for n in range(before - 2):
        head.append(_filler(f"helper{n}") if n % 3 == 2 else _cdn(f"lib{n}.js"))
    return (*head, *extra, main, *(_filler(f"after{n}") for n in range(after)))


@dataclass(frozen=True)
class Listing:
    """A MiniConf listing: its scripts (the card script among them), its ``start`` call, the data file
    its renderer reads and, for the demos page, the Handlebars template it keeps in the page."""

    title: str
    scripts: tuple[Script, ...]
    start: str
    data: str = "papers.json"
    template: str = ""

    def html(self) -> str:
        tags = "\n".join(s.tag() for s in self.scripts)
        template = (
            f'<script id="demo-card" type="text/x-handlebars-template">{self.template}</script>'
            if self.template
            else ""
        )
        return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8" /><title>{escape(self.title)}</title></head>
<body>
<nav class="navbar navbar-expand-lg"><a class="navbar-brand" href="index.html">Home</a>
  <div class="collapse navbar-collapse" id="navbarNav">
  <a class="nav-link" href="papers.html">Papers</a> <a class="nav-link" href="calendar.html">Schedule</a></div></nav>
<div class="container">
  <nav><div class="nav nav-tabs" id="nav-tab" role="tablist">
    <a class="nav-item nav-link active" id="nav-home-tab" data-toggle="tab" href="#nav-home" role="tab">Browse</a>
    <a class="nav-item nav-link text-muted" href="paper_vis.html">Visualization</a>
  </div></nav>
  <div class="tab-content py-3 px-3 px-sm-0" id="nav-tabContent">
    <div class="tab-pane fade show active" id="nav-home" role="tabpanel" aria-labelledby="nav-home-tab">
      <input type="text" class="typeahead_all" placeholder="Search" />
      <div class="cards row"></div>
    </div>
  </div>
</div>
{template}
{tags}
<script>$(function () {{ {self.start} }});</script>
<footer class="footer bg-light p-4"><a href="about.html">About</a></footer>
</body>
</html>
"""

    def script(self, path: str) -> str | None:
        """The body of a same-origin script, by its path relative to the listing's folder."""
        return next((s.body for s in self.scripts if s.src == path and s.body), None)


ICLR = Listing("ICLR: Papers", _scripts(13, Script("static/js/papers.js", ICLR_PAPERS_JS), 4), "start();")
ACL = Listing("ACL2020: Papers", _scripts(16, Script("static/js/papers.js", ACL_PAPERS_JS), 2), "start('All tracks');")
EMNLP = Listing("EMNLP2020: Papers", _scripts(21, Script("static/js/papers.js", EMNLP_PAPERS_JS), 6), "start('all');")
_MINICONF_API = (Script("static/js/data/api.js", MINICONF_API_JS),)
MINICONF = Listing(
    "MiniConf: Papers",
    _scripts(9, Script("static/js/views/papers.js", MINICONF_PAPERS_JS), 1, _MINICONF_API),
    "start();",
)  # fmt: skip
DEMOS = Listing(
    "MiniConf: Demonstrations",
    (
        *(_cdn(name) for name in ("d3.v5.min.js", "jquery.min.js", "handlebars.min.js")),
        Script("static/js/views/demos.js", DEMOS_JS),
    ),
    "start();",
    data="serve_demos.json",
    template=DEMOS_TEMPLATE,
)  # fmt: skip


# -- papers.json ----------------------------------------------------------------------------------------
def iclr_papers_json(talks: list[FixtureTalk]) -> bytes:
    """ICLR 2020: ``{id, forum, content: {iclr_id, title, authors, abstract (blank), ...}}``; no SlidesLive
    id (that is only on the poster page)."""
    return json.dumps(
        [
            {"id": t.forum, "forum": t.forum, "content": {"iclr_id": t.forum, "title": t.title,
             "authors": list(t.authors), "abstract": " ", "TLDR": "", "keywords": ["fixtures"], "recs": []}}
            for t in talks
        ]
    ).encode()  # fmt: skip


def acl_papers_json(talks: list[FixtureTalk]) -> bytes:
    """ACL 2020: the SlidesLive id as a string (empty for a paper without video) and everything else."""
    entries = []
    for t in talks:
        pdf = f"https://{ANTHOLOGY_HOST}/anthology/{anthology_id(t)}.pdf"  # the Anthology's id, not the UID
        content = {"title": t.title, "authors": list(t.authors), "abstract": f"Abstract of {t.title}.",
                   "pdf_url": pdf, "keywords": [], "track": "Fixtures"}  # fmt: skip
        entries.append({"id": t.forum, "forum": t.forum, "presentation_id": t.pid if t.slideslive else "",
                        "content": content, "card_image_path": f"static/images/{t.forum}.png"})  # fmt: skip
    return json.dumps(entries).encode()


def miniconf_papers_json(talks: list[FixtureTalk]) -> bytes:
    """Mini-Conf: flat entries keyed by ``UID``; no SlidesLive id; ``pdf_url`` in the proceedings (PMLR)."""
    return json.dumps(
        [{"UID": t.forum, "title": t.title, "authors": list(t.authors), "abstract": f"Abstract of {t.title}.",
          "keywords": [], "sessions": [], "pdf_url": pmlr_pdf(t)} for t in talks]
    ).encode()  # fmt: skip


def demos_json(talks: list[FixtureTalk]) -> bytes:
    """A demos page's data: Mini-Conf's flat entries, under a name of its own (``serve_demos.json``)."""
    return json.dumps([{"UID": t.forum, "title": t.title, "authors": list(t.authors)} for t in talks]).encode()


def emnlp_papers_json(count: int) -> tuple[bytes, list[str]]:
    """An EMNLP-sized listing (``count`` entries): main papers with an id, findings with ``null``,
    workshop papers with ``speakers`` as "A|B" and an id or ``""``. Returns the JSON and the ids."""
    entries, ids = [], []
    for n in range(count):
        kind = ("main", "findings", "workshop")[n % 3]
        uid = f"{kind}.{n}" if kind != "workshop" else f"WS-{n % 7}.{n}"
        pid = str(98000000 + n) if kind == "main" or (kind == "workshop" and n % 2) else (None if n % 2 else "")
        content = {"title": f"Paper {n} of a large conference", "authors": [f"Author {n}"], "abstract": f"About {n}.",
                   "pdf_url": "", "program": kind}  # fmt: skip
        entry = {"id": uid, "presentation_id": pid, "content": content}
        entry |= {"speakers": f"Author {n}|Co-author {n}", "title": content["title"]} if kind == "workshop" else {}
        entries.append(entry)
        ids.append(uid)
    return json.dumps(entries).encode(), ids


# -- server-rendered listings ------------------------------------------------------------------------------
def iclr_papers_old(talks: list[FixtureTalk]) -> bytes:
    """The pre-conference ICLR build: each card links its poster twice (title and "Visit"), authors each
    followed by a comma, keyword links (one with a space), empty links, and the visualisation in the navbar."""
    cards = []
    for t in talks:
        authors = "\n".join(f"        {escape(a)}," for a in t.authors)
        cards.append(
            f'<div class="card"><div class="card-header">\n'
            f'  <a href="poster_{t.forum}.html" class="text-dark"><h4 class="card-title">{escape(t.title)}</h4></a>\n'
            f'  <h6 class="card-subtitle mb-2 text-muted">\n{authors}\n  </h6></div>\n'
            '  <div class="card-body"><a href="keyword_deep learning.html">deep learning</a>'
            ' <a href="">Slides</a></div>\n'
            f'  <div class="card-footer"><a href="poster_{t.forum}.html" class="btn btn-primary">Visit</a>'
            "</div></div>\n"
        )
    html = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title> ICLR: all </title></head><body>\n'
        '<nav class="navbar"><a class="nav-link" href="index.html">Home</a>'
        ' <a class="nav-link" href="paper_vis.html">PaperVis</a></nav>\n<h2> Keyword: all </h2>\n'
        + "".join(cards)
        + "</body></html>\n"
    )
    return html.encode()


def neurips_papers_page(talks: list[FixtureTalk], page: int, pages: int) -> bytes:
    items = []
    for talk in talks:
        items.append(f'<li><a href="/virtual/2021/poster/{talk.forum}">{escape(talk.title)}</a></li>')
        items.append(f'<li><a href="/accounts/login?nextp=/virtual/2021/poster/{talk.forum}">Log in to chat</a></li>')
    nav = []
    if page > 1:
        nav.append(f'<a href="?filter=titles&page={page - 1}">Previous</a>')
    if page < pages:
        nav.append(f'<a href="?filter=titles&page={page + 1}">Next</a>')
    html = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>NeurIPS 2021 Papers</title></head>\n'
        '<body><a href="/accounts/login?nextp=/virtual/2021/papers.html">Log in</a>\n'
        f'<ul class="paper-list">\n{chr(10).join(items)}\n</ul>\n<nav>{" ".join(nav)}</nav>\n'
        "</body></html>\n"
    )
    return html.encode()
