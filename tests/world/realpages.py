"""Pages of real 2020-2022 conference sites that are not one poster with one embed (docs/sites.md).

Written from what the generated sites hold (their shapes, never their text):

- ICLR 2020 keynote: the talk's embed under no heading of its own, then a "Question and Answer
  Session" heading and the Q&A embed (an HTML comment inside its script), then a commented-out copy
  of the Q&A embed;
- ACL 2020 tutorial: three embeds, the first after a comment only, the others under "Live Session N";
- ACL 2020 business meeting: no embed, links to SlidesLive talks in accordion cards (a title in
  ``<b>``, the speaker in ``<i>``; one link's text is a placeholder);
- an AKBC poster whose only embed is inside an HTML comment (a template's demo id), and one whose
  ``citation_pdf_url`` is relative;
- the EMNLP livestream: an unquoted id in a container whose id holds a space, and "Live Chat" as the
  first ``<h1>``, after the embed;
- ML4H's home page: the embed's heading commented out, "Contact us" as the next ``<h1>``;
- CHIL: the embed inside an element with ``data-activedate`` that scripts hide until a date, and a
  highlights page with two such wrappers under day headings.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from .catalog import FixtureTalk
from .pages import _HEAD, _authors_links, _card, _metas, embed_html

TalkOf = Callable[[str], FixtureTalk]
END = "</body>\n</html>\n"


def _commented(html: str) -> str:
    """Each line of ``html`` inside its own HTML comment, as Jinja leftovers look."""
    return "\n".join(f"<!-- {line} -->" for line in html.strip().splitlines()) + "\n"


def keynote(talk: FixtureTalk, talk_of: TalkOf) -> str:
    qa = talk_of(talk.parts[0][0])
    head = _HEAD.format(site="ICLR", title=escape(talk.title), metas="")
    body = _card(talk, escape(", ".join(talk.authors)))
    body += '<!-- SlidesLive -->\n<div class="col-md-7 col-xs-12 my-auto p-2">\n'
    body += embed_html(f"presentation-embed-{talk.pid}", f"'{talk.pid}'") + "</div>\n"
    body += f'<div id="stream" class="container"><center><h2>\n  {escape(talk.parts[0][1])}\n</h2>\n'
    body += "(This section will be visible during and after the live session.)</center></div>\n"
    qa_embed = embed_html(f"presentation-embed-{qa.pid}", f"'{qa.pid}'").replace(
        "verticalEnabled: true,", "verticalEnabled: true,\n    <!-- verticalWhenWidthLte: 2000, -->"
    )
    body += f'<div class="col-md-12 col-xs-12 my-auto p-2">\n{qa_embed}</div>\n'
    body += _commented(f'<div class="col-md-7">\n{qa_embed}</div>')
    return head + body + END


def tutorial(talk: FixtureTalk, talk_of: TalkOf) -> str:
    head = _HEAD.format(site="ACL2020", title=escape(talk.title), metas=_metas(talk, conference=True))
    body = _card(talk, _authors_links(talk)) + "<!-- Prerecorded Talk -->\n"
    body += embed_html(f"presentation-embed-{talk.pid}", f"'{talk.pid}',  // TODO: make this configurable")
    for name, label in talk.parts:
        part = talk_of(name)
        body += '<!-- Livestreaming -->\n<div class="row p-4"><div class="col-12 bd-content">\n'
        body += f'<h1 class="text-center">{escape(label)}</h1>\n'
        body += embed_html(f"presentation-embed-{part.pid}", f"'{part.pid}'") + "</div></div>\n"
    return head + body + END


def meeting(talk: FixtureTalk, talk_of: TalkOf) -> str:
    head = _HEAD.format(site="ACL2020", title=escape(talk.title), metas="")
    body = _card(talk, escape(talk.authors[0])) + '<!-- Multiple Videos -->\n<div id="accordion">\n'
    for n, name in enumerate(talk.linked):
        linked = talk_of(name)
        text = "TBA" if n == len(talk.linked) - 1 else linked.title  # a placeholder, as on real pages
        body += (
            '<div class="row m-2"><div class="card col-md-12 col-xs-12 my-auto mp-2 bg-light">\n'
            f'<p><a href="https://slideslive.com/{linked.pid}" target="_blank"><b>{escape(text)}</b></a></p>\n'
            f"<p><i>Speaker {n + 1}</i></p></div></div>\n"
        )
    return head + body + "</div>\n" + END


def commented(talk: FixtureTalk, talk_of: TalkOf) -> str:
    head = _HEAD.format(site="AKBC", title=escape(talk.title), metas=_metas(talk, conference=True))
    body = _card(talk, _authors_links(talk)) + "<p>No recording for this poster.</p>\n"
    body += _commented(embed_html("presentation-embed", f'"{talk.pid}"'))
    return head + body + END


def akbc(talk: FixtureTalk, talk_of: TalkOf) -> str:
    head = _HEAD.format(site="AKBC", title=escape(talk.title), metas=_metas(talk, conference=True))
    embed = embed_html(f"presentation-embed-{talk.pid}", f'"{talk.pid}"')
    return head + _card(talk, _authors_links(talk)) + embed + END


def livestream(talk: FixtureTalk, talk_of: TalkOf) -> str:
    head = '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8" />\n<title>EMNLP2020: Livestream</title>\n'
    body = "</head>\n<body>\n"
    body += '<h4 class="text-center">Pre-recorded videos are <a href="plenary_sessions.html">here</a>.</h4>\n'
    body += '<div id="live container">\n<div class="text-muted text-center">You can also watch the\n'
    body += f'<a href="https://slideslive.com/{talk.pid}" target="_blank">\n  livestream\n</a></div>\n'
    body += "<!-- SlidesLive-->\n" + embed_html("presentation-embed", talk.pid) + "</div>\n"
    body += '<!-- Chat -->\n<h1 class="text-center">Live Chat</h1>\n'
    body += '<iframe src="https://chat.fixture.invalid/channel/livestream?layout=embedded"></iframe>\n'
    return head + body + END


def ml4h(talk: FixtureTalk, talk_of: TalkOf) -> str:
    head = '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8" />\n<title>ML4H</title>\n</head>\n<body>\n'
    body = '<div class="content">\n<!--<h1> Symposium Livestream </h1>-->\n'
    body += f'<div id="presentation-embed-{talk.pid}"></div>\n'
    body += "<script src='https://slideslive.com/embed_presentation.js'></script>\n"
    body += f"<script> embed = new SlidesLiveEmbed('presentation-embed-{talk.pid}', {{ presentationId: "
    body += f"'{talk.pid}', autoPlay: false, verticalEnabled: true }}); </script>\n<br>\n"
    body += "<h1>Contact us</h1>\n<ul><li>Write to us.</li></ul>\n<h1>Sponsored by</h1>\n</div>\n"
    body += '<footer class="footer bg-light p-4">Machine Learning for Health</footer>\n'
    return head + body + END


def _wrapped(pid: str) -> str:
    return (
        '<div id="slideslive-embed" class="col-md-12 col-xs-12 my-auto p-2 hide" '
        'data-activedate="2021-04-14T23:59:00.00">\n' + embed_html(f"presentation-embed-{pid}", f'"{pid}"') + "</div>\n"
    )


def chil(talk: FixtureTalk, talk_of: TalkOf) -> str:
    head = _HEAD.format(site="CHIL", title=escape(talk.title), metas=_metas(talk, conference=True))
    return head + _card(talk, _authors_links(talk)) + _wrapped(talk.pid) + END


def chil_highlights(talk: FixtureTalk, talk_of: TalkOf) -> str:
    head = _HEAD.format(site="CHIL", title=escape(talk.title), metas="")
    body = f'<body>\n<h2 class="card-title main-title text-center">{escape(talk.title)}</h2>\n'
    body += "<h3>Day 1 - Opening</h3>\n" + _wrapped(talk.pid)
    for name, label in talk.parts:
        body += f"<h3>{escape(label)}</h3>\n" + _wrapped(talk_of(name).pid)
    return head + body + END


REAL_PAGES: dict[str, Callable[[FixtureTalk, TalkOf], str]] = {
    "keynote": keynote,
    "tutorial": tutorial,
    "meeting": meeting,
    "commented": commented,
    "akbc": akbc,
    "livestream": livestream,
    "ml4h": ml4h,
    "chil": chil,
    "chil-highlights": chil_highlights,
}
