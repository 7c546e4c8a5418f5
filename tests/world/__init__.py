"""The fixture world: a local imitation of conference sites and the SlidesLive API (docs/formats.md).

``World`` starts one HTTP server on 127.0.0.1 (port 0), generates the media with real ffmpeg, and
writes the URL-rewrite configuration that sends confarchive there. pytest and ``scripts/demo`` both
use it, through ``python -m tests.world serve`` or directly.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from pathlib import Path

from .assets import make_hls, make_m4a, slide_image
from .catalog import ALL_HOSTS, MEDIA_HOST, TALKS, YODA_HOST, FixtureTalk
from .pages import embed_page, poster_page, public_page
from .server import Request, Response, WorldHTTPServer, WorldState

__all__ = ["TALKS", "FixtureTalk", "Request", "Response", "World"]

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


class World:
    def __init__(self, cache_dir: Path, talks: tuple[FixtureTalk, ...] = TALKS) -> None:
        self.cache = cache_dir
        self.talks = {t.name: t for t in talks}
        self.by_pid = {t.pid: t for t in talks if t.has_video}
        self.by_page = {(t.page_host, t.page_path): t for t in talks}
        self.state = WorldState(self._route)
        self._server: WorldHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------------
    def start(self) -> World:
        self.cache.mkdir(parents=True, exist_ok=True)
        for talk in self.by_pid.values():
            self.media_path(talk)  # generate up front: the first request must not wait for ffmpeg
        self._server = WorldHTTPServer(self.state)
        self._thread = threading.Thread(target=self._server.serve_forever, name="fixture-world", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- what the production code is given --------------------------------------------------------
    def rewrites(self) -> list[tuple[str, str]]:
        return [(f"https://{host}/", f"{self.base}/{host}/") for host in ALL_HOSTS]

    def config_toml(self, extra: str = "") -> str:
        lines = [
            f'[[rewrite]]\nprefix = "{prefix}"\nreplacement = "{replacement}"\n'
            for prefix, replacement in self.rewrites()
        ]
        return "\n".join(lines) + extra

    def urls(self) -> list[str]:
        return [t.url for t in self.talks.values()]

    # -- assets ------------------------------------------------------------------------------------
    def media_path(self, talk: FixtureTalk) -> Path:
        if talk.media == "yoda":
            return make_hls(talk, self.cache / "hls" / video_id(talk))
        return make_m4a(talk, self.cache / "m4a" / f"{talk.pid}.m4a")

    def slide_png(self, talk: FixtureTalk, n: int) -> bytes:
        return slide_image(talk.pid, n)

    def expected_paths(self, talk: FixtureTalk) -> set[str]:
        """Every path a complete archive of ``talk`` must have requested (nothing reached elsewhere)."""
        pid = talk.pid
        paths = {f"/slideslive.com/embed/presentation/{pid}"}
        if not talk.page.startswith("slideslive-"):
            paths.add(f"/{talk.page_host}{talk.page_path}")
        paths.add(f"/{'ben.' if talk.player == 'ben' else ''}slideslive.com/player/{pid}")
        paths.add(
            f"/slides.slideslive.com/{pid}/{pid}.xml"
            if talk.slides == "xml"
            else f"/slides.slideslive.com/{pid}/v5/slides.json"
        )
        for n in range(1, len(talk.slide_times_ms) + 1):
            name = talk.image_name(n)
            host = "rs.slideslive.com" if talk.images == "rs" else "slides.slideslive.com"
            paths.add(
                f"/{host}/{pid}/slides/{name}.png"
                if talk.images == "rs"
                else f"/{host}/{pid}/slides/original/{name}.png"
            )
        if talk.media == "yoda":
            folder = self.media_path(talk).parent
            paths.add(f"/{YODA_HOST}/{video_id(talk)}/master.m3u8")
            paths.add(f"/{YODA_HOST}/{video_id(talk)}/audio/index.m3u8")
            for seg in sorted((folder / "audio").glob("*.ts")):
                paths.add(f"/{YODA_HOST}/{video_id(talk)}/audio/{seg.name}")
        else:
            paths.add(f"/{MEDIA_HOST}/talks/{pid}.m4a")
        return paths

    # -- routing -----------------------------------------------------------------------------------
    def _route(self, req: Request) -> Response | None:
        handler = {
            "slideslive.com": self._slideslive,
            "ben.slideslive.com": self._ben,
            "slides.slideslive.com": self._slides_host,
            "rs.slideslive.com": self._rs_host,
            YODA_HOST: self._yoda,
            MEDIA_HOST: self._media_host,
        }.get(req.host, self._conference)
        return handler(req)

    def _conference(self, req: Request) -> Response | None:
        talk = self.by_page.get((req.host, req.path))
        if talk is None:
            return None
        return Response(body=poster_page(talk).encode(), content_type=HTML)

    def _slideslive(self, req: Request) -> Response | None:
        if m := re.fullmatch(r"/embed/presentation/(\d+)", req.path):
            talk = self.by_pid.get(m.group(1))
            return Response(body=embed_page(talk, token_for(talk.pid)).encode(), content_type=HTML) if talk else None
        if m := re.fullmatch(r"/player/(\d+)", req.path):
            talk = self.by_pid.get(m.group(1))
            return None if talk is None or talk.player == "ben" else self._player(req, talk)
        if m := re.fullmatch(r"/(\d+)(?:/[\w-]+)?", req.path):
            talk = self.by_pid.get(m.group(1))
            return Response(body=public_page(talk, token_for(talk.pid)).encode(), content_type=HTML) if talk else None
        return None

    def _ben(self, req: Request) -> Response | None:
        m = re.fullmatch(r"/player/(\d+)", req.path)
        talk = self.by_pid.get(m.group(1)) if m else None
        return self._player(req, talk) if talk else None

    def _player(self, req: Request, talk: FixtureTalk) -> Response:
        if req.query.get("player_token", [""])[0] != token_for(talk.pid):
            return Response(401, b'{"error":"unauthorized"}', "application/json")
        pid = talk.pid
        if talk.media == "yoda":
            service = f"#EXT-SL-VOD-VIDEO-SERVICE-NAME:yoda\n#EXT-SL-VOD-VIDEO-ID:{video_id(talk)}\n"
            service += f'#EXT-SL-VOD-VIDEO-SERVERS:["{YODA_HOST}"]\n'
        else:
            service = f"#EXT-SL-VOD-VIDEO-SERVICE-NAME:url\n#EXT-SL-VOD-VIDEO-ID:https://{MEDIA_HOST}/talks/{pid}.m4a\n"
        text = (
            "#EXTM3U\n#EXT-SL-VERSION:1\n"
            f"#EXT-SL-PRESENTATION-ID:{pid}\n#EXT-SL-PRESENTATION-TITLE:{talk.title}\n"
            "#EXT-SL-PRESENTATION-UPDATED-AT:2021-04-18T22:58:35Z\n"
            f"#EXT-SL-PRESENTATION-THUMBNAIL:https://cdn.slideslive.com/data/presentations/{pid}/thumb.jpg?1618786713\n"
            "#EXT-SL-PLAYLIST-TYPE:vod\n"
            f"{service}"
            f"#EXT-SL-VOD-SLIDES-JSON-URL:https://slides.slideslive.com/{pid}/v5/slides.json?1642065757\n"
            f"#EXT-SL-VOD-SLIDES-XML-URL:https://slides.slideslive.com/{pid}/{pid}.xml?1642065757\n"
        )
        return Response(body=text.encode(), content_type="application/x-mpegurl; charset=utf-8")

    def _slides_host(self, req: Request) -> Response | None:
        if m := re.fullmatch(r"/(\d+)/v5/slides\.json", req.path):
            talk = self.by_pid.get(m.group(1))
            if talk is None:
                return None
            if talk.slides == "xml":
                return Response(403, ACCESS_DENIED, "application/xml")
            return Response(body=self._slides_json(talk), content_type="application/json")
        if m := re.fullmatch(r"/(\d+)/(\d+)\.xml", req.path):
            talk = self.by_pid.get(m.group(1))
            return Response(body=self._slides_xml(talk), content_type="application/xml") if talk else None
        if m := re.fullmatch(r"/(\d+)/slides/original/([\w-]+)\.png", req.path):
            talk = self.by_pid.get(m.group(1))
            if talk is None:
                return None
            if talk.images == "rs":
                return Response(403, ACCESS_DENIED, "application/xml")
            return self._image(talk, m.group(2))
        return None

    def _rs_host(self, req: Request) -> Response | None:
        m = re.fullmatch(r"/(\d+)/slides/([\w-]+)\.png", req.path)
        talk = self.by_pid.get(m.group(1)) if m else None
        return self._image(talk, m.group(2)) if talk and m else None

    def _image(self, talk: FixtureTalk, name: str) -> Response | None:
        for n in range(1, len(talk.slide_times_ms) + 1):
            if talk.image_name(n) == name:
                return Response(body=self.slide_png(talk, n), content_type="image/png")
        return None

    def _slides_json(self, talk: FixtureTalk) -> bytes:
        slides = []
        for n, time_ms in enumerate(talk.sorted_times, 1):
            image: dict[str, str] = {"name": talk.image_name(n)}
            if n % 2:  # extname is optional in the real answers
                image["extname"] = ".png"
            slides.append({"type": "image", "time": time_ms, "image": image})
        return json.dumps({"slide_qualities": ["big", "medium", "small"], "slides": slides}).encode()

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

    def _yoda(self, req: Request) -> Response | None:
        m = re.fullmatch(r"/(Y\d+_fx)/((?:audio/|video/)?[\w.]+)", req.path)
        if not m:
            return None
        talk = self.by_pid.get(m.group(1)[1:-3])
        if talk is None or talk.media != "yoda":
            return None
        path = self.media_path(talk).parent / m.group(2)
        if not path.is_file():
            return None
        ctype = "application/vnd.apple.mpegurl" if path.suffix == ".m3u8" else "video/mp2t"
        return Response(file=path, content_type=ctype)

    def _media_host(self, req: Request) -> Response | None:
        m = re.fullmatch(r"/talks/(\d+)\.m4a", req.path)
        talk = self.by_pid.get(m.group(1)) if m else None
        if talk is None or talk.media != "url":
            return None
        return Response(file=self.media_path(talk), content_type="audio/mp4")
