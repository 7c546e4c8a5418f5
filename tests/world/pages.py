"""HTML of the fixture world: poster pages in each real variant, SlidesLive embed and public pages.

The variants follow docs/sites.md: ICLR 2020 (citation metas after ``</head>``, the id in the
container), the Mini-Conf demo (the id on the line after ``presentationId:``), double, single and
unquoted ids, two embeds on one page, only a plain ``slideslive.com/{id}`` link, an old build without
metas, and a page with no video at all. Static HTML never contains the player iframe.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from .catalog import FixtureTalk

_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<link rel="stylesheet" href="static/css/main.css" />
<title>{site}: {title}</title>
{metas}</head>
"""

_EMBED_SCRIPT = """<div id="{container}" class="slp my-auto"></div>
<script src='https://slideslive.com/embed_presentation.js'></script>
<script>
  embed = new SlidesLiveEmbed('{container}', {{
    presentationId: {id_expr},
    autoPlay: false, // change to true to autoplay the embedded presentation
    verticalEnabled: true,
    verticalWhenWidthLte: 500,
    allowHiddenControlsWhenPaused: true,
    hideTitle: true
  }});
</script>
"""


def _metas(talk: FixtureTalk, conference: bool) -> str:
    lines = [f'<meta name="citation_title" content="{escape(talk.title)}" />']
    lines += [f'<meta name="citation_author" content="{escape(a)}" />' for a in talk.authors]
    if conference and talk.conference:
        lines.append(f'<meta name="citation_conference_title" content="{escape(talk.conference)}" />')
    lines.append('<meta name="citation_publication_date" content="2020/04/26" />')
    lines.append(f'<meta name="citation_abstract" content="Abstract of {escape(talk.title)}." />')
    pdf = "" if talk.paper == "empty" else f"/pdf/{talk.forum}.pdf" if talk.paper == "relative" else talk.paper_url
    lines.append(f'<meta name="citation_pdf_url" content="{pdf}" />')
    return "\n".join(lines) + "\n"


def _authors_links(talk: FixtureTalk) -> str:
    template = '<a href="papers.html?filter=authors&amp;search={0}" class="text-muted"\n        >{0}</a\n      >,'
    links = [template.format(escape(a)) for a in talk.authors]
    return "\n      ".join(links)  # a trailing comma after the last author, as seen on real pages


def _card(talk: FixtureTalk, authors_html: str, title_tag: str = "h2", subtitle_tag: str = "h3") -> str:
    cls = "card-title main-title text-center" if title_tag == "h2" else "card-title"
    return f"""<body>
<nav class="navbar navbar-expand-lg"><a class="navbar-brand" href="index.html">Conference</a>
  <h1 class="nav-title">Virtual Conference</h1>
  <a class="nav-link" href="papers.html">Papers</a> <a class="nav-link" href="paper_vis.html">Visualization</a>
</nav>
<div class="pp-card m-3">
  <div class="card-header">
    <{title_tag} class="{cls}" style="">
      {escape(talk.title)}
    </{title_tag}>
    <{subtitle_tag} class="card-subtitle mb-2 text-muted text-center">
      {authors_html}
    </{subtitle_tag}>
    <div class="text-center p-3">
      <a class="card-link" data-toggle="collapse" role="button" href="#details">Abstract</a>
      <a class="card-link" target="_blank" href="{talk.paper_url or ""}">Paper</a>
      <!--  -->
      <!-- <a href="{talk.pid}" target="_blank"  class="card-link"> -->
      <!--   Slides -->
      <!-- </a> -->
      <!--  -->
    </div>
  </div>
</div>
<div id="details" class="pp-card m-3 collapse">
  <div class="card-body"><div class="card-text">
    <div id="abstractExample">
      <span class="font-weight-bold">Abstract:</span>
      Abstract of {escape(talk.title)}.
    </div>
  </div></div>
</div>
"""


def _embed(container: str, id_expr: str) -> str:
    return _EMBED_SCRIPT.format(container=container, id_expr=id_expr)


def embed_html(container: str, id_expr: str) -> str:
    """The embed as MiniConf templates write it: a container and the script that fills it."""
    return _embed(container, id_expr)


_JS_ONLY_EMBED = """<div id="presentation-embed" class="slp my-auto"></div>
<script src='https://slideslive.com/embed_presentation.js'></script>
<script>
  // The presentation id is only known once this request answers: static HTML never holds it.
  fetch('{json_name}', {{credentials: 'same-origin'}})
    .then(function (response) {{ return response.json(); }})
    .then(function (meta) {{
      this.slideId = meta.slideslive;
      embed = new SlidesLiveEmbed('presentation-embed', {{
        presentationId: this.slideId,
        autoPlay: false,
        verticalEnabled: true
      }});
    }}.bind({{}}));
</script>
"""


