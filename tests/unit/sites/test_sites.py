"""One URL table per site plugin: what each claims without a request, and what it leaves to others."""

from __future__ import annotations

import pytest

from confarchive.core.model import TalkKey
from confarchive.core.settings import Settings
from confarchive.sites import Registry
from confarchive.sites.media import MediaFileSite
from confarchive.sites.players import PlayerSite
from confarchive.sites.slideslive import SlidesLiveSite
from confarchive.sites.virtual import VirtualSite

SETTINGS = Settings()
POSTER = "https://iclr.cc/virtual_2020/poster_Hklr204Fvr.html"

SLIDESLIVE = [
    ("https://slideslive.com/38925850", "slideslive:38925850"),
    ("https://slideslive.com/38925850/", "slideslive:38925850"),
    ("https://slideslive.com/38925850/towards-a-deep-network-architecture", "slideslive:38925850"),
    ("http://slideslive.com/38925850", "slideslive:38925850"),
    ("https://www.slideslive.com/38925850/slug", "slideslive:38925850"),
    ("https://slideslive.de/38925850", "slideslive:38925850"),
    ("https://slideslive.com/embed/presentation/38925850", "slideslive:38925850"),
    (
        "https://slideslive.com/embed/presentation/38925850?embed_parent_url=https%3A%2F%2Ficlr.cc%2F"
        "&embed_container_id=presentation-embed-38925850",
        "slideslive:38925850",
    ),
    ("https://slideslive.com/38925850?ref=home", "slideslive:38925850"),
    ("https://slideslive.com/38925850#t=30", "slideslive:38925850"),
    ("https://slideslive.com/", None),
    ("https://slideslive.com/iclr-2020", None),
    ("https://example.org/slideslive.com/38925850", None),
    ("https://notslideslive.com/38925850", None),
    ("https://slideslive.com.evil.example/38925850", None),
    (POSTER, None),
]
MEDIA = [
    ("https://cdn.example.org/talks/42.mp4", True),
    ("https://cdn.example.org/talks/42.MP4?sig=abc", True),
    ("https://host/hls/master.m3u8", True),
    ("https://host/dash/manifest.mpd", True),
    ("https://host/audio.m4a", True),
    ("https://host/page.html", False),
    ("https://host/video", False),
    (POSTER, False),
]
PLAYERS = [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube:dQw4w9WgXcQ"),
    ("https://www.youtube.com/embed/dQw4w9WgXcQ?rel=0", "youtube:dQw4w9WgXcQ"),
    ("https://youtu.be/dQw4w9WgXcQ", "youtube:dQw4w9WgXcQ"),
    ("https://player.vimeo.com/video/900000020?h=0a1b2c", "vimeo:900000020"),
    ("https://vimeo.com/900000020", "vimeo:900000020"),
    ("https://www.youtube.com/channel/UCfixture", None),  # a channel is not one talk
    ("https://www.youtube.com/playlist?list=PLx", None),
    ("https://chat.example.org/channel/poster_1?layout=embedded", None),
    (POSTER, None),
]
VIRTUAL_PAGES = [
    ("https://neurips.cc/virtual/2021/poster/26843", True),
    ("https://icml.cc/virtual/2022/oral/16567", True),
    ("https://icml.cc/virtual/2022/spotlight/16567/", True),
    ("https://neurips.cc/virtual/2021/papers.html?filter=titles", False),
    ("https://neurips.cc/accounts/login?nextp=/virtual/2021/poster/26843", False),
]


@pytest.mark.parametrize(("url", "key"), SLIDESLIVE)
def test_slideslive_urls(url: str, key: str | None) -> None:
    found = SlidesLiveSite(SETTINGS).talk_key(url)
    assert (str(found) if found else None) == key


@pytest.mark.parametrize(("url", "claimed"), MEDIA)
def test_media_file_urls(url: str, claimed: bool) -> None:
    found = MediaFileSite(SETTINGS).talk_key(url)
    assert (found is not None) == claimed
    if found is not None:
        assert found.site == "media" and found == MediaFileSite(SETTINGS).talk_key(url)  # stable


@pytest.fixture(scope="module")
def players() -> PlayerSite:
    return PlayerSite(SETTINGS)


@pytest.mark.parametrize(("url", "key"), PLAYERS)
def test_player_urls_are_what_yt_dlp_knows(players: PlayerSite, url: str, key: str | None) -> None:
    found = players.talk_key(url)
    assert (str(found) if found else None) == key


@pytest.mark.parametrize(("url", "talk_page"), VIRTUAL_PAGES)
def test_virtual_talk_pages(url: str, talk_page: bool) -> None:
    assert VirtualSite(SETTINGS).is_talk_page(url) is talk_page


def test_the_registry_asks_the_most_specific_site_first() -> None:
    registry = Registry.default(SETTINGS)
    assert [s.name for s in registry.sites][:2] == ["slideslive", "media"]
    embed = registry.embed_for("https://slideslive.com/38925850")  # yt-dlp knows SlidesLive too
    assert embed is not None and (embed.site, embed.key) == ("slideslive", TalkKey("slideslive", "38925850"))
    assert registry.embed_for(POSTER) is None


def test_talk_keys_parse_and_print() -> None:
    key = TalkKey.parse("slideslive:38925850")
    assert (key.site, key.id, str(key)) == ("slideslive", "38925850", "slideslive:38925850")
    assert TalkKey.parse("url:https://x/y?z=1").id == "https://x/y?z=1"
    assert TalkKey.for_url("https://x/").provisional
    for bad in ("nocolon", "Upper:1", ":1", "slideslive:", "site:has space"):
        with pytest.raises(ValueError):
            TalkKey.parse(bad)


def test_a_program_can_add_its_own_site_to_the_registry() -> None:
    class Lectures(SlidesLiveSite):
        name = "lectures"
        priority = 200

        def talk_key(self, url: str) -> TalkKey | None:
            return TalkKey("lectures", url.rsplit("/", 1)[1]) if url.startswith("https://lectures.example/") else None

    registry = Registry.default(SETTINGS).with_site(Lectures(SETTINGS))
    assert registry.sites[0].name == "lectures"
    assert registry.talk_key("https://lectures.example/42") == TalkKey("lectures", "42")
    assert registry.talk_key("https://slideslive.com/38925850") == TalkKey("slideslive", "38925850")
    with pytest.raises(ValueError, match="share a name"):
        Registry([SlidesLiveSite(SETTINGS), SlidesLiveSite(SETTINGS)])
