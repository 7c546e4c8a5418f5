"""A searchable slides PDF: the image-only PDF from slidespdf.py with an invisible text layer and bookmarks.

As OCR "sandwich" PDFs do: each page keeps its image as it was (the original streams are not decoded
or recompressed: same bytes) and gets a second content stream of text in render mode 3 (neither
filled nor stroked), each word placed on its box and stretched horizontally to its box's width, so
that a viewer's search highlights and selects the words where the reader sees them. Pixel boxes are
mapped to PDF points through the matrix that places the page's image (img2pdf: the whole page).

The font is Helvetica, one of the 14 fonts every viewer has, so nothing is embedded; its declared
widths are all half an em, which makes the stretch exact without font metrics. Text is written in
WinAnsiEncoding: English OCR output fits it, but a character outside it (Greek letters of a formula)
becomes "?" in the PDF layer only; the stored ``SlideText`` keeps it for the search index.

One outline entry (bookmark) per page gives the chapter title. The file is written to a temporary
name and moved into place when complete; the same inputs give the same bytes (deterministic /ID).
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pikepdf
from pikepdf import Array, ContentStreamInstruction, Dictionary, Name, Operator, OutlineItem

from ..core.errors import ConfarchiveError
from ..text.slidetext import DESCENDER, SlideText, Word, em_size, has_descender

FONT = Name("/FOcr")
GLYPH_WIDTH = 0.5  # every glyph's declared advance, in em
_FIRST, _LAST = 32, 255


def write_searchable_pdf(source: Path, texts: Sequence[SlideText], titles: Sequence[str], dest: Path) -> Path:
    """``source`` (one image per page, as written by ``write_slides_pdf``) with ``texts[i]`` as page i's
    invisible text and ``titles[i]`` as its bookmark, written to ``dest`` (which may be ``source``)."""
    tmp = dest.with_name(dest.name + ".tmp")
    try:
        with pikepdf.open(source) as pdf:
            if not len(pdf.pages) == len(texts) == len(titles):
                raise ConfarchiveError(
                    f"{source.name} has {len(pdf.pages)} pages but {len(texts)} slide texts and {len(titles)} titles"
                )
            font = pdf.make_indirect(_font())
            for n, (page, text) in enumerate(zip(pdf.pages, texts, strict=True), 1):
                _add_text_layer(pdf, page, text, font, n)
            with pdf.open_outline() as outline:
                outline.root[:] = [OutlineItem(title, i) for i, title in enumerate(titles)]
            pdf.Root.PageMode = Name.UseOutlines  # open with the bookmarks shown
            # no stream decoded or (re)compressed: the images and the original contents stay byte for byte;
            # the /ID is a hash of the content, not of the time
            pdf.save(tmp, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none,
                     deterministic_id=True)  # fmt: skip
    except (pikepdf.PdfError, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise ConfarchiveError(f"cannot add the text layer to {source.name}: {exc}") from exc
    os.replace(tmp, dest)
    return dest


def _font() -> Dictionary:
    descriptor = Dictionary(
        Type=Name.FontDescriptor, FontName=Name.Helvetica, Flags=32, FontBBox=Array([0, -200, 1000, 800]),
        ItalicAngle=0, Ascent=800, Descent=-200, CapHeight=700, StemV=80,
    )  # fmt: skip
    return Dictionary(
        Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica, Encoding=Name.WinAnsiEncoding,
        FirstChar=_FIRST, LastChar=_LAST, Widths=Array([int(GLYPH_WIDTH * 1000)] * (_LAST - _FIRST + 1)),
        FontDescriptor=descriptor,
    )  # fmt: skip


def _placement(page: pikepdf.Page, text: SlideText, n: int) -> tuple[float, float, float, float]:
    """(x0, y0, width, height) in points of the rectangle the page's image fills."""
    xobjects = page.resources.get("/XObject", Dictionary())
    images = [x for x in xobjects.values() if x.get("/Subtype") == Name.Image]
    if len(images) != 1:
        raise ConfarchiveError(f"page {n} has {len(images)} images, not the one slide image")
    size = (int(images[0].Width), int(images[0].Height))
    if size != (text.width, text.height):
        raise ConfarchiveError(f"page {n}: the image is {size[0]}x{size[1]}, the text is of {text.width}x{text.height}")
    last_cm: list[float] | None = None
    for operands, operator in pikepdf.parse_content_stream(page, "cm Do"):
        if str(operator) == "cm":
            last_cm = [float(v) for v in operands]
        elif last_cm is not None and last_cm[1] == last_cm[2] == 0:
            a, _, _, d, e, f = last_cm
            return e, f, a, d
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    return x0, y0, x1 - x0, y1 - y0


def _add_text_layer(pdf: pikepdf.Pdf, page: pikepdf.Page, text: SlideText, font: pikepdf.Object, n: int) -> None:
    if FONT in page.resources.get("/Font", Dictionary()):
        raise ConfarchiveError(f"page {n} already has a text layer")
    x0, y0, w, h = _placement(page, text, n)
    sx, sy = w / text.width, h / text.height
    ops = [ContentStreamInstruction([], Operator("BT")), ContentStreamInstruction([3], Operator("Tr"))]
    for word, span_px, spaced in _spans(text.words):
        chars = word.text + " " if spaced else word.text
        em = em_size(word)  # the font size its letters' heights imply: "versus" is as large as "Accuracy"
        size = max(em * sy, 1.0)
        below = DESCENDER * em if has_descender(word.text) else 0.0
        baseline = y0 + h - (word.top + word.height - below) * sy
        stretch = 100 * span_px * sx / (len(chars) * GLYPH_WIDTH * size)
        ops += [
            ContentStreamInstruction([FONT, _num(size)], Operator("Tf")),
            ContentStreamInstruction([_num(stretch)], Operator("Tz")),
            ContentStreamInstruction([1, 0, 0, 1, _num(x0 + word.left * sx), _num(baseline)], Operator("Tm")),
            ContentStreamInstruction([pikepdf.String(chars.encode("cp1252", "replace"))], Operator("Tj")),
        ]
    ops.append(ContentStreamInstruction([], Operator("ET")))
    if "/Font" not in page.resources:
        page.resources.Font = Dictionary()
    page.resources.Font[FONT] = font
    # the original stream stays as it is, between a q and a Q of their own: whatever graphics state it leaves
    # (a scaling cm with no Q, say) is undone before the text is placed in page coordinates
    page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    layer = pikepdf.Stream(pdf, b"")
    layer.write(zlib.compress(b"Q\n" + pikepdf.unparse_content_stream(ops), 9), filter=Name.FlateDecode)
    page.contents_add(layer, prepend=False)


def _spans(words: Sequence[Word]) -> list[tuple[Word, int, bool]]:
    """Each word, the width its text should span and whether a space follows it: up to the next word of the
    same line, space included (so that extracted text has spaces), else its own box."""
    out: list[tuple[Word, int, bool]] = []
    following: list[Word | None] = [*words[1:], None] if words else []
    for word, nxt in zip(words, following, strict=True):
        same_line = (
            nxt is not None
            and nxt.left >= word.left + word.width // 2
            and min(word.top + word.height, nxt.top + nxt.height) - max(word.top, nxt.top)
            >= 0.5 * min(word.height, nxt.height)
        )
        if same_line and nxt is not None:
            out.append((word, nxt.left - word.left, True))
        else:
            out.append((word, word.width, False))
    return out


def _num(value: float) -> Decimal:
    """Two decimals: compact, and the same text on every machine."""
    return Decimal(f"{value:.2f}")
