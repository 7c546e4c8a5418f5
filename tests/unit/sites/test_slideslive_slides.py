"""The SlidesLive slide-list parsers (slides JSON and XML),
against the real-world shapes listed in docs/slideslive.md."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from confarchive.core.errors import ConfarchiveError
from confarchive.sites.slideslive.data import (
    RawSlide,
    SlideList,
    parse_slides_json,
    parse_slides_xml,
)

PLAYER_URL = "https://slideslive.com/player/38897546?player_token=abc"
SLIDES_JSON_URL = "https://slides.slideslive.com/38897546/v5/slides.json?1642065757"
SLIDES_XML_URL = "https://slides.slideslive.com/38897546/38897546.xml?1642065757"


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
