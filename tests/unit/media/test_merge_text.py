"""The text documents handed to ffmpeg: the ffconcat list and the FFMETADATA chapters."""

from __future__ import annotations

import pytest

from confarchive.core.model import PlannedSlide
from confarchive.media.merge import TalkTags, ffmetadata
from confarchive.media.slidetrack import concat_document, entries


def P(index: int, start: int, end: int) -> PlannedSlide:
    return PlannedSlide(index, start, end)


# -- concat list -------------------------------------------------------------------------------------


def concat_list(plan, files):  # the document of still slides
    return concat_document(entries(plan, files))


def test_concat_list_exact_document() -> None:
    plan = [P(1, 0, 4217), P(2, 4217, 4267), P(3, 4267, 10000)]
    files = {1: "/w/0001.png", 2: "/w/0002.png", 3: "/w/0003.png"}
    assert concat_list(plan, files) == (
        "ffconcat version 1.0\n"
        "file '/w/0001.png'\n"
        "option framerate 1000\n"
        "duration 4.217\n"
        "file '/w/0002.png'\n"
        "option framerate 1000\n"
        "duration 0.050\n"
        "file '/w/0003.png'\n"
        "option framerate 1000\n"
        "duration 5.733\n"
        "file '/w/0003.png'\n"
        "option framerate 1000\n"
    )


@pytest.mark.parametrize(
    ("duration_ms", "text"),
    [
        (1, "duration 0.001"),
        (50, "duration 0.050"),
        (999, "duration 0.999"),
        (1000, "duration 1.000"),
        (4217, "duration 4.217"),
        (60_000, "duration 60.000"),
        (3_723_456, "duration 3723.456"),
    ],
)
def test_concat_durations_are_exact_milliseconds(duration_ms: int, text: str) -> None:
    doc = concat_list([P(1, 0, duration_ms)], {1: "/a.png"})
    assert doc.splitlines()[3] == text


def test_concat_duration_uses_start_and_end_not_the_index() -> None:
    doc = concat_list([P(5, 0, 1500), P(9, 1500, 1501)], {5: "a.png", 9: "b.png"})
    assert [line for line in doc.splitlines() if line.startswith("duration")] == [
        "duration 1.500",
        "duration 0.001",
    ]


def test_every_file_line_is_followed_by_framerate_option() -> None:
    plan = [P(i, (i - 1) * 1000, i * 1000) for i in range(1, 6)]
    lines = concat_list(plan, {i: f"/s/{i}.png" for i in range(1, 6)}).splitlines()
    file_lines = [n for n, line in enumerate(lines) if line.startswith("file ")]
    assert len(file_lines) == 6
    for n in file_lines:
        assert lines[n + 1] == "option framerate 1000"


def test_last_file_repeated_without_duration() -> None:
    lines = concat_list([P(1, 0, 100), P(2, 100, 300)], {1: "/one.png", 2: "/two.png"}).splitlines()
    assert lines[-2:] == ["file '/two.png'", "option framerate 1000"]
    assert sum(line.startswith("duration") for line in lines) == 2
    assert lines[0] == "ffconcat version 1.0"


def test_single_slide() -> None:
    assert concat_list([P(4, 0, 2000)], {4: "/x.jpg"}) == (
        "ffconcat version 1.0\nfile '/x.jpg'\noption framerate 1000\nduration 2.000\n"
        "file '/x.jpg'\noption framerate 1000\n"
    )


@pytest.mark.parametrize(
    ("path", "quoted"),
    [
        ("/w/it's.png", "'/w/it'\\''s.png'"),
        ("/w/two words.png", "'/w/two words.png'"),
        ("/w/''.png", "'/w/'\\'''\\''.png'"),
        ("/w/Über 深層 😀.png", "'/w/Über 深層 😀.png'"),
        ("/w/back\\slash.png", "'/w/back\\slash.png'"),
        ("/w/semi;colon#hash.png", "'/w/semi;colon#hash.png'"),
    ],
)
def test_paths_are_quoted_for_ffconcat(path: str, quoted: str) -> None:
    lines = concat_list([P(1, 0, 1000)], {1: path}).splitlines()
    assert lines[1] == f"file {quoted}"
    assert lines[4] == f"file {quoted}"


