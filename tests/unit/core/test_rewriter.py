"""The transport-level URL rewriter (git's insteadOf): the longest matching prefix wins."""

from __future__ import annotations

import pytest

from confarchive.core.net import Rewriter
from confarchive.core.settings import Rewrite

WORLD = "http://127.0.0.1:8123"


def test_no_rules_is_identity_and_false() -> None:
    rw = Rewriter([])
    assert not rw
    assert rw("https://slideslive.com/38925850") == "https://slideslive.com/38925850"


def test_with_rules_is_true() -> None:
    assert Rewriter([Rewrite("https://a/", "http://b/")])


def test_prefix_replaced_and_rest_kept_verbatim() -> None:
    rw = Rewriter([Rewrite("https://slideslive.com/", f"{WORLD}/slideslive.com/")])
    url = "https://slideslive.com/embed/presentation/38925850?embed_parent_url=https%3A%2F%2Ficlr.cc%2F#x"
    assert rw(url) == f"{WORLD}/slideslive.com/embed/presentation/38925850?embed_parent_url=https%3A%2F%2Ficlr.cc%2F#x"


@pytest.mark.parametrize(
    "url",
    [
        "https://iclr.cc/virtual_2020/poster_Hklr204Fvr.html",
        "http://slideslive.com/38925850",  # scheme differs
        "https://slideslive.com.evil.example/x",  # prefix ends with '/', so no partial host match
        "https://SLIDESLIVE.com/38925850",  # prefixes are literal strings
        "",
    ],
)
def test_no_match_returns_url_unchanged(url: str) -> None:
    rw = Rewriter([Rewrite("https://slideslive.com/", f"{WORLD}/slideslive.com/")])
    assert rw(url) == url


@pytest.mark.parametrize(
    "rules",
    [
        [
            Rewrite("https://slideslive.com/", f"{WORLD}/short/"),
            Rewrite("https://slideslive.com/player/", f"{WORLD}/long/"),
        ],
        [
            Rewrite("https://slideslive.com/player/", f"{WORLD}/long/"),
            Rewrite("https://slideslive.com/", f"{WORLD}/short/"),
        ],
    ],
    ids=["short-first", "long-first"],
)
def test_longest_prefix_wins_whatever_the_order(rules: list[Rewrite]) -> None:
    rw = Rewriter(rules)
    assert rw("https://slideslive.com/player/38925850?player_token=t") == f"{WORLD}/long/38925850?player_token=t"
    assert rw("https://slideslive.com/38925850") == f"{WORLD}/short/38925850"


def test_three_levels_of_prefix() -> None:
    rw = Rewriter(
        [
            Rewrite("https://", "http://any/"),
            Rewrite("https://cdn.slideslive.com/data/", "http://data/"),
            Rewrite("https://cdn.slideslive.com/", "http://cdn/"),
        ]
    )
    assert rw("https://cdn.slideslive.com/data/presentations/1/x.jpg") == "http://data/presentations/1/x.jpg"
    assert rw("https://cdn.slideslive.com/other") == "http://cdn/other"
    assert rw("https://iclr.cc/") == "http://any/iclr.cc/"
    assert rw("http://iclr.cc/") == "http://iclr.cc/"


def test_rewrite_is_applied_once_not_repeatedly() -> None:
    rw = Rewriter([Rewrite("https://a/", "https://a/a/")])
    assert rw("https://a/x") == "https://a/a/x"


def test_prefix_matching_the_whole_url() -> None:
    rw = Rewriter([Rewrite("https://slideslive.com/38925850", f"{WORLD}/one")])
    assert rw("https://slideslive.com/38925850") == f"{WORLD}/one"
