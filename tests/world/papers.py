"""Papers and reading lists of the fixture world, in the shapes of the seeds (``../shared/seeds``), in words
of our own:

- the ACL Anthology and PMLR serve the PDFs that the ACL and Mini-Conf listings name in ``pdf_url``
  (``www.aclweb.org/anthology/2020.acl-main.N.pdf``, ``proceedings.mlr.press/vNNN/x/x.pdf``), arXiv serves
  abstract pages with ``citation_title`` (a bare arXiv link's title is read from its own page);
- a workshop listing (EMNLP's renderer, its own ``papers.json``) holds the hard cases of matching: two
  near-identical titles, a title that a post writes with TeX and accents, Anthology ids in ``pdf_url``;
- an ICLR-style post is plain text: prose, then a line per paper, "Title Authors URL" with OpenReview
  forum and PDF links, arXiv links with their titles (one with a version), a bare arXiv link, a paper no
  listing holds and a poster page itself;
- an ICML-style post is HTML: headings that link proceedings PDFs, talk pages linked in a list, an
  arXiv citation in prose, navigation and a footer that are not the post's.
"""

from __future__ import annotations

import json
from html import escape

from .catalog import FixtureTalk

ANTHOLOGY_HOST = "www.aclweb.org"
PMLR_HOST = "proceedings.mlr.press"
ARXIV_HOST = "arxiv.org"
OPENREVIEW_HOST = "openreview.net"  # forum pages: none is served (a paper no listing holds stays unmatched)
BLOG_HOST = "blog.fixture.invalid"
PAPER_HOSTS = (ANTHOLOGY_HOST, PMLR_HOST, ARXIV_HOST, OPENREVIEW_HOST, BLOG_HOST)

# arXiv abstract pages: id -> the title its page states
ARXIV = {
    "2002.01234": "A Poster Whose Video Appears Only After Scripts Run",
    "2003.04321": "Video Slides and Subtitles",
    "1912.09999": "A Preprint That Was Never a Poster Anywhere",
}


def anthology_id(talk: FixtureTalk) -> str:
    """The Anthology id the ACL listing gives a talk's paper (never its own listing UID)."""
    return f"2020.acl-main.{int(talk.pid) % 1000}"


def pmlr_slug(talk: FixtureTalk) -> str:
    return f"{talk.forum.lower()}20a"


def pmlr_pdf(talk: FixtureTalk) -> str:
    slug = pmlr_slug(talk)
    return f"https://{PMLR_HOST}/v119/{slug}/{slug}.pdf"


# -- a workshop listing with the hard cases of matching ---------------------------------------------------
WORKSHOP = (  # (UID, title as listed, Anthology id)
    ("WS-9.1", "Learning to Rank Fixtures with Gradient Boosting", "2020.fixws-1.1"),
    ("WS-9.2", "Learning to Rank Fixtures with Gradient Boosting Machines", "2020.fixws-1.2"),
    ("WS-9.3", "Rényi Divergences for Robust Parsing", "2020.fixws-1.3"),
    ("WS-9.4", "BERT Probes for Syntax: A Cautionary Tale", "2020.fixws-1.4"),
    ("WS-9.5", "Cross-Lingual Transfer Without Parallel Data", "2020.fixws-1.5"),
)


def workshop_papers_json() -> bytes:
    entries = [
        {"id": uid, "forum": uid, "presentation_id": "",
         "content": {"title": title, "authors": ["Fixture Author"], "abstract": f"About {title}.",
                     "pdf_url": f"https://{ANTHOLOGY_HOST}/anthology/{acl}.pdf", "program": "workshop"}}
        for uid, title, acl in WORKSHOP
    ]  # fmt: skip
    return json.dumps(entries).encode()


def workshop_post() -> str:
    """A text reading list against the workshop listing: by id, by a TeX-and-accents title, by an exact one of
    two near-identical titles, and one title that sits between the two (reported, never guessed)."""
    return (
        "Workshop picks\n\n"
        "Some workshop papers I keep coming back to.\n\n"
        "- Cross-lingual transfer, with no parallel data at all: https://aclanthology.org/2020.fixws-1.5\n"
        "- R\\'enyi divergences for robust parsing. F. Author. https://arxiv.org/abs/2004.00003\n"
        "- {BERT} probes for syntax: a cautionary tale https://arxiv.org/pdf/2004.00004v1.pdf\n"
        "- Learning to Rank Fixtures with Gradient Boosting Machines https://arxiv.org/abs/2004.00002\n"
        "- Learning to Rank Fixtures with Gradient-Boosted Machine https://arxiv.org/abs/2004.00009\n"
    )


# -- the ICLR-style text post ----------------------------------------------------------------------------
def iclr_post(iclr: FixtureTalk, video_slides: FixtureTalk, js_only: FixtureTalk) -> str:
    return (
        "Here are the papers from the virtual conference that I would read again.\n\n"
        "Most of them are about smoothness, slides and scripts, which is what I care about this year; the\n"
        "rest is a list, one paper a line.\n\n"
        f"{iclr.title} {', '.join(iclr.authors)} https://openreview.net/forum?id={iclr.forum}\n"
        f"{video_slides.title} https://openreview.net/pdf?id={video_slides.forum}\n"
        "A poster whose video appears only after scripts run (the arXiv version) https://arxiv.org/abs/2002.01234v2\n"
        "A Paper That No Listing Holds Anyone https://openreview.net/forum?id=NotListed99\n"
        "https://arxiv.org/abs/1912.09999\n"
        f"And the poster itself, once more: {iclr.url}\n"
    )


# -- the ICML-style HTML post -------------------------------------------------------------------------------
def icml_post(papers: list[FixtureTalk], posters: list[FixtureTalk]) -> str:
    headings = "\n".join(
        f'<h2 id="p{n}"><a href="{pmlr_pdf(t)}">{escape(t.title)}</a></h2>\n<p>Why it matters: {n} reasons.</p>'
        for n, t in enumerate(papers, 1)
    )
    items = "\n".join(f'<li><a href="{t.url}">{escape(t.title)}</a> (talk)</li>' for t in posters)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Highlights from a Fixture Conference | A Blog</title>
<meta property="og:title" content="Highlights from a Fixture Conference"></head>
<body>
<nav class="site-nav"><a href="/">Home</a> <a href="https://arxiv.org/abs/1912.09999">My own preprint</a></nav>
<article>
<h1>Highlights from a Fixture Conference</h1>
<p>A short tour of the papers I liked, as one usually writes after a conference. As the Deep Sets paper
(<a href="https://arxiv.org/abs/1703.06114">Zaheer et al.</a>) put it long ago, order rarely matters.</p>
{headings}
<h2>Talks to watch</h2>
<ul>
{items}
</ul>
</article>
<footer><a href="https://arxiv.org/abs/1912.09999">Subscribe</a></footer>
</body></html>
"""


def arxiv_page(arxiv: str) -> bytes | None:
    title = ARXIV.get(arxiv)
    if title is None:
        return None
    return (
        f'<!DOCTYPE html><html><head><meta name="citation_title" content="{escape(title)}">'
        f"<title>[{arxiv}] {escape(title)}</title></head><body><h1>{escape(title)}</h1></body></html>"
    ).encode()
