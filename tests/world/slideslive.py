"""The fixture SlidesLive: embed and public pages, the player endpoint, slides JSON/XML, image hosts.

Each answer follows docs/slideslive.md, including the ugly parts: 401 without a token, 403
``AccessDenied`` XML bodies, the pre-2021 JSON player answer, the domain lock redirect, video slides
without an ``image`` key, XML in unsorted document order.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from .catalog import YODA_HOST, FixtureTalk
from .pages import embed_page, public_page
from .renderers import EMBED_JS
from .server import Request, Response

if TYPE_CHECKING:
    from . import World

ACCESS_DENIED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
    b"<Message>Access Denied</Message><RequestId>FIXTURE</RequestId></Error>"
)
HTML = "text/html; charset=utf-8"


def token_for(pid: str) -> str:
    """A JWT-shaped player token bound to the presentation."""
    payload = base64.urlsafe_b64encode(json.dumps({"pid": pid, "exp": 4102444800}).encode()).rstrip(b"=")
    return f"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.{payload.decode()}.Zml4dHVyZS1zaWduYXR1cmU"


def video_id(talk: FixtureTalk) -> str:
    return f"Y{talk.pid}_fx"


def quality_for(talk: FixtureTalk) -> str:
    return "big" if "big" in talk.qualities else talk.qualities[0]


def subtitles_url(talk: FixtureTalk) -> str:
    return f"https://cdn.slideslive.com/data/presentations/{talk.pid}/subtitles/en.vtt"


def denied() -> Response:
    return Response(403, ACCESS_DENIED, "application/xml")


class SlidesLiveRoutes:
    def __init__(self, world: World) -> None:
        self.world = world

    def handlers(self) -> dict[str, Callable[[Request], Response | None]]:
        return {
            "slideslive.com": self.main_host,
            "ben.slideslive.com": self.ben_host,
            "slides.slideslive.com": self.slides_host,
            "rs.slideslive.com": self.rs_host,
            "cdn.slideslive.com": self.cdn_host,
        }

    def _talk(self, pid: str) -> FixtureTalk | None:
        return self.world.by_pid.get(pid)

    # -- slideslive.com ----------------------------------------------------------------------------
    def main_host(self, req: Request) -> Response | None:
        if m := re.fullmatch(r"/embed/presentation/(\d+)", req.path):
            return self._embed(req, m.group(1))
        if req.path == "/embed_presentation.js":
            return Response(body=EMBED_JS.encode(), content_type="application/javascript")
        if m := re.fullmatch(r"/player/(\d+)/slides_video_service_data", req.path):
            talk = self._talk(m.group(1))
            return self._video_service_data(req, talk) if talk else None
        if m := re.fullmatch(r"/player/(\d+)", req.path):
            talk = self._talk(m.group(1))
            return None if talk is None or talk.player == "ben" else self._player(req, talk)
        if m := re.fullmatch(r"/(\d+)(?:/[\w-]+)?", req.path):
            talk = self._talk(m.group(1))
            return Response(body=public_page(talk, token_for(talk.pid)).encode(), content_type=HTML) if talk else None
        return None

    def _embed(self, req: Request, pid: str) -> Response | None:
        talk = self._talk(pid)
        if talk is None:
            return None
        if talk.domain_lock and "domain_not_allowed" not in req.query:
            referer_host = urlsplit(req.headers.get("referer", "")).hostname
            if referer_host != talk.domain_lock:
                query = urlencode({"domain_not_allowed": "1", "allowed_domains[]": talk.domain_lock})
                return Response(302, b"", headers={"Location": f"/embed/presentation/{pid}?{query}"})
        if "domain_not_allowed" in req.query:
            return Response(
                body=b"<html><body>This presentation cannot be embedded here.</body></html>", content_type=HTML
            )
        return Response(body=embed_page(talk, token_for(talk.pid)).encode(), content_type=HTML)

    def ben_host(self, req: Request) -> Response | None:
        m = re.fullmatch(r"/player/(\d+)", req.path)
        talk = self._talk(m.group(1)) if m else None
        return self._player(req, talk) if talk else None

    def _player(self, req: Request, talk: FixtureTalk) -> Response:
        if req.query.get("player_token", [""])[0] != token_for(talk.pid):
            return Response(401, b'{"error":"unauthorized"}', "application/json")
        pid = talk.pid
        media_url = f"https://media.fixture.invalid/{'private' if talk.login else 'talks'}/{pid}.m4a"
        service, vid = ("yoda", video_id(talk)) if talk.media == "yoda" else ("url", media_url)
        json_url = f"https://slides.slideslive.com/{pid}/v5/slides.json?1642065757"
        subs = [{"language": "en", "webvtt_url": subtitles_url(talk)}] if talk.subtitles else []
        if talk.player_format == "legacy":
            body = {
                "video_service_name": service, "video_service_id": vid, "title": talk.title,
                "thumbnail": f"https://cdn.slideslive.com/data/presentations/{pid}/thumb.jpg", "is_live": False,
                "subtitles": subs, "slides_json_url": json_url,
            }  # fmt: skip
            return Response(body=json.dumps(body).encode(), content_type="application/json")
        lines = [
            "#EXTM3U", "#EXT-SL-VERSION:1", f"#EXT-SL-PRESENTATION-ID:{pid}",
            f"#EXT-SL-PRESENTATION-TITLE:{talk.title}",
            "#EXT-SL-PRESENTATION-UPDATED-AT:2021-04-18T22:58:35Z",
            f"#EXT-SL-PRESENTATION-THUMBNAIL:https://cdn.slideslive.com/data/presentations/{pid}/thumb.jpg?1618786713",
            "#EXT-SL-PLAYLIST-TYPE:vod", f"#EXT-SL-VOD-VIDEO-SERVICE-NAME:{service}", f"#EXT-SL-VOD-VIDEO-ID:{vid}",
        ]  # fmt: skip
        if service == "yoda":
            lines.append(f'#EXT-SL-VOD-VIDEO-SERVERS:["{YODA_HOST}"]')
        if subs:
            lines.append(f"#EXT-SL-VOD-SUBTITLES:{json.dumps(subs)}")
        lines.append(f"#EXT-SL-VOD-SLIDES-JSON-URL:{json_url}")
        lines.append(f"#EXT-SL-VOD-SLIDES-XML-URL:https://slides.slideslive.com/{pid}/{pid}.xml?1642065757")
        return Response(body=("\n".join(lines) + "\n").encode(), content_type="application/x-mpegurl; charset=utf-8")

    def _video_service_data(self, req: Request, talk: FixtureTalk) -> Response:
        if req.query.get("player_token", [""])[0] != token_for(talk.pid):
            return Response(401, b'{"error":"unauthorized"}', "application/json")
        asked = req.query.get("videos", [""])[0].split(",")
        known = {talk.clip_id(n): {"video_servers": [YODA_HOST]} for n, ok in talk.video_slides if ok}
        return Response(
            body=json.dumps({v: known[v] for v in asked if v in known}).encode(), content_type="application/json"
        )

    # -- slides.slideslive.com, rs., cdn. ----------------------------------------------------------
    def slides_host(self, req: Request) -> Response | None:
        if m := re.fullmatch(r"/(\d+)/v5/slides\.json", req.path):
            talk = self._talk(m.group(1))
            if talk is None:
                return None
            if talk.slides == "xml":
                return denied()
            return Response(body=self._slides_json(talk), content_type="application/json")
        if m := re.fullmatch(r"/(\d+)/(\d+)\.xml", req.path):
            talk = self._talk(m.group(1))
            return Response(body=self._slides_xml(talk), content_type="application/xml") if talk else None
        if m := re.fullmatch(r"/(\d+)/slides/original/([\w-]+)(\.png|\.jpg)", req.path):
            talk = self._talk(m.group(1))
            if talk is None:
                return None
            if talk.images != "original":
                return denied()
            return self._image(talk, m.group(2), m.group(3))
        return None

    def rs_host(self, req: Request) -> Response | None:
        m = re.fullmatch(r"/(\d+)/slides/([\w-]+)\.png", req.path)
        talk = self._talk(m.group(1)) if m else None
        if talk is None or m is None or talk.images not in ("rs", "original"):
            return None
        return self._image(talk, m.group(2), None, convert="PNG")  # resized on the fly: always PNG

    def cdn_host(self, req: Request) -> Response | None:
        if m := re.fullmatch(r"/data/presentations/(\d+)/subtitles/en\.vtt", req.path):
            talk = self._talk(m.group(1))
            return (
                Response(body=self.world.subtitles(talk), content_type="text/vtt") if talk and talk.subtitles else None
            )
        m = re.fullmatch(r"/data/presentations/(\d+)/slides/(\w+)/([\w-]+)\.jpg", req.path)
        talk = self._talk(m.group(1)) if m else None
        if talk is None or m is None or talk.images != "cdn" or m.group(2) != quality_for(talk):
            return None
        return self._image(talk, m.group(3), ".jpg")

    def _image(self, talk: FixtureTalk, name: str, ext: str | None, convert: str | None = None) -> Response | None:
        for n in range(1, len(talk.slide_times_ms) + 1):
            if talk.video_slide(n) is None and talk.image_name(n) == name and ext in (None, talk.image_ext(n)):
                data = self.world.slide_bytes(talk, n, convert)
                fmt = convert or talk.image_format(n)
                return Response(body=data, content_type="image/jpeg" if fmt == "JPEG" else "image/png")
        return None

    def _slides_json(self, talk: FixtureTalk) -> bytes:
        slides: list[dict[str, object]] = []
        for n, time_ms in enumerate(talk.sorted_times, 1):
            if talk.video_slide(n) is not None:  # no "image" key at all: tools that assumed one crashed
                video = {"service": "yoda", "id": talk.clip_id(n), "duration_ms": 3000, "muted": True,
                         "resolution": {"width": 640, "height": 360}}  # fmt: skip
                slides.append({"type": "video", "time": time_ms, "video": video})
                continue
            image: dict[str, str] = {"name": talk.image_name(n)}
            if n % 2 or talk.image_ext(n) != ".png":  # extname is optional in the real answers (.png implied)
                image["extname"] = talk.image_ext(n)
            slides.append({"type": "image", "time": time_ms, "image": image})
        return json.dumps({"slide_qualities": list(talk.qualities), "slides": slides}).encode()

    def _slides_xml(self, talk: FixtureTalk) -> bytes:
        rank = {t: n for n, t in enumerate(talk.sorted_times, 1)}
        parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<videoContent>']
        for time_ms in talk.slide_times_ms:  # document order as listed: deliberately unsorted
            n = rank[time_ms]
            parts.append(
                f"<slide><orderId>{n}</orderId><timeSec>{time_ms // 1000}</timeSec><time>{time_ms}</time>"
                f"<slideName>{talk.image_name(n)}</slideName></slide>"
            )
        parts.append("</videoContent>\n")
        return "\n".join(parts).encode()
