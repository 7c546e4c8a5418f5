"""Title evidence: a ``citation_title`` that is an id is not a title (one table of pages)."""

from __future__ import annotations

import pytest

from confarchive.sites.about import page_about
from confarchive.sites.page import Page

TITLES = [
    # (page URL, citation_title, <title>, the title read)
    ("https://c.example/proceeding_21P03.html", "21P03", "CHIL: A Real Title", "A Real Title"),
    ("https://c.example/poster_1234.html", "1234", "A Title in the Head", "A Title in the Head"),
    ("https://c.example/poster_Bkx3aQ9.html", "Bkx3aQ9", "ICLR: Deep Things", "Deep Things"),
    ("https://c.example/paper_keynote.html", "keynote", "ICLR: The Keynote of the Year", "The Keynote of the Year"),
    ("https://c.example/poster_9.html", "BERT4Rec: A Model", "ICLR: Other", "BERT4Rec: A Model"),
    ("https://c.example/poster_9.html", "Transformers", "ICLR: Other", "Transformers"),  # one word, not an id
]


@pytest.mark.parametrize(("url", "citation", "head", "title"), TITLES)
def test_a_citation_title_that_is_an_id_is_not_a_title(url: str, citation: str, head: str, title: str) -> None:
    html = f'<html><head><title>{head}</title><meta name="citation_title" content="{citation}"></head></html>'
    assert page_about(Page.parse(html, url), []).title == title
