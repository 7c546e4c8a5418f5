"""Every page shape of the real sites, through the site plugins and the real HTTP boundary: a table of
pages and the exact talks each holds, and of listings and the exact URLs each lists."""

from __future__ import annotations

import logging

import pytest

from confarchive.core.errors import NoVideoError
from confarchive.core.model import TalkRef
from confarchive.core.net import Http
from confarchive.core.settings import Rewrite, Settings
from confarchive.sites import Registry, Web
from confarchive.sites.resolve import Resolver
from tests.world import Response, World
from tests.world.catalog import ACL_HOST, EMNLP_HOST, ICLR_HOST, MINICONF_HOST, OLD_HOST

# name of the page's fixture -> the talks it holds: (fixture of each talk, its title), in page order
PAGES = {
    "iclr": None,  # None: the fixture's own talk under its own title
    "miniconf": None,  # the id on the line after presentationId:
    "ben": None,  # ACL: a bare container, a "pre-recorded video" link to the same talk, citation_pdf_url=""
    "rs": None,  # authors joined by " · "
    "plain-link": None,  # the page's only video is a link to it
    "old-build": None,  # no metas, <h3> title, <h6> authors each with a comma
    "public": None,  # https://slideslive.com/{id}/{slug}
    "embed": None,  # https://slideslive.com/embed/presentation/{id}
    "unquoted": [("unquoted", "Livestream")],  # EMNLP livestream: "Live Chat" is the first <h1>
    "keynote": [
        ("keynote", "Keynote: Talk and Q&A on One Page"),
        ("keynote-qa", "Keynote: Talk and Q&A on One Page (Question and Answer Session)"),
    ],
    "tutorial": [
        ("tutorial", "T1: Interpretability for Language Models"),
        ("tutorial-2", "T1: Interpretability for Language Models (Live Session 1)"),
        ("tutorial-3", "T1: Interpretability for Language Models (Live Session 2)"),
    ],
    "chil": None,  # inside a data-activedate wrapper
    "chil-highlights": [("chil-highlights", "Highlights"), ("chil-highlights-2", "Highlights (Day 2 - Keynotes)")],
    "ml4h": [("ml4h", "ML4H")],  # "Contact us" is the first <h1>
    "akbc": None,  # a relative citation_pdf_url
}
# name -> what the page says of its authors, conference and paper (for the pages with citation metas and more)
ABOUT = {
    "iclr": (("Haroun Habeeb", "Oluwasanmi Koyejo"), "ICLR 2020", "http://www.openreview.net/pdf?id=Hklr204Fvr"),
    "ben": (("Grace Hopper",), "ACL 2020", None),
    "rs": (("Edsger Dijkstra", "Barbara Liskov"), "ACL 2020", "http://www.openreview.net/pdf?id=4"),
    "old-build": (("Yoshua Bengio", "Yann LeCun"), "ICLR 2020", "http://www.openreview.net/pdf?id=OldBuild8"),
    "akbc": (("Radia Perlman",), "AKBC 2022", "https://akbc.fixture.invalid/pdf/akbc2.pdf"),
    "unquoted": ((), "EMNLP 2020", None),
}


@pytest.fixture(scope="module")
def resolver(world: World) -> Resolver:
    settings = Settings(rewrites=tuple(Rewrite(p, r) for p, r in world.rewrites()))
    web = Web(Http(settings.network, settings.rewrites), settings, logging.getLogger("test"))
    return Resolver(Registry.default(settings), web)


@pytest.mark.parametrize("name", PAGES)
def test_a_page_holds_exactly_its_talks(world: World, resolver: Resolver, name: str) -> None:
    page = world.talks[name]
    expected = PAGES[name] or [(name, page.title)]
    expansion = resolver.expand(TalkRef(page.url))
    assert expansion.listed == ()
    talks = [resolver.resolve(ref) for ref in expansion.talks]
    assert [(str(t.key), t.title) for t in talks] == [
        (f"slideslive:{world.talks[n].pid}", title) for n, title in expected
    ]
    for talk, (part, _) in zip(talks, expected, strict=True):
        fixture = world.talks[part]
        assert talk.source_url == page.url
        assert [s.start_ms for s in talk.slides] == list(fixture.sorted_times)
        assert dict(talk.site_fields) == {"presentation_id": fixture.pid}
    if name in ABOUT:
        authors, conference, paper = ABOUT[name]
        assert (talks[0].authors, talks[0].conference, talks[0].paper_url) == (authors, conference, paper)


def test_only_the_first_talk_of_a_page_asks_its_own_page_once(world: World, resolver: Resolver) -> None:
    keynote = world.talks["keynote"]
    world.state.reset()
    expansion = resolver.expand(TalkRef(keynote.url))
    assert world.state.requests == {f"/{keynote.page_host}{keynote.page_path}": 1}
    assert [ref.part for ref in expansion.talks] == [1, 2]


@pytest.mark.parametrize("name", ["commented", "no-video"])
def test_a_commented_out_embed_is_no_talk(world: World, resolver: Resolver, name: str) -> None:
    page = world.talks[name]
    world.state.reset()
    with pytest.raises(NoVideoError, match="no video found"):
        resolver.expand(TalkRef(page.url))
    assert not any("slideslive" in path for path in world.state.requests)  # the demo id was never asked for


