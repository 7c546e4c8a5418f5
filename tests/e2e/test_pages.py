"""Every poster-page variant of docs/formats.md, resolved through the real HTTP boundary.

A table: the page variant, and the title, authors, conference and presentation id it must give.
"""

from __future__ import annotations

import pytest

from confarchive.errors import NoVideoError
from confarchive.net import Http
from confarchive.resolvers import Resolver
from confarchive.settings import Rewrite, Settings
from tests.world import World

VARIANTS = [
    # name, variant, expected conference
    ("iclr", "iclr2020", "ICLR 2020"),  # metas after </head>, id in the container
    ("miniconf", "miniconf", "MiniConf 2020"),  # the id on the line after presentationId:
    ("ben", "double", "ACL 2020"),  # double quotes, authors only as subtitle links
    ("rs", "single", "ACL 2020"),  # single quotes, authors joined by " · "
    ("unquoted", "unquoted", "ACL 2020"),  # EMNLP livestream: an unquoted number
    ("two-embeds", "two-embeds", "ACL 2020"),  # the talk, then its Q&A
    ("plain-link", "plain-link", "MiniConf 2020"),  # only <a href="https://slideslive.com/{id}">
    ("old-build", "old-build", "ICLR 2020"),  # no metas, <h3 class="card-title">, authors as text
    ("public", "slideslive-public", None),  # https://slideslive.com/{id}/{slug}
    ("embed", "slideslive-embed", None),  # https://slideslive.com/embed/presentation/{id}
]


@pytest.fixture(scope="module")
def resolver(world: World) -> Resolver:
    settings = Settings(rewrites=tuple(Rewrite(p, r) for p, r in world.rewrites()))
    return Resolver(Http(settings.network, settings.rewrites), settings)


@pytest.mark.parametrize(("name", "variant", "conference"), VARIANTS, ids=[v[1] for v in VARIANTS])
def test_poster_page_variants(
    world: World, resolver: Resolver, name: str, variant: str, conference: str | None
) -> None:
    fixture = world.talks[name]
    assert fixture.page == variant
    talk = resolver.resolve(fixture.url)
    assert talk.title == fixture.title
    assert talk.authors == fixture.authors
    assert talk.presentation_id == fixture.pid
    assert talk.key == f"slideslive:{fixture.pid}"
    assert talk.conference == conference
    assert talk.source_url == fixture.url
    assert [s.start_ms for s in talk.slides] == list(fixture.sorted_times)
    assert [s.index for s in talk.slides] == list(range(1, len(fixture.slide_times_ms) + 1))
    if variant.startswith("slideslive-"):
        assert talk.abstract is None and talk.paper_url is None
    else:
        assert talk.abstract == f"Abstract of {fixture.title}."
        assert talk.paper_url == f"http://www.openreview.net/pdf?id={fixture.forum}"
    expected_others = (f"https://slideslive.com/{fixture.second_pid}",) if fixture.second_pid else ()
    assert talk.other_embeds == expected_others


def test_media_by_service(world: World, resolver: Resolver) -> None:
    hls = resolver.resolve(world.talks["iclr"].url).media
    assert (hls.kind, hls.url) == (
        "hls",
        f"https://yoda-1.fixture.invalid/Y{world.talks['iclr'].pid}_fx/master.m3u8",
    )
    assert hls.referer == world.talks["iclr"].url
    direct = resolver.resolve(world.talks["miniconf"].url).media
    assert (direct.kind, direct.url) == (
        "file",
        f"https://media.fixture.invalid/talks/{world.talks['miniconf'].pid}.m4a",
    )


def test_image_candidates_in_order(world: World, resolver: Resolver) -> None:
    talk = resolver.resolve(world.talks["iclr"].url)
    pid = world.talks["iclr"].pid
    name = world.talks["iclr"].image_name(1)
    assert talk.slides[0].image_urls == (
        f"https://slides.slideslive.com/{pid}/slides/original/{name}.png",
        f"https://rs.slideslive.com/{pid}/slides/{name}.png?h=1080&f=png",
        f"https://cdn.slideslive.com/data/presentations/{pid}/slides/big/{name}.jpg",
        f"https://d2ygwrecguqg66.cloudfront.net/data/presentations/{pid}/slides/big/{name}.jpg",
    )


def test_page_without_video_is_a_clear_error(world: World, resolver: Resolver) -> None:
    talk = world.talks["no-video"]
    with pytest.raises(
        NoVideoError, match=r"no video found on https://miniconf\.fixture\.invalid/poster_novideo9\.html"
    ):
        resolver.resolve(talk.url)


def test_unknown_page_is_a_clear_error(world: World, resolver: Resolver) -> None:
    with pytest.raises(Exception, match=r"HTTP 404 for https://acl\.fixture\.invalid/nothing-here\.html"):
        resolver.resolve("https://acl.fixture.invalid/nothing-here.html")


def test_player_needs_the_token(world: World) -> None:
    import requests

    pid = world.talks["iclr"].pid
    assert requests.get(f"{world.base}/slideslive.com/player/{pid}", timeout=5).status_code == 401
    assert requests.get(f"{world.base}/ben.slideslive.com/player/{pid}", timeout=5).status_code == 401
