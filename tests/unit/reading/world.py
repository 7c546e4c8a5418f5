"""A small invented world of listings and posts in the shapes of the real ones (no real titles or ids).

``ICLR_LIKE``: entries keyed by their OpenReview forum id (``id``, ``forum``, ``content.iclr_id``), no PDF
URLs. ``ACL_LIKE``: entries keyed by the listing's own UID, ``forum`` the same UID (not an OpenReview id),
``content.pdf_url`` an Anthology URL whose number differs from the UID (as EMNLP's do), a TACL entry with
a DOI, one with an arXiv abstract. ``MINICONF_LIKE``: the Mini-Conf template's flat ``UID``/``title``.
"""

from __future__ import annotations

from typing import Any


def iclr_entry(forum: str, title: str) -> dict[str, Any]:
    content = {"title": title, "authors": ["Ada Example"], "iclr_id": forum, "abstract": " ", "keywords": []}
    return {"id": forum, "forum": forum, "content": content}


def acl_entry(uid: str, title: str, pdf_url: str, presentation_id: str = "") -> dict[str, Any]:
    content = {"title": title, "authors": ["Ada Example"], "pdf_url": pdf_url, "track": "Kites"}
    return {"id": uid, "forum": uid, "presentation_id": presentation_id, "content": content}


ICLR_LIKE = [
    iclr_entry("Kt1aaaaaaA", "Sparse Kites: Learning to Fly with Few Feathers"),
    iclr_entry("Kt2bbbbbbB", "Gradient Gardens for Robust Owls"),
    iclr_entry("Kt3ccccccC", "Wombat Transformers for Long Burrows"),
    iclr_entry("Kt4ddddddD", "Wombat Transformers for Long Burrowss"),  # a near twin of the one above
    iclr_entry("Kt5eeeeeeE", "Padé Kernels for $\\alpha$-Stable Processes"),
    iclr_entry("Kt6ffffffF", "Drawing Early-Bird Owls: Toward Cheaper Flight"),
    iclr_entry("Kt7ggggggG", "A Lantern for Over-Parameterized Moths"),
    iclr_entry("Kt8hhhhhhH", "Adjustable Real-time Kite Painting"),
]

ACL_LIKE = [
    acl_entry("main.1", "Parsing Owl Songs with Tiny Grammars", "https://www.aclweb.org/anthology/2020.acl-main.1.pdf"),
    acl_entry("main.1004", "Fact Checking for Kite Shops", "https://www.aclweb.org/anthology/2020.emnlp-main.188"),
    acl_entry("tacl.1700", "Wombat Dialogue Acts", "https://www.mitpressjournals.org/doi/pdf/10.1162/tacl_a_00999"),
    acl_entry("tacl.1701", "Moth Translation Without Moths", "https://arxiv.org/abs/2101.09999"),
    acl_entry("srw.1", "Student Kites", ""),
    acl_entry("WS-1.7", "Fact Checking for Kite Shops", "https://www.aclweb.org/anthology/2020.emnlp-main.188"),
]

MINICONF_LIKE = [
    {"UID": "P1", "title": "Owls in the Wild: A Benchmark", "authors": "Ada Example|Bo Sample", "pdf_url": ""},
    {"UID": "P2", "title": "Kites at Scale", "authors": "Bo Sample", "pdf_url": "https://arxiv.org/pdf/2102.00002v2"},
]

# The ICLR post's shape: "Title Authors URL", several to a line, arXiv links with a title, a poster page.
TEXT_POST = """Some of the papers I liked at the Kite Conference.

Kites are everywhere: this intro mentions no paper.

Sparse Kites: Learning to Fly with Few Feathers A.B. Example et al. https://openreview.net/forum?id=Kt1aaaaaaA

Gradient Gardens for Robust Owls C. Sample and D.E. Roe https://openreview.net/forum?id=Kt2bbbbbbB Drawing early-bird \
owls: Towards cheaper flight F. Doe et al. https://arxiv.org/abs/2101.00001 Lantern for Over-Parameterized Moths \
G. Moth https://arxiv.org/abs/2101.00002v2

Padé Kernels for α-Stable Processes H. Noel et al. https://openreview.net/pdf?id=Kt5eeeeeeE
An Unlisted Paper About Otters I. Otter et al. https://arxiv.org/abs/2101.00003
Robust Kites With Jacobians J. Doe et al. https://openreview.net/forum?id=Kt9zzzzzzZ
Adjustable Real-time Kite Painting K. Roe et al. https://openreview.net/forum?id=Kt0yyyyyyY
A poster I also liked L. Poe https://kites.example/virtual_2020/poster_Kt3ccccccC.html

Sparse Kites again, for the record: https://openreview.net/forum?id=Kt1aaaaaaA
See also https://github.com/example/kites and https://arxiv.org/list/cs.LG/recent.
"""

TEXT_POST_TALKS = ("https://kites.example/virtual_2020/poster_Kt3ccccccC.html",)

# The ICML post's shape: headings that link PDFs, prose with citation links, site furniture.
HTML_POST = """<!doctype html><html><head><title>Highlights | Example Blog</title>
<meta property="og:title" content="Highlights from the Kite Conference"></head><body>
<nav><a href="https://arxiv.org/abs/2101.07777">Navigation Paper Link That Is Not Ours</a></nav>
<header class="site-header"><a href="/">Example Blog</a></header>
<article>
<h1>Highlights from the Kite Conference</h1>
<p>I attended the <a href="https://kites.example/">Kite Conference</a> this year.</p>
<h3 id="a"><a href="https://www.aclweb.org/anthology/2020.acl-main.1.pdf">Parsing Owl Songs with Tiny Grammars</a>\
<a class="anchor-link" href="#a"> </a></h3>
<p>This builds on <a href="https://arxiv.org/abs/1703.00001">Deep Owls</a>, attention, and a lot of patience \
that the authors clearly have.</p>
<p>The baselines are all variants of the model, and the authors find that <a href="https://arxiv.org/abs/1911.00002">\
OWL-R</a> achieves the best transfer performance across all songs.</p>
<h3>Fact Checking for Kite Shops</h3>
<p><a href="https://aclanthology.org/2020.emnlp-main.188/">PDF</a></p>
<ul>
<li>Wombat Dialogue Acts. Ada Example and Bo Sample. <a href="https://doi.org/10.1162/TACL_A_00999">[pdf]</a></li>
<li>Moth Translation Without Moths, A. Example et al. <a href="https://arxiv.org/pdf/2101.09999v3.pdf">arXiv</a></li>
<li><a href="https://kites.example/virtual/2020/poster/6001">A Poster Talk on Kites</a></li>
</ul>
<p>Again: <a href="https://www.aclweb.org/anthology/2020.acl-main.1">the owl paper</a>.</p>
</article>
<footer><a href="https://arxiv.org/abs/2101.08888">Footer Paper Link That Is Not Ours</a></footer>
</body></html>
"""

HTML_POST_TALKS = ("https://kites.example/virtual/2020/poster/6001",)


def is_talk(url: str) -> bool:
    """The caller's site registry, as the posts see it: these fixture poster pages are talks."""
    return url in TEXT_POST_TALKS or url in HTML_POST_TALKS
