"""From a reading list to the talks (issue 22): posts in the shapes of the seeds, papers looked up in
listings given with --from, by id then by title, the list kept in the archive; exact expected lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.world import World
from tests.world.catalog import ICLR_HOST, MINICONF_HOST
from tests.world.papers import BLOG_HOST, iclr_post, pmlr_pdf

pytestmark = pytest.mark.e2e

ICLR = f"https://{ICLR_HOST}/virtual_2020/papers.html"
MINICONF = f"https://{MINICONF_HOST}/papers.html"
WORKSHOP = "https://emnlp.fixture.invalid/workshop/papers.html"


@pytest.fixture()
def iclr_post_file(world: World, tmp_path: Path) -> Path:
    talks = world.talks
    path = tmp_path / "iclr-highlights.txt"
    path.write_text(iclr_post(talks["iclr"], talks["video-slides"], talks["js-only"]))
    return path


def test_discover_a_text_post_gives_the_talks_of_its_papers_in_order(
    world: World, world_config: Path, iclr_post_file: Path, hooks: list
) -> None:
    talks = world.talks
    out = run_cli("discover", iclr_post_file, "--from", ICLR, "--config", world_config)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [talks["iclr"].url, talks["video-slides"].url, talks["js-only"].url]
    # the two papers no listing holds are named, with the listing searched
    assert "no talk for https://openreview.net/forum?id=NotListed99: not found in " + ICLR in out.stderr
    assert "no talk for https://arxiv.org/abs/1912.09999: not found in " + ICLR in out.stderr
    assert "6 paper(s), 4 with a talk, 2 without" in out.stderr
    requests = world.state.requests
    assert requests[f"/{ICLR_HOST}/virtual_2020/papers.json"] == 1  # the listing is read once
    assert not any(p.startswith(f"/{ICLR_HOST}/virtual_2020/poster_") for p in requests)  # discover reads no poster
    # a paper's own page is read only when neither its id nor the post's title found it
    assert sorted(p for p in requests if p.startswith("/arxiv.org/")) == [
        "/arxiv.org/abs/1912.09999",
        "/arxiv.org/abs/2002.01234",
    ]


def test_resolve_json_shows_each_paper_its_talk_the_method_and_the_score(world: World, world_config: Path) -> None:
    post = f"https://{BLOG_HOST}/workshop-picks.txt"
    out = run_cli("resolve", post, "--from", WORKSHOP, "--json", "--config", world_config)
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout)
    found = [
        (p["url"], p["talk_url"] and p["talk_url"].rsplit("/", 1)[1], p["method"], p["score"])
        for p in payload["papers"]
    ]
    assert found == [
        ("https://aclanthology.org/2020.fixws-1.5", "paper_WS-9.5.html", "id", None),  # Anthology id in pdf_url
        ("https://arxiv.org/abs/2004.00003", "paper_WS-9.3.html", "title", 100.0),  # TeX and accents
        ("https://arxiv.org/pdf/2004.00004v1.pdf", "paper_WS-9.4.html", "title", 100.0),  # {BERT}
        ("https://arxiv.org/abs/2004.00002", "paper_WS-9.2.html", "title", 100.0),  # one of two near-twins, exactly
        ("https://arxiv.org/abs/2004.00009", None, "none", None),  # between the twins: reported, never guessed
    ]
    assert payload["title"] == "Workshop picks"
    reason = payload["papers"][-1]["reason"]
    assert reason.startswith("https://arxiv.org/abs/2004.00009: not found in " + WORKSHOP) and "“" in reason


def test_a_paper_url_without_a_listing_says_how_to_give_one(world: World, world_config: Path, tmp_path: Path) -> None:
    paper = f"https://openreview.net/forum?id={world.talks['iclr'].forum}"
    for command in (["resolve"], ["archive", "-o", tmp_path / "a"]):  # a usage error, before any download
        out = run_cli(*command, paper, "--config", world_config)
        assert out.returncode == 2, out.stderr
        assert "give the conference's listing with --from LISTING_URL" in out.stderr
        assert out.stderr.count("\n") == 1  # one line
    assert not (tmp_path / "a").exists()


def test_one_paper_by_itself_is_its_talk_and_one_no_listing_holds_fails_clearly(
    world: World, world_config: Path
) -> None:
    paper = f"https://openreview.net/pdf?id={world.talks['iclr'].forum}"
    out = run_cli("discover", paper, "--from", ICLR, "--config", world_config)
    assert (out.returncode, out.stdout.splitlines()) == (0, [world.talks["iclr"].url])
    missing = run_cli("resolve", "https://arxiv.org/abs/1912.09999", "--from", ICLR, "--config", world_config)
    assert missing.returncode == 1
    assert "https://arxiv.org/abs/1912.09999: not found in " + ICLR in missing.stderr


def test_archive_a_post_keeps_the_reading_list_offline(world: World, world_config: Path, tmp_path: Path) -> None:
    talks = world.talks
    post = f"https://{BLOG_HOST}/icml-highlights.html"
    archive = tmp_path / "a"
    result = run_cli("archive", post, "--from", MINICONF, "-o", archive, "--config", world_config, "-j", "3")
    assert result.returncode == 0, result.stderr
    index = json.loads((archive / "index.json").read_text())
    by_url = {t["source_url"]: t for t in index["talks"]}
    expected = [talks[n] for n in ("miniconf", "cdn", "neurips-1", "neurips-2")]
    assert sorted(by_url) == sorted(t.url for t in expected) and all(t["status"] == "done" for t in by_url.values())
    (collection,) = index["collections"]
    assert (collection["url"], collection["title"]) == (post, "Highlights from a Fixture Conference")
    shown = [(p["url"], p["method"], p["talk"]) for p in collection["papers"]]
    assert shown == [  # in the post's order
        ("https://arxiv.org/abs/1703.06114", "none", None),  # cited in prose; nav and footer links are not the post's
        (pmlr_pdf(talks["miniconf"]), "id", by_url[talks["miniconf"].url]["key"]),
        (pmlr_pdf(talks["cdn"]), "id", by_url[talks["cdn"].url]["key"]),
        (talks["neurips-1"].url, "talk", by_url[talks["neurips-1"].url]["key"]),
        (talks["neurips-2"].url, "talk", by_url[talks["neurips-2"].url]["key"]),
    ]
    first = by_url[talks["miniconf"].url]
    assert first["paper_urls"] == [pmlr_pdf(talks["miniconf"])]
    assert first["collections"] == ["Highlights from a Fixture Conference"]
    talk_json = json.loads((archive / Path(first["video"]).parent / "talk.json").read_text())
    assert talk_json["paper_urls"] == first["paper_urls"] and talk_json["collections"] == first["collections"]
    found = run_cli("search", "-o", archive, "Highlights Fixture Conference", "--json")
    assert {hit["key"] for hit in json.loads(found.stdout)} == {t["key"] for t in by_url.values()}

    # a second reading list naming one of the same papers: one talk, both lists recorded, nothing fetched again
    world.state.reset()
    again = tmp_path / "picks.txt"
    again.write_text(f"# Two picks\n\n- [{talks['cdn'].title}]({pmlr_pdf(talks['cdn'])})\n")
    second = run_cli("archive", again, "--from", MINICONF, "-o", archive, "--config", world_config)
    assert second.returncode == 0, second.stderr
    assert not any("slideslive" in p or "media.fixture" in p for p in world.state.requests)
    index = json.loads((archive / "index.json").read_text())
    assert [c["title"] for c in index["collections"]] == ["Highlights from a Fixture Conference", "Two picks"]
    cdn = next(t for t in index["talks"] if t["source_url"] == talks["cdn"].url)
    assert cdn["collections"] == ["Highlights from a Fixture Conference", "Two picks"]


def test_dry_run_match_and_limit_work_on_a_reading_list(
    world: World, world_config: Path, iclr_post_file: Path, tmp_path: Path
) -> None:
    talks = world.talks
    archive = tmp_path / "a"
    out = run_cli(
        "archive", iclr_post_file, "--from", ICLR, "-o", archive, "--config", world_config,
        "--dry-run", "--match", "slides|scripts", "--limit", "1",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert [line.split("\t")[0] for line in out.stdout.splitlines()] == [talks["video-slides"].url]
    assert not archive.exists()
