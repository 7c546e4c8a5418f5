"""The reading lists as the player shows them (player_lists.py), and how render_player inlines them:
which papers link to a talk, why the others do not, which lists a talk's view links back to."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from typing import Any

import pytest

from confarchive.archive.player import render_player
from confarchive.archive.player_lists import NO_TALK, NOT_ARCHIVED, fallback_lists, how_matched, page_lists, why_not


def paper(**fields: Any) -> dict[str, Any]:
    base = {"url": None, "title": None, "talk_url": None, "talk": None, "method": "none", "score": None,
            "reason": None, "note": None}  # fmt: skip
    return base | fields


def talk(key: str, status: str = "done", **fields: Any) -> dict[str, Any]:
    url, video = f"https://c.invalid/{key}", f"{key}/{key}.mp4" if status == "done" else None
    return {"key": key, "title": f"Talk {key}", "source_url": url, "source_urls": [url], "status": status,
            "error": None, "video": video, "collections": []} | fields  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"method": "id"}, "matched by id"),
        ({"method": "title", "score": 97.5}, "matched by title, 97.5"),
        ({"method": "title", "score": 100.0}, "matched by title, 100"),
        ({"method": "title", "score": 94.99}, "matched by title, 94.9"),  # never rounded up to a threshold
        ({"method": "title", "score": float("nan")}, "matched by title"),
        ({"method": "title", "score": True}, "matched by title"),
        ({"method": "talk"}, "the post links the talk"),
        ({"method": "id", "note": "ids differ"}, "matched by id; ids differ"),
        ({"method": "none", "reason": "not found"}, None),
        ({"method": None, "note": "odd"}, "odd"),
        ({"method": "doi"}, "matched by doi"),  # a method of a later release, said as it is
    ],
)
def test_how_a_paper_was_matched_is_said_in_a_few_words(fields: dict[str, Any], expected: str | None) -> None:
    assert how_matched(paper(**fields)) == expected


@pytest.mark.parametrize(
    ("fields", "entry", "expected"),
    [
        ({"talk": "k"}, talk("k"), None),  # done: a link, no reason
        ({"reason": "https://a.invalid/1: not found in L"}, None, "https://a.invalid/1: not found in L"),
        ({"url": "https://a.invalid/1", "reason": "https://a.invalid/1: not found in L"}, None, "not found in L"),
        ({"talk": "k", "reason": "its own reason"}, talk("k", "failed", error="HTTP 500"), "its own reason"),
        ({"talk": "k"}, talk("k", "failed", error="HTTP 500"), "HTTP 500"),
        ({"talk": "k"}, talk("k", "failed"), "failed"),
        ({"talk": "k"}, talk("k", "pending"), NOT_ARCHIVED),
        ({"talk": "k"}, talk("k", "skipped"), "skipped"),
        ({"talk": "k"}, None, NOT_ARCHIVED),  # a key the index has no talk for
        ({"talk_url": "https://c.invalid/p"}, None, NOT_ARCHIVED),
        ({}, None, NO_TALK),
    ],
)
def test_why_a_paper_cannot_be_watched(fields: dict[str, Any], entry: dict | None, expected: str | None) -> None:
    assert why_not(paper(**fields), entry) == expected


def test_no_collections_no_lists() -> None:
    assert page_lists({"version": 1, "talks": [talk("a")]}) is None
    assert page_lists({"version": 1, "talks": [], "collections": []}) is None
    assert page_lists({"version": 1, "talks": [], "collections": "junk"}) is None


def test_papers_keep_the_posts_order_and_find_their_talk_by_key_or_by_its_page() -> None:
    early = talk("url:https://c.invalid/early", "failed", error="HTTP 404", source_url="https://c.invalid/x",
                 source_urls=["https://c.invalid/x", "https://c.invalid/early-page"], collections=["Post"])  # fmt: skip
    done = talk("s:1", collections=["Post"])
    index = {
        "talks": [done, early, "junk"],
        "collections": [
            {"url": "https://blog.invalid/post", "title": "Post", "papers": [
                paper(url="https://arxiv.org/abs/1", reason="https://arxiv.org/abs/1: not found in L"),
                paper(url="https://pmlr.invalid/1.pdf", title="One", talk="s:1", talk_url=done["source_url"],
                      method="title", score=99.0),
                paper(url="https://pmlr.invalid/2.pdf", talk_url="https://c.invalid/early-page", method="id"),
                "junk",
            ]},
            "junk",
        ],
    }  # fmt: skip
    data = page_lists(index)
    assert data is not None
    (shown,) = data["lists"]
    assert (shown["name"], shown["title"], shown["url"]) == ("Post", "Post", "https://blog.invalid/post")
    assert shown["papers"] == [
        {"title": "https://arxiv.org/abs/1", "url": "https://arxiv.org/abs/1", "talk": None,
         "why": "not found in L", "how": None},
        {"title": "One", "url": "https://pmlr.invalid/1.pdf", "talk": "s:1", "why": None,
         "how": "matched by title, 99"},
        {"title": early["title"], "url": "https://pmlr.invalid/2.pdf", "talk": early["key"], "why": "HTTP 404",
         "how": "matched by id"},  # its talk failed before it had the key the paper would name
    ]  # fmt: skip
    assert data["talks"] == [["s:1", [0]], [early["key"], [0]]]


def test_a_talk_links_back_to_the_lists_its_collections_name() -> None:
    both = talk("s:1", collections=["Same", "Other", "Gone"])
    alone = talk("s:2", collections=["Same"])
    listing = lambda name, *keys: {"url": f"file:///{name}", "title": name,  # noqa: E731
                                   "papers": [paper(talk=k, method="id") for k in keys]}  # fmt: skip
    index = {
        "talks": [both, alone, talk("s:3")],
        "collections": [listing("Same", "s:2"), listing("Same", "s:1"), listing("Other", "s:1"),
                        {"url": "https://untitled.invalid/", "title": None, "papers": []}],
    }  # fmt: skip
    data = page_lists(index)
    assert data is not None
    # two lists share a title: each talk links to the one that holds it; "Gone" names no list: nothing
    assert data["talks"] == [["s:1", [1, 2]], ["s:2", [0]]]
    assert data["lists"][3]["name"] == "https://untitled.invalid/"  # named by its URL, as the talks name it


def test_the_noscript_lists_link_the_videos_and_escape_every_text() -> None:
    data = page_lists({
        "talks": [talk("s:1")],
        "collections": [{"url": "u", "title": "<b>Post</b>", "papers": [
            paper(title="<i>One</i>", talk="s:1", method="id"), paper(title="Two & more", reason="<x>")]}],
    })  # fmt: skip
    shown = fallback_lists(data, {"s:1": "s%3A1/v.mp4"})
    assert shown == (
        "<p>The reading lists:</p><h2>&lt;b&gt;Post&lt;/b&gt;</h2><ol>"
        '<li><a href="s%3A1/v.mp4">&lt;i&gt;One&lt;/i&gt;</a></li><li>Two &amp; more (&lt;x&gt;)</li></ol>'
    )
    assert fallback_lists(None, {}) == ""


def inline_scripts(page: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>", page, re.DOTALL)


def policy_hashes(page: str) -> set[str]:
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    assert policy
    script_src = html.unescape(policy.group(1)).split("style-src")[0]
    return set(re.findall(r"'sha256-([A-Za-z0-9+/=]+)'", script_src))


def sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_the_page_inlines_the_lists_and_their_script_only_when_there_are_some() -> None:
    plain = render_player({"version": 1, "talks": [talk("s:1")]})
    assert '<script type="application/json" id="collections">' not in plain
    assert "window.confarchiveCollections = (page)" not in plain
    assert len(inline_scripts(plain)) == 1 and policy_hashes(plain) == {sha256(inline_scripts(plain)[0])}

    evil = "</script><script>window.pwned=1</script><!--"
    post = {"url": "https://b.invalid/", "title": evil, "papers": [paper(talk="s:1", title=evil)]}
    index = {"version": 1, "talks": [talk("s:1", collections=[evil])], "collections": [post]}
    page = render_player(index)
    assert page == render_player(json.loads(json.dumps(index)))  # deterministic: the index alone
    scripts = inline_scripts(page)
    assert len(scripts) == 2 and "window.confarchiveCollections = (page)" in scripts[0]  # collections.js, player.js
    assert policy_hashes(page) == {sha256(s) for s in scripts}  # each runs, nothing else may
    data = re.search(r'<script type="application/json" id="collections">(.*?)</script>', page, re.DOTALL)
    assert data and json.loads(data.group(1)) == page_lists(index)
    assert evil not in page and "<!--" not in page
