"""Paper ids from URLs, without a request: every form a reading list uses, and pages that are not papers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from confarchive.reading.ids import PaperId, acl_id, arxiv_id, doi_id, openreview_id, paper_id

HASH = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"

PAPERS = [
    # OpenReview: forum, pdf, attachment; www, http, extra parameters
    ("https://openreview.net/forum?id=Zx9kQ2vLmR", "openreview:Zx9kQ2vLmR"),
    ("http://openreview.net/forum?id=Zx9kQ2vLmR", "openreview:Zx9kQ2vLmR"),
    ("https://www.openreview.net/forum?id=Zx9kQ2vLmR", "openreview:Zx9kQ2vLmR"),
    ("https://openreview.net/pdf?id=Zx9kQ2vLmR", "openreview:Zx9kQ2vLmR"),
    ("https://openreview.net/attachment?id=Zx9kQ2vLmR&name=original_pdf", "openreview:Zx9kQ2vLmR"),
    ("https://openreview.net/forum?id=Ab_c-9dEfG&noteId=Qq1", "openreview:Ab_c-9dEfG"),
    ("openreview.net/forum?id=Zx9kQ2vLmR", "openreview:Zx9kQ2vLmR"),
    # arXiv: abs, pdf, versions, .pdf, old style, export mirror
    ("https://arxiv.org/abs/2101.01234", "arxiv:2101.01234"),
    ("https://arxiv.org/abs/2101.01234v2", "arxiv:2101.01234"),
    ("https://arxiv.org/pdf/2101.01234v3", "arxiv:2101.01234"),
    ("https://arxiv.org/pdf/2101.01234v3.pdf", "arxiv:2101.01234"),
    ("https://arxiv.org/pdf/2101.01234.pdf", "arxiv:2101.01234"),
    ("http://www.arxiv.org/abs/1412.6789", "arxiv:1412.6789"),
    ("https://export.arxiv.org/abs/2101.01234", "arxiv:2101.01234"),
    ("https://arxiv.org/abs/hep-th/9901001", "arxiv:hep-th/9901001"),
    ("https://arxiv.org/abs/hep-th/9901001v4", "arxiv:hep-th/9901001"),
    ("https://arxiv.org/pdf/math.GT/0309136", "arxiv:math.GT/0309136"),
    ("https://arxiv.org/abs/2101.01234#section", "arxiv:2101.01234"),
    ("arxiv.org/abs/2101.01234", "arxiv:2101.01234"),
    # ACL Anthology: new and old sites, trailing slash, .pdf, old ids, aclanthology.info
    ("https://aclanthology.org/2020.emnlp-main.272", "acl:2020.emnlp-main.272"),
    ("https://aclanthology.org/2020.emnlp-main.272/", "acl:2020.emnlp-main.272"),
    ("https://aclanthology.org/2020.emnlp-main.272.pdf", "acl:2020.emnlp-main.272"),
    ("https://aclanthology.org/2020.findings-emnlp.41.pdf", "acl:2020.findings-emnlp.41"),
    ("https://www.aclweb.org/anthology/2020.acl-main.1.pdf", "acl:2020.acl-main.1"),
    ("https://aclweb.org/anthology/2020.acl-main.1", "acl:2020.acl-main.1"),
    ("https://www.aclweb.org/anthology/P19-1001", "acl:P19-1001"),
    ("https://www.aclweb.org/anthology/P19-1001.pdf", "acl:P19-1001"),
    ("http://www.aclweb.org/anthology/P/P17/P17-1042.pdf", "acl:P17-1042"),
    ("https://aclanthology.org/p19-1001", "acl:P19-1001"),
    ("https://aclanthology.info/papers/P18-1002/p18-1002", "acl:P18-1002"),
    ("https://www.statmt.org/wmt20/pdf/2020.wmt-1.5.pdf", "acl:2020.wmt-1.5"),
    # PMLR: abstract page, PDF, supplement
    ("http://proceedings.mlr.press/v119/doe20a.html", "pmlr:v119/doe20a"),
    ("https://proceedings.mlr.press/v119/doe20a/doe20a.pdf", "pmlr:v119/doe20a"),
    ("https://proceedings.mlr.press/v119/doe20a/doe20a-supp.pdf", "pmlr:v119/doe20a"),
    ("https://proceedings.mlr.press/v97/smith-jones19b.html", "pmlr:v97/smith-jones19b"),
    # NeurIPS: abstract page, PDF and supplement are one paper; the 2023 site's paths too
    (f"https://proceedings.neurips.cc/paper/2020/hash/{HASH}-Abstract.html", f"proceedings:neurips.cc/{HASH}"),
    (f"https://proceedings.neurips.cc/paper/2020/file/{HASH}-Paper.pdf", f"proceedings:neurips.cc/{HASH}"),
    (f"https://proceedings.neurips.cc/paper/2020/file/{HASH}-Supplemental.pdf", f"proceedings:neurips.cc/{HASH}"),
    (f"https://papers.nips.cc/paper/2020/hash/{HASH}-Abstract.html", f"proceedings:neurips.cc/{HASH}"),
    (
        f"https://proceedings.neurips.cc/paper_files/paper/2021/file/{HASH}-Paper.pdf",
        f"proceedings:neurips.cc/{HASH}",
    ),
    # ICML's own proceedings PDFs
    ("https://proceedings.icml.cc/static/paper_files/icml/2020/1234-Paper.pdf", "proceedings:icml.cc/icml/2020/1234"),
    # DOIs: doi.org, publisher pages; the Anthology's and arXiv's DOIs become their own ids
    ("https://doi.org/10.1162/tacl_a_00999", "doi:10.1162/tacl_a_00999"),
    ("https://dx.doi.org/10.1162/TACL_A_00999", "doi:10.1162/tacl_a_00999"),
    ("https://www.mitpressjournals.org/doi/pdf/10.1162/coli_a_00999?mobileUi=0", "doi:10.1162/coli_a_00999"),
    ("https://direct.mit.edu/tacl/article/doi/10.1162/tacl_a_00999/12345/A-Title", "doi:10.1162/tacl_a_00999"),
    ("https://dl.acm.org/doi/10.1145/1234567.7654321", "doi:10.1145/1234567.7654321"),
    ("https://doi.org/10.18653/v1/2020.acl-main.7", "acl:2020.acl-main.7"),
    ("https://doi.org/10.48550/arXiv.2101.01234", "arxiv:2101.01234"),
]

NOT_PAPERS = [
    "https://openreview.net/group?id=ICLR.cc/2020/Conference",
    "https://openreview.net/profile?id=~Jane_Doe1",
    "https://openreview.net/forum",
    "https://openreview.net/forum?id=main.8",
    "https://arxiv.org/list/cs.LG/recent",
    "https://arxiv.org/a/doe_j_1",
    "https://arxiv.org/abs/",
    "https://arxiv.org/search/?query=transformers",
    "https://aclanthology.org/",
    "https://aclanthology.org/volumes/2020.emnlp-main/",
    "https://aclanthology.org/2020.emnlp-main/",
    "https://aclanthology.org/events/emnlp-2020/",
    "https://aclanthology.org/P19-1/",
    "https://aclanthology.org/people/j/jane-doe/",
    "https://www.aclweb.org/portal/content/acl-2020",
    "https://www.statmt.org/wmt20/",
    "http://proceedings.mlr.press/v119/",
    "http://proceedings.mlr.press/",
    "https://proceedings.neurips.cc/paper/2020",
    "https://proceedings.icml.cc/static/paper_files/icml/2020/",
    "https://icml.cc/virtual/2020/poster/6001",
    "https://iclr.cc/virtual_2020/poster_Zx9kQ2vLmR.html",
    "https://slideslive.com/38923089/a-talk",
    "https://github.com/someone/arxiv.org/abs/2101.01234",
    "https://example.org/abs/2101.01234",
    "ftp://arxiv.org/abs/2101.01234",
    "mailto:someone@arxiv.org",
    "",
    "not a url at all",
]


@pytest.mark.parametrize(("url", "expected"), PAPERS)
def test_paper_urls(url: str, expected: str) -> None:
    assert str(paper_id(url)) == expected


@pytest.mark.parametrize("url", NOT_PAPERS)
def test_pages_that_are_not_one_paper(url: str) -> None:
    assert paper_id(url) is None


def test_one_paper_in_many_spellings_is_one_id() -> None:
    spellings = [url for url, expected in PAPERS if expected == "arxiv:2101.01234"]
    assert len(spellings) >= 6
    assert len({paper_id(url) for url in spellings}) == 1


@pytest.mark.parametrize(
    ("parse", "text", "expected"),
    [
        (arxiv_id, "2101.01234v7", "arxiv:2101.01234"),
        (arxiv_id, "0704.0001", "arxiv:0704.0001"),
        (arxiv_id, "cond-mat/0102536v1", "arxiv:cond-mat/0102536"),
        (arxiv_id, "2101.1234", "arxiv:2101.1234"),
        (arxiv_id, "21010.1234", None),
        (arxiv_id, "arXiv", None),
        (acl_id, "2020.acl-main.1", "acl:2020.acl-main.1"),
        (acl_id, "2020.ACL-MAIN.1", "acl:2020.acl-main.1"),
        (acl_id, "2020.nlpcovid19-2.5", "acl:2020.nlpcovid19-2.5"),
        (acl_id, "w19-4801", "acl:W19-4801"),
        (acl_id, "2020.acl-main", None),
        (acl_id, "P19-1", None),
        (acl_id, "main.1", None),
        (openreview_id, "Zx9kQ2vLmR", "openreview:Zx9kQ2vLmR"),
        (openreview_id, "main.8", None),  # a MiniConf UID in a "forum" field
        (openreview_id, "76", None),
        (openreview_id, "", None),
        (openreview_id, None, None),
        (openreview_id, 42, None),
    ],
)
def test_bare_ids(parse: Callable[[Any], PaperId | None], text: object, expected: str | None) -> None:
    found = parse(text)
    assert (str(found) if found else None) == expected


def test_bare_dois() -> None:
    assert doi_id("10.1162/TACL_a_00999") == PaperId("doi", "10.1162/tacl_a_00999")
    assert doi_id("10.18653/v1/P19-1001") == PaperId("acl", "P19-1001")
    assert doi_id("11.1162/tacl") is None


@pytest.mark.parametrize(("kind", "value"), [("isbn", "123"), ("arxiv", ""), ("arxiv", "a b")])
def test_paper_id_refuses_what_it_cannot_be(kind: str, value: str) -> None:
    with pytest.raises(ValueError, match="not a paper id"):
        PaperId(kind, value)


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(), st.sampled_from(["", "https://", "https://arxiv.org/abs/", "https://openreview.net/forum?id="]))
def test_any_text_is_a_paper_or_none_never_an_error(text: str, prefix: str) -> None:
    found = paper_id(prefix + text)
    assert found is None or isinstance(found, PaperId)
