"""The talks of the fixture world, each in the variant of each real-world component it uses (the fields
are explained on ``FixtureTalk`` in ``catalog.py``, with the hosts they are served from)."""

from __future__ import annotations

from .catalog import ALLOWED_HOST, FixtureTalk

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
        name="ben", pid="99000103", forum="main.3", page="acl-paper", conference="ACL 2020",
        title="Learning & Forgetting in Language Models", authors=("Grace Hopper",),
        slide_times_ms=(0, 3003, 7777), duration_ms=11_000, player="ben", paper="empty",
    ),
    FixtureTalk(
        name="rs", pid="99000104", forum="4", page="single", conference="ACL 2020",
        title="Slides From The Resizer Host", authors=("Edsger Dijkstra", "Barbara Liskov"),
        slide_times_ms=(250, 5050, 8125), duration_ms=12_000, images="rs",
    ),
    FixtureTalk(
        name="unquoted", pid="99000105", forum="livestream", page="livestream", conference="EMNLP 2020",
        title="Livestream", authors=(),
        slide_times_ms=(0, 4500), duration_ms=9_000, media="url",
    ),
    FixtureTalk(
        name="keynote", pid="99000106", forum="6", page="keynote", conference="ICLR 2020",
        title="Keynote: Talk and Q&A on One Page", authors=("John McCarthy",),
        slide_times_ms=(0, 2222, 6001), duration_ms=10_000, parts=(("keynote-qa", "Question and Answer Session"),),
    ),
    FixtureTalk(
        name="keynote-qa", pid="99000199", page="embedded", title="Live Q&A With John McCarthy", authors=(),
        slide_times_ms=(0, 1500), duration_ms=4_000, media="url", in_sample=False,
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
    # -- the rest of the SlidesLive world (issue 3) ------------------------------------------------
    FixtureTalk(
        name="legacy", pid="99000111", forum="11", page="legacy", conference="ACL 2020",
        title="A 2020 Talk With the Legacy Player Answer", authors=("Ken Thompson",),
        slide_times_ms=(0, 3100, 6200), duration_ms=9_000, player_format="legacy", media="url", subtitles=True,
    ),
    FixtureTalk(
        name="locked", pid="99000112", forum="12", page="locked", conference="ACL 2020",
        title="A Domain-Locked Presentation", authors=("Dennis Ritchie",),
        slide_times_ms=(0, 2900, 5800), duration_ms=8_500, domain_lock=ALLOWED_HOST,
    ),
    FixtureTalk(
        name="cdn", pid="99000113", forum="cdn13", page="cdn", conference="MiniConf 2020",
        title="Slides Only on the CDN Template", authors=("Frances Allen",),
        slide_times_ms=(0, 3333, 6666), duration_ms=9_500, images="cdn", qualities=("medium", "small"),
        media="url",
    ),
    FixtureTalk(
        name="mixed", pid="99000114", forum="mixed14", page="mixed", conference="MiniConf 2020",
        title="Mixed Formats and Sizes", authors=("Margaret Hamilton",),
        slide_times_ms=(0, 2500, 5000, 7500), duration_ms=10_000,
        formats=("PNG", "JPEG", "PNG", "JPEG"), sizes=((640, 360), (800, 600), (640, 360), (801, 451)),
    ),
    FixtureTalk(
        name="video-slides", pid="99000115", forum="VidSlides15", page="video-slides", conference="ICLR 2020",
        title="Video Slides and Subtitles", authors=("Fei-Fei Li",),
        slide_times_ms=(0, 3000, 6000, 9000, 11500), duration_ms=14_000,
        video_slides=((3, True), (5, False)), subtitles=True,
    ),
    # -- pages that need JavaScript, other embeds, a login (issue 4) --------------------------------
    FixtureTalk(
        name="js-only", pid="99000116", forum="JsOnly16", page="js-only", conference="ICLR 2020",
        title="A Poster Whose Video Appears Only After Scripts Run", authors=("Barbara Grosz",),
        slide_times_ms=(0, 2500, 5000), duration_ms=7_500,
    ),
    FixtureTalk(
        name="video-tag", pid="00000017", forum="video17", page="video-tag", conference="MiniConf 2020",
        title="A Talk Published as a Video Tag", authors=("Judea Pearl",),
        slide_times_ms=(), duration_ms=6_000, media="video",
    ),
    FixtureTalk(
        name="og-video", pid="00000018", forum="og18", page="og-video", conference="MiniConf 2020",
        title="A Talk Published as an og:video Meta", authors=("Leslie Valiant",),
        slide_times_ms=(), duration_ms=5_000, media="video",
    ),
    FixtureTalk(
        name="youtube", pid="00000019", forum="yt19", page="youtube", conference="ACL 2020",
        title="A Talk on YouTube", authors=("Geoffrey Hinton",), slide_times_ms=(), duration_ms=0,
        in_sample=False,
    ),
    FixtureTalk(
        name="vimeo", pid="00000020", forum="vm20", page="vimeo", conference="ACL 2020",
        title="A Talk on Vimeo", authors=("Daphne Koller",), slide_times_ms=(), duration_ms=0, in_sample=False,
    ),
    FixtureTalk(
        name="private", pid="99000121", forum="private21", page="private", conference="ACL 2020",
        title="A Talk Behind a Login", authors=("Shafi Goldwasser",),
        slide_times_ms=(0, 3000), duration_ms=6_000, media="url", in_sample=False, login=True,
    ),
    *(
        FixtureTalk(
            name=f"neurips-{n}", pid=f"9900012{n + 1}", forum=str(3000 + n), page="virtual2021",
            conference="NeurIPS 2021", title=f"A NeurIPS 2021 Poster Number {n}", authors=("Yoshua Bengio",),
            slide_times_ms=(0, 2000), duration_ms=4_000, media="url", in_sample=False,
        )
        for n in (1, 2, 3)
    ),
    # -- real conference shapes (issue 13) ---------------------------------------------------------------
    FixtureTalk(
        name="tutorial", pid="99000132", forum="T1", page="tutorial", conference="ACL 2020",
        title="T1: Interpretability for Language Models", authors=("Ada Lovelace",),
        slide_times_ms=(0, 2000), duration_ms=4_000, media="url",
        parts=(("tutorial-2", "Live Session 1"), ("tutorial-3", "Live Session 2")),
    ),
    *(
        FixtureTalk(
            name=f"tutorial-{n}", pid=f"9900013{n + 1}", page="embedded", title=f"Tutorial T1, live part {n - 1}",
            authors=(), slide_times_ms=(0, 1000), duration_ms=3_000, media="url", in_sample=False,
        )
        for n in (2, 3)
    ),
    FixtureTalk(
        name="meeting", pid="00000035", forum="business_meeting", page="meeting", conference="ACL 2020",
        title="Business Meeting", authors=("Host: Alan Kay",), slide_times_ms=(), duration_ms=0,
        linked=("meeting-1", "meeting-2", "meeting-3"),
    ),
    *(
        FixtureTalk(
            name=f"meeting-{n}", pid=f"9900013{n + 5}", page="embedded", title=title, authors=(),
            slide_times_ms=(0, 1200), duration_ms=3_000, media="url", in_sample=False,
        )
        for n, title in ((1, "Secretary's Report"), (2, "Treasurer's Report"), (3, "Awards of the Year"))
    ),
    FixtureTalk(
        name="commented", pid="99038922", forum="akbc1", page="commented", conference="AKBC 2022",
        title="A Poster Whose Only Embed Is Commented Out", authors=("Pat Hanrahan",),
        slide_times_ms=(), duration_ms=0,
    ),
    FixtureTalk(
        name="akbc", pid="99000139", forum="akbc2", page="akbc", conference="AKBC 2022",
        title="A Poster With a Relative Paper Link", authors=("Radia Perlman",),
        slide_times_ms=(0, 2000), duration_ms=4_000, media="url", paper="relative",
    ),
    FixtureTalk(
        name="ml4h", pid="99000140", forum="ml4h", page="ml4h", conference=None,
        title="ML4H", authors=(), slide_times_ms=(0, 2000), duration_ms=4_000, media="url",
    ),
    FixtureTalk(
        name="chil", pid="99000141", forum="P07", page="chil", conference="CHIL 2021",
        title="Fair Triage Models for Emergency Departments", authors=("Regina Barzilay",),
        slide_times_ms=(0, 2000), duration_ms=4_000, media="url",
    ),
    FixtureTalk(
        name="chil-highlights", pid="99000142", page="chil-highlights", conference="CHIL 2021",
        title="Highlights", authors=(), slide_times_ms=(0, 2000), duration_ms=4_000, media="url",
        parts=(("chil-highlights-2", "Day 2 - Keynotes"),),
    ),
    FixtureTalk(
        name="chil-highlights-2", pid="99000143", page="embedded", title="CHIL Day 2", authors=(),
        slide_times_ms=(0, 1000), duration_ms=3_000, media="url", in_sample=False,
    ),
    FixtureTalk(
        name="old-build-2", pid="99000144", forum="OldBuild44", page="old-build", conference="ICLR 2020",
        title="A Second Poster of the Older Build", authors=("Geoffrey Hinton",),
        slide_times_ms=(0, 2000), duration_ms=4_000, media="url",
    ),
    FixtureTalk(
        name="ocr", pid="99000150", forum="P50", page="chil", conference="CHIL 2021",
        title="Slides Worth Reading", authors=("Karen Spärck Jones",),
        slide_times_ms=(0, 4000, 9250, 15000, 21000, 26500), duration_ms=30_000, media="url", subtitles=True,
        text_slides=("title", "method", "dark", "formula", "chart", "code"), in_sample=False,
    ),
    # -- speech to text (issue 25): espeak-ng speech at known times, words no slide shows ----------------
    FixtureTalk(
        name="speech", pid="99000170", forum="P70", page="chil", conference="CHIL 2021",
        title="What the Speaker Said Aloud", authors=("Claude Shannon",),
        slide_times_ms=(0, 20_000), duration_ms=40_000, media="url", speech="sentences", in_sample=False,
    ),
    FixtureTalk(
        name="speech-silent", pid="99000171", forum="P71", page="chil", conference="CHIL 2021",
        title="A Talk Where Nothing Is Said", authors=("John Cage",),
        slide_times_ms=(0, 6_000), duration_ms=12_000, media="url", speech="silent", in_sample=False,
    ),
    FixtureTalk(
        name="speech-subtitled", pid="99000172", forum="P72", page="chil", conference="CHIL 2021",
        title="A Talk With Subtitles of Its Own", authors=("Hedy Lamarr",),
        slide_times_ms=(0, 15_000), duration_ms=30_000, media="url", speech="others", subtitles=True,
        in_sample=False,
    ),
    FixtureTalk(
        name="acl-novideo", pid="00000045", forum="demo.45", page="acl-novideo", conference="ACL 2020",
        title="A Demo Paper Without a Video", authors=("Nobody Else",), slide_times_ms=(), duration_ms=0,
        in_sample=False,
    ),
    # -- shapes of the real web (issue 20) --------------------------------------------------------------
    *(
        FixtureTalk(
            name=f"demo-{n}", pid=f"9900016{n}", forum=f"D{n}", page="demo", conference="MiniConf 2020",
            title=title, authors=("Grace Hopper",), slide_times_ms=(0, 1500), duration_ms=3_000, media="url",
            in_sample=False,
        )
        for n, title in ((1, "A Demonstration Drawn From a Handlebars Template"), (2, "The Second Demonstration"))
    ),
    FixtureTalk(
        name="screencast", pid="00000046", forum="demo.46", page="screencast", conference="EMNLP 2020",
        title="A Demo Whose Video Is a Screencast Link", authors=("Kathleen McKeown", "Dan Jurafsky"),
        slide_times_ms=(), duration_ms=0, in_sample=False,
    ),
    FixtureTalk(
        name="no-video", pid="00000000", forum="novideo9", page="no-video", conference="MiniConf 2020",
        title="A Poster Without Any Video", authors=("Nobody",),
        slide_times_ms=(), duration_ms=0,
    ),
)  # fmt: skip

BY_NAME = {t.name: t for t in TALKS}
BY_PID = {t.pid: t for t in TALKS if t.has_video}
