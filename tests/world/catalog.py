"""The sample conference: the hosts the fixture world serves and what each talk's variant means (the
talks themselves are in ``talks.py``).

Presentation ids start with 99 (real SlidesLive ids are around 38-39 million) and conference hosts
end in ``.invalid``, so a request that escaped the URL rewrites fails instead of passing.
"""

from __future__ import annotations

from dataclasses import dataclass

SLIDESLIVE_HOSTS = (
    "slideslive.com",
    "ben.slideslive.com",
    "slides.slideslive.com",
    "rs.slideslive.com",
    "cdn.slideslive.com",
    "d2ygwrecguqg66.cloudfront.net",  # the CDN's other name: tried last, must never reach the internet
)
YODA_HOST = "yoda-1.fixture.invalid"
PAPER_HOST = "www.openreview.net"  # served over http://, as citation_pdf_url says
MEDIA_HOST = "media.fixture.invalid"
ICLR_HOST = "iclr.fixture.invalid"
MINICONF_HOST = "miniconf.fixture.invalid"
ACL_HOST = "acl.fixture.invalid"
ALLOWED_HOST = "allowed-conference.fixture.invalid"
OLD_HOST = "iclr-old.fixture.invalid"
NEURIPS_HOST = "neurips.fixture.invalid"
EMNLP_HOST = "emnlp.fixture.invalid"
AKBC_HOST = "akbc.fixture.invalid"
CHIL_HOST = "chil.fixture.invalid"
ML4H_HOST = "ml4h.fixture.invalid"
LIB_HOST = "cdn.fixture.invalid"  # the JavaScript libraries a listing loads (d3, jQuery): our own shims
CHAT_HOST = "chat.fixture.invalid"  # the chat a poster page shows beside its video
YOUTUBE_HOST = "www.youtube.com"  # never reachable offline: detection only
VIMEO_HOST = "player.vimeo.com"
SESSION_COOKIE = ("sessionid", "fixture-session-7f3a")  # what the login-protected pages want
CONFERENCE_HOSTS = (
    ICLR_HOST, MINICONF_HOST, ACL_HOST, OLD_HOST, NEURIPS_HOST, EMNLP_HOST, AKBC_HOST, CHIL_HOST, ML4H_HOST, LIB_HOST,
    CHAT_HOST,
)  # fmt: skip
NOT_SLIDESLIVE = ("no-video", "video-tag", "og-video", "youtube", "vimeo", "commented", "acl-novideo", "screencast")
# Pages that hold no talk of their own but link to SlidesLive talks (a business meeting).
LINK_PAGES = ("meeting",)
ALL_HOSTS = (*SLIDESLIVE_HOSTS, YODA_HOST, MEDIA_HOST, PAPER_HOST, ALLOWED_HOST, *CONFERENCE_HOSTS)


