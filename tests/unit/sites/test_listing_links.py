"""How a listing links its cards: the link template read from the scripts that draw them (one table of
renderer shapes), and the card links read from drawn or server-rendered cards (one table of pages)."""

from __future__ import annotations

import logging

import pytest

from confarchive.sites.cards import card_links, link_shape
from confarchive.sites.linktemplate import json_names, markup_templates, script_templates
from confarchive.sites.page import Page

# (a renderer's script, the card link it draws: prefix, field as written, suffix)
SCRIPTS = [
    pytest.param(  # the link inside one long multi-line card template, after a concatenation (ICLR 2020)
        """const card = item => `
    <div class="pp-card pp-mode-` + mode + ` ">
      <div class="pp-card-header">
        <a href="poster_${item.content.forum_id}.html"
           class="text-muted">
           <h5 class="card-title"> ${item.content.title} </h5></a>
        <h6 class="card-subtitle">${item.content.authors.join(', ')}</h6>
      </div>
    </div>`""",
        ("poster_", ("item", "content", "forum_id"), ".html"),
        id="template-inside-a-long-template",
    ),
    pytest.param(  # the card template beside a calendar link and keyword links that are not talks
        """const kw = k => `<a href="papers.html?filter=keywords&search=${k}">${k}</a>`;
const cal = (p, i) => `<a href="webcal://cal.example/poster_${p.forum}.${i}.ics">cal</a>`;
const card = p => `<div><a href="paper_${p.id}.html" target="_blank"><h5>${p.title}</h5></a></div>`;""",
        ("paper_", ("p", "id"), ".html"),
        id="card-among-other-links",
    ),
    pytest.param(  # a helper returning a short literal (Mini-Conf's API.posterLink)
        """class Links { static page(paper) { return `demo_${paper.UID}.html`; }
  static thumb(paper) { return `https://img.example/small/${paper.UID}.jpg`; } }""",
        ("demo_", ("paper", "UID"), ".html"),
        id="helper-returning-a-literal",
    ),
    pytest.param(  # string concatenation, quotes of both kinds
        """cards.innerHTML += '<a class="title" href="' + "keynote-" + talk['slug'] + '.html' + '">'
            + talk.title + '</a>';""",
        ("keynote-", ("talk", "slug"), ".html"),
        id="concatenation",
    ),
    pytest.param(  # a commented-out older card is never read
        """// const old = p => `<a href="poster_${p.old_id}.html"><h5>${p.title}</h5></a>`;
/* var older = '<a href="paper_' + p.x + '.html">'; */
const card = p => `<a href="music_${p.content.uid}.html"><h4>${p.title}</h4></a>`;""",
        ("music_", ("p", "content", "uid"), ".html"),
        id="comments-are-not-read",
    ),
]


@pytest.mark.parametrize(("script", "expected"), SCRIPTS)
def test_the_card_link_is_the_first_template_of_a_renderer(script: str, expected: tuple) -> None:
    templates = sorted(script_templates(script, 0), key=lambda t: t.rank)
    assert templates, "no link template found"
    best = templates[0]
    assert (best.prefix, best.path, best.suffix) == expected


def test_links_that_are_not_one_field_between_literals_are_not_templates() -> None:
    script = """const a = `${base}/paper_${p.id}.html`; const b = `poster_${p.id + 1}.html`;
const c = `webcal://x/poster_${p.id}.ics`; const d = `poster_${f(p)}.html`; const e = "plain.html";"""
    assert script_templates(script, 0) == []


def test_a_handlebars_template_in_the_page() -> None:
    markup = """{{#each papers}}<div class="card"><a href="late_{{ this.uid }}.html"><h5>{{title}}</h5></a>
<a href="https://chat.example/channel/{{uid}}">chat</a></div>{{/each}}"""
    (template, *_rest) = sorted(markup_templates(markup, 3), key=lambda t: t.rank)
    assert (template.prefix, template.path, template.suffix, template.source) == ("late_", ("uid",), ".html", 3)


def test_data_files_are_whole_json_literals_in_order() -> None:
    script = """const all = "papers.json"; const some = "track_" + t + ".json"; const y = `papers_${p}.json`;
API.get(`serve_demos.json?v=2`); // "commented.json" """
    assert json_names(script) == ["papers.json", "serve_demos.json?v=2"]


def test_the_loop_variable_is_learnt_from_the_data() -> None:
    (template,) = [t for t in script_templates("f = o => `<a href='poster_${o.content.uid}.html'><h5></h5></a>`", 0)]
    entries = [{"content": {"uid": "A1"}}, {"content": {"uid": "B2"}}, {"content": {}}]
    bound = template.bind(entries)
    assert bound is not None and bound.fields == ("content", "uid") and bound.hits(entries) == 2
    assert [bound.href(e) for e in entries] == ["poster_A1.html", "poster_B2.html", None]
    assert template.bind([{"uid": "x"}]) is None


SHAPES = [
    ("https://c.example/v/poster_r1eyceSYPr.html", ("c.example", "/v", "poster_", ".html")),
    ("https://c.example/paper_main.8.html", ("c.example", "/", "paper_", ".html")),
    ("https://c.example/paper_WS-11.2020.sigtyp-1.1.html", ("c.example", "/", "paper_", ".html")),
    ("https://c.example/keyword_deep learning.html", ("c.example", "/", "keyword_", ".html")),
    ("https://c.example/virtual/2021/poster/26843", ("c.example", "/virtual/2021/poster", "", "")),
]


@pytest.mark.parametrize(("url", "shape"), SHAPES)
def test_link_shapes(url: str, shape: tuple) -> None:
    assert link_shape(url) == shape


def _cards(body: str, url: str = "https://c.example/papers.html", rendered: bool = True) -> list[str] | None:
    page = Page.parse(f"<html><body>{body}</body></html>", url, rendered=rendered)
    refs = card_links(page, None, logging.getLogger("test"))
    return None if refs is None else [r.url for r in refs]


def _card(prefix: str, uid: str) -> str:
    return (
        f'<div class="pp-card"><a href="{prefix}{uid}.html"><h5 class="card-title">Title {uid}</h5></a>'
        f'<a href="keyword_{uid}a.html">a</a><a href="keyword_{uid}b.html">b</a></div>'
    )


def test_drawn_cards_inside_bootstrap_tab_panes_are_talks() -> None:
    cards = "".join(_card("demo_", u) for u in ("b", "a", "c"))
    body = (
        '<nav class="navbar"><a href="demo_nav.html"><h5>Demo of the day</h5></a></nav>'
        '<ul class="nav nav-tabs" role="tablist"><li><a href="#nav-home">Browse</a></li></ul>'
        f'<div class="tab-content" id="nav-tabContent"><div class="tab-pane" id="nav-home">{cards}</div></div>'
    )
    assert _cards(body) == [f"https://c.example/demo_{u}.html" for u in "abc"]  # drawn cards: sorted


def test_cards_only_in_navigation_are_not_talks_and_the_log_says_so(caplog: pytest.LogCaptureFixture) -> None:
    body = '<div class="sidebar">' + "".join(_card("poster_", u) for u in "xyz") + "</div>"
    with caplog.at_level(logging.WARNING):
        assert _cards(body) is None
    assert "3 card links like poster_" in caplog.text and "div.sidebar" in caplog.text


def test_a_talk_page_is_not_a_listing_of_its_similar_papers() -> None:
    body = "".join(_card("poster_", u) for u in "xyz")
    assert _cards(body, url="https://c.example/poster_w.html", rendered=False) is None
    assert _cards(body, rendered=False) == [f"https://c.example/poster_{u}.html" for u in "xyz"]
