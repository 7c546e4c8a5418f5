"""The SlidesLive player-info parser (#EXTM3U and legacy JSON),
against the real-world shapes listed in docs/slideslive.md."""

from __future__ import annotations

import json

import pytest

from confarchive.core.errors import ConfarchiveError
from confarchive.sites.slideslive.data import (
    PlayerInfo,
    Subtitle,
    parse_player_info,
)

PLAYER_URL = "https://slideslive.com/player/38897546?player_token=abc"
SLIDES_JSON_URL = "https://slides.slideslive.com/38897546/v5/slides.json?1642065757"
SLIDES_XML_URL = "https://slides.slideslive.com/38897546/38897546.xml?1642065757"

FULL_M3U = """#EXTM3U
#EXT-SL-VERSION:1
#EXT-SL-PRESENTATION-ID:38897546
#EXT-SL-PRESENTATION-TITLE:Towards a Deep Network Architecture for Structured Smoothness
#EXT-SL-PRESENTATION-UPDATED-AT:2021-04-18T22:58:35Z
#EXT-SL-PRESENTATION-THUMBNAIL:https://cdn.slideslive.com/data/presentations/38897546/thumb.jpg?1618786713
#EXT-SL-PLAYLIST-TYPE:vod
#EXT-SL-VOD-VIDEO-SERVICE-NAME:yoda
#EXT-SL-VOD-VIDEO-ID:F31OTzeGyDK_
#EXT-SL-VOD-VIDEO-SERVERS:["host1.example","host2.example"]
#EXT-SL-VOD-SUBTITLES:[{"language":"en","webvtt_url":"https://cdn.example/en.vtt"},{"language":"de","webvtt_url":"https://cdn.example/de.vtt"}]
#EXT-SL-VOD-SLIDES-JSON-URL:https://slides.slideslive.com/38897546/v5/slides.json?1642065757
#EXT-SL-VOD-SLIDES-XML-URL:https://slides.slideslive.com/38897546/38897546.xml?1642065757
"""


# -- player info: #EXTM3U ----------------------------------------------------------------------------


def test_player_info_all_tags() -> None:
    info = parse_player_info(FULL_M3U, PLAYER_URL)
    assert info == PlayerInfo(
        presentation_id="38897546",
        title="Towards a Deep Network Architecture for Structured Smoothness",
        service_name="yoda",
        video_id="F31OTzeGyDK_",
        video_servers=("host1.example", "host2.example"),
        slides_json_url="https://slides.slideslive.com/38897546/v5/slides.json?1642065757",
        slides_xml_url="https://slides.slideslive.com/38897546/38897546.xml?1642065757",
        subtitles=(
            Subtitle("en", "https://cdn.example/en.vtt"),
            Subtitle("de", "https://cdn.example/de.vtt"),
        ),
    )


def test_player_info_non_ascii_title_and_colons_in_title() -> None:
    title = "Übersicht: 深層学習と言語 — Ελληνικά: עברית 🚀"
    text = f"#EXTM3U\n#EXT-SL-PRESENTATION-ID:1\n#EXT-SL-PRESENTATION-TITLE:{title}\n"
    assert parse_player_info(text, PLAYER_URL).title == title


def test_player_info_crlf_bom_and_surrounding_whitespace() -> None:
    text = "\ufeff\r\n" + FULL_M3U.replace("\n", "\r\n")
    info = parse_player_info(text, PLAYER_URL)
    assert info.presentation_id == "38897546"
    assert info.video_id == "F31OTzeGyDK_"  # no trailing \r
    assert info.slides_xml_url == SLIDES_XML_URL
    assert info.video_servers == ("host1.example", "host2.example")


@pytest.mark.parametrize(
    ("service", "video_id"),
    [
        ("youtube", "dQw4w9WgXcQ"),
        ("vimeo", "123456789"),
        ("url", "https://media.example.org/talks/38897546.mp4?sig=a:b"),
    ],
)
def test_player_info_other_services_have_no_servers(service: str, video_id: str) -> None:
    text = (
        "#EXTM3U\n#EXT-SL-VERSION:1\n#EXT-SL-PRESENTATION-ID:38897546\n"
        f"#EXT-SL-VOD-VIDEO-SERVICE-NAME:{service}\n#EXT-SL-VOD-VIDEO-ID:{video_id}\n"
    )
    info = parse_player_info(text, PLAYER_URL)
    assert info.service_name == service
    assert info.video_id == video_id  # a direct URL keeps everything after the first colon
    assert info.video_servers == ()
    assert info.subtitles == ()
    assert info.slides_json_url is None
    assert info.slides_xml_url is None
    assert info.title is None


def test_player_info_minimal_has_empty_defaults() -> None:
    info = parse_player_info("#EXTM3U\n", PLAYER_URL)
    assert info == PlayerInfo(None, None, None, None)


