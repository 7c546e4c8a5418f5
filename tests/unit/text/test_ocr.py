"""OCR of slides: word recall and headings on fixture slides with known text, cleaning, storage, errors."""

from __future__ import annotations

import difflib
import io
import json
import sys
from collections import Counter

import pytest
from PIL import Image

from confarchive.core.errors import MissingToolError
from confarchive.text.ocr import (
    OcrEngine,
    SlideText,
    TesseractMissingError,
    Word,
    read_slides,
    require_tesseract,
    tesseract_available,
)
from confarchive.text.slidetext import chapter_titles, parse_tsv
from tests.conftest import require_or_skip
from tests.world.slidetext import FixtureSlide, render, slide, slides, words

# every kind of fixture slide, a handful: heading/no heading, dark, formula, chart, code, fonts, a divider
SAMPLE = ("title", "method", "dark", "formula", "chart", "code", "plain", "pillow", "two-line", "figure", "section")


@pytest.fixture(scope="module")
def read() -> list[tuple[FixtureSlide, SlideText]]:
    require_or_skip(tesseract_available(), "tesseract's English model is not installed (apt-get install tesseract-ocr)")
    chosen = [slide(name) for name in SAMPLE]
    return list(zip(chosen, read_slides([s.png for s in chosen], workers=2), strict=True))


def test_body_word_recall_at_least_95_percent(read: list[tuple[FixtureSlide, SlideText]]) -> None:
    found = expected = 0
    for fixture, text in read:
        got = Counter(w for word in text.words for w in words(word.text))
        want = Counter(fixture.body_words)
        found += sum(min(n, got[w]) for w, n in want.items())
        expected += sum(want.values())
    assert expected > 150
    assert found / expected >= 0.95


def _same_heading(a: str, b: str) -> bool:
    return difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio() >= 0.9  # "Part Il" for "Part II"


def test_headings_found_and_none_invented(read: list[tuple[FixtureSlide, SlideText]]) -> None:
    with_heading = [(f, t) for f, t in read if f.heading is not None]
    found = [f.name for f, t in with_heading if t.heading is not None and _same_heading(t.heading, f.heading or "")]
    assert len(found) >= 0.9 * len(with_heading), [(f.name, t.heading) for f, t in with_heading]
    invented = [(f.name, t.heading) for f, t in read if f.heading is None and t.heading is not None]
    assert len(with_heading) >= 7 and len(read) - len(with_heading) >= 3
    assert invented == []


def test_text_is_clean_lines_and_boxes_are_in_image_pixels(read: list[tuple[FixtureSlide, SlideText]]) -> None:
    for fixture, text in read:
        assert (text.width, text.height) == (1920, 1080)
        assert all("  " not in line and line == line.strip() for line in text.text.split("\n"))
        assert text.text.split() == [w.text for w in text.words]
        for w in text.words:
            assert 0 <= w.left <= w.left + w.width <= 1920 and 0 <= w.top <= w.top + w.height <= 1080
            assert w.conf >= 25
        if fixture.name == "method":  # no bullet read as a letter, the heading's words up in the title bar
            assert text.text.split("\n")[1].startswith("Encode each slide")
            assert all(w.top < 200 for w in text.words[:4])


def test_large_image_is_read_downscaled_with_boxes_in_its_own_pixels() -> None:
    require_or_skip(tesseract_available(), "tesseract's English model is not installed")
    fixture = slide("method")
    big = Image.open(io.BytesIO(fixture.png)).resize((3840, 2160), Image.Resampling.LANCZOS)
    with OcrEngine() as engine:  # reads it at 1080p
        text = engine.read(big)
        small = engine.read(fixture.png)
    assert (text.width, text.height) == (3840, 2160)
    assert text.heading == small.heading == fixture.heading
    for a, b in zip(text.words, small.words, strict=False):
        assert a.text == b.text
        assert abs(a.left - 2 * b.left) <= 2 and abs(a.top - 2 * b.top) <= 2 and abs(a.width - 2 * b.width) <= 3


def test_transparent_background_is_read_as_white() -> None:
    require_or_skip(tesseract_available(), "tesseract's English model is not installed")
    fixture = slide("plain")
    rgb = Image.open(io.BytesIO(fixture.png)).convert("RGB")
    ink = rgb.convert("L").point(lambda v: 255 - v)  # the text opaque, the white background fully transparent
    cutout = Image.new("RGB", rgb.size, (0, 0, 0))  # black under the transparency, as many editors leave it
    cutout.putalpha(ink)
    with OcrEngine() as engine:
        text = engine.read(cutout)
    assert set(fixture.body_words) <= {w for word in text.words for w in words(word.text)}


