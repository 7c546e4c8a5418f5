"""The SlidesLive answer parsers, against the real-world shapes listed in docs/slideslive.md."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from confarchive.errors import ConfarchiveError
from confarchive.sites.slideslive.data import (
    PlayerInfo,
    RawSlide,
    SlideList,
    Subtitle,
    parse_player_info,
    parse_slides_json,
    parse_slides_xml,
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


# -- slides JSON ----------------------------------------------------------------------------------------


def _json(data: object) -> bytes:
    return json.dumps(data).encode()


def test_slides_json_image_slides_with_qualities_and_extname() -> None:
    body = _json(
        {
            "slide_qualities": ["big", "medium"],
            "slides": [
                {
                    "type": "image",
                    "time": 0,
                    "image": {"name": "X52r__1637863423__0000__Adfi", "extname": ".png"},
                },
                {"type": "image", "time": 4217, "image": {"name": "X52r__1637863423__0001__Bxyz"}},
            ],
        }
    )
    result = parse_slides_json(body, SLIDES_JSON_URL)
    assert result == SlideList(
        slides=(
            RawSlide(order=0, time_ms=0, kind="image", name="X52r__1637863423__0000__Adfi", extname=".png"),
            RawSlide(order=1, time_ms=4217, kind="image", name="X52r__1637863423__0001__Bxyz", extname=None),
        ),
        qualities=("big", "medium"),
    )


def test_slides_json_without_qualities() -> None:
    body = _json({"slides": [{"type": "image", "time": 12, "image": {"name": "a"}}]})
    result = parse_slides_json(body, SLIDES_JSON_URL)
    assert result.qualities == ()
    assert [(s.time_ms, s.name) for s in result.slides] == [(12, "a")]


def test_slides_json_video_slide_without_image_key() -> None:
    body = _json(
        {
            "slides": [
                {"type": "image", "time": 0, "image": {"name": "first"}},
                {
                    "type": "video",
                    "time": 65432,
                    "video": {
                        "service": "yoda",
                        "id": "vvzVOxYp_ynO",
                        "duration_ms": 21280,
                        "muted": True,
                        "resolution": {"width": 1920, "height": 1080},
                    },
                },
                {"type": "image", "time": 86712, "image": {"name": "after"}},
            ]
        }
    )
    result = parse_slides_json(body, SLIDES_JSON_URL)
    assert len(result.slides) == 3
    video = result.slides[1]
    assert video.kind == "video"
    assert video.order == 1
    assert video.time_ms == 65432
    assert video.name is None
    assert video.extname is None
    assert video.video_id == "vvzVOxYp_ynO"
    assert result.slides[2].name == "after"
    assert result.slides[2].video_id is None


def test_slides_json_keeps_source_order_and_exact_milliseconds() -> None:
    times = [0, 999, 1001, 1500, 59999, 3600001]
    body = _json({"slides": [{"type": "image", "time": t, "image": {"name": f"s{t}"}} for t in times]})
    result = parse_slides_json(body, SLIDES_JSON_URL)
    assert [s.time_ms for s in result.slides] == times
    assert [s.order for s in result.slides] == list(range(len(times)))
    assert [s.name for s in result.slides] == [f"s{t}" for t in times]


def test_slides_json_unsorted_source_is_not_reordered() -> None:
    body = _json(
        {
            "slides": [
                {"type": "image", "time": 5000, "image": {"name": "b"}},
                {"type": "image", "time": 1000, "image": {"name": "a"}},
            ]
        }
    )
    result = parse_slides_json(body, SLIDES_JSON_URL)
    assert [(s.order, s.time_ms, s.name) for s in result.slides] == [(0, 5000, "b"), (1, 1000, "a")]


@pytest.mark.parametrize(("raw", "expected"), [(4217.0, 4217), (4216.6, 4217), ("4217", 4217), (" 80 ", 80)])
def test_slides_json_time_number_forms(raw: object, expected: int) -> None:
    body = _json({"slides": [{"type": "image", "time": raw, "image": {"name": "a"}}]})
    assert parse_slides_json(body, SLIDES_JSON_URL).slides[0].time_ms == expected


def test_slides_json_missing_type_means_image() -> None:
    body = _json({"slides": [{"time": 3, "image": {"name": "a", "extname": ".jpg"}}]})
    slide = parse_slides_json(body, SLIDES_JSON_URL).slides[0]
    assert slide.kind == "image"
    assert slide.extname == ".jpg"


def test_slides_json_empty_slides_list() -> None:
    assert parse_slides_json(b'{"slides": []}', SLIDES_JSON_URL) == SlideList(())


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b"\xff\xfe\x00garbage",
        b"<?xml version='1.0'?><Error><Code>AccessDenied</Code></Error>",
        b"<html><body>403 Forbidden</body></html>",
        b"[]",
        b'"slides"',
        b"{}",
        b'{"slides": {"0": {}}}',
        b'{"slides": null}',
        b'{"slides": [42]}',
        b'{"slides": [{"type": "image", "image": {"name": "a"}}]}',  # no time
        b'{"slides": [{"type": "image", "time": null, "image": {"name": "a"}}]}',
        b'{"slides": [{"type": "image", "time": true, "image": {"name": "a"}}]}',
        b'{"slides": [{"type": "image", "time": "soon", "image": {"name": "a"}}]}',
        b'{"slides": [{"type": "image", "time": NaN, "image": {"name": "a"}}]}',
        b'{"slides": [{"type": "image", "time": 5}]}',  # image slide without image
        b'{"slides": [{"type": "image", "time": 5, "image": {"extname": ".png"}}]}',
        b'{"slides": [{"type": "image", "time": 5, "image": "a.png"}]}',
    ],
)
def test_slides_json_malformed_names_the_url(body: bytes) -> None:
    with pytest.raises(ConfarchiveError) as exc_info:
        parse_slides_json(body, SLIDES_JSON_URL)
    assert SLIDES_JSON_URL in str(exc_info.value)


@pytest.mark.parametrize(
    "time_literal",
    [
        "1e999",  # JSON number that overflows to infinity
        "Infinity",
        '"--5"',
        '"²"',  # str.isdigit() is True for superscripts, int() refuses them
    ],
)
def test_slides_json_unusable_time_is_a_confarchive_error(time_literal: str) -> None:
    body = ('{"slides": [{"type": "image", "time": ' + time_literal + ', "image": {"name": "a"}}]}').encode()
    with pytest.raises(ConfarchiveError) as exc_info:
        parse_slides_json(body, SLIDES_JSON_URL)
    assert SLIDES_JSON_URL in str(exc_info.value)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)
_slide_like = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["image", "video", "text"]) | _json_values,
        "time": _json_values,
        "image": st.fixed_dictionaries({}, optional={"name": _json_values, "extname": _json_values}) | _json_values,
        "video": st.fixed_dictionaries(
            {}, optional={"id": _json_values, "service": _json_values, "duration_ms": _json_values}
        )
        | _json_values,
    },
)


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(st.fixed_dictionaries({"slides": st.lists(_slide_like, max_size=4)}, optional={"x": _json_values}))
def test_slides_json_any_shape_parses_or_raises_confarchive_error(data: dict[str, object]) -> None:
    """A broken answer fails here with a message naming the URL, never as another exception."""
    body = json.dumps(data).encode()
    try:
        result = parse_slides_json(body, SLIDES_JSON_URL)
    except ConfarchiveError as exc:
        assert SLIDES_JSON_URL in str(exc)
    else:
        assert len(result.slides) == len(data["slides"])  # type: ignore[arg-type]
        for slide in result.slides:
            assert isinstance(slide.time_ms, int)
            assert slide.kind != "image" or slide.name


# -- slides XML -----------------------------------------------------------------------------------------


def _xml_slide(order: int | None, time_ms: int | None, name: str, time_sec: int | None = None) -> str:
    parts = []
    if order is not None:
        parts.append(f"<orderId>{order}</orderId>")
    if time_sec is not None:
        parts.append(f"<timeSec>{time_sec}</timeSec>")
    if time_ms is not None:
        parts.append(f"<time>{time_ms}</time>")
    parts.append(f"<slideName>{name}</slideName>")
    return "<slide>" + "".join(parts) + "</slide>"


def test_slides_xml_uses_millisecond_time_not_seconds() -> None:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<videoContent>'
        + _xml_slide(1, 0, "00001", 0)
        + _xml_slide(2, 4217, "00002", 4)
        + _xml_slide(3, 9999, "00003", 9)
        + "</videoContent>"
    ).encode()
    result = parse_slides_xml(body, SLIDES_XML_URL)
    assert result == SlideList(
        (
            RawSlide(order=1, time_ms=0, kind="image", name="00001"),
            RawSlide(order=2, time_ms=4217, kind="image", name="00002"),
            RawSlide(order=3, time_ms=9999, kind="image", name="00003"),
        )
    )


def test_slides_xml_unsorted_document_keeps_order_ids() -> None:
    body = (
        "<videoContent>"
        + _xml_slide(3, 20500, "0-0003", 20)
        + _xml_slide(1, 0, "0-0001", 0)
        + _xml_slide(2, 7250, "0-0002", 7)
        + "</videoContent>"
    ).encode()
    slides = parse_slides_xml(body, SLIDES_XML_URL).slides
    by_name = {s.name: (s.order, s.time_ms) for s in slides}
    assert by_name == {"0-0001": (1, 0), "0-0002": (2, 7250), "0-0003": (3, 20500)}
    ordered = sorted(slides, key=lambda s: (s.time_ms, s.order))
    assert [s.name for s in ordered] == ["0-0001", "0-0002", "0-0003"]


def test_slides_xml_order_id_breaks_ties_between_equal_times() -> None:
    body = ("<videoContent>" + _xml_slide(2, 5000, "b") + _xml_slide(1, 5000, "a") + "</videoContent>").encode()
    slides = parse_slides_xml(body, SLIDES_XML_URL).slides
    assert sorted((s.time_ms, s.order, s.name) for s in slides) == [(5000, 1, "a"), (5000, 2, "b")]


def test_slides_xml_without_order_id_uses_document_position() -> None:
    body = ("<videoContent>" + _xml_slide(None, 10, "x") + _xml_slide(None, 20, "y") + "</videoContent>").encode()
    assert [(s.order, s.name) for s in parse_slides_xml(body, SLIDES_XML_URL).slides] == [(0, "x"), (1, "y")]


def test_slides_xml_falls_back_to_time_sec_when_time_missing() -> None:
    body = ("<videoContent>" + _xml_slide(1, None, "00001", time_sec=12) + "</videoContent>").encode()
    assert parse_slides_xml(body, SLIDES_XML_URL).slides[0].time_ms == 12000


def test_slides_xml_strips_whitespace_in_names() -> None:
    body = (
        b"<videoContent><slide><orderId>1</orderId><time> 40 </time>"
        b"<slideName>\n  00001 \n</slideName></slide></videoContent>"
    )
    slide = parse_slides_xml(body, SLIDES_XML_URL).slides[0]
    assert (slide.name, slide.time_ms) == ("00001", 40)


def test_slides_xml_empty_video_content() -> None:
    assert parse_slides_xml(b"<videoContent></videoContent>", SLIDES_XML_URL).slides == ()


def test_slides_xml_access_denied_error_document() -> None:
    body = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b"<Error><Code>AccessDenied</Code><Message>Access Denied</Message>"
        b"<RequestId>4442587FB7D0A2F9</RequestId><HostId>abc=</HostId></Error>"
    )
    with pytest.raises(ConfarchiveError) as exc_info:
        parse_slides_xml(body, SLIDES_XML_URL)
    assert SLIDES_XML_URL in str(exc_info.value)
    assert "AccessDenied" in str(exc_info.value)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<videoContent><slide>",
        b'{"slides": []}',
        b"<videoContent><slide><orderId>1</orderId><time>5</time></slide></videoContent>",  # no name
        b"<videoContent><slide><slideName>a</slideName></slide></videoContent>",  # no time
        b"<videoContent><slide><time>soon</time><slideName>a</slideName></slide></videoContent>",
        b"<videoContent><slide><time>--5</time><slideName>a</slideName></slide></videoContent>",
        "<videoContent><slide><time>²</time><slideName>a</slideName></slide></videoContent>".encode(),
    ],
)
def test_slides_xml_malformed_names_the_url(body: bytes) -> None:
    with pytest.raises(ConfarchiveError) as exc_info:
        parse_slides_xml(body, SLIDES_XML_URL)
    assert SLIDES_XML_URL in str(exc_info.value)
