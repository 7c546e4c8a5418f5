"""Finding the moment: slide text read by OCR (real Tesseract) and subtitle cues, searched with the real
CLI; chapter titles and the searchable slides PDF; slides never read twice; search without OCR."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from confarchive.archive.player import SearchFile
from confarchive.text.ocr import tesseract_available
from tests.conftest import require_or_skip, run_cli, start_cli
from tests.world import World
from tests.world.assets import SPOKEN
from tests.world.slidetext import slide as text_slide

pytestmark = pytest.mark.e2e
# a word of each slide's body found nowhere else in the talk, and the slide it is on
WORDS = {"Lovelace": 1, "transcript": 2, "ImageNet": 3, "spoken": 4, "saturate": 5, "cosine": 6}


@pytest.fixture(scope="module")
def ocr_archive(world: World, world_config: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_or_skip(tesseract_available(), "tesseract-ocr with its English data is not installed")
    root = tmp_path_factory.mktemp("ocr") / "archive"
    result = run_cli("archive", world.talks["ocr"].url, "-o", root, "--config", world_config, "--ocr")
    assert result.returncode == 0, result.stderr
    return root


def search(root: Path, *query: str) -> tuple[int, list[dict], str]:
    result = run_cli("search", "-o", root, *query, "--json")
    return result.returncode, json.loads(result.stdout) if result.stdout else [], result.stderr


def headings(world: World) -> list[str]:
    talk = world.talks["ocr"]
    return [text_slide(name).heading or f"Slide {n}" for n, name in enumerate(talk.text_slides, 1)]


@pytest.mark.parametrize(("word", "slide"), WORDS.items())
def test_each_slide_word_is_found_on_its_slide_at_its_time(
    world: World, ocr_archive: Path, word: str, slide: int
) -> None:
    talk = world.talks["ocr"]
    code, hits, _ = search(ocr_archive, word)
    assert code == 0
    best = hits[0]
    assert (best["key"], best["where"], best["slide"]) == (world.key(talk), "slide", slide)
    assert best["start_s"] == talk.sorted_times[slide - 1] / 1000
    assert f"[{word.lower()}" in best["snippet"].lower()
    line = run_cli("search", "-o", ocr_archive, word).stdout.splitlines()[0]
    minutes, seconds = divmod(int(best["start_s"]), 60)
    assert f"| slide {slide} at {minutes}:{seconds:02d} |" in line and line.endswith(".mp4")


def test_phrases_prefixes_what_was_said_and_nothing(world: World, ocr_archive: Path) -> None:
    code, hits, _ = search(ocr_archive, '"embedding space"')
    assert code == 0 and (hits[0]["where"], hits[0]["slide"]) == ("slide", 2)
    assert search(ocr_archive, '"space embedding"')[0] == 1  # a phrase is in order
    code, hits, _ = search(ocr_archive, "satur*")
    assert code == 0 and hits[0]["slide"] == 5
    code, hits, _ = search(ocr_archive, "zebra")
    assert code == 0 and (hits[0]["where"], hits[0]["start_s"]) == ("said", 3.0) and "zebra" in SPOKEN
    nothing = run_cli("search", "-o", ocr_archive, "xylophone")
    assert nothing.returncode == 1 and "no match" in nothing.stderr
    for bad in ('"unbalanced', "AND", "title:x"):
        broken = run_cli("search", "-o", ocr_archive, bad)
        assert broken.returncode == 2 and "not a valid search" in broken.stderr and "Traceback" not in broken.stderr


def test_chapters_the_pdf_and_the_entry_carry_the_slides_text(world: World, ocr_archive: Path) -> None:
    talk = world.talks["ocr"]
    (entry,) = json.loads((ocr_archive / "index.json").read_text())["talks"]
    video = ocr_archive / entry["video"]
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(video)],
                           capture_output=True, text=True, check=True)  # fmt: skip
    assert [c["tags"]["title"] for c in json.loads(probe.stdout)["chapters"]] == headings(world)
    assert [s.get("title") for s in entry["slides"]] == [text_slide(n).heading for n in talk.text_slides]
    pdf = PdfReader(ocr_archive / entry["slides_pdf"])
    assert [item.title for item in pdf.outline] == headings(world)
    for word, n in WORDS.items():
        assert word.lower() in pdf.pages[n - 1].extract_text().lower(), (word, n)
        assert word.lower() in entry["slides"][n - 1]["text"].lower()
    assert json.loads((video.parent / "talk.json").read_text()) == entry


def test_search_without_ocr_finds_titles_abstracts_and_what_was_said(
    world: World, world_config: Path, tmp_path: Path
) -> None:
    talk = world.talks["legacy"]  # subtitles, and slides without OCR
    root = tmp_path / "archive"
    assert run_cli("archive", talk.url, "-o", root, "--config", world_config).returncode == 0
    for query, where in (("legacy", "talk"), ('"Abstract of"', "talk"), ("Thompson", "talk"), ("zebra", "said")):
        code, hits, stderr = search(root, query)
        assert code == 0, (query, stderr)
        assert any(h["key"] == world.key(talk) and h["where"] == where for h in hits), (query, hits)
    (tmp_path / "empty").mkdir()
    assert run_cli("search", "-o", tmp_path / "empty", "x").returncode == 2  # not an archive


def test_ocr_without_tesseract_stops_before_any_download(world: World, world_config: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(world_config.read_text() + '\n[ocr]\ntessdata = "/nonexistent/tessdata"\n')
    world.state.reset()
    result = run_cli("archive", world.talks["ocr"].url, "-o", tmp_path / "a", "--config", config, "--ocr")
    assert result.returncode == 2
    assert "sudo apt-get install -y tesseract-ocr" in result.stderr and "Traceback" not in result.stderr
    assert sum(world.state.requests.values()) == 0 and not (tmp_path / "a").exists()


def _reads(stderr: str) -> int:
    return sum("ocr: read slide" in line for line in stderr.splitlines())


def test_no_slide_is_read_twice_after_a_kill_or_a_rerun(world: World, world_config: Path, tmp_path: Path) -> None:
    require_or_skip(tesseract_available(), "tesseract-ocr with its English data is not installed")
    talk = world.talks["ocr"]
    root = tmp_path / "archive"
    proc = start_cli("archive", talk.url, "-o", root, "--config", world_config, "--ocr", "-v", "--merge-jobs", "1")
    assert proc.stderr is not None
    seen = 0
    for line in proc.stderr:  # killed once two slides are read: the others are not
        seen += "ocr: read slide" in line
        if seen == 2:
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(30)
    assert seen == 2
    stored = len(list((root / ".confarchive" / "ocr").glob("*/*.json")))
    assert 2 <= stored < len(talk.slide_times_ms)
    again = run_cli("archive", talk.url, "-o", root, "--config", world_config, "--ocr", "-v")
    assert again.returncode == 0, again.stderr
    assert _reads(again.stderr) == len(talk.slide_times_ms) - stored  # the stored ones are not read again
    third = run_cli("archive", talk.url, "-o", root, "--config", world_config, "--ocr", "-v")
    assert _reads(third.stderr) == 0
    assert "already archived" in third.stderr  # the retitled MP4's new size was recorded: not archived again
    assert run_cli("index", "-o", root, "-v").returncode == 0
    assert search(root, "cosine")[1][0]["slide"] == 6


def _video_packets(video: Path) -> list[str]:
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=size,pts",
                            "-of", "csv", str(video)], capture_output=True, text=True, check=True)  # fmt: skip
    return probe.stdout.splitlines()


def test_the_ocr_command_reads_an_archive_made_without_it(world: World, world_config: Path, tmp_path: Path) -> None:
    require_or_skip(tesseract_available(), "tesseract-ocr with its English data is not installed")
    root = tmp_path / "archive"
    assert run_cli("archive", world.talks["ocr"].url, "-o", root, "--config", world_config).returncode == 0
    (entry,) = json.loads((root / "index.json").read_text())["talks"]
    video = root / entry["video"]
    before = _video_packets(video)
    assert search(root, "cosine")[0] == 1  # not read yet
    result = run_cli("ocr", "-o", root, "-v")
    assert result.returncode == 0, result.stderr
    assert _reads(result.stderr) == len(world.talks["ocr"].slide_times_ms)
    assert _video_packets(video) == before  # a remux: the frames are the same packets
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(video)],
                           capture_output=True, text=True, check=True)  # fmt: skip
    assert [c["tags"]["title"] for c in json.loads(probe.stdout)["chapters"]] == headings(world)
    assert search(root, "cosine")[1][0]["slide"] == 6
    assert _reads(run_cli("ocr", "-o", root, "-v").stderr) == 0


def test_the_player_s_search_data_is_written_with_the_archive(ocr_archive: Path) -> None:
    data = (ocr_archive / "search-data.js").read_text(encoding="utf-8")
    assert data.startswith("// Full-text search data") and "cosine" in data and "zebra" in data
    page = (ocr_archive / "index.html").read_text(encoding="utf-8")
    assert SearchFile.of(data).integrity in page  # the page names the data it was written with
