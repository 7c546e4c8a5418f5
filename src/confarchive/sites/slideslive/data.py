"""Parsers for what the SlidesLive API answers: player info, slides JSON, slides XML.

These are the schema checks at the boundary: a changed or broken answer fails here, in one place,
with a message naming the URL, instead of as a ``KeyError`` deep in the merge. Pure functions, so
the unit tests are tables of real-world shapes.
"""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ...core.errors import ConfarchiveError
from ...core.model import Subtitle


@dataclass(frozen=True)
class PlayerInfo:
    """The fields of the player endpoint's answer that confarchive uses."""

    presentation_id: str | None
    title: str | None
    service_name: str | None
    video_id: str | None
    video_servers: tuple[str, ...] = ()
    slides_json_url: str | None = None
    slides_xml_url: str | None = None
    subtitles: tuple[Subtitle, ...] = ()


@dataclass(frozen=True)
class RawSlide:
    """A slide as the API lists it; ``order`` keeps the source order for equal times."""

    order: int
    time_ms: int
    kind: str  # "image" or "video"
    name: str | None
    extname: str | None = None
    video_id: str | None = None


@dataclass(frozen=True)
class SlideList:
    slides: tuple[RawSlide, ...]
    qualities: tuple[str, ...] = ()


def _json_list(value: str, what: str, url: str) -> list[object]:
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as exc:
        raise ConfarchiveError(f"player info from {url}: {what} is not JSON") from exc
    if not isinstance(parsed, list):
        raise ConfarchiveError(f"player info from {url}: {what} is not a JSON list")
    return parsed


def _subtitles(items: list[object], url: str) -> tuple[Subtitle, ...]:
    subs = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("webvtt_url"), str):
            subs.append(Subtitle(str(item.get("language") or "und"), item["webvtt_url"]))
    return tuple(subs)


def parse_player_info(text: str, url: str) -> PlayerInfo:
    """Parse the ``#EXTM3U`` / ``#EXT-SL-*`` answer (2021+) or the older JSON answer."""
    stripped = text.lstrip("\ufeff \r\n\t")
    if stripped.startswith("{"):
        return _parse_legacy_json(stripped, url)
    if not stripped.startswith("#EXTM3U"):
        raise ConfarchiveError(f"player info from {url} is neither #EXTM3U text nor JSON")
    tags: dict[str, str] = {}
    for line in stripped.splitlines():
        if line.startswith("#EXT-SL-") and ":" in line:
            name, value = line[len("#EXT-SL-") :].split(":", 1)
            tags.setdefault(name.strip(), value.strip())
    servers = tags.get("VOD-VIDEO-SERVERS")
    subs = tags.get("VOD-SUBTITLES")
    return PlayerInfo(
        presentation_id=tags.get("PRESENTATION-ID"),
        title=tags.get("PRESENTATION-TITLE") or None,
        service_name=tags.get("VOD-VIDEO-SERVICE-NAME") or None,
        video_id=tags.get("VOD-VIDEO-ID") or None,
        video_servers=tuple(str(s) for s in _json_list(servers, "VIDEO-SERVERS", url)) if servers else (),
        slides_json_url=tags.get("VOD-SLIDES-JSON-URL") or None,
        slides_xml_url=tags.get("VOD-SLIDES-XML-URL") or None,
        subtitles=_subtitles(_json_list(subs, "SUBTITLES", url), url) if subs else (),
    )


def _parse_legacy_json(text: str, url: str) -> PlayerInfo:
    """The pre-2021 answer: ``{"video_service_name", "video_service_id", "slides_json_url", ...}``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfarchiveError(f"player info from {url} is malformed JSON") from exc
    if not isinstance(data, dict):
        raise ConfarchiveError(f"player info from {url} is not a JSON object")

    def text_field(name: str) -> str | None:
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, str | int):
            return None
        return str(value) or None

    servers = data.get("video_servers") or data.get("video_service_servers") or []
    subs = data.get("subtitles") or []
    return PlayerInfo(
        presentation_id=text_field("presentation_id") or text_field("id"),
        title=text_field("title"),
        service_name=text_field("video_service_name"),
        video_id=text_field("video_service_id"),
        video_servers=tuple(str(s) for s in servers) if isinstance(servers, list) else (),
        slides_json_url=text_field("slides_json_url"),
        slides_xml_url=text_field("slides_xml_url"),
        subtitles=_subtitles(subs if isinstance(subs, list) else [], url),
    )


def _int_ms(value: object) -> int | None:
    """An integer from JSON/XML, or None for anything else (NaN, infinity, "--5", "²", booleans)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return round(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]+\s*", value):
        return int(value)
    return None


def parse_slides_json(body: bytes, url: str) -> SlideList:
    """``{"slide_qualities": [...], "slides": [{"type", "time", "image"|"video"}]}``."""
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfarchiveError(f"slides JSON from {url} is malformed") from exc
    if not isinstance(data, dict) or not isinstance(data.get("slides"), list):
        raise ConfarchiveError(f"slides JSON from {url} has no 'slides' list")
    slides = []
    for order, item in enumerate(data["slides"]):
        if not isinstance(item, dict):
            raise ConfarchiveError(f"slides JSON from {url}: slide {order + 1} is not an object")
        time_ms = _int_ms(item.get("time"))
        if time_ms is None:
            raise ConfarchiveError(f"slides JSON from {url}: slide {order + 1} has no millisecond 'time'")
        kind = str(item.get("type") or "image")
        image = item.get("image") if isinstance(item.get("image"), dict) else None
        video = item.get("video") if isinstance(item.get("video"), dict) else None
        name = str(image["name"]) if image and image.get("name") else None
        if kind == "image" and name is None:
            raise ConfarchiveError(f"slides JSON from {url}: image slide {order + 1} has no image name")
        slides.append(
            RawSlide(
                order=order,
                time_ms=time_ms,
                kind=kind,
                name=name,
                extname=str(image["extname"]) if image and image.get("extname") else None,
                video_id=str(video["id"]) if video and video.get("id") else None,
            )
        )
    qualities = data.get("slide_qualities")
    quals = tuple(str(q) for q in qualities) if isinstance(qualities, list) else ()
    return SlideList(tuple(slides), quals)


def parse_slides_xml(body: bytes, url: str) -> SlideList:
    """``<videoContent><slide><orderId/><timeSec/><time/><slideName/></slide>...``; ``time`` is in ms."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise ConfarchiveError(f"slides XML from {url} is malformed: {exc}") from exc
    if root.tag == "Error":
        code = root.findtext("Code") or "error"
        raise ConfarchiveError(f"slides XML from {url} answered {code}")
    if root.tag != "videoContent":
        raise ConfarchiveError(f"slides XML from {url} is <{root.tag}>, not <videoContent>")
    slides = []
    for position, node in enumerate(root.iter("slide")):
        order = _int_ms(node.findtext("orderId"))
        order = position if order is None else order
        name = (node.findtext("slideName") or "").strip()
        time_ms = _int_ms(node.findtext("time"))
        if time_ms is None:
            seconds = _int_ms(node.findtext("timeSec"))
            time_ms = None if seconds is None else seconds * 1000
        if not name or time_ms is None:
            raise ConfarchiveError(f"slides XML from {url}: slide {position + 1} lacks slideName or time")
        slides.append(RawSlide(order=order, time_ms=time_ms, kind="image", name=name))
    return SlideList(tuple(slides))
