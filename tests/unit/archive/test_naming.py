"""Folder and file names from titles: safe on Linux, macOS and Windows, bounded, never outside the archive."""

from __future__ import annotations

import unicodedata
from pathlib import PurePosixPath, PureWindowsPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from confarchive.archive.naming import MAX_NAME_BYTES, key_suffix, safe_name, with_suffix

FAST = settings(max_examples=200, deadline=None, database=None)

FORBIDDEN = set('/\\:*?"<>|\x00')
RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in "123456789"}


def assert_safe(name: str, max_bytes: int = MAX_NAME_BYTES) -> None:
    assert name, "never empty"
    assert not (FORBIDDEN & set(name)), f"forbidden character in {name!r}"
    assert not any(unicodedata.category(ch) == "Cc" for ch in name), f"control character in {name!r}"
    assert not name.startswith("."), name
    assert not name.endswith((".", " ")), name
    assert name == name.strip(), "no leading or trailing whitespace"
    assert len(name.encode("utf-8")) <= max_bytes
    assert name.split(".")[0].upper() not in RESERVED, f"reserved Windows name {name!r}"
    # one path component, on every platform
    assert PurePosixPath(name).parts == (name,)
    assert PureWindowsPath(name).parts == (name,)
    assert name not in (".", "..")


# -- tables ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Towards a Deep Network Architecture", "Towards a Deep Network Architecture"),
        ("Part 1: Intro / Outro", "Part 1 - Intro - Outro"),
        ("Input\\Output", "Input-Output"),
        ("A | B", "A - B"),
        ("Line\nbreak\tand\rtab", "Line break and tab"),
        ("  lots   of    space  ", "lots of space"),
        ("Trailing dots...", "Trailing dots"),
        ("Ends with space and dot . ", "Ends with space and dot"),
        ("Über Ähnlichkeit", "Über Ähnlichkeit"),
        ("深層学習による言語理解", "深層学習による言語理解"),
        ('Why? Because *stars* <tags> "quotes"', "Why Because stars tags quotes"),
    ],
)
def test_safe_name_table(title: str, expected: str) -> None:
    assert safe_name(title) == expected


@pytest.mark.parametrize("title", ["", "   ", "...", ". . .", '*?"<>', "\x00\x01\x1f", "\u200b"])
def test_safe_name_falls_back_when_nothing_is_left(title: str) -> None:
    assert safe_name(title) == "Untitled"
    assert safe_name(title, fallback="talk-38925850") == "talk-38925850"


@pytest.mark.parametrize("title", ["CON", "con", "nul", "NUL", "Aux", "PRN", "LPT1", "com9", "con.txt", "NUL.tar.gz"])
def test_reserved_windows_names_are_altered(title: str) -> None:
    name = safe_name(title)
    assert name != title
    assert name.split(".")[0].upper() not in RESERVED
    assert_safe(name)


def test_reserved_word_inside_a_title_is_left_alone() -> None:
    assert safe_name("CON talk about consoles") == "CON talk about consoles"
    assert safe_name("Console") == "Console"


@pytest.mark.parametrize("title", ["../../etc/passwd", "..", ".", "../", "..\\..\\Windows", "/etc/passwd", "C:\\x"])
def test_path_tricks_stay_one_component(title: str) -> None:
    name = safe_name(title)
    assert_safe(name)
    assert ".." not in PurePosixPath(name).parts


def test_leading_dot_is_removed() -> None:
    assert safe_name(".hidden talk") == "hidden talk"


def test_control_characters_and_nul_are_removed() -> None:
    assert safe_name("a\x00b\x07c\x1bd\x7fe") == "abcde"


def test_bidi_override_is_removed() -> None:
    assert safe_name("invoice\u202egpj.exe") == "invoicegpj.exe"


def test_separators_become_readable_dashes_not_nothing() -> None:
    assert safe_name("///") == "---"


def test_nfc_normalisation() -> None:
    decomposed = "Cafe\u0301 Re\u0301sume\u0301"
    composed = "Caf\u00e9 R\u00e9sum\u00e9"
    assert safe_name(decomposed) == composed
    assert safe_name(decomposed).encode("utf-8") == safe_name(composed).encode("utf-8")


