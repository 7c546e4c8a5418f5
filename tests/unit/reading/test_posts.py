"""Reading lists out of posts: HTML and text, papers in order with their title evidence, furniture ignored."""

from __future__ import annotations

from confarchive.reading.ids import PaperId
from confarchive.reading.posts import read_post

from .world import HTML_POST, TEXT_POST, is_talk


def rows(text: str, **kwargs: object) -> list[tuple[str | None, str | None, str]]:
    post = read_post(text, **kwargs)  # type: ignore[arg-type]
    return [(str(p.id) if p.id else p.url, p.title, p.evidence) for p in post.papers]


def test_text_post_in_the_iclr_shape() -> None:
    post = read_post(TEXT_POST, is_talk=is_talk)
    assert post.title is None
    assert [(str(p.id) if p.id else p.url, p.title, p.evidence, p.talk) for p in post.papers] == [
        ("openreview:Kt1aaaaaaA", "Sparse Kites: Learning to Fly with Few Feathers", "text before", False),
        ("openreview:Kt2bbbbbbB", "Gradient Gardens for Robust Owls", "text before", False),
        ("arxiv:2101.00001", "Drawing early-bird owls: Towards cheaper flight", "text before", False),
        ("arxiv:2101.00002", "Lantern for Over-Parameterized Moths", "text before", False),
        ("openreview:Kt5eeeeeeE", "Padé Kernels for α-Stable Processes", "text before", False),
        ("arxiv:2101.00003", "An Unlisted Paper About Otters", "text before", False),
        ("openreview:Kt9zzzzzzZ", "Robust Kites With Jacobians", "text before", False),
        ("openreview:Kt0yyyyyyY", "Adjustable Real-time Kite Painting", "text before", False),
        ("https://kites.example/virtual_2020/poster_Kt3ccccccC.html", "A poster I also liked", "text before", True),
    ]


def test_without_is_talk_a_talk_page_is_not_in_the_list() -> None:
    assert all(p.id is not None for p in read_post(TEXT_POST).papers)


def test_html_post_in_the_icml_shape() -> None:
    post = read_post(HTML_POST, url="https://blog.example/2020/highlights.html", is_talk=is_talk)
    assert post.title == "Highlights from the Kite Conference"  # og:title, not the <title> with the blog's name
    assert [(str(p.id) if p.id else p.url, p.title, p.evidence) for p in post.papers] == [
        ("acl:2020.acl-main.1", "Parsing Owl Songs with Tiny Grammars", "link text"),  # a heading's link
        ("arxiv:1703.00001", "Deep Owls", "link text"),  # a citation in prose: its link text
        ("arxiv:1911.00002", None, "none"),  # mid-sentence, "OWL-R": neither its text nor the prose is a title
        ("acl:2020.emnlp-main.188", "Fact Checking for Kite Shops", "text before"),  # the heading over a lone link
        ("doi:10.1162/tacl_a_00999", "Wombat Dialogue Acts", "text before"),  # "Title. Authors. [pdf]"
        ("arxiv:2101.09999", "Moth Translation Without Moths", "text before"),  # "Title, A. Author et al. arXiv"
        ("https://kites.example/virtual/2020/poster/6001", "A Poster Talk on Kites", "link text"),
    ]  # the nav and footer papers are not the post's; the owl paper's second link is the first one


def test_furniture_is_ignored_but_related_work_is_not() -> None:
    html = """<div class="sidebar"><a href="https://arxiv.org/abs/2101.00010">Sidebar Kites Paper</a></div>
    <div id="related-posts-nav"><a href="https://arxiv.org/abs/2101.00011">Nav Kites Paper</a></div>
    <section class="related-work"><p><a href="https://arxiv.org/abs/2101.00012">Related Kites Paper</a></p></section>
    <div role="navigation"><a href="https://arxiv.org/abs/2101.00013">Role Kites Paper</a></div>"""
    assert rows(html) == [("arxiv:2101.00012", "Related Kites Paper", "link text")]