def test_a_page_of_talk_links_is_a_listing_named_by_each_talk(world: World, resolver: Resolver) -> None:
    meeting = world.talks["meeting"]
    expansion = resolver.expand(TalkRef(meeting.url))
    assert expansion.talks == ()
    linked = [world.talks[n] for n in meeting.linked]
    assert [ref.url for ref in expansion.listed] == [f"https://slideslive.com/{t.pid}" for t in linked]
    talks = [resolver.resolve(resolver.expand(ref).talks[0]) for ref in expansion.listed]
    assert [t.title for t in talks] == [t.title for t in linked]  # the placeholder "TBA" link text is not a title
    assert {t.conference for t in talks} == {"ACL 2020"}


LISTINGS = [
    # listing, the host whose talks it lists, whether its data names the SlidesLive ids
    ("https://iclr.fixture.invalid/virtual_2020/papers.html", ICLR_HOST, False),  # drawn by the 16th script
    ("https://acl.fixture.invalid/papers.html", ACL_HOST, True),  # 19 scripts, ids in papers.json
    ("https://miniconf.fixture.invalid/papers.html", MINICONF_HOST, False),  # the template in api.js
    # a Handlebars template in the page, demo_{{UID}}.html, its data in serve_demos.json
    ("https://miniconf.fixture.invalid/demos.html", "https://miniconf.fixture.invalid/demos.html", False),
    ("https://iclr-old.fixture.invalid/virtual_2020/papers_old.html", OLD_HOST, False),  # server-rendered
]


@pytest.mark.parametrize(("url", "host", "named"), LISTINGS, ids=[u.split("/", 2)[2] for u, _, _ in LISTINGS])
def test_a_listing_lists_exactly_its_talks(world: World, resolver: Resolver, url: str, host: str, named: bool) -> None:
    expansion = resolver.expand(TalkRef(url))
    expected = world.listed(host)
    assert expansion.talks == ()
    assert [ref.url for ref in expansion.listed] == [t.url for t in expected]  # paper_vis.html is navigation
    assert [ref.title for ref in expansion.listed] == [t.title for t in expected]
    keys = [str(ref.key) if ref.key else None for ref in expansion.listed]
    assert keys == [f"slideslive:{t.pid}" if named and t.slideslive else None for t in expected]


def test_a_listing_that_names_everything_needs_no_poster_page(world: World, resolver: Resolver) -> None:
    world.state.reset()
    listed = resolver.expand(TalkRef("https://acl.fixture.invalid/papers.html")).listed
    named = [ref for ref in listed if ref.key is not None]
    talks = [resolver.resolve(t) for ref in named for t in resolver.expand(ref).talks]
    poster_requests = [p for p in world.state.requests if p.startswith(f"/{ACL_HOST}/paper_")]
    assert poster_requests == []
    assert [(t.title, t.authors, t.abstract) for t in talks] == [
        (t.title, t.authors, f"Abstract of {t.title}.") for t in world.listed(ACL_HOST) if t.slideslive
    ]
    without = next(ref for ref in listed if ref.key is None)  # presentation_id "": the page says no video
    world.state.reset()
    with pytest.raises(NoVideoError, match="the listing names no video"):
        resolver.expand(without)
    assert sum(world.state.requests.values()) == 1


def test_a_large_listing_makes_no_request_per_poster_page(world: World, resolver: Resolver) -> None:
    world.state.reset()
    listed = resolver.expand(TalkRef(f"https://{EMNLP_HOST}/papers.html")).listed
    assert len(listed) == 2000
    assert [ref.url for ref in listed[:3]] == [
        f"https://{EMNLP_HOST}/paper_main.0.html",
        f"https://{EMNLP_HOST}/paper_findings.1.html",
        f"https://{EMNLP_HOST}/paper_WS-2.2.html",
    ]
    assert sum(1 for ref in listed if ref.key is not None) == 1000  # every main paper, every other workshop one
    assert not any("/paper_" in path for path in world.state.requests)
    assert sum(world.state.requests.values()) <= 12  # the page, its same-origin scripts, papers.json


def test_a_player_nobody_can_fetch_is_named_in_the_reason(world: World, resolver: Resolver, hooks: list) -> None:
    page = "https://miniconf.fixture.invalid/poster_lecture1.html"
    html = (
        '<html><head><meta name="citation_title" content="On a Login-Only Platform"></head><body>'
        '<iframe src="https://lectures.underline.invalid/lecture/4711-a-talk" allowfullscreen></iframe>'
        '<iframe src="https://chat.fixture.invalid/channel/x?layout=embedded"></iframe></body></html>'
    )
    hooks.append(lambda req: Response(body=html.encode(), content_type="text/html") if req.key == page[7:] else None)
    with pytest.raises(NoVideoError) as caught:
        resolver.expand(TalkRef(page))
    message = caught.value.one_line()
    assert message.startswith(f"the video of {page} is on lectures.underline.invalid, a platform that needs an account")
    assert "--cookies FILE" in message and "chat.fixture" not in message and "no video found" not in message
