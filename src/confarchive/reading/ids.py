"""A paper's identity from its URL, without a request.

Reading lists link papers where their authors found them: an OpenReview forum, an arXiv abstract, an
ACL Anthology page, a PMLR or NeurIPS proceedings page, a PDF on any of those. Each of those URLs
names the paper in its path or query, so a list of a hundred papers costs no request at all to know
which papers it holds; a listing entry's own URLs (``pdf_url``) give ids of the same kinds, and a
paper is found by id before any title is compared.

Only URLs of one paper are recognised: an OpenReview group, an arXiv listing, an Anthology volume or
event page, a PMLR volume are not papers and give ``None``. Ids are canonical: arXiv versions are
dropped (``v3`` is the same paper), old Anthology ids are upper case, DOIs and NeurIPS hashes lower
case, so that two spellings of one paper compare equal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

KINDS = ("openreview", "arxiv", "acl", "pmlr", "proceedings", "doi")


@dataclass(frozen=True, order=True)
class PaperId:
    """A paper's identity: ``kind`` is one of ``KINDS``, ``value`` the canonical id there.

    Written ``arxiv:2002.05709``, ``openreview:rylnK6VtDH``, ``acl:2020.emnlp-main.272``,
    ``pmlr:v119/chen20j``, ``proceedings:neurips.cc/<hash>``, ``doi:10.1162/tacl_a_00313``.
    """

    kind: str
    value: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS or len(self.value.split()) != 1 or self.value != self.value.strip():
            raise ValueError(f"not a paper id: {self.kind!r}, {self.value!r}")

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


# OpenReview note ids: 9-10 characters since 2017 (``rylnK6VtDH``, ``S1l-C0NtwS``); a MiniConf ``forum``
# field that is a listing's own UID (``main.8``) has a dot and is refused.
_OPENREVIEW_ID = re.compile(r"[A-Za-z0-9_-]{7,16}")
_OPENREVIEW_PATHS = ("/forum", "/pdf", "/attachment")
_ARXIV_NEW = re.compile(r"(\d{4}\.\d{4,5})(?:v\d+)?")
_ARXIV_OLD = re.compile(r"([a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?")
_ARXIV_PATHS = ("abs", "pdf", "html", "ps", "format")
# 2020.emnlp-main.272, 2020.findings-emnlp.235, 2020.wmt-1.1; a volume (2020.emnlp-main) has no number
_ACL_NEW = re.compile(r"\d{4}\.[a-z0-9]+(?:-[a-z0-9]+)+\.\d+")
# P19-1001, W19-4801; a volume (P19-1) has one digit after the dash
_ACL_OLD = re.compile(r"[A-Za-z]\d{2}-\d{4}")
_ACL_HOSTS = ("aclanthology.org", "aclanthology.info", "aclweb.org", "aclanthology.coli.uni-saarland.de")
_PMLR = re.compile(r"/(v\d+)/([A-Za-z0-9_-]+?)(?:\.html|\.pdf|/\2(?:-supp)?\.pdf|/?)$")
_NEURIPS_HASH = re.compile(
    r"/(?:paper_files/)?paper/\d{4}/(?:hash|file)/([0-9a-f]{32})-(?:Abstract|Paper|Supplemental|Review|MetaReview|"
    r"AuthorFeedback)(?:-[A-Za-z_]+)?\.\w+$"
)
# proceedings.icml.cc/static/paper_files/icml/2020/6022-Paper.pdf
_PAPER_FILES = re.compile(r"/paper_files/([a-z]+)/(\d{4})/(\d+)-(?:Paper|Supplemental)\.\w+$")
_DOI = re.compile(r"(10\.\d{4,9}/\S+)")
_DOI_HOSTS = ("doi.org", "dx.doi.org")


def _host(netloc: str) -> str:
    host = netloc.rsplit("@", 1)[-1].split(":", 1)[0].lower()
    return host.removeprefix("www.")


def _on(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def paper_id(url: str) -> PaperId | None:
    """The paper a URL names, or None when it names none (or several: a listing, a volume)."""
    url = url.strip()
    if not url:
        return None
    if "://" not in url:
        url = "https://" + url  # "arxiv.org/abs/..." as people write it
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    host, path = _host(parts.netloc), unquote(parts.path)
    for recognise in (_openreview, _arxiv, _acl, _pmlr, _proceedings, _doi):
        found = recognise(host, path, parts.query)
        if found is not None:
            return found
    return None


def _openreview(host: str, path: str, query: str) -> PaperId | None:
    if host != "openreview.net" or path.rstrip("/") not in _OPENREVIEW_PATHS:
        return None
    ids = parse_qs(query).get("id", [])
    return PaperId("openreview", ids[0]) if ids and _OPENREVIEW_ID.fullmatch(ids[0]) else None


def openreview_id(value: object) -> PaperId | None:
    """An OpenReview id given bare (a listing's ``forum`` field), if it has the shape of one."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return PaperId("openreview", value) if _OPENREVIEW_ID.fullmatch(value) and not value.isdigit() else None


def arxiv_id(text: str) -> PaperId | None:
    """An arXiv id written bare (``2002.05709v3``, ``hep-th/9901001``), versions dropped."""
    text = text.strip().removesuffix(".pdf")
    for pattern in (_ARXIV_NEW, _ARXIV_OLD):
        match = pattern.fullmatch(text)
        if match:
            return PaperId("arxiv", match.group(1))
    return None


def _arxiv(host: str, path: str, query: str) -> PaperId | None:
    del query
    if host not in ("arxiv.org", "export.arxiv.org"):
        return None
    section, _, rest = path.strip("/").partition("/")
    return arxiv_id(rest) if section in _ARXIV_PATHS else None


def acl_id(text: str) -> PaperId | None:
    """An ACL Anthology paper id (``2020.acl-main.1``, ``P19-1001``), or None for a volume or anything else."""
    text = text.strip().removesuffix(".pdf")
    if _ACL_NEW.fullmatch(text.lower()):
        return PaperId("acl", text.lower())
    if _ACL_OLD.fullmatch(text):
        return PaperId("acl", text.upper())
    return None


def _acl(host: str, path: str, query: str) -> PaperId | None:
    del query
    segments = [s for s in path.split("/") if s]
    if any(_on(host, h) for h in _ACL_HOSTS):
        if host.endswith("aclweb.org") and (not segments or segments[0] != "anthology"):
            return None
        if host.endswith("aclanthology.info") and segments[:1] == ["papers"] and len(segments) >= 2:
            return acl_id(segments[1])  # aclanthology.info/papers/P18-1001/p18-1001
        if segments and segments[0] in ("volumes", "events", "people", "venues", "sigs"):
            return None
        return acl_id(segments[-1]) if segments else None
    if _on(host, "statmt.org") and segments:  # WMT papers, served under their Anthology ids
        found = acl_id(segments[-1])
        return found if found is not None and "." in found.value else None
    return None


def _pmlr(host: str, path: str, query: str) -> PaperId | None:
    del query
    if host != "proceedings.mlr.press":
        return None
    match = _PMLR.search(path)
    if not match or match.group(2) == "index":
        return None
    return PaperId("pmlr", f"{match.group(1)}/{match.group(2)}")


def _proceedings(host: str, path: str, query: str) -> PaperId | None:
    """NeurIPS (``proceedings.neurips.cc``, ``papers.nips.cc``: one hash for the abstract page, the PDF and
    the supplement) and the ``paper_files`` PDFs of ``proceedings.icml.cc``."""
    del query
    if host in ("proceedings.neurips.cc", "papers.nips.cc", "papers.neurips.cc"):
        match = _NEURIPS_HASH.search(path)
        return PaperId("proceedings", f"neurips.cc/{match.group(1)}") if match else None
    if host.startswith("proceedings."):
        match = _PAPER_FILES.search(path)
        if match:
            site = host.removeprefix("proceedings.")
            return PaperId("proceedings", f"{site}/{match.group(1)}/{match.group(2)}/{match.group(3)}")
    return None


def _doi(host: str, path: str, query: str) -> PaperId | None:
    """``doi.org/10.x/y`` and publishers' ``/doi/[pdf/]10.x/y``; the Anthology's and arXiv's own DOIs
    give their ids, so that one paper is one id whichever link a post chose."""
    del query
    if host in _DOI_HOSTS:
        doi = path.strip("/")
    elif "/doi/" in path:
        doi = path.split("/doi/", 1)[1]
        for prefix in ("pdf/", "abs/", "full/", "epdf/", "pdfplus/"):
            doi = doi.removeprefix(prefix)
        doi = "/".join(doi.split("/")[:2])  # direct.mit.edu/tacl/article/doi/10.1162/tacl_a_00313/96451/...
    else:
        return None
    return doi_id(doi)


def doi_id(text: str) -> PaperId | None:
    """A DOI written bare (``10.1162/tacl_a_00313``); Anthology and arXiv DOIs become their own ids."""
    match = _DOI.fullmatch(text.strip().rstrip("/"))
    if not match:
        return None
    doi = match.group(1).lower()
    if doi.startswith("10.18653/v1/"):
        return acl_id(match.group(1).split("/", 2)[2])
    if doi.startswith("10.48550/arxiv."):
        return arxiv_id(match.group(1).split(".", 2)[2])
    return PaperId("doi", doi)
