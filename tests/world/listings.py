"""Listing pages of the fixture world, in the shapes of the real 2020-2021 sites (docs/sites.md).

MiniConf ``papers.html`` (ICLR, ACL, EMNLP, Mini-Conf itself) holds an empty ``.cards`` container and
loads 20-30 scripts; one of them, late in the list, fetches ``papers.json`` and draws one card per
entry, linking ``poster_<field>.html`` or ``paper_<field>.html`` by a template literal or a string
concatenation; navigation pills link a visualisation page (``paper_vis.html``). The cards come in a
random order on every load. The pre-conference ICLR build rendered the same cards server-side (two
links per card), and 2021+ sites render ``<li>`` lists over several pages, mixed with login links.
The libraries a listing loads from CDNs are small shims served by ``LIB_HOST``, our own code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape

from .catalog import LIB_HOST, FixtureTalk

EMBED_JS = """(function () {
  // What https://slideslive.com/embed_presentation.js does: draw the player iframe into the container.
  function SlidesLiveEmbed(containerId, options) {
    var container = document.getElementById(containerId);
    var query = 'embed_parent_url=' + encodeURIComponent(window.location.href) +
      '&embed_origin=' + encodeURIComponent(window.location.origin) +
      '&embed_container_id=' + encodeURIComponent(containerId) +
      '&auto_play=' + (options.autoPlay ? 'true' : 'false');
    var iframe = document.createElement('iframe');
    iframe.src = 'https://slideslive.com/embed/presentation/' + options.presentationId + '?' + query;
    iframe.setAttribute('allowfullscreen', '');
    iframe.style.width = '100%';
    container.appendChild(iframe);
  }
  window.SlidesLiveEmbed = SlidesLiveEmbed;
})();
"""

LIBRARIES = {  # what the CDN scripts must provide for the listings' own scripts to run in a browser
    "/d3.v5.min.js": "window.d3 = { json: function (u) { return fetch(u).then(function (r) { return r.json(); }); } };",
    "/jquery.min.js": (
        "window.$ = function (f) { if (typeof f === 'function') { if (document.readyState === 'loading') "
        "{ document.addEventListener('DOMContentLoaded', f); } else { f(); } } };\n"
        "window.$.get = function (u) { return fetch(u).then(function (r) { return r.json(); }); };"
    ),
}


@dataclass(frozen=True)
class Script:
    src: str  # relative to the listing page, or an absolute CDN URL
    body: str = ""  # what the fixture world serves for a same-origin script


def _filler(name: str) -> Script:
    return Script(f"static/js/{name}.js", f"/* {name}: a helper this listing loads; no links here */\n")


def _cdn(name: str) -> Script:
    return Script(f"https://{LIB_HOST}/{name}")


_DRAW = """
function shuffle(items) {  // the cards come in a different order on every load
  for (var i = items.length - 1; i > 0; i--) {
    var j = Math.floor(Math.random() * (i + 1)); var t = items[i]; items[i] = items[j]; items[j] = t;
  }
  return items;
}
function draw(papers, link, title) {
  var cards = document.querySelector('.cards');
  shuffle(papers).forEach(function (paper) {
    var card = document.createElement('div'); card.className = 'pp-card';
    card.innerHTML = '<a href="' + link(paper) + '" class="text-muted"><h5 class="card-title"></h5></a>';
    card.querySelector('h5').textContent = title(paper);
    cards.appendChild(card);
  });
}
"""

ICLR_PAPERS_JS = (
    _DRAW
    + """
const keyword_link = kw => `papers.html?filter=keywords&search=${kw}`;
const calendar = (openreview, i) => `webcal://calendar.fixture.invalid/poster_${openreview.forum}.${i}.ics`;
const card_link = openreview => `poster_${openreview.content.iclr_id}.html`;
function start() {
  d3.json('papers.json').then(papers => draw(papers, card_link, p => p.content.title));
}
"""
)
ACL_PAPERS_JS = (
    _DRAW
    + """
function start(track) {
  const file = track === 'All tracks' ? "papers.json" : "track_" + track + ".json";
  d3.json(file).then(papers => draw(papers, openreview => `paper_${openreview.id}.html`, p => p.content.title));
}
"""
)
EMNLP_PAPERS_JS = (
    _DRAW
    + """
function start(program) {
  var file = program === 'all' ? 'papers.json' : 'papers_' + program + '.json';
  d3.json(file).then(function (papers) {
    draw(papers, function (paper) { return 'paper_' + paper.id + '.html'; }, function (p) { return p.content.title; });
  });
}
"""
)
MINICONF_API_JS = """
class API {
  static posterLink(paper) { return `poster_${paper.UID}.html`; }
  static papers() { return $.get("papers.json"); }
}
"""
MINICONF_PAPERS_JS = _DRAW + "function start() { API.papers().then(p => draw(p, API.posterLink, x => x.title)); }\n"


def _scripts(before: int, main: Script, after: int, extra: tuple[Script, ...] = ()) -> tuple[Script, ...]:
    """``before`` scripts (CDN libraries, every third one a same-origin helper), ``extra``, the card script,
    then ``after`` more helpers: the card script is never among the first few."""
    head: list[Script] = [_cdn("d3.v5.min.js"), _cdn("jquery.min.js")]
    for n in range(before - 2):
        head.append(_filler(f"helper{n}") if n % 3 == 2 else _cdn(f"lib{n}.js"))
    return (*head, *extra, main, *(_filler(f"after{n}") for n in range(after)))


@dataclass(frozen=True)
class Listing:
    """A MiniConf listing: its scripts (the card script among them) and its ``start`` call."""

    title: str
    scripts: tuple[Script, ...]
    start: str

    def html(self) -> str:
        tags = "\n".join(f"<script src='{escape(s.src)}'></script>" for s in self.scripts)
        return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8" /><title>{escape(self.title)}</title></head>
<body>
<nav class="navbar navbar-expand-lg"><a class="navbar-brand" href="index.html">Home</a>
  <a class="nav-link" href="papers.html">Papers</a> <a class="nav-link" href="calendar.html">Schedule</a></nav>
<div class="container">
  <ul class="nav nav-pills">
    <li class="nav-item"><a class="nav-link active" data-toggle="tab" href="#tab-browse">Browse</a></li>
    <li class="nav-item"><a class="nav-link text-muted" href="paper_vis.html">Visualization</a></li>
  </ul>
  <input type="text" class="typeahead_all" placeholder="Search" />
  <div class="cards row"></div>
</div>
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
        content = {"title": t.title, "authors": list(t.authors), "abstract": f"Abstract of {t.title}.",
                   "pdf_url": t.paper_url or "", "keywords": [], "track": "Fixtures"}  # fmt: skip
        entries.append({"id": t.forum, "forum": t.forum, "presentation_id": t.pid if t.slideslive else "",
                        "content": content, "card_image_path": f"static/images/{t.forum}.png"})  # fmt: skip
    return json.dumps(entries).encode()


def miniconf_papers_json(talks: list[FixtureTalk]) -> bytes:
    """Mini-Conf: flat entries keyed by ``UID``; no SlidesLive id, an empty ``pdf_url``."""
    return json.dumps(
        [{"UID": t.forum, "title": t.title, "authors": list(t.authors), "abstract": f"Abstract of {t.title}.",
          "keywords": [], "sessions": [], "pdf_url": ""} for t in talks]
    ).encode()  # fmt: skip


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
