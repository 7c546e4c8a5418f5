"""Reading the list of talk URLs: what is archived, what is skipped, what is reported with its line."""

from __future__ import annotations

import pytest

from confarchive.core.inputs import Rejected, is_http_url, read_refs
from confarchive.core.model import TalkRef

POSTER = "https://iclr.cc/virtual_2020/poster_Hklr204Fvr.html"
SL = "https://slideslive.com/38925850/towards-a-deep-network-architecture"


def urls(refs: list[TalkRef]) -> list[str]:
    return [r.url for r in refs]


def test_blank_lines_and_comments_are_skipped() -> None:
    lines = [
        "# ICLR 2020 picks\n",
        "\n",
        "   \n",
        f"{POSTER}\n",
        "  # indented comment\n",
        "\t\n",
        "https://icml.cc/virtual/2020/poster/6369\n",
    ]
    refs, rejected = read_refs(lines)
    assert urls(refs) == [POSTER, "https://icml.cc/virtual/2020/poster/6369"]
    assert rejected == []


def test_duplicates_kept_once_in_first_occurrence_order() -> None:
    a, b, c = POSTER, "https://icml.cc/virtual/2020/poster/6369", SL
    refs, rejected = read_refs([b, a, b, c, a, f"  {b}  \n", c])
    assert urls(refs) == [b, a, c]
    assert rejected == []


def test_arguments_come_first_and_are_deduplicated_with_lines() -> None:
    refs, rejected = read_refs([POSTER, SL], arguments=[SL, "https://neurips.cc/virtual/2020/public/poster_x.html"])
    assert urls(refs) == [SL, "https://neurips.cc/virtual/2020/public/poster_x.html", POSTER]
    assert rejected == []


def test_whitespace_crlf_and_bom_are_stripped() -> None:
    refs, rejected = read_refs([f"\ufeff{POSTER}\r\n", f"   {SL}   \r\n"])
    assert urls(refs) == [POSTER, SL]
    assert rejected == []


@pytest.mark.parametrize(
    "garbage",
    [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "ftp://ftp.example.org/talk.mp4",
        "mailto:someone@example.org",
        "data:text/html,<script>alert(1)</script>",
        "slideslive.com/38925850",
        "www.iclr.cc/virtual_2020/poster_x.html",
        "just some words",
        "http://",
        "https:///no-host",
        "https://exa mple.org/x",
        "http://[::1",
        "<a href='https://slideslive.com/38925850'>",
    ],
)
def test_garbage_and_other_schemes_are_rejected_with_line_number(garbage: str) -> None:
    lines = ["# header", POSTER, "", garbage, SL]
    refs, rejected = read_refs(lines)
    assert urls(refs) == [POSTER, SL], "the run goes on past a bad line"
    assert len(rejected) == 1
    message = rejected[0].message()
    assert message.startswith("line 4: ")
    assert "not an http(s) URL" in message
    assert garbage.strip()[:40] in message


def test_rejected_message_format() -> None:
    _, rejected = read_refs(["https://ok.example/", "x", "y", "z", "w", "v", "file:///etc/passwd"])
    assert [r.message() for r in rejected][-1] == "line 7: not an http(s) URL: file:///etc/passwd"


def test_every_bad_line_is_reported_with_its_own_number() -> None:
    _, rejected = read_refs(["ftp://a", "", "#c", "nonsense", POSTER, "file:/x"])
    assert [r.where for r in rejected] == ["line 1", "line 4", "line 6"]


def test_bad_argument_is_reported_as_argument() -> None:
    refs, rejected = read_refs([], arguments=[SL, "javascript:void(0)"])
    assert urls(refs) == [SL]
    assert rejected == [Rejected("argument 2", "javascript:void(0)")]
    assert rejected[0].message() == "argument 2: not an http(s) URL: javascript:void(0)"


def test_long_garbage_is_shortened_in_the_message() -> None:
    text = "x" * 500
    _, rejected = read_refs([text])
    message = rejected[0].message()
    assert message.startswith("line 1: not an http(s) URL: xxx")
    assert message.endswith("...")
    assert len(message) < 200


def test_empty_input() -> None:
    assert read_refs([]) == ([], [])
    assert read_refs(["", "# only a comment", "   "]) == ([], [])


def test_nothing_is_decided_from_the_url_here() -> None:
    refs, _ = read_refs([SL, POSTER])
    assert refs == [TalkRef(SL), TalkRef(POSTER)]  # which site a URL belongs to: tests/unit/test_sites.py


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("https://slideslive.com/38925850", True),
        ("http://127.0.0.1:8123/iclr.cc/poster.html", True),
        ("https://iclr.cc", True),
        ("file:///etc/passwd", False),
        ("javascript:alert(1)", False),
        ("ftp://x/y", False),
        ("https://a b", False),
        ("http://", False),
        ("", False),
    ],
)
def test_is_http_url(text: str, ok: bool) -> None:
    assert is_http_url(text) is ok
