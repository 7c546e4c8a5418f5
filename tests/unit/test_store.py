"""Folder claims in the manifest: unique whatever the titles, stable across runs and claim orders."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from confarchive.naming import safe_name
from confarchive.store import Manifest


@settings(max_examples=60, deadline=None, database=None)
@given(
    st.lists(
        st.sampled_from(["Same", "same", "SAME ", "A/B", "A-B", "CON", "..", "x" * 200, "Ünï", "Uni"]), max_size=12
    )
)
def test_claimed_folders_are_unique_and_stable(tmp_path_factory, titles: list[str]) -> None:
    path = tmp_path_factory.mktemp("manifest") / "manifest.sqlite"
    with Manifest(path) as store:
        claimed = [store.claim(f"slideslive:{i}", f"https://x/{i}", safe_name(t)) for i, t in enumerate(titles)]
        assert len({c.casefold() for c in claimed}) == len(claimed)  # unique, even on case-insensitive disks
        assert all((c and c == safe_name(c)) or c.endswith("]") for c in claimed)
        again = [store.claim(f"slideslive:{i}", f"https://x/{i}", safe_name(t)) for i, t in enumerate(titles)]
        assert again == claimed  # a claim is kept for good
    with Manifest(path) as reopened:  # and across runs
        assert [reopened.get(f"slideslive:{i}").folder for i in range(len(titles))] == claimed


def test_a_failure_before_resolution_makes_way_for_the_real_key(tmp_path: Path) -> None:
    with Manifest(tmp_path / "m.sqlite") as store:
        store.fail("url:https://x/1", "https://x/1", "HTTP 503", None)
        store.claim("slideslive:1", "https://x/1", "Title")
        assert store.get("url:https://x/1") is None
        assert store.by_source("https://x/1").key == "slideslive:1"
