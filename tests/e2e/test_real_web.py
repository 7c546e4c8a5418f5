"""Shapes of the real web that a page's links take: a talk page whose own video is a link (and a live
stream every page of its session links), a page that only links a live stream, and a video on a platform
behind a login (issue 20)."""

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

HOST = "emnlp.fixture.invalid"


@pytest.fixture(scope="module")
def resolver(world: World) -> Resolver:
    settings = Settings(rewrites=tuple(Rewrite(p, r) for p, r in world.rewrites()))
    web = Web(Http(settings.network, settings.rewrites), settings, logging.getLogger("test"))
    return Resolver(Registry.default(settings), web)


def _serve(hooks: list, url: str, body: str) -> None:
    html = f'<html><head><meta name="citation_title" content="A Talk of the Session"></head><body>{body}</body></html>'
    hooks.append(lambda req: Response(body=html.encode(), content_type="text/html") if req.key == url[7:] else None)


def test_a_page_whose_own_video_is_a_link_is_that_talk(world: World, resolver: Resolver) -> None:
    page = world.talks["screencast"]
    expansion = resolver.expand(TalkRef(page.url))
    (talk,) = expansion.talks
    assert (str(talk.key), talk.about and talk.about.title, talk.about and talk.about.authors) == (
        "youtube:FixtureSC46",
        page.title,
        page.authors,
    )
    assert expansion.listed == ()  # the session's live stream is neither its talk nor another one


def test_a_page_that_links_only_a_live_stream_has_no_talk_and_says_so(resolver: Resolver, hooks: list) -> None:
    url = f"https://{HOST}/paper_live.1.html"
    stream = "https://www.youtube.com/watch?v=FixtureLiveOnly"
    _serve(hooks, url, f'<h4>Session 3A</h4><a href="{stream}">Watch the session live</a>')
    with pytest.raises(NoVideoError) as caught:
        resolver.expand(TalkRef(url))
    message = caught.value.one_line()
    assert message.startswith(f"no video found on {url}") and f"it links only a live stream ({stream})" in message


PLATFORMS = [
    pytest.param(
        '<iframe src="https://lectures.underline.invalid/lecture/4711-a-talk" allowfullscreen></iframe>', id="iframe"
    ),
    pytest.param('<a href="https://lectures.underline.invalid/lecture/4711">Watch the recorded talk</a>', id="link"),
]


@pytest.mark.parametrize("body", PLATFORMS)
def test_a_video_on_a_platform_behind_a_login_names_it_and_cookies(resolver: Resolver, hooks: list, body: str) -> None:
    url = f"https://{HOST}/paper_platform.2.html"
    _serve(hooks, url, body + '<a href="https://chat.fixture.invalid/channel/x">Chat</a>')
    with pytest.raises(NoVideoError) as caught:
        resolver.expand(TalkRef(url))
    message = caught.value.one_line()
    assert message.startswith(f"the video of {url} is on lectures.underline.invalid, a platform that needs an account")
    assert "--cookies FILE" in message and "no video found" not in message and "chat.fixture" not in message
