"""A listing entry's key, title and every paper id it carries, in each MiniConf shape."""

from __future__ import annotations

import pytest

from confarchive.reading.ids import PaperId
from confarchive.reading.listing import Listing, entry_ids, listing_entry

from .world import ACL_LIKE, ICLR_LIKE, MINICONF_LIKE, acl_entry, iclr_entry


@pytest.mark.parametrize(
    ("entry", "key", "title", "ids"),
    [
        (ICLR_LIKE[0], "Kt1aaaaaaA", "Sparse Kites: Learning to Fly with Few Feathers", ["openreview:Kt1aaaaaaA"]),
        (ACL_LIKE[0], "main.1", "Parsing Owl Songs with Tiny Grammars", ["acl:2020.acl-main.1"]),
        (ACL_LIKE[1], "main.1004", "Fact Checking for Kite Shops", ["acl:2020.emnlp-main.188"]),
        (ACL_LIKE[2], "tacl.1700", "Wombat Dialogue Acts", ["doi:10.1162/tacl_a_00999"]),
        (ACL_LIKE[3], "tacl.1701", "Moth Translation Without Moths", ["arxiv:2101.09999"]),
        (ACL_LIKE[4], "srw.1", "Student Kites", []),
        (MINICONF_LIKE[0], "P1", "Owls in the Wild: A Benchmark", []),
        (MINICONF_LIKE[1], "P2", "Kites at Scale", ["arxiv:2102.00002"]),
        # AKBC's shape: a numeric id, the OpenReview forum beside it, a relative pdf_url
        (
            {"id": "76", "forum": "Ab1cDe2fGh", "content": {"title": "Owl Graphs", "pdf_url": "/pdf/0a1b.pdf"}},
            "76",
            "Owl Graphs",
            ["openreview:Ab1cDe2fGh"],
        ),
        # every URL field counts, each id once
        (
            {
                "UID": "X9",
                "title": "  Owls \n Everywhere ",
                "pdf_url": "https://arxiv.org/pdf/2101.00100v1.pdf",
                "content": {
                    "share_url": "https://arxiv.org/abs/2101.00100",
                    "openreview": "https://openreview.net/forum?id=Ow1sOw1sOw",
                },
            },
            "X9",
            "Owls Everywhere",
            ["arxiv:2101.00100", "openreview:Ow1sOw1sOw"],
        ),
    ],
)
def test_entry(entry: dict[str, object], key: str, title: str, ids: list[str]) -> None:
    found = listing_entry(entry)
    assert found is not None
    assert (found.key, found.title, [str(i) for i in found.ids]) == (key, title, ids)


def test_a_listing_uid_in_forum_is_not_an_openreview_id() -> None:
    assert entry_ids({"id": "main.8", "forum": "main.8", "content": {"title": "T"}}) == ()


def test_an_entry_with_nothing_is_skipped() -> None:
    assert listing_entry({"content": {"abstract": "no title, no key"}}) is None
    assert listing_entry({"id": True, "title": ["not", "text"]}) is None


def test_from_json_shapes() -> None:
    assert len(Listing.from_json("a", ICLR_LIKE)) == len(ICLR_LIKE)
    assert len(Listing.from_json("b", {"papers": MINICONF_LIKE})) == 2
    assert len(Listing.from_json("c", [*MINICONF_LIKE, "junk", 3, None, {}])) == 2
    assert len(Listing.from_json("d", "not a listing")) == 0


def test_one_id_on_two_entries_resolves_to_the_first() -> None:
    listing = Listing.from_json("acl", ACL_LIKE)
    index = listing.by_id(PaperId("acl", "2020.emnlp-main.188"))
    assert index is not None and listing.entries[index].key == "main.1004"


def test_title_index_is_built_once_per_listing() -> None:
    listing = Listing.from_json("iclr", [iclr_entry("Kt1aaaaaaA", "Owls"), acl_entry("main.2", "Owl Kites", "")])
    assert listing.titles is listing.titles
    assert listing.by_id(PaperId("openreview", "Kt1aaaaaaA")) == 0