def test_long_ascii_is_cut_to_150_bytes() -> None:
    assert safe_name("x" * 400) == "x" * 150


def test_emoji_cut_at_character_boundary() -> None:
    name = safe_name("😀" * 100)  # 4 bytes each: 37 fit in 150 bytes
    assert name == "😀" * 37
    assert len(name.encode("utf-8")) == 148


def test_cjk_cut_at_character_boundary() -> None:
    name = safe_name("日" * 100)  # 3 bytes each: exactly 50 fit
    assert name == "日" * 50
    assert len(name.encode("utf-8")) == 150


def test_cjk_cut_when_bytes_do_not_divide_evenly() -> None:
    name = safe_name("a" + "語" * 100)  # 1 + 3*49 = 148; one more would be 151
    assert name == "a" + "語" * 49


def test_rtl_text_cut_and_no_trailing_space() -> None:
    title = "שלום עולם " * 30  # Hebrew: 2 bytes a letter
    name = safe_name(title)
    assert len(name.encode("utf-8")) <= 150
    assert title.startswith(name)
    assert not name.endswith(" ")
    assert len(name.encode("utf-8")) >= 140  # not cut needlessly short


def test_cut_that_exposes_a_trailing_dot_or_space_is_cleaned() -> None:
    title = "x" * 148 + ". more words"
    name = safe_name(title)
    assert name == "x" * 148


def test_smaller_budget() -> None:
    assert safe_name("abcdefghij", max_bytes=4) == "abcd"
    assert safe_name("日本語", max_bytes=7) == "日本"


# -- with_suffix / key_suffix ---------------------------------------------------------------------------


def test_key_suffix() -> None:
    assert key_suffix("slideslive:38940002") == "[slideslive-38940002]"


def test_with_suffix_short_title() -> None:
    assert with_suffix("Same Title", "slideslive:38940002") == "Same Title [slideslive-38940002]"


def test_with_suffix_long_title_fits_budget() -> None:
    name = with_suffix("日" * 100, "slideslive:38940002")
    assert name.endswith(" [slideslive-38940002]")
    assert len(name.encode("utf-8")) <= 150
    assert name.startswith("日" * 40)
    assert_safe(name)


def test_with_suffix_distinguishes_keys() -> None:
    a = with_suffix("x" * 300, "slideslive:38940001")
    b = with_suffix("x" * 300, "slideslive:38940002")
    assert a != b


# -- properties ------------------------------------------------------------------------------------------

_titles = st.text() | st.text(st.sampled_from(list('aZ. \t\n/\\:*?"<>|\x00\x7f😀日שé\u0301\u200d\u202e')), max_size=300)


@FAST
@given(_titles)
def test_safe_name_invariants(title: str) -> None:
    assert_safe(safe_name(title))


@FAST
@given(st.text(min_size=1), st.integers(min_value=8, max_value=200))
def test_safe_name_respects_any_budget_of_at_least_the_fallback(title: str, max_bytes: int) -> None:
    assert len(safe_name(title, max_bytes).encode("utf-8")) <= max_bytes


@FAST
@given(
    st.sampled_from(sorted(RESERVED)),
    st.sampled_from([str.upper, str.lower, str.title]),
    st.sampled_from(["", ".txt", ".tar.gz", ".", " ", "..."]),
)
def test_reserved_names_in_any_case_and_with_extensions(base: str, case, tail: str) -> None:
    assert_safe(safe_name(case(base) + tail))


@FAST
@given(st.text(min_size=1).filter(lambda t: t.strip()), st.integers(min_value=1, max_value=10**12))
def test_with_suffix_fits_budget(title: str, number: int) -> None:
    key = f"slideslive:{number}"
    name = with_suffix(title, key)
    assert name.endswith(f" [slideslive-{number}]")
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert_safe(name)


@FAST
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_safe_name_is_nfc(title: str) -> None:
    name = safe_name(title)
    assert unicodedata.normalize("NFC", name) == name
    assert safe_name(unicodedata.normalize("NFD", title)) == safe_name(unicodedata.normalize("NFC", title))


@settings(max_examples=200, deadline=None, database=None)
@given(st.text())
def test_safe_name_is_idempotent(title: str) -> None:
    once = safe_name(title)
    assert safe_name(once) == once
