"""Posts against listings: the exact entries (talks) in the post's order, each with its method and score."""

from __future__ import annotations

import pytest

from confarchive.reading.ids import PaperId
from confarchive.reading.listing import Listing
from confarchive.reading.matching import match
from confarchive.reading.paper import Paper
from confarchive.reading.posts import read_post
from confarchive.reading.titles import THRESHOLD

from .world import ACL_LIKE, HTML_POST, ICLR_LIKE, MINICONF_LIKE, TEXT_POST, is_talk

ICLR = Listing.from_json("https://kites.example/virtual_2020/papers.json", ICLR_LIKE)
ACL = Listing.from_json("https://owls.example/papers.json", ACL_LIKE)
MINI = Listing.from_json("https://mini.example/papers.json", MINICONF_LIKE)


def outcome(results: list) -> list[tuple[str, str | None, float | None]]:
    return [(m.method, m.entry.key if m.entry else None, m.score) for m in results]


def test_the_text_post_against_an_iclr_like_listing() -> None:
    results = match(read_post(TEXT_POST, is_talk=is_talk).papers, ICLR)
    got = outcome(results)
    assert got[:5] == [
        ("id", "Kt1aaaaaaA", None),
        ("id", "Kt2bbbbbbB", None),
        ("title", "Kt6ffffffF", got[2][2]),  # arXiv: "Drawing early-bird owls: Towards cheaper flight"
        ("title", "Kt7ggggggG", got[3][2]),  # arXiv: "Lantern for ..." vs "A Lantern for ..."
        ("id", "Kt5eeeeeeE", None),  # a pdf?id= link
    ]
    assert THRESHOLD <= got[2][2] < 100 and THRESHOLD <= got[3][2] < 100
    assert got[5:] == [
        ("none", None, None),  # an arXiv paper the listing does not hold
        ("none", None, None),  # an OpenReview paper the listing does not hold, no similar title
        ("title", "Kt8hhhhhhH", 100.0),  # another forum, the same title exactly: matched, with a note
        ("talk", None, None),  # a poster page: the caller's, in its place
    ]
    assert (
        results[7].note
        == "same title as Kt8hhhhhhH “Adjustable Real-time Kite Painting”, whose openreview id is Kt8hhhhhhH"
    )
    assert results[5].reason == (
        "https://arxiv.org/abs/2101.00003: not found in https://kites.example/virtual_2020/papers.json: "
        "arxiv:2101.00003 is in none; title “An Unlisted Paper About Otters” is near no listed title (none scores 80)"
    )
    assert results[6].reason is not None and results[6].reason.startswith(
        "https://openreview.net/forum?id=Kt9zzzzzzZ: not found in https://kites.example/virtual_2020/papers.json: "
        "openreview:Kt9zzzzzzZ is in none; title “Robust Kites With Jacobians”"
    )


def test_the_html_post_against_an_acl_like_listing() -> None:
    results = match(read_post(HTML_POST, is_talk=is_talk).papers, ACL)
    assert outcome(results) == [
        ("id", "main.1", None),  # heading link to the Anthology PDF, old aclweb site
        ("none", None, None),  # "Deep Owls", a citation in prose
        ("none", None, None),  # "OWL-R"
        ("id", "main.1004", None),  # aclanthology.org link, the listing's pdf_url on aclweb.org without .pdf
        ("id", "tacl.1700", None),  # a DOI in upper case
        ("id", "tacl.1701", None),  # arXiv PDF v3, the listing's abstract link
        ("talk", None, None),
    ]
    assert results[2].reason == (
        "https://arxiv.org/abs/1911.00002: not found in https://owls.example/papers.json: "
        "arxiv:1911.00002 is in none; no title to match"
    )