def test_html_lines_in_one_paragraph() -> None:
    html = """<p>Owls at Dawn. A. Example. <a href="https://arxiv.org/abs/2101.00070">[pdf]</a>
    <a href="https://github.com/example/owls">[code]</a><br>
    Kites at Dusk. B. Sample. <a href="https://arxiv.org/abs/2101.00071">[pdf]</a><br>
    Moths at Noon <a href="https://arxiv.org/abs/2101.00072">arXiv</a> <a href="https://arxiv.org/abs/2101.00073">v2</a>
    </p>"""
    assert rows(html) == [
        ("arxiv:2101.00070", "Owls at Dawn", "text before"),
        ("arxiv:2101.00071", "Kites at Dusk", "text before"),
        ("arxiv:2101.00072", "Moths at Noon", "text before"),
        ("arxiv:2101.00073", None, "none"),  # right after another paper's link: nothing of its own
    ]


def test_relative_links_and_base() -> None:
    html = '<p><a href="/abs/2101.00020">Relative Kites Paper</a></p>'
    assert rows(html, url="https://arxiv.org/list/cs.LG") == [("arxiv:2101.00020", "Relative Kites Paper", "link text")]
    based = '<head><base href="https://arxiv.org/"></head><p><a href="abs/2101.00021">Based Kites Paper</a></p>'
    assert rows(based) == [("arxiv:2101.00021", "Based Kites Paper", "link text")]


def test_front_matter_title_wins_and_html_after_it_is_read() -> None:
    text = (
        '---\nlayout: post\ntitle: "Owls I Read"\n---\n'
        '<h1>Other</h1><p><a href="https://arxiv.org/abs/2101.00030">Owl Paper One</a></p>'
    )
    post = read_post(text)
    assert post.title == "Owls I Read"
    assert [str(p.id) for p in post.papers] == ["arxiv:2101.00030"]


def test_plain_text_forms() -> None:
    text = """# My Kite Reading List

- [Sparse Kites: Learning to Fly](https://arxiv.org/abs/2101.00040)
- [pdf](https://arxiv.org/pdf/2101.00041) Gradient Owls
- Owls at Dawn. Ada Example, Bo Sample. <https://openreview.net/forum?id=Kt1aaaaaaA>
- bare: https://aclanthology.org/2020.acl-main.42.
(see also https://arxiv.org/abs/2101.00043), and www.arxiv.org/abs/2101.00044!

Moths in Lanterns
Ada Example and Bo Sample
https://arxiv.org/abs/2101.00045

https://arxiv.org/abs/2101.00040v2 is the same kites paper again.
"""
    post = read_post(text)
    assert post.title == "My Kite Reading List"
    assert [(str(p.id), p.title) for p in post.papers] == [
        ("arxiv:2101.00040", "Sparse Kites: Learning to Fly"),
        ("arxiv:2101.00041", None),
        ("openreview:Kt1aaaaaaA", "Owls at Dawn"),
        ("acl:2020.acl-main.42", None),
        ("arxiv:2101.00043", None),
        ("arxiv:2101.00044", None),
        ("arxiv:2101.00045", "Moths in Lanterns"),  # title and authors on lines of their own
    ]


def test_a_later_link_gives_a_first_link_its_missing_title() -> None:
    text = "Read https://arxiv.org/abs/2101.00050 first.\n\nOwls and Kites https://arxiv.org/abs/2101.00050v2\n"
    post = read_post(text)
    assert [(p.id, p.title, p.url) for p in post.papers] == [
        (PaperId("arxiv", "2101.00050"), "Owls and Kites", "https://arxiv.org/abs/2101.00050")
    ]


def test_html_can_be_forced_either_way() -> None:
    text = 'Owls at Dawn <a href="https://arxiv.org/abs/2101.00060">arXiv</a>'
    assert rows(text, html=True) == [("arxiv:2101.00060", "Owls at Dawn", "text before")]
    as_text = rows(text, html=False)
    assert [row[0] for row in as_text] == ["arxiv:2101.00060"]


def test_a_post_without_papers() -> None:
    post = read_post("<p>No papers here, only <a href='https://example.org/'>a link</a>.</p>")
    assert post.papers == () and post.title is None