def talk_json_name(talk: FixtureTalk) -> str:
    return f"talk_{talk.forum}.json"


def login_page(talk: FixtureTalk) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Log in</title></head><body>\n'
        f'<form method="post" action="/accounts/login?nextp={talk.page_path}"><input name="username">'
        '<input name="password" type="password"><button>Log in</button></form>\n</body></html>\n'
    )


def _media_page(talk: FixtureTalk, media_html: str, extra_metas: str = "") -> str:
    head = _HEAD.format(site="Conf", title=escape(talk.title), metas=_metas(talk, conference=True) + extra_metas)
    return head + _card(talk, _authors_links(talk)) + media_html + "</body>\n</html>\n"


def _virtual_2021(talk: FixtureTalk) -> str:
    """A 2021+ server-rendered poster page: no citation metas, authors joined by " · "."""
    head = _HEAD.format(site="NeurIPS 2021", title=escape(talk.title), metas="")
    card = _card(talk, escape(" · ".join(talk.authors)))
    return head + card + _embed(f"presentation-embed-{talk.pid}", f'"{talk.pid}"') + "</body>\n</html>\n"


SIMILAR = """<h2> Similar Papers </h2>
<div class="cards row">
  <div class="pp-card"><a href="poster_SimilarA1.html" class="text-muted">
    <h5 class="card-title">A Related Poster</h5></a>
    <h6 class="card-subtitle text-muted" align="center">
      Someone Else,
      Another Person,
    </h6></div>
  <div class="pp-card"><a href="poster_SimilarB2.html" class="text-muted">
    <h5 class="card-title">Another One</h5></a>
    <h6 class="card-subtitle text-muted" align="center">
      Third Author,
    </h6></div>
</div>
<footer class="footer bg-light p-4"><h1>Contact us</h1>
  <a href="https://www.youtube.com/channel/UCfixture">Our channel</a></footer>
"""
CHAT = (
    '<div class="col-md-5 col-xs-12 p-2"><div id="gitter" class="slp">'
    '<iframe frameborder="0" src="https://chat.fixture.invalid/channel/{forum}?layout=embedded" height="700px" '
    'width="100%"></iframe></div></div>\n'
)


