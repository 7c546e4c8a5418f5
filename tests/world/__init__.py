"""The fixture world: a local imitation of conference sites and the SlidesLive API (docs/sites.md, docs/slideslive.md).

``World`` starts one HTTP server on 127.0.0.1 (port 0), generates the media with real ffmpeg, and
writes the URL-rewrite configuration that sends confarchive there. pytest and ``scripts/demo`` both
use it, through ``python -m tests.world serve`` or directly.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from . import slidetext, speech
from .assets import make_clip, make_hls, make_m4a, make_pdf, make_video, slide_image, webvtt
from .catalog import ACL_HOST, ALL_HOSTS, MEDIA_HOST, PAPER_HOST, SESSION_COOKIE, YODA_HOST, FixtureTalk
from .conferences import ConferenceRoutes
from .papers import PAPER_HOSTS
from .server import Request, Response, WorldHTTPServer, WorldState
from .slideslive import SlidesLiveRoutes, quality_for, subtitles_url, token_for, video_id
from .talks import TALKS

__all__ = ["TALKS", "FixtureTalk", "Request", "Response", "World", "token_for"]


class World:
    def __init__(self, cache_dir: Path, talks: tuple[FixtureTalk, ...] = TALKS) -> None:
        self.cache = cache_dir
        self.talks = {t.name: t for t in talks}
        self.by_pid = {t.pid: t for t in talks if t.slideslive}
        self.by_page = {(t.page_host, t.page_path): t for t in talks}
        # the media host's folder ids: a talk's own media (clip None) and each of its video slides' clips
        self.by_video_id: dict[str, tuple[FixtureTalk, int | None]] = {
            video_id(t): (t, None) for t in self.by_pid.values() if t.media == "yoda"
        }
        for talk in self.by_pid.values():
            self.by_video_id |= {talk.clip_id(n): (talk, n) for n, _ in talk.video_slides}
        self.state = WorldState(self._route)
        self._slideslive = SlidesLiveRoutes(self)
        self._conferences = ConferenceRoutes(self)
        self._server: WorldHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------------
    def start(self, media: bool = True) -> World:
        """Serve on 127.0.0.1; ``media=False`` skips generating media (resolve-only benchmarks)."""
        self.cache.mkdir(parents=True, exist_ok=True)
        for talk in self.talks.values() if media else ():  # up front: a request must not wait for ffmpeg
            if talk.has_video and (not talk.speech or speech.available()):  # (speech tests need espeak-ng)
                self.media_path(talk)
            for n, _ in talk.video_slides:
                self.clip_path(talk, n)
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
        rules = [(f"https://{host}/", f"{self.base}/{host}/") for host in (*ALL_HOSTS, *PAPER_HOSTS)]
        return [*rules, (f"http://{PAPER_HOST}/", f"{self.base}/{PAPER_HOST}/")]

    def config_toml(self, extra: str = "") -> str:
        lines = [
            f'[[rewrite]]\nprefix = "{prefix}"\nreplacement = "{replacement}"\n'
            for prefix, replacement in self.rewrites()
        ]
        return "\n".join(lines) + extra

    def sample(self) -> list[FixtureTalk]:
        """The talks of the sample conference that archive (one fails on purpose: no video), those that
        the sample's pages embed beside their own talk or link to included."""
        found: list[FixtureTalk] = []
        for talk in self.talks.values():
            if talk.in_sample:
                found += [talk] if talk.has_video else []
                found += [self.talks[name] for name, _ in talk.parts] + [self.talks[name] for name in talk.linked]
        return found

    def archived_title(self, talk: FixtureTalk) -> str:
        """The title a talk is archived under: a further talk of a page is "<page title> (<its heading>)"."""
        for page in self.talks.values():
            for name, label in page.parts:
                if name == talk.name:
                    return f"{page.title} ({label})"
        return talk.title

    def key(self, talk: FixtureTalk) -> str:
        """The talk's key, for SlidesLive talks (others are keyed by their media URL)."""
        return f"slideslive:{talk.pid}"

    def urls(self) -> list[str]:
        """The sample conference: every talk a user could archive offline without a login."""
        return [t.url for t in self.talks.values() if t.in_sample]

    @staticmethod
    def cookies_txt() -> str:
        """A Netscape cookies.txt with the session the login-protected pages want."""
        name, value = SESSION_COOKIE
        lines = ["# Netscape HTTP Cookie File"]
        lines += [f"{host}\tFALSE\t/\tTRUE\t4102444800\t{name}\t{value}" for host in (ACL_HOST, MEDIA_HOST)]
        return "\n".join(lines) + "\n"

    @staticmethod
    def logged_in(req: Request) -> bool:
        return f"{SESSION_COOKIE[0]}={SESSION_COOKIE[1]}" in req.headers.get("cookie", "")

    # -- assets ------------------------------------------------------------------------------------
    def media_path(self, talk: FixtureTalk) -> Path:
        if talk.media == "video":
            return make_video(talk, self.cache / "videos" / f"{talk.forum}.mp4")
        if talk.media == "yoda":
            return make_hls(talk, self.cache / "hls" / video_id(talk))
        return make_m4a(talk, self.cache / "m4a" / f"{talk.pid}.m4a")

    def clip_path(self, talk: FixtureTalk, n: int) -> Path:
        return make_clip(self.clip_first_frame(talk, n), self.cache / "clips" / talk.clip_id(n))

    def clip_first_frame(self, talk: FixtureTalk, n: int) -> bytes:
        return slide_image(talk.pid, n + 3)  # a colour no neighbouring slide has

    def slide_bytes(self, talk: FixtureTalk, n: int, convert: str | None = None) -> bytes:
        """Slide ``n`` as the image hosts serve it (``convert``: the format rs. converts to)."""
        if talk.text_slides:
            return slidetext.slide(talk.text_slides[n - 1]).png
        return _slide(talk.pid, n, convert or talk.image_format(n), talk.image_size(n))

    def shown_bytes(self, talk: FixtureTalk, n: int) -> bytes:
        """The image a viewer must see during slide ``n``: a video slide shows its clip's first frame,
        or, when its clip cannot be had, the slide before it."""
        clip = talk.video_slide(n)
        if clip is None:
            return self.slide_bytes(talk, n)
        return self.clip_first_frame(talk, n) if clip else self.shown_bytes(talk, n - 1)

    @staticmethod
    @cache
    def paper(forum: str) -> bytes:
        return make_pdf(forum)

    @staticmethod
    def subtitles(talk: FixtureTalk) -> bytes:
        return webvtt(talk.title)

    def expected_paths(self, talk: FixtureTalk) -> set[str]:
        """Every path a complete archive of ``talk`` must have requested (nothing reached elsewhere)."""
        pid = talk.pid
        paths: set[str] = set()
        if talk.page == "embedded":
            pass  # archived through the page that embeds it
        elif not talk.page.startswith("slideslive-"):
            paths.add(f"/{talk.page_host}{talk.page_path}")
            if talk.paper_url is not None and talk.page not in ("keynote", "livestream", "ml4h", "chil-highlights"):
                paper = urlsplit(talk.paper_url)
                paths.add(f"/{paper.hostname}{paper.path}")
        if not talk.slideslive:
            return paths | {f"/{MEDIA_HOST}/videos/{talk.forum}.mp4"}
        paths.add(f"/slideslive.com/embed/presentation/{pid}")
        if talk.page in ("js-only", "private"):
            folder = talk.page_path.rsplit("/", 1)[0]
            paths |= {"/slideslive.com/embed_presentation.js", f"/{talk.page_host}{folder}/talk_{talk.forum}.json"}
        paths.add(f"/{'ben.' if talk.player == 'ben' else ''}slideslive.com/player/{pid}")
        paths.add(
            f"/slides.slideslive.com/{pid}/{pid}.xml"
            if talk.slides == "xml"
            else f"/slides.slideslive.com/{pid}/v5/slides.json"
        )
        for n in range(1, len(talk.slide_times_ms) + 1):
            name = talk.image_name(n)
            if talk.video_slide(n) is not None:
                if talk.video_slide(n):
                    paths |= self._hls_paths(talk.clip_id(n), self.clip_path(talk, n).parent, "video")
            elif talk.images == "rs":
                paths.add(f"/rs.slideslive.com/{pid}/slides/{name}.png")
            elif talk.images == "cdn":
                paths.add(f"/cdn.slideslive.com/data/presentations/{pid}/slides/{quality_for(talk)}/{name}.jpg")
            else:
                paths.add(f"/slides.slideslive.com/{pid}/slides/original/{name}{talk.image_ext(n)}")
        if talk.video_slides:
            paths.add(f"/slideslive.com/player/{pid}/slides_video_service_data")
        if talk.subtitles:
            paths.add("/cdn.slideslive.com" + urlsplit(subtitles_url(talk)).path)
        if talk.media == "yoda":
            paths |= self._hls_paths(video_id(talk), self.media_path(talk).parent, "audio")
        else:
            paths.add(f"/{MEDIA_HOST}/talks/{pid}.m4a")
        return paths

    @staticmethod
    def _hls_paths(vid: str, folder: Path, rendition: str) -> set[str]:
        paths = {f"/{YODA_HOST}/{vid}/master.m3u8", f"/{YODA_HOST}/{vid}/{rendition}/index.m3u8"}
        return paths | {f"/{YODA_HOST}/{vid}/{rendition}/{seg.name}" for seg in (folder / rendition).glob("*.ts")}

    # -- routing ---------------------------------------------------------------------------------
    def _route(self, req: Request) -> Response | None:
        handler = {
            **self._slideslive.handlers(),
            YODA_HOST: self._yoda,
            MEDIA_HOST: self._media_host,
            PAPER_HOST: self._paper_host,
        }.get(req.host, self._conferences.route)
        return handler(req)

    def listed(self, host: str) -> list[FixtureTalk]:
        """The talks a listing page of ``host`` shows, in the site's own order."""
        return self._conferences.listed(host)

    def _yoda(self, req: Request) -> Response | None:
        m = re.fullmatch(r"/([YC]\d+_\w+)/((?:audio/|video/)?[\w.]+)", req.path)
        found = self.by_video_id.get(m.group(1)) if m else None
        if m is None or found is None:
            return None
        # only the talk asked for: a request must not cost as much as the conference has talks
        talk, clip = found
        folder = self.media_path(talk).parent if clip is None else self.clip_path(talk, clip).parent
        path = folder / m.group(2)
        if not path.is_file() or path.name == "first.png":
            return None
        ctype = "application/vnd.apple.mpegurl" if path.suffix == ".m3u8" else "video/mp2t"
        return Response(file=path, content_type=ctype)

    def _media_host(self, req: Request) -> Response | None:
        if m := re.fullmatch(r"/videos/(\w+)\.mp4", req.path):
            talk = next((t for t in self.talks.values() if t.forum == m.group(1) and t.media == "video"), None)
            return Response(file=self.media_path(talk), content_type="video/mp4") if talk else None
        m = re.fullmatch(r"/(talks|private)/(\d+)\.m4a", req.path)
        talk = self.by_pid.get(m.group(2)) if m else None
        if talk is None or talk.media != "url" or m is None or (m.group(1) == "private") != talk.login:
            return None
        if talk.login and not self.logged_in(req):
            return Response(403, b"<html>Forbidden</html>", "text/html; charset=utf-8")
        return Response(file=self.media_path(talk), content_type="audio/mp4")

    def _paper_host(self, req: Request) -> Response | None:
        forum = req.query.get("id", [""])[0]
        if req.path != "/pdf" or not any(t.forum == forum for t in self.talks.values()):
            return None
        return Response(body=self.paper(forum), content_type="application/pdf")


@cache
def _slide(pid: str, n: int, fmt: str, size: tuple[int, int]) -> bytes:
    return slide_image(pid, n, fmt, size)