@dataclass(frozen=True)
class FixtureTalk:
    """One talk of the fixture world and the variant of each real-world component it uses.

    ``page``: the poster-page template (see pages.py), or ``slideslive-public`` /
    ``slideslive-embed`` when the input is a SlidesLive URL itself.
    ``slides``: ``json`` or ``xml`` (the JSON answers 403, as for some real talks).
    ``media``: ``yoda`` (HLS master with an audio rendition) or ``url`` (a direct .m4a).
    ``player``: ``current`` (slideslive.com/player) or ``ben`` (only the older ben. host answers).
    ``images``: ``original``, ``rs`` (the original host answers 403) or ``cdn`` (only the
    ``cdn.slideslive.com/data/presentations/...`` template answers, JPEG).
    ``player_format``: ``extm3u`` (2021+) or ``legacy`` (the pre-2021 JSON answer).
    ``domain_lock``: the only domain the embed page accepts as Referer; others are redirected.
    ``formats``/``sizes``: per slide image format and size (default PNG 640x360).
    ``video_slides``: (slide number, whether its clip's server is known) for ``"type": "video"`` slides.
    ``parts``: further talks embedded on this page, in order, with the heading before each (a keynote's
    "Question and Answer Session", a tutorial's "Live Session 1"); they are talks of their own whose
    ``page`` is ``embedded`` (no page but the SlidesLive API). ``linked``: talks the page only links to.
    """

    name: str
    pid: str
    title: str  # as a reader sees it: entities decoded, whitespace collapsed
    authors: tuple[str, ...]
    page: str
    slide_times_ms: tuple[int, ...]  # in source order; XML sources are deliberately unsorted
    duration_ms: int
    conference: str | None = None
    slides: str = "json"
    media: str = "yoda"
    player: str = "current"
    images: str = "original"
    forum: str = ""
    player_format: str = "extm3u"
    domain_lock: str | None = None
    formats: tuple[str, ...] = ()
    sizes: tuple[tuple[int, int], ...] = ()
    video_slides: tuple[tuple[int, bool], ...] = ()
    subtitles: bool = False
    qualities: tuple[str, ...] = ("big", "medium", "small")
    audio_bitrate: str = "64k"  # benchmarks raise it (with noise instead of a tone) for big files
    in_sample: bool = True  # part of the sample conference (world.urls(), the demo)
    login: bool = False  # the page and the media want the session cookie
    parts: tuple[tuple[str, str], ...] = ()
    linked: tuple[str, ...] = ()
    paper: str = "openreview"  # openreview (absolute), empty (citation_pdf_url=""), relative (/pdf/...)
    text_slides: tuple[str, ...] = ()  # slides with known text (tests/world/slidetext.py), by name
    speech: str = ""  # its audio is espeak-ng speaking this script at known times (tests/world/speech.py)

    @property
    def sorted_times(self) -> tuple[int, ...]:
        return tuple(sorted(self.slide_times_ms))

    @property
    def page_host(self) -> str:
        return {
            "iclr2020": ICLR_HOST,
            "miniconf": MINICONF_HOST,
            "double": ACL_HOST,
            "single": ACL_HOST,
            "unquoted": ACL_HOST,
            "two-embeds": ACL_HOST,
            "plain-link": MINICONF_HOST,
            "old-build": OLD_HOST,
            "legacy": ACL_HOST,
            "locked": ACL_HOST,
            "cdn": MINICONF_HOST,
            "mixed": MINICONF_HOST,
            "video-slides": ICLR_HOST,
            "js-only": ICLR_HOST,
            "video-tag": MINICONF_HOST,
            "og-video": MINICONF_HOST,
            "youtube": ACL_HOST,
            "vimeo": ACL_HOST,
            "private": ACL_HOST,
            "virtual2021": NEURIPS_HOST,
            "no-video": MINICONF_HOST,
            "acl-novideo": ACL_HOST,
            "keynote": ICLR_HOST,
            "tutorial": ACL_HOST,
            "meeting": ACL_HOST,
            "acl-paper": ACL_HOST,
            "livestream": EMNLP_HOST,
            "commented": AKBC_HOST,
            "akbc": AKBC_HOST,
            "chil": CHIL_HOST,
            "chil-highlights": CHIL_HOST,
            "ml4h": ML4H_HOST,
            "demo": MINICONF_HOST,
            "screencast": EMNLP_HOST,
        }.get(self.page, "slideslive.com")

    @property
    def page_path(self) -> str:
        if self.page == "slideslive-public":
            return f"/{self.pid}/{self.forum or 'talk'}"
        if self.page in ("slideslive-embed",):
            return f"/embed/presentation/{self.pid}"
        special = {
            "embedded": f"/{self.pid}",
            "keynote": f"/virtual_2020/speaker_{self.forum}.html",
            "tutorial": f"/tutorial_{self.forum}.html",
            "meeting": f"/plenary_session_{self.forum}.html",
            "livestream": "/livestream.html",
            "ml4h": "/2021/index.html",
            "chil": f"/proceeding_{self.forum}.html",
            "chil-highlights": "/highlights.html",
            "demo": f"/demo_{self.forum}.html",
            "screencast": f"/paper_{self.forum}.html",
        }
        if self.page in special:
            return special[self.page]
        if self.page_host == ICLR_HOST or self.page_host == OLD_HOST:
            return f"/virtual_2020/poster_{self.forum}.html"
        if self.page_host == ACL_HOST:
            return f"/paper_{self.forum}.html"
        if self.page_host == NEURIPS_HOST:
            return f"/virtual/2021/poster/{self.forum}"
        return f"/poster_{self.forum}.html"

    @property
    def url(self) -> str:
        """The logical URL a user would put in the list."""
        return f"https://{self.page_host}{self.page_path}"

    @property
    def has_video(self) -> bool:
        """A talk confarchive can archive offline (SlidesLive or a direct video file)."""
        return self.page not in ("no-video", "youtube", "vimeo", "commented", "acl-novideo", "screencast", *LINK_PAGES)

    @property
    def paper_url(self) -> str | None:
        """The paper as the page's citation_pdf_url names it (logical, absolute), None when empty."""
        if self.paper == "empty":
            return None
        if self.paper == "relative":
            return f"https://{self.page_host}/pdf/{self.forum}.pdf"
        return f"http://www.openreview.net/pdf?id={self.forum}"

    @property
    def slideslive(self) -> bool:
        return self.page not in NOT_SLIDESLIVE and self.page not in LINK_PAGES

    @property
    def video_url(self) -> str:
        """The media URL of a talk given as a <video> tag or og:video meta."""
        return f"https://{MEDIA_HOST}/videos/{self.forum}.mp4"

    def image_name(self, n: int) -> str:
        """The slide's image name as the source lists it (XML era: 00001 or 0-0001; JSON: hashed names)."""
        if self.images == "cdn":
            return f"0-{n:04d}"
        return f"{n:05d}" if self.slides == "xml" else f"F{self.pid}__16378634__{n:04d}__Adfi"

    def image_format(self, n: int) -> str:
        return self.formats[n - 1] if self.formats else ("JPEG" if self.images == "cdn" else "PNG")

    def image_size(self, n: int) -> tuple[int, int]:
        return self.sizes[n - 1] if self.sizes else (1920, 1080) if self.text_slides else (640, 360)

    def image_ext(self, n: int) -> str:
        return ".jpg" if self.image_format(n) == "JPEG" else ".png"

    def video_slide(self, n: int) -> bool | None:
        """None for an image slide; for a video slide, whether its clip's server is known."""
        return dict(self.video_slides).get(n)

    def clip_id(self, n: int) -> str:
        return f"C{self.pid}_{n:02d}"