def poster_page(talk: FixtureTalk, talk_of: Callable[[str], FixtureTalk] | None = None) -> str:
    """The conference page of ``talk`` in its variant (``talk_of`` finds the talks a page also holds)."""
    from .realpages import REAL_PAGES

    if talk.page in REAL_PAGES:
        assert talk_of is not None
        return REAL_PAGES[talk.page](talk, talk_of)
    if talk.page in ("js-only", "private"):
        head = _HEAD.format(site="ICLR", title=escape(talk.title), metas=_metas(talk, conference=False))
        embed = _JS_ONLY_EMBED.format(json_name=talk_json_name(talk))
        return head + _card(talk, _authors_links(talk)) + embed + "</body>\n</html>\n"
    if talk.page == "video-tag":
        video = f'<video controls width="640"><source src="{talk.video_url}" type="video/mp4"></video>\n'
        return _media_page(talk, video)
    if talk.page == "og-video":
        metas = f'<meta property="og:video" content="{talk.video_url}" />\n'
        metas += '<meta property="og:video:type" content="video/mp4" />\n'
        return _media_page(talk, "<p>Video below the abstract.</p>\n", metas)
    if talk.page == "youtube":
        frame = '<iframe width="560" height="315" src="https://www.youtube.com/embed/FixtureYT19?rel=0"'
        frame += " allowfullscreen></iframe>\n"
        return _media_page(talk, frame)
    if talk.page == "vimeo":
        frame = '<iframe src="https://player.vimeo.com/video/900000020?h=0a1b2c" width="640" height="360"></iframe>\n'
        return _media_page(talk, frame)
    if talk.page == "virtual2021":
        return _virtual_2021(talk)
    if talk.page == "screencast":  # its own video is a link; the session's live stream is linked too
        links = (
            '<div class="card-body"><a href="https://www.youtube.com/watch?v=FixtureSC46" target="_blank">\n'
            "  Pre-recorded Screencast</a></div>\n"
            '<div class="card"><h4 class="card-title">Live Demo Session 2B</h4>\n'
            '  <a href="https://www.youtube.com/watch?v=FixtureLiveSession2B" class="card-link">Join the live stream'
            "</a></div>\n"
        )
        return _media_page(talk, links)
    # issue-3 talks reuse the page variants above; what differs is on the SlidesLive side
    variants = {"legacy": "double", "locked": "single", "cdn": "miniconf", "mixed": "miniconf", "demo": "miniconf"}
    page = variants.get(talk.page, talk.page)
    page = "iclr2020" if page == "video-slides" else page
    pid = talk.pid
    if page == "iclr2020":  # metas AFTER </head>; the id in the container; chat beside it; similar papers
        head = _HEAD.format(site="ICLR", title=escape(talk.title), metas="")
        embed = '<div class="row m-2"><div class="col-md-7 col-xs-12 my-auto p-2">\n'
        embed += (
            _embed(f"presentation-embed-{pid}", f"'{pid}'") + "</div>\n" + CHAT.format(forum=talk.forum) + "</div>\n"
        )
        body = _card(talk, _authors_links(talk)) + embed + SIMILAR
        return head + _metas(talk, conference=False) + body + "</body>\n</html>\n"
    if page == "old-build":  # no metas, <h3 class="card-title">, <h6> authors each with a comma, an empty link
        head = _HEAD.format(site="ICLR", title=escape(talk.title), metas="")
        authors = "\n      ".join(f"{escape(a)}," for a in talk.authors)
        body = _card(talk, authors, title_tag="h3", subtitle_tag="h6")
        body += '<a href="" class="card-link">Slides</a>\n'
        return head + body + _embed(f"presentation-embed-{pid}", f"'{pid}'") + "</body>\n</html>\n"
    if page == "acl-paper":  # metas in <head>; a bare container; a "pre-recorded video" link; similar papers
        head = _HEAD.format(site="ACL2020", title=escape(talk.title), metas=_metas(talk, conference=True))
        link = (
            '<div class="text-muted text-center">You can open the\n'
            f'<a href="https://slideslive.com/{pid}" target="_blank">pre-recorded video</a>'
            " in a separate window.</div>\n"
        )
        embed = "<!-- Slides Live-->\n" + _embed("presentation-embed", f'"{pid}"')
        return head + _card(talk, _authors_links(talk)) + link + embed + SIMILAR + "</body>\n</html>\n"
    metas = _metas(talk, conference=True)
    if page == "miniconf":  # the Mini-Conf demo: the id on the line after presentationId:
        embed = _embed("presentation-embed", f'\n      "{pid}"')
    elif page == "double":
        embed = _embed(f"presentation-embed-{pid}", f'"{pid}"')
    elif page == "single":
        embed = _embed(f"presentation-embed-{pid}", f"'{pid}'")
    elif page == "plain-link":
        embed = f'<p>Watch the <a href="https://slideslive.com/{pid}">pre-recorded video</a>.</p>\n'
    elif page in ("no-video", "acl-novideo"):
        embed = "<p>The authors did not upload a video.</p>\n" + SIMILAR
    else:
        raise ValueError(f"unknown page variant {page}")
    if page == "single":  # a 2021+ site: authors joined by " · " in one string
        authors = escape(" · ".join(talk.authors))
        metas = "\n".join(line for line in metas.splitlines() if "citation_author" not in line) + "\n"
    elif page == "double":  # no citation_author metas: the subtitle links only
        authors = _authors_links(talk)
        metas = "\n".join(line for line in metas.splitlines() if "citation_author" not in line) + "\n"
    else:
        authors = _authors_links(talk)
    site = (talk.conference or "Conf").split()[0]
    head = _HEAD.format(site=site, title=escape(talk.title), metas=metas)
    return head + _card(talk, authors) + embed + "</body>\n</html>\n"


def embed_page(talk: FixtureTalk, token: str) -> str:
    """``slideslive.com/embed/presentation/{id}``: the player shell holding the token."""
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="title" content="{escape(talk.title)}">
<meta name="robots" content="noindex">
<title>{escape(talk.title)}</title>
<link rel="stylesheet" href="https://slideslive.com/assets/embed.css">
</head>
<body class="embed">
<div id="player" class="slp slp--embed" data-player-token="{token}" data-presentation-id="{talk.pid}"
     data-player-url="https://slideslive.com/player/{talk.pid}"></div>
<script src="https://slideslive.com/assets/player.js"></script>
</body>
</html>
"""


def public_page(talk: FixtureTalk, token: str) -> str:
    """``slideslive.com/{id}/{slug}``: the public talk page, also holding a player token."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta property="og:title" content="{escape(talk.title)}">
<meta name="title" content="{escape(talk.title)}">
<title>{escape(talk.title)} | SlidesLive</title>
</head>
<body>
<header><a href="https://slideslive.com/">SlidesLive</a></header>
<main><h1>{escape(talk.title)}</h1>
<div class="player" data-player-token="{token}" data-presentation-id="{talk.pid}"></div>
</main>
</body>
</html>
"""
