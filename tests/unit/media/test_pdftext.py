"""The searchable slides PDF: an invisible word layer on the image-only PDF, images untouched, bookmarks."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from pypdf import PdfReader

from confarchive.core.errors import ConfarchiveError
from confarchive.media.pdftext import write_searchable_pdf
from confarchive.media.slidespdf import write_slides_pdf
from confarchive.text.ocr import read_slides, tesseract_available
from confarchive.text.slidetext import DESCENDER, SlideText, Word, chapter_titles, em_size, has_descender
from tests.conftest import require_or_skip
from tests.world.slidetext import slide, words

NAMES = ("method", "dark", "code")  # a heading, light on dark, no heading


def _layout(lines: list[str], size: tuple[int, int] = (1920, 1080), heading: str | None = None) -> SlideText:
    """Known words on known boxes, 30 px per character, one line every 100 px."""
    out, top = [], 100
    for line in lines:
        left = 100
        for text in line.split():
            out.append(Word(text, left, top, 30 * len(text), 40, 95.0))
            left += 30 * len(text) + 20
        top += 100
    return SlideText("\n".join(lines), heading, tuple(out), *size)


def _jpeg(colour: tuple[int, int, int], size: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, format="JPEG", quality=90)
    return buf.getvalue()


@pytest.fixture
def image_pdf(tmp_path: Path) -> Path:
    """Three pages as slidespdf writes them: two fixture PNGs and a 1280x720 JPEG."""
    images = []
    for n, name in enumerate(NAMES[:2], 1):
        images.append(tmp_path / f"{n:04d}.png")
        images[-1].write_bytes(slide(name).png)
    images.append(tmp_path / "0003.jpg")
    images[-1].write_bytes(_jpeg((30, 60, 200), (1280, 720)))
    return write_slides_pdf(images, tmp_path / "slides.pdf", tmp_path / "tmp")


TEXTS = [
    _layout(["Contrastive pre-training", "Encode each slide"], heading="Contrastive pre-training"),
    _layout(["Results on ImageNet", "Zero-shot accuracy improves"]),
    _layout(["Thanks for listening", "Café naïve Σ loss"], size=(1280, 720)),
]
TITLES = ["Contrastive pre-training", "Slide 2", "Slide 3"]


def _image_streams(path: Path) -> list[tuple[bytes, str, bytes]]:
    """Each page's image XObject (its raw, still encoded bytes and its dictionary) and first content stream."""
    with pikepdf.open(path) as pdf:
        out = []
        for page in pdf.pages:
            (image,) = page.resources.XObject.values()
            contents = page.obj.Contents
            first = contents if isinstance(contents, pikepdf.Stream) else contents[1]  # [q, original, layer]
            out.append((image.read_raw_bytes(), repr(sorted(image.items())), first.read_raw_bytes()))
        return out


def test_words_extracted_on_their_pages(image_pdf: Path, tmp_path: Path) -> None:
    out = write_searchable_pdf(image_pdf, TEXTS, TITLES, tmp_path / "searchable.pdf")
    reader = PdfReader(out)
    assert len(reader.pages) == 3
    for page, text in zip(reader.pages, TEXTS, strict=True):
        expected = text.text.encode("cp1252", "replace").decode("cp1252")
        assert [line.split() for line in page.extract_text().splitlines()] == [s.split() for s in expected.splitlines()]
    assert "Café naïve ? loss" in reader.pages[2].extract_text()  # outside WinAnsi: "?" in the PDF layer only


