"""Slides with known text, for measuring OCR: 1920x1080 PNGs drawn with Pillow, and what is on them.

Each slide says which words a reader sees in its body and what its heading is (None for a slide
without one), so a test or benchmark can score word recall and heading detection. The slides look
like those of a talk: a larger bold heading at the top, bullets, a dark theme, a formula, a bar chart,
code, a title slide, slides with no heading. Words drawn only as decoration of a figure (a formula's
symbols, a chart's labels) are listed apart in ``extra``: they are not body text a slide is searched for.

Fonts: DejaVu Sans, Serif, Sans Mono and Condensed (Debian ``fonts-dejavu-core``), DejaVu Math TeX Gyre
(``fonts-dejavu-extra``), and Pillow's own default font. Output is deterministic: no randomness, and
the same Pillow gives the same bytes.
"""

from __future__ import annotations

import io
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SIZE = (1920, 1080)
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
WHITE = (255, 255, 255)
INK = (25, 25, 30)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class FixtureSlide:
    """One slide: its PNG bytes, its heading (None when it has none) and the lines of its body."""

    name: str
    png: bytes
    heading: str | None
    body: tuple[str, ...]  # body text lines as drawn (bullets not included)
    extra: tuple[str, ...] = ()  # text inside a figure: formula, chart labels (not scored as body text)

    @property
    def body_words(self) -> tuple[str, ...]:
        """The body's words, normalised as ``words`` does."""
        return tuple(w for line in self.body for w in words(line))


def words(text: str) -> list[str]:
    """Lower-case letter and digit runs: punctuation and bullet glyphs are not what a search matches."""
    return re.findall(r"[a-z0-9]+", text.lower())


@cache
def font(name: str, size: int) -> Font:
    """A DejaVu face by file stem (``DejaVuSans-Bold``), or ``default`` for Pillow's built-in font."""
    if name == "default":
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(str(FONT_DIR / f"{name}.ttf"), size)


