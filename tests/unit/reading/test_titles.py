"""Title normalisation (TeX, accents, quotes, case) and the rapidfuzz title index: exact, fuzzy, refused."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from confarchive.reading.titles import MARGIN, NEAREST, THRESHOLD, TitleIndex, normalise_title


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Sparse  Kites:\tLearning to Fly", "sparse kites learning to fly"),
        ("{B}ERT Meets the {W}ombat", "bert meets the wombat"),
        ("$\\alpha$-Divergence Gardens", "alpha divergence gardens"),
        ("α-Divergence Gardens", "alpha divergence gardens"),
        ("The $\\ell_1$ Lantern", "the l 1 lantern"),
        ("The L^1 Lantern", "the l 1 lantern"),
        ("\\emph{Very} \\textbf{\\emph{Bold}} Claims", "very bold claims"),
        ("Fast -- and Slow --- Owls", "fast and slow owls"),
        ("Padé Kernels for Señor Gödel", "pade kernels for senor godel"),
        ("P\\'{a}d\\'e and \\\"{O}ber", "pade and ober"),
        ("\\v{C}ech and $\\varepsilon$-Nets", "cech and varepsilon nets"),
        ("Straße, Ørsted and Łódź", "strasse orsted and lodz"),
        ("“Smart” Quotes’ Revenge", "smart quotes revenge"),
        ('"Smart" Quotes\' Revenge', "smart quotes revenge"),
        ("Σ-Nets (Revisited)!", "sigma nets revisited"),
        ("   ", ""),
    ],
)
def test_normalise(title: str, expected: str) -> None:
    assert normalise_title(title) == expected


LISTING = [
    "Sparse Kites: Learning to Fly with Few Feathers",  # 0
    "Gradient Gardens for Robust Owls",  # 1
    "Wombat Transformers for Long Burrows",  # 2
    "Wombat Transformers for Long Burrowss",  # 3: a near twin of 2 (a real listing has such)
    "TBA",  # 4: a placeholder, never matched
    "Padé Kernels for $\\alpha$-Stable Processes",  # 5
    "Gradient Gardens for Robust Owls",  # 6: the same title again: the first one answers
]


@pytest.fixture(scope="module")
def index() -> TitleIndex:
    return TitleIndex(LISTING)


@pytest.mark.parametrize(
    ("query", "status", "expected"),
    [
        ("sparse kites: learning to fly with few feathers", "exact", 0),
        ("Pade Kernels for α-Stable Processes", "exact", 5),
        ("Gradient Gardens for Robust Owls", "exact", 1),
        ("Sparse Kites: Learning to Fly with Few Feather", "fuzzy", 0),
        ("Spars Kites: Learning to Fly With Few Feathers.", "fuzzy", 0),
        ("Sparse Kites", "below", None),
        ("Sparse Kites: Learning to Swim with Many Fins", "below", None),
        ("A Completely Different Paper About Otters", "below", None),
        ("Wombat Transformers for Long Burrow", "ambiguous", None),
        ("TBA", "short", None),
        ("pdf", "short", None),
        (None, "short", None),
    ],
)
def test_lookup(index: TitleIndex, query: str | None, status: str, expected: int | None) -> None:
    hit = index.lookup(query)
    assert (hit.status, hit.index) == (status, expected)
    assert hit.matched == (expected is not None)


def test_near_twins_are_each_found_exactly_never_confused(index: TitleIndex) -> None:
    assert index.lookup("Wombat Transformers for Long Burrows").index == 2
    assert index.lookup("Wombat Transformers for Long Burrowss").index == 3
    hit = index.lookup("Wombat Transformers for Long Burrow")
    assert hit.status == "ambiguous" and {hit.best, hit.runner_up} == {2, 3}
    assert hit.score - (hit.runner_up_score or 0) < MARGIN


def test_a_fuzzy_hit_reports_its_score_and_runner_up(index: TitleIndex) -> None:
    hit = index.lookup("Sparse Kites: Learning to Fly with Few Feather")
    assert THRESHOLD <= hit.score < 100
    assert hit.runner_up is None  # nothing else is within reach


def test_below_names_the_nearest_title_if_near(index: TitleIndex) -> None:
    hit = index.lookup("Sparse Kites: Learning to Fly with Many Feathers")
    assert (hit.status, hit.best) == ("below", 0) and NEAREST <= hit.score < THRESHOLD
    far = index.lookup("Sparse Kites: Learning to Swim with Many Fins")
    assert (far.status, far.best) == ("below", None)


def test_threshold_is_a_parameter() -> None:
    lenient = TitleIndex(LISTING, threshold=60, margin=5)
    assert lenient.lookup("Sparse Kites: Learning to Swim with Many Fins").index == 0


def test_an_empty_listing_matches_nothing() -> None:
    hit = TitleIndex([]).lookup("Sparse Kites: Learning to Fly")
    assert hit.status == "below" and hit.best is None


FAST = settings(max_examples=300, deadline=None, database=None)


@FAST
@given(st.text())
def test_normalised_titles_are_ascii_words_and_stable(text: str) -> None:
    once = normalise_title(text)
    assert re.fullmatch(r"(?:[a-z0-9]+(?: [a-z0-9]+)*)?", once), once
    assert normalise_title(once) == once
