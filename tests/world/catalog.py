"""The sample conference: which talks the fixture world serves, in which real-world variant.

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
)
YODA_HOST = "yoda-1.fixture.invalid"
MEDIA_HOST = "media.fixture.invalid"
ICLR_HOST = "iclr.fixture.invalid"
MINICONF_HOST = "miniconf.fixture.invalid"
ACL_HOST = "acl.fixture.invalid"
OLD_HOST = "iclr-old.fixture.invalid"
CONFERENCE_HOSTS = (ICLR_HOST, MINICONF_HOST, ACL_HOST, OLD_HOST)
ALL_HOSTS = (*SLIDESLIVE_HOSTS, YODA_HOST, MEDIA_HOST, *CONFERENCE_HOSTS)


@dataclass(frozen=True)
class FixtureTalk:
    """One talk of the fixture world and the variant of each real-world component it uses.

    ``page``: the poster-page template (see pages.py), or ``slideslive-public`` /
    ``slideslive-embed`` when the input is a SlidesLive URL itself.
    ``slides``: ``json`` or ``xml`` (the JSON answers 403, as for some real talks).
    ``media``: ``yoda`` (HLS master with an audio rendition) or ``url`` (a direct .m4a).
    ``player``: ``current`` (slideslive.com/player) or ``ben`` (only the older ben. host answers).
    ``images``: ``original`` or ``rs`` (the original host answers 403).
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
    second_pid: str | None = None  # a second embed on the page (the Q&A session)

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
            "no-video": MINICONF_HOST,
        }.get(self.page, "slideslive.com")

    @property
    def page_path(self) -> str:
        if self.page == "slideslive-public":
            return f"/{self.pid}/{self.forum or 'talk'}"
        if self.page == "slideslive-embed":
            return f"/embed/presentation/{self.pid}"
        if self.page_host == ICLR_HOST or self.page_host == OLD_HOST:
            return f"/virtual_2020/poster_{self.forum}.html"
        if self.page_host == ACL_HOST:
            return f"/paper_{self.forum}.html"
        return f"/poster_{self.forum}.html"

    @property
    def url(self) -> str:
        """The logical URL a user would put in the list."""
        return f"https://{self.page_host}{self.page_path}"

    @property
    def has_video(self) -> bool:
        return self.page != "no-video"

    def image_name(self, n: int) -> str:
        """The slide's image name as the source lists it (XML era: 00001; JSON: long hashed names)."""
        return f"{n:05d}" if self.slides == "xml" else f"F{self.pid}__16378634__{n:04d}__Adfi"


TALKS: tuple[FixtureTalk, ...] = (
    FixtureTalk(
        name="iclr", pid="99000101", forum="Hklr204Fvr", page="iclr2020", conference="ICLR 2020",
        title="Towards a Deep Network Architecture for Structured Smoothness",
        authors=("Haroun Habeeb", "Oluwasanmi Koyejo"),
        slide_times_ms=(1500, 4217, 9350), duration_ms=13_000,
    ),
    FixtureTalk(
        name="miniconf", pid="99000102", forum="demo42", page="miniconf", conference="MiniConf 2020",
        title='Why "Attention" Works: Half of the Time?', authors=("Ada Lovelace", "Alan Turing"),
        slide_times_ms=(6120, 0, 2480, 10_333), duration_ms=14_500, slides="xml", media="url",
    ),
    FixtureTalk(
        name="ben", pid="99000103", forum="3", page="double", conference="ACL 2020",
        title="Learning & Forgetting in Language Models", authors=("Grace Hopper",),
        slide_times_ms=(0, 3003, 7777), duration_ms=11_000, player="ben",
    ),
    FixtureTalk(
        name="rs", pid="99000104", forum="4", page="single", conference="ACL 2020",
        title="Slides From The Resizer Host", authors=("Edsger Dijkstra", "Barbara Liskov"),
        slide_times_ms=(250, 5050, 8125), duration_ms=12_000, images="rs",
    ),
    FixtureTalk(
        name="unquoted", pid="99000105", forum="5", page="unquoted", conference="ACL 2020",
        title="An EMNLP Livestream With an Unquoted Id", authors=("Claude Shannon",),
        slide_times_ms=(0, 4500), duration_ms=9_000, media="url",
    ),
    FixtureTalk(
        name="two-embeds", pid="99000106", forum="6", page="two-embeds", conference="ACL 2020",
        title="Talk and Q&A on One Page", authors=("John McCarthy", "Marvin Minsky"),
        slide_times_ms=(0, 2222, 6001), duration_ms=10_000, second_pid="99000199",
    ),
    FixtureTalk(
        name="plain-link", pid="99000107", forum="plain7", page="plain-link", conference="MiniConf 2020",
        title="Only a Pre-recorded Video Link", authors=("Donald Knuth",),
        slide_times_ms=(0, 3500, 7000), duration_ms=10_500, slides="xml",
    ),
    FixtureTalk(
        name="old-build", pid="99000108", forum="OldBuild8", page="old-build", conference="ICLR 2020",
        title="An Older Build Without Metas", authors=("Yoshua Bengio", "Yann LeCun"),
        slide_times_ms=(0, 5000), duration_ms=9_500,
    ),
    FixtureTalk(
        name="public", pid="99000109", forum="direct-slideslive-talk", page="slideslive-public",
        title="A Talk Given as a SlidesLive URL", authors=(),
        slide_times_ms=(0, 2750, 5500), duration_ms=9_000, player="ben", images="rs",
    ),
    FixtureTalk(
        name="embed", pid="99000110", page="slideslive-embed",
        title="A Talk Given as an Embed URL", authors=(),
        slide_times_ms=(1000, 4000), duration_ms=8_000, slides="xml", media="url",
    ),
    FixtureTalk(
        name="no-video", pid="00000000", forum="novideo9", page="no-video", conference="MiniConf 2020",
        title="A Poster Without Any Video", authors=("Nobody",),
        slide_times_ms=(), duration_ms=0,
    ),
)  # fmt: skip

BY_NAME = {t.name: t for t in TALKS}
BY_PID = {t.pid: t for t in TALKS if t.has_video}