def test_player_info_empty_values_become_none() -> None:
    text = "#EXTM3U\n#EXT-SL-PRESENTATION-TITLE:\n#EXT-SL-VOD-VIDEO-ID:   \n#EXT-SL-VOD-SLIDES-JSON-URL:\n"
    info = parse_player_info(text, PLAYER_URL)
    assert info.title is None
    assert info.video_id is None
    assert info.slides_json_url is None


def test_player_info_ignores_unknown_tags_and_other_lines() -> None:
    text = "#EXTM3U\n#EXT-SL-SOMETHING-NEW:{weird}\n#EXT-X-VERSION:3\nplain line\n#EXT-SL-PRESENTATION-ID:38897546\n"
    info = parse_player_info(text, PLAYER_URL)
    assert info.presentation_id == "38897546"
    assert info.service_name is None


def test_player_info_subtitles_skip_items_without_url_and_default_language() -> None:
    subs = [
        {"language": "en", "webvtt_url": "https://x/en.vtt"},
        {"language": "fr"},  # no URL: useless
        "not an object",
        {"webvtt_url": "https://x/unknown.vtt"},  # no language
        {"language": "es", "webvtt_url": None},
    ]
    text = f"#EXTM3U\n#EXT-SL-VOD-SUBTITLES:{json.dumps(subs)}\n"
    info = parse_player_info(text, PLAYER_URL)
    assert info.subtitles == (Subtitle("en", "https://x/en.vtt"), Subtitle("und", "https://x/unknown.vtt"))


def test_player_info_empty_subtitles_array() -> None:
    info = parse_player_info("#EXTM3U\n#EXT-SL-VOD-SUBTITLES:[]\n#EXT-SL-VOD-VIDEO-SERVERS:[]\n", PLAYER_URL)
    assert info.subtitles == ()
    assert info.video_servers == ()


@pytest.mark.parametrize(
    ("line", "what"),
    [
        ("#EXT-SL-VOD-VIDEO-SERVERS:host1.example", "VIDEO-SERVERS"),
        ('#EXT-SL-VOD-VIDEO-SERVERS:{"a": 1}', "VIDEO-SERVERS"),
        ("#EXT-SL-VOD-SUBTITLES:[{broken", "SUBTITLES"),
        ('#EXT-SL-VOD-SUBTITLES:"en"', "SUBTITLES"),
    ],
)
def test_player_info_bad_json_arrays_name_the_url(line: str, what: str) -> None:
    with pytest.raises(ConfarchiveError) as exc_info:
        parse_player_info(f"#EXTM3U\n{line}\n", PLAYER_URL)
    assert PLAYER_URL in str(exc_info.value)
    assert what in str(exc_info.value)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n",
        "<!DOCTYPE html><html><body>401 Unauthorized</body></html>",
        "Unauthorized",
        "#EXT-SL-PRESENTATION-ID:1\n",  # tags without the #EXTM3U header
    ],
)
def test_player_info_garbage_names_the_url(text: str) -> None:
    with pytest.raises(ConfarchiveError) as exc_info:
        parse_player_info(text, PLAYER_URL)
    assert PLAYER_URL in str(exc_info.value)


# -- player info: the legacy JSON answer ---------------------------------------------------------------


def test_player_info_legacy_json() -> None:
    body = json.dumps(
        {
            "video_service_name": "yoda",
            "video_service_id": "F31OTzeGyDK_",
            "title": "Deep Learning für Alle",
            "thumbnail": "https://cdn.slideslive.com/x.jpg",
            "is_live": False,
            "subtitles": [{"language": "en", "webvtt_url": "https://x/en.vtt"}],
            "slides_json_url": SLIDES_JSON_URL,
        },
        ensure_ascii=False,
    )
    info = parse_player_info(body, PLAYER_URL)
    assert info.service_name == "yoda"
    assert info.video_id == "F31OTzeGyDK_"
    assert info.title == "Deep Learning für Alle"
    assert info.subtitles == (Subtitle("en", "https://x/en.vtt"),)
    assert info.slides_json_url == SLIDES_JSON_URL
    assert info.slides_xml_url is None
    assert info.video_servers == ()


def test_player_info_legacy_json_numeric_ids_become_strings() -> None:
    body = '  {"video_service_name": "vimeo", "video_service_id": 123456789, "id": 38897546}'
    info = parse_player_info(body, PLAYER_URL)
    assert info.service_name == "vimeo"
    assert info.video_id == "123456789"
    assert info.presentation_id == "38897546"


def test_player_info_legacy_json_with_servers() -> None:
    body = json.dumps({"video_service_name": "yoda", "video_service_id": "v", "video_servers": ["h1", "h2"]})
    assert parse_player_info(body, PLAYER_URL).video_servers == ("h1", "h2")


@pytest.mark.parametrize("body", ['{"video_service_name": "yoda",', "{not json}"])
def test_player_info_legacy_malformed_names_the_url(body: str) -> None:
    with pytest.raises(ConfarchiveError) as exc_info:
        parse_player_info(body, PLAYER_URL)
    assert PLAYER_URL in str(exc_info.value)