def _ffconcat_unquote(token: str) -> str:
    """ffmpeg's av_get_token rules: '...' is literal, a backslash outside quotes escapes one character."""
    out, i, quoted = [], 0, False
    while i < len(token):
        ch = token[i]
        if quoted:
            if ch == "'":
                quoted = False
            else:
                out.append(ch)
        elif ch == "'":
            quoted = True
        elif ch == "\\":
            i += 1
            out.append(token[i])
        else:
            out.append(ch)
        i += 1
    assert not quoted, "unbalanced quotes"
    return "".join(out)


@pytest.mark.parametrize("path", ["/a/it's here.png", "/'/''/'''.png", "/tmp/ümlaut's 日本.png", "/x/\\'.png"])
def test_quoted_path_reads_back_as_the_original(path: str) -> None:
    line = concat_list([P(1, 0, 1)], {1: path}).splitlines()[1]
    assert line.startswith("file ")
    assert _ffconcat_unquote(line[len("file ") :]) == path


# -- FFMETADATA ------------------------------------------------------------------------------------------


def test_ffmetadata_exact_document() -> None:
    plan = [P(1, 0, 4217), P(2, 4217, 10000)]
    tags = TalkTags(title="Deep Nets", artist="Ada Lovelace, Alan Turing", album="ICLR 2020", comment="Abstract")
    assert ffmetadata(plan, tags) == (
        ";FFMETADATA1\n"
        "title=Deep Nets\n"
        "artist=Ada Lovelace, Alan Turing\n"
        "album=ICLR 2020\n"
        "comment=Abstract\n"
        "[CHAPTER]\n"
        "TIMEBASE=1/1000\n"
        "START=0\n"
        "END=4217\n"
        "title=Slide 1\n"
        "[CHAPTER]\n"
        "TIMEBASE=1/1000\n"
        "START=4217\n"
        "END=10000\n"
        "title=Slide 2\n"
    )


def test_ffmetadata_missing_tags_are_left_out() -> None:
    doc = ffmetadata([P(1, 0, 5)], TalkTags(title="T"))
    assert doc.splitlines()[:2] == [";FFMETADATA1", "title=T"]
    assert "artist=" not in doc
    assert "album=" not in doc
    assert "comment=" not in doc


def test_ffmetadata_without_slides_has_no_chapters() -> None:
    assert ffmetadata([], TalkTags(title="Only audio")) == ";FFMETADATA1\ntitle=Only audio\n"


def test_ffmetadata_escapes_special_characters() -> None:
    doc = ffmetadata([], TalkTags(title="a=b;c#d\\e\nf"))
    assert doc == ";FFMETADATA1\ntitle=a\\=b\\;c\\#d\\\\e\\\nf\n"


def test_ffmetadata_escapes_chapter_titles_and_keeps_unicode() -> None:
    plan = [P(3, 0, 1000), P(7, 1000, 2500)]
    doc = ffmetadata(plan, TalkTags(title="Über"), titles={3: "Intro; #1 = a\\b", 7: "深層学習\n2"})
    assert "\ntitle=Intro\\; \\#1 \\= a\\\\b\n" in doc
    assert "\ntitle=深層学習\\\n2\n" in doc  # escaped newline: a backslash, then the newline
    assert doc.startswith(";FFMETADATA1\ntitle=Über\n")


def test_ffmetadata_chapter_titles_fall_back_to_slide_index() -> None:
    doc = ffmetadata([P(3, 0, 1000), P(7, 1000, 2500)], TalkTags(title="T"), titles={3: "Intro"})
    chapter_titles = [line for line in doc.splitlines() if line.startswith("title=")][1:]
    assert chapter_titles == ["title=Intro", "title=Slide 7"]


def test_ffmetadata_chapter_times_are_milliseconds() -> None:
    doc = ffmetadata([P(1, 0, 59_999), P(2, 59_999, 3_723_456)], TalkTags(title="T"))
    lines = doc.splitlines()
    assert lines.count("TIMEBASE=1/1000") == 2
    assert [line for line in lines if line.startswith(("START=", "END="))] == [
        "START=0",
        "END=59999",
        "START=59999",
        "END=3723456",
    ]
