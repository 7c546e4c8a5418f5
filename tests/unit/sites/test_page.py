"""A parsed page: what its author switched off is gone, and the one-walk lookups answer as bs4's finds do."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from confarchive.sites.page import Page

_SWITCHED_OFF = """<html><head><meta name="title" content="Kept"></head><body>
<template><!-- <iframe src="https://slideslive.com/embed/presentation/11111111"></iframe> -->
  <noscript><p id="gone">inner</p></noscript><p>in template</p></template>
<!-- <iframe src="https://slideslive.com/embed/presentation/22222222"></iframe> -->
<noscript><!-- nested --><iframe src="https://slideslive.com/embed/presentation/33333333"></iframe></noscript>
<p id="kept">kept<!-- trailing --></p>
</body></html>"""


def test_comments_templates_and_noscript_copies_are_gone_even_when_nested() -> None:
    page = Page.parse(_SWITCHED_OFF, "https://conf.example/talk")
    for pid in ("11111111", "22222222", "33333333"):
        assert pid not in page.text
    assert "nested" not in page.text and "trailing" not in page.text and "in template" not in page.text
    assert [t.get("id") for t in page.tags("p")] == ["kept"]
    assert page.by_id("gone") is None and page.by_id("kept") is not None
    assert page.metas("title") == ["Kept"]


_MIXED = """<html><body>
<h2 class="card-title">B</h2><iframe src="/a"></iframe><div id="x"><h3 id="x">inner</h3></div>
<iframe>no src</iframe><video src="v.mp4"><source src="s.mp4"></video><h2>A</h2><a href="">empty</a><a>none</a>
</body></html>"""


@pytest.mark.parametrize("names", [("iframe",), ("h2", "h3"), ("video", "source"), ("a",), ("nothing",)])
def test_tags_are_find_all_in_document_order(names: tuple[str, ...]) -> None:
    page = Page.parse(_MIXED, "https://conf.example/")
    assert page.tags(*names) == BeautifulSoup(_MIXED, "html.parser").find_all(list(names))


def test_by_id_is_the_first_tag_with_that_id() -> None:
    page = Page.parse(_MIXED, "https://conf.example/")
    assert page.by_id("x") is page.soup.find(id="x") and page.by_id("x").name == "div"  # type: ignore[union-attr]


def test_the_text_keeps_attribute_values_as_written_so_that_they_are_found_in_it() -> None:
    src = "https://player.example/embed?v=1&autoplay=0"
    page = Page.parse(f'<iframe src="{src}"></iframe>', "https://conf.example/")
    assert page.text.find(str(page.tags("iframe")[0]["src"])) >= 0


@pytest.mark.parametrize(("name", "attribute"), [("iframe", "src"), ("a", "href"), ("video", "src"), ("h2", "class")])
def test_tags_having_an_attribute_are_find_all_with_it_true(name: str, attribute: str) -> None:
    page = Page.parse(_MIXED, "https://conf.example/")
    expected = BeautifulSoup(_MIXED, "html.parser").find_all(name, attrs={attribute: True})
    assert page.tags(name, having=attribute) == expected and expected  # an empty href is present; no src is not