def test_each_word_sits_on_its_box(image_pdf: Path, tmp_path: Path) -> None:
    out = write_searchable_pdf(image_pdf, TEXTS, TITLES, tmp_path / "searchable.pdf")
    reader = PdfReader(out)
    for page, text in zip(reader.pages, TEXTS, strict=True):
        scale = float(page.mediabox.width) / text.width  # img2pdf: the page is the image
        placed: list[tuple[str, float, float, float]] = []

        def visit(chars: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
            if chars.strip():
                placed.append((chars.strip(), tm[4], tm[5], size))  # noqa: B023

        page.extract_text(visitor_text=visit)
        assert [p[0] for p in placed] == [w.text.replace("Σ", "?") for w in text.words]
        height = float(page.mediabox.height)
        for (_, x, y, _), word in zip(placed, text.words, strict=True):
            assert x == pytest.approx(word.left * scale, abs=0.01)
            below = DESCENDER * em_size(word) if has_descender(word.text) else 0  # "p", "g" reach below the baseline
            assert (height - y) / scale == pytest.approx(word.top + word.height - below, abs=0.02)


def test_text_is_invisible(image_pdf: Path, tmp_path: Path) -> None:
    out = write_searchable_pdf(image_pdf, TEXTS, TITLES, tmp_path / "searchable.pdf")
    with pikepdf.open(out) as pdf:
        for page in pdf.pages:
            ops = [str(op) for _, op in pikepdf.parse_content_stream(page)]
            assert ops.count("BT") == 1 and ops[ops.index("BT") + 1] == "Tr"
            modes = [operands for operands, op in pikepdf.parse_content_stream(page) if str(op) == "Tr"]
            assert modes == [[3]]


def test_images_unchanged_byte_for_byte(image_pdf: Path, tmp_path: Path) -> None:
    before = _image_streams(image_pdf)
    out = write_searchable_pdf(image_pdf, TEXTS, TITLES, tmp_path / "searchable.pdf")
    assert _image_streams(out) == before
    with pikepdf.open(out) as pdf:
        (jpeg,) = pdf.pages[2].resources.XObject.values()
        assert jpeg.Filter == pikepdf.Name.DCTDecode
        assert jpeg.read_raw_bytes() == (tmp_path / "0003.jpg").read_bytes()


def test_outline_one_entry_per_page(image_pdf: Path, tmp_path: Path) -> None:
    titles = chapter_titles(TEXTS)
    assert titles == TITLES
    reader = PdfReader(write_searchable_pdf(image_pdf, TEXTS, titles, tmp_path / "searchable.pdf"))
    assert [(item.title, reader.get_destination_page_number(item)) for item in reader.outline] == [
        ("Contrastive pre-training", 0), ("Slide 2", 1), ("Slide 3", 2)
    ]  # fmt: skip


def test_same_input_same_bytes(image_pdf: Path, tmp_path: Path) -> None:
    a = write_searchable_pdf(image_pdf, TEXTS, TITLES, tmp_path / "a.pdf").read_bytes()
    b = write_searchable_pdf(image_pdf, TEXTS, TITLES, tmp_path / "b.pdf").read_bytes()
    assert a == b
    in_place = write_searchable_pdf(image_pdf, TEXTS, TITLES, image_pdf)  # over its own source
    assert in_place.read_bytes() == a


def test_refuses_mismatches(image_pdf: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfarchiveError, match="3 pages but 2 slide texts"):
        write_searchable_pdf(image_pdf, TEXTS[:2], TITLES[:2], tmp_path / "x.pdf")
    with pytest.raises(ConfarchiveError, match="page 3: the image is 1280x720"):
        write_searchable_pdf(image_pdf, [*TEXTS[:2], TEXTS[0]], TITLES, tmp_path / "x.pdf")
    done = write_searchable_pdf(image_pdf, TEXTS, TITLES, tmp_path / "done.pdf")
    with pytest.raises(ConfarchiveError, match="already has a text layer"):
        write_searchable_pdf(done, TEXTS, TITLES, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_ocr_to_searchable_pdf_end_to_end(tmp_path: Path) -> None:
    require_or_skip(tesseract_available(), "tesseract's English model is not installed (apt-get install tesseract-ocr)")
    images = []
    for n, name in enumerate(NAMES, 1):
        images.append(tmp_path / f"{n:04d}.png")
        images[-1].write_bytes(slide(name).png)
    source = write_slides_pdf(images, tmp_path / "slides.pdf", tmp_path / "tmp")
    texts = read_slides(images)
    reader = PdfReader(write_searchable_pdf(source, texts, chapter_titles(texts), tmp_path / "searchable.pdf"))
    for n, (page, name) in enumerate(zip(reader.pages, NAMES, strict=True)):
        found = set(words(page.extract_text()))
        assert set(slide(name).body_words) <= found, (name, set(slide(name).body_words) - found)
        others = {w for other in NAMES if other != name for w in slide(other).body_words} - set(slide(name).body_words)
        assert not found & others, n  # each slide's words on its own page only
    assert [item.title for item in reader.outline] == ["3. Method: contrastive pre-training", "Results on ImageNet",
                                                       "Slide 3"]  # fmt: skip
