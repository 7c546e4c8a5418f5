"""The slides PDF: one page per slide, in order, each page's image the slide itself (JPEG byte for byte)."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from tests.conftest import SampleArchive
from tests.world import World

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("name", ["mixed", "cdn", "iclr"])
def test_one_page_per_slide_pixel_identical(sample_archive: SampleArchive, world: World, name: str) -> None:
    talk = world.talks[name]
    entry = sample_archive.entry(talk)
    assert entry["slides_pdf"] == f"{entry['video'].rsplit('/', 1)[0]}/{entry['video'].rsplit('/', 1)[0]}.pdf"
    reader = PdfReader(sample_archive.root / entry["slides_pdf"])
    assert len(reader.pages) == len(talk.slide_times_ms)
    for n, page in enumerate(reader.pages, 1):
        (image,) = page.images
        served = world.slide_bytes(talk, n)
        if talk.image_format(n) == "JPEG":
            (xobject,) = [o.get_object() for o in page["/Resources"]["/XObject"].values()]
            assert xobject["/Filter"] == "/DCTDecode"
            assert xobject._data == served  # the JPEG embedded as is, byte for byte
        else:
            decoded = Image.open(io.BytesIO(image.data)).convert("RGB")
            expected = Image.open(io.BytesIO(served)).convert("RGB")
            assert decoded.size == expected.size
            assert ImageChops.difference(decoded, expected).getbbox() is None  # lossless
        assert float(page.mediabox.width) > 0


def test_video_slides_have_their_first_frame_and_held_slides_no_page(
    sample_archive: SampleArchive, world: World
) -> None:
    talk = world.talks["video-slides"]
    reader = PdfReader(sample_archive.root / sample_archive.entry(talk)["slides_pdf"])
    assert len(reader.pages) == 4  # 5 slides; the last is a video slide without its clip: no page of its own