def test_closed_engine_refuses() -> None:
    require_or_skip(tesseract_available(), "tesseract's English model is not installed")
    engine = OcrEngine()
    engine.close()
    engine.close()  # twice is fine
    with pytest.raises(RuntimeError, match="closed"):
        engine.read(slide("plain").png)


def test_slide_text_json_round_trip(read: list[tuple[FixtureSlide, SlideText]]) -> None:
    for _, text in read:
        stored = json.dumps(text.to_json(), ensure_ascii=False)
        assert SlideText.from_json(json.loads(stored)) == text
    assert chapter_titles([t for _, t in read])[SAMPLE.index("code")] == f"Slide {SAMPLE.index('code') + 1}"


def test_slide_text_json_exact_and_refuses_garbage() -> None:
    text = SlideText("Σ loss", None, (Word("Σ", 1, 2, 3, 4, 50.5), Word("loss", 9, 2, 30, 4, 96.0)), 640, 360)
    assert text.to_json() == {
        "v": 1, "width": 640, "height": 360, "heading": None, "text": "Σ loss",
        "words": [["Σ", 1, 2, 3, 4, 50.5], ["loss", 9, 2, 30, 4, 96.0]],
    }  # fmt: skip
    assert SlideText.from_json(json.loads(json.dumps(text.to_json()))) == text
    for bad in ({}, {"v": 2}, {**text.to_json(), "words": [["x", 1]]}, {**text.to_json(), "width": "wide"}):
        with pytest.raises(ValueError, match="slide text"):
            SlideText.from_json(bad)


def _tsv(*rows: tuple[int, int, int, int, int, float, str], line: int = 1) -> str:
    """Word rows of tesseract's TSV: (line, left, top, width, height, conf, text)."""
    head = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    body = [f"5\t1\t1\t1\t{ln}\t{i}\t{x}\t{y}\t{w}\t{h}\t{c}\t{t}" for i, (ln, x, y, w, h, c, t) in enumerate(rows)]
    return "\n".join([head, "1\t1\t0\t0\t0\t0\t0\t0\t640\t360\t-1\t", *body])


def test_cleaning_drops_noise_and_collapses_whitespace() -> None:
    tsv = _tsv(
        (1, 10, 10, 8, 8, 70.0, "¢"),  # a bullet read as a glyph: far shorter than the line
        (1, 30, 0, 80, 30, 96.0, "Contrastive"),
        (1, 120, 0, 40, 30, 12.0, "Xq"),  # tesseract barely believes it
        (1, 170, 0, 60, 30, 91.0, "loss"),
        (1, 240, 0, 60, 30, 95.0, "———"),  # a rule, not text
        (2, 30, 50, 40, 30, 90.0, "  "),
        (2, 30, 50, 40, 30, 90.0, " pre-training "),
    )
    text = parse_tsv(tsv, 640, 360)
    assert text.text == "Contrastive loss\npre-training"
    assert [w.text for w in text.words] == ["Contrastive", "loss", "pre-training"]


def test_boxes_scaled_back_to_the_image() -> None:
    text = parse_tsv(_tsv((1, 100, 50, 200, 40, 95.25, "ImageNet")), 1920, 1080, scale=0.5)
    assert text.words == (Word("ImageNet", 200, 100, 400, 80, 95.2),)


def test_missing_model_names_the_debian_package(tmp_path: object) -> None:
    assert not tesseract_available(str(tmp_path))
    with pytest.raises(TesseractMissingError) as caught:
        require_tesseract(str(tmp_path))
    assert isinstance(caught.value, MissingToolError)
    message = caught.value.one_line()
    assert "eng.traineddata" in message and "sudo apt-get install -y tesseract-ocr" in message
    with pytest.raises(TesseractMissingError, match="apt-get install -y tesseract-ocr"):
        OcrEngine(str(tmp_path))


def test_missing_binding_says_pip_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tesserocr", None)  # import fails as if not installed
    assert not tesseract_available()
    with pytest.raises(TesseractMissingError, match="pip install tesserocr"):
        require_tesseract()


def test_fixture_slides_are_deterministic() -> None:
    assert [s.name for s in slides()][:2] == ["title", "method"]
    assert [s.png for s in render()] == [s.png for s in slides()]