class _Canvas:
    def __init__(self, background: tuple[int, int, int] = WHITE) -> None:
        self.image = Image.new("RGB", SIZE, background)
        self.draw = ImageDraw.Draw(self.image)

    def text(self, xy: tuple[int, int], text: str, face: Font, fill: tuple[int, int, int] = INK, **kw: str) -> None:
        self.draw.text(xy, text, font=face, fill=fill, **kw)

    def bullets(
        self, top: int, lines: Sequence[str], face: Font, step: int, fill: tuple[int, int, int] = INK, left: int = 120
    ) -> None:
        for i, line in enumerate(lines):
            y = top + i * step
            size = getattr(face, "size", 40)
            r = max(4, size // 7)
            cy = y + size * 6 // 10
            self.draw.ellipse((left - 40 - r, cy - r, left - 40 + r, cy + r), fill=fill)
            self.draw.text((left, y), line, font=face, fill=fill)

    def png(self) -> bytes:
        out = io.BytesIO()
        self.image.save(out, format="PNG")
        return out.getvalue()


def _title() -> FixtureSlide:
    heading = "Contrastive Pre-training for Lecture Retrieval"
    body = ("Ada Lovelace and Alan Turing", "Workshop on Archival Learning 2024")
    c = _Canvas()
    c.text((960, 380), heading, font("DejaVuSans-Bold", 66), anchor="mm")
    for i, line in enumerate(body):
        c.text((960, 560 + i * 80), line, font("DejaVuSans", 46), fill=(70, 70, 80), anchor="mm")
    c.draw.line((360, 470, 1560, 470), fill=(180, 40, 40), width=6)
    return FixtureSlide("title", c.png(), heading, body)


def _method() -> FixtureSlide:
    heading = "3. Method: contrastive pre-training"
    body = (
        "Encode each slide and its transcript separately",
        "Pull matching pairs together in embedding space",
        "Push apart the other pairs in the same batch",
        "Temperature tuned on a held-out split",
    )
    c = _Canvas()
    c.draw.rectangle((0, 0, 1920, 200), fill=(232, 238, 248))
    c.text((90, 60), heading, font("DejaVuSans-Bold", 68))
    c.bullets(290, body, font("DejaVuSans", 46), 110)
    return FixtureSlide("method", c.png(), heading, body)


def _serif() -> FixtureSlide:
    heading = "Related work"
    body = (
        "Lecture video indexing with speech transcripts",
        "Slide retrieval from printed handouts",
        "Joint embeddings of images and captions",
        "Few studies measure recall on whole conferences",
    )
    c = _Canvas((252, 250, 244))
    c.text((100, 70), heading, font("DejaVuSerif-Bold", 74))
    c.bullets(280, body, font("DejaVuSerif", 44), 105)
    return FixtureSlide("serif", c.png(), heading, body)


def _dark() -> FixtureSlide:
    heading = "Results on ImageNet"
    body = (
        "Zero-shot accuracy improves by four points",
        "Linear probes match the supervised baseline",
        "Gains are largest on fine-grained classes",
    )
    c = _Canvas((24, 28, 44))
    c.text((100, 70), heading, font("DejaVuSans-Bold", 72), fill=(250, 214, 90))
    c.bullets(300, body, font("DejaVuSans", 46), 115, fill=(232, 236, 245))
    return FixtureSlide("dark", c.png(), heading, body)


def _formula() -> FixtureSlide:
    heading = "Training objective"
    body = ("where x is a slide and y its spoken caption", "The sum runs over every pair in the batch")
    formula = "L = −Σ log p(y | x)"
    c = _Canvas()
    c.text((100, 70), heading, font("DejaVuSans-Bold", 70))
    c.text((960, 400), formula, font("DejaVuMathTeXGyre", 84), anchor="mm")
    c.draw.rectangle((560, 320, 1360, 480), outline=(120, 120, 120), width=3)
    c.bullets(620, body, font("DejaVuSans", 44), 110)
    return FixtureSlide("formula", c.png(), heading, body, extra=(formula,))


def _chart() -> FixtureSlide:
    heading = "Accuracy versus model size"
    body = ("Gains saturate beyond the large model",)
    labels = ("Small", "Base", "Large", "Huge")
    c = _Canvas()
    c.text((100, 70), heading, font("DejaVuSans-Bold", 68))
    c.bullets(250, body, font("DejaVuSans", 44), 100)
    x0, y0 = 700, 960  # chart origin
    c.draw.line((x0, y0, 1800, y0), fill=INK, width=4)
    c.draw.line((x0, y0, x0, 420), fill=INK, width=4)
    small = font("DejaVuSans", 34)
    for i, (label, value) in enumerate(zip(labels, (62, 71, 76, 77), strict=True)):
        left = x0 + 60 + i * 260
        c.draw.rectangle((left, y0 - (value - 50) * 18, left + 160, y0), fill=(60, 110, 190))
        c.text((left + 80, y0 + 14), label, small, anchor="ma")
        c.text((left + 80, y0 - (value - 50) * 18 - 12), f"{value}%", small, anchor="md")
    c.text((x0 - 30, 560), "Top-1", small, anchor="rm")
    return FixtureSlide("chart", c.png(), heading, body, extra=(*labels, "Top-1"))


def _code() -> FixtureSlide:
    body = (
        "def score(slide, caption):",
        "    a = encode_image(slide)",
        "    b = encode_text(caption)",
        "    return cosine(a, b) / temperature",
    )
    c = _Canvas((246, 246, 246))
    mono = font("DejaVuSansMono", 44)
    for i, line in enumerate(body):
        c.text((160, 220 + i * 90), line, mono)
    return FixtureSlide("code", c.png(), None, body)


def _plain() -> FixtureSlide:
    body = (
        "Thanks for listening",
        "Code and checkpoints are public",
        "Questions are welcome after the session",
        "Contact us by email at any time",
    )
    c = _Canvas()
    face = font("DejaVuSansCondensed", 52)
    for i, line in enumerate(body):
        c.text((140, 120 + i * 120), line, face)
    return FixtureSlide("plain", c.png(), None, body)


def _pillow_default() -> FixtureSlide:
    heading = "Ablation: batch size"
    body = (
        "Larger batches give more negative pairs",
        "Accuracy keeps rising up to eight thousand",
        "Memory grows linearly with the batch",
    )
    c = _Canvas()
    c.text((100, 70), heading, font("default", 76))
    c.bullets(290, body, font("default", 48), 110)
    return FixtureSlide("pillow", c.png(), heading, body)


def _two_line_heading() -> FixtureSlide:
    heading = "Why do retrieval models forget rare lecture topics?"
    body = (
        "Rare topics appear in few training batches",
        "Their embeddings drift during fine-tuning",
        "Replay of old slides reduces the drift",
    )
    c = _Canvas()
    face = font("DejaVuSans-Bold", 64)
    c.text((100, 50), "Why do retrieval models forget", face)
    c.text((100, 135), "rare lecture topics?", face)
    c.bullets(340, body, font("DejaVuSans", 44), 110)
    return FixtureSlide("two-line", c.png(), heading, body)


def _small_body() -> FixtureSlide:
    heading = "Datasets"
    body = (
        "Lecture slides from eleven machine learning conferences",
        "Transcripts produced by a speech recogniser",
        "Twenty thousand talks with aligned slide changes",
        "A held-out set of two hundred talks for testing",
        "Duplicates removed by perceptual hashing",
        "Licences checked for every conference",
    )
    footnote = "Counts as of March 2024, see the appendix for the full list"
    c = _Canvas()
    c.text((100, 70), heading, font("DejaVuSans-Bold", 60))
    c.bullets(240, body, font("DejaVuSans", 34), 80)
    c.text((100, 1010), footnote, font("DejaVuSans", 22), fill=(90, 90, 90))  # small print: lost when downscaled
    return FixtureSlide("small-body", c.png(), heading, (*body, footnote))


def _section() -> FixtureSlide:
    heading = "Part II: Experiments"
    c = _Canvas((40, 70, 120))
    c.text((960, 540), heading, font("DejaVuSans-Bold", 88), fill=WHITE, anchor="mm")
    return FixtureSlide("section", c.png(), heading, ())


def _figure() -> FixtureSlide:
    body = ("Figure 2: attention maps for three slides",)
    c = _Canvas()
    for i, colour in enumerate(((230, 120, 60), (70, 160, 90), (90, 90, 200))):
        left = 240 + i * 520
        c.draw.rectangle((left, 120, left + 400, 720), fill=(235, 235, 235), outline=(90, 90, 90), width=3)
        c.draw.ellipse((left + 80, 260 + i * 60, left + 320, 500 + i * 60), fill=colour)
    c.text((960, 860), body[0], font("DejaVuSans-Oblique", 40), anchor="mm")
    return FixtureSlide("figure", c.png(), None, body)


def _photo() -> FixtureSlide:
    heading = "Qualitative examples"
    body = ("Retrieved slides for three spoken queries", "Failures mostly involve handwritten notes")
    c = _Canvas()
    c.text((100, 70), heading, font("DejaVuSans-Bold", 68))
    c.bullets(240, body, font("DejaVuSans", 42), 90)
    # a textured picture (seeded noise, blurred and tinted): page layout analysis must skip it
    noise = Image.frombytes("L", (160, 100), random.Random(7).randbytes(160 * 100))
    noise = noise.resize((1440, 560), Image.Resampling.BICUBIC)
    shade = Image.merge("RGB", (noise, noise.point(lambda v: v * 3 // 4), noise.point(lambda v: 255 - v // 2)))
    c.image.paste(shade, (240, 440))
    return FixtureSlide("photo", c.png(), heading, body)


_MAKERS: tuple[Callable[[], FixtureSlide], ...] = (
    _title, _method, _serif, _dark, _formula, _chart, _code, _plain, _pillow_default, _two_line_heading,
    _small_body, _figure, _photo, _section,
)  # fmt: skip


def render() -> tuple[FixtureSlide, ...]:
    """Every fixture slide, rendered now."""
    return tuple(make() for make in _MAKERS)


@cache
def slides() -> tuple[FixtureSlide, ...]:
    """Every fixture slide, rendered once per process."""
    return render()


def slide(name: str) -> FixtureSlide:
    return next(s for s in slides() if s.name == name)


def write_slides(folder: Path, which: Sequence[FixtureSlide] | None = None) -> list[Path]:
    """The slides as ``0001.png``... in ``folder``, in order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, s in enumerate(which if which is not None else slides(), 1):
        path = folder / f"{n:04d}.png"
        path.write_bytes(s.png)
        paths.append(path)
    return paths