def test_several_listings_are_searched_in_order_and_named() -> None:
    papers = [
        Paper.from_url("https://arxiv.org/abs/2102.00002"),
        Paper.from_url("https://www.aclweb.org/anthology/2020.acl-main.1"),
        Paper(None, None, "Owls in the wild: a benchmark", "given"),
        Paper.from_url("https://arxiv.org/abs/2102.09999", "Nothing Like It Anywhere At All"),
    ]
    results = match(papers, [ICLR, ACL, MINI])
    assert [(m.method, m.listing, m.entry.key if m.entry else None) for m in results] == [
        ("id", MINI.name, "P2"),
        ("id", ACL.name, "main.1"),
        ("title", MINI.name, "P1"),
        ("none", None, None),
    ]
    assert f"not found in {ICLR.name}, {ACL.name}, {MINI.name}:" in (results[3].reason or "")


def test_near_identical_titles_are_not_confused() -> None:
    twins = [
        Paper(None, None, "Wombat Transformers for Long Burrows", "given"),
        Paper(None, None, "Wombat transformers for long burrowss", "given"),
        Paper(None, None, "Wombat Transformers for Long Burrow", "given"),  # between the two
    ]
    results = match(twins, ICLR)
    assert outcome(results) == [("title", "Kt3ccccccC", 100.0), ("title", "Kt4ddddddD", 100.0), ("none", None, None)]
    assert "is ambiguous" in (results[2].reason or "")


def test_tex_and_accents_match_exactly() -> None:
    paper = Paper.from_url("https://arxiv.org/abs/2101.00005", "Pad\\'e kernels for α-stable processes")
    assert outcome(match([paper], ICLR)) == [("title", "Kt5eeeeeeE", 100.0)]


def test_a_fuzzy_title_is_refused_when_the_same_kind_of_id_differs() -> None:
    paper = Paper.from_url(
        "https://openreview.net/forum?id=Zz9zzzzzzZ", "Sparse Kites: Learning to Fly with Few Feather"
    )
    [result] = match([paper], ICLR)
    assert result.method == "none"
    assert "same title as Kt1aaaaaaA" in (result.reason or "")
    other_kind = Paper.from_url("https://arxiv.org/abs/2101.00006", "Sparse Kites: Learning to Fly with Few Feather")
    assert outcome(match([other_kind], ICLR))[0][:2] == ("title", "Kt1aaaaaaA")


def test_a_paper_twice_is_matched_twice_to_the_same_entry() -> None:
    paper = Paper.from_url("https://openreview.net/forum?id=Kt2bbbbbbB")
    again = Paper.from_url("https://openreview.net/pdf?id=Kt2bbbbbbB")
    results = match([paper, again, paper], ICLR)
    assert [m.entry for m in results] == [ICLR.entries[1]] * 3
    assert [m.paper for m in results] == [paper, again, paper]


@pytest.mark.parametrize(
    ("paper", "why"),
    [
        (Paper(None, None), "a paper without URL or title: not found in"),
        (Paper(None, None, "Owls", "given"), "“Owls”: not found in https://kites.example/virtual_2020/papers.json"),
        (Paper(None, None, "Owls", "given"), "too short to match"),
        (
            Paper(None, None, "Sparse Kites: Learning to Fly with Many Feathers", "given"),
            "nearest “Sparse Kites: Learning to Fly with Few Feathers” scored",
        ),
        (Paper.from_url("https://example.org/some/page"), "no paper id in its URL; no title to match"),
    ],
)
def test_reasons(paper: Paper, why: str) -> None:
    """Each reason names the paper (its URL, else its title) and the listing searched."""
    [result] = match([paper], ICLR)
    assert result.method == "none" and why in (result.reason or "")


def test_no_listing_at_all() -> None:
    [result] = match([Paper.from_url("https://arxiv.org/abs/2101.00007", "Owls at Dusk and Dawn")], [])
    assert result.reason == "https://arxiv.org/abs/2101.00007: no listing to search"


def test_unknown_evidence_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown title evidence"):
        Paper("https://arxiv.org/abs/2101.00008", PaperId("arxiv", "2101.00008"), "T", "hearsay")
