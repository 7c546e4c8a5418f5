"""What OCR read on one slide, cleaned, with its heading: pure Python, so storing, searching and the
PDF text layer need no OCR engine installed.

Input is tesseract's TSV (one row per page, block, paragraph, line and word), as both the library
API and the command line print it. Cleaning drops what a search would only trip over: words
tesseract itself barely believes, bullets and specks read as letters, runs of pure punctuation.

The heading is found by type size, not by position alone: a slide's heading is set larger than its
body. A word's box height depends on its letters (``a`` is shorter than ``Ag``), so each word's font
size is estimated from its height and which of ascenders and descenders it has; a line's size is
the median of its words'.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from typing import Any

# Fractions of the em, typical of sans and serif text faces (DejaVu, Helvetica, Times):
X_HEIGHT, ASCENDER, DESCENDER = 0.53, 0.73, 0.22
_ASCENDING = re.compile(r"[A-Zbdfhijklt0-9?!/\\()\[\]{}|'\"%&#@$]")
_DESCENDING = re.compile(r"[gjpqy(),;\[\]{}|$@]")
_ALNUM = re.compile(r"\w")

HEADING_RATIO = 1.25  # a heading line's type is at least this much larger than the body's median
HEADING_ZONE = 0.4  # ... and starts in the top 40 % (a title slide sets its title a little above the middle)
LONE_HEADING_EM = 0.055  # a slide with no body: its only line(s) are a heading if this tall (of image height)


@dataclass(frozen=True)
class Word:
    """One recognised word; its box is in pixels of the slide image as stored (not as OCR'd)."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float  # tesseract's confidence, 0-100, one decimal


@dataclass(frozen=True)
class SlideText:
    """A slide's text, read once and stored: ``text`` has one line per text line, single spaces."""

    text: str
    heading: str | None
    words: tuple[Word, ...]
    width: int
    height: int

    def to_json(self) -> dict[str, Any]:
        """A compact JSON-able dict: words as ``[text, left, top, width, height, conf]`` rows."""
        rows = [[w.text, w.left, w.top, w.width, w.height, w.conf] for w in self.words]
        return {"v": 1, "width": self.width, "height": self.height, "heading": self.heading, "text": self.text,
                "words": rows}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SlideText:
        """The inverse of ``to_json``; ``ValueError`` for anything else (a damaged or foreign file)."""
        try:
            if data["v"] != 1:
                raise ValueError(f"unknown slide text version {data['v']!r}")
            words = tuple(
                Word(str(t), int(left), int(top), int(w), int(h), float(c)) for t, left, top, w, h, c in data["words"]
            )
            heading = data["heading"]
            return cls(str(data["text"]), None if heading is None else str(heading), words,
                       int(data["width"]), int(data["height"]))  # fmt: skip
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a stored slide text: {exc}") from exc


def parse_tsv(tsv: str, width: int, height: int, scale: float = 1.0, min_conf: float = 25.0) -> SlideText:
    """tesseract TSV of an image OCR'd at ``scale`` times its size -> the cleaned ``SlideText`` in the
    image's own pixels (``width`` x ``height``)."""
    lines: dict[tuple[str, str, str], list[Word]] = {}
    for row in tsv.splitlines():
        f = row.split("\t")
        if len(f) < 12 or f[0] != "5":  # word rows only; the CLI's header row is skipped too
            continue
        text = "".join(f[11].split())
        conf = float(f[10])
        if not text or conf < min_conf:
            continue
        left, top, w, h = (int(v) for v in f[6:10])
        x0, x1 = (min(round(v / scale), width) for v in (left, left + w))
        y0, y1 = (min(round(v / scale), height) for v in (top, top + h))
        lines.setdefault((f[2], f[3], f[4]), []).append(Word(text, x0, y0, x1 - x0, y1 - y0, round(conf, 1)))
    kept = [line for line in (_clean_line(words) for words in lines.values()) if line]
    text = "\n".join(" ".join(w.text for w in line) for line in kept)
    words = tuple(w for line in kept for w in line)
    return SlideText(text, find_heading(kept, height), words, width, height)


def _clean_line(words: list[Word]) -> list[Word]:
    """Drop bullets and specks (a glyph or two far shorter than the line's words) and pure punctuation runs."""
    median_h = statistics.median(w.height for w in words)
    out = []
    for w in words:
        if len(w.text) <= 2 and w.height < 0.5 * median_h:
            continue  # a bullet, a dot, a speck: not text at this line's size
        if not _ALNUM.search(w.text) and (len(w.text) >= 3 or w.conf < 60):
            continue  # "———", "|||", a doubtful lone symbol
        out.append(w)
    return out


def em_size(word: Word) -> float:
    """The word's font size in pixels, estimated from its box height and the shapes of its letters."""
    extent = (ASCENDER if _ASCENDING.search(word.text) else X_HEIGHT) + (DESCENDER if has_descender(word.text) else 0)
    return word.height / extent


def has_descender(text: str) -> bool:
    """Whether some letter reaches below the baseline (g, p, y, a comma...)."""
    return bool(_DESCENDING.search(text))


def find_heading(lines: list[list[Word]], height: int) -> str | None:
    """The top-most line(s) set clearly larger than the body, starting in the top of the slide; None when
    every line is body-sized (a code slide, a figure with a caption, a list without a title)."""
    lines = [line for line in lines if any(_ALNUM.search(w.text) for w in line)]
    if not lines:
        return None
    sized = sorted(((min(w.top for w in line), _line_em(line), line) for line in lines), key=lambda t: t[0])
    body_em = statistics.median(em_size(w) for _, _, line in sized for w in line)
    for i, (top, em, line) in enumerate(sized):
        if top > HEADING_ZONE * height:
            break
        if em < HEADING_RATIO * body_em:
            continue
        heading = [line]
        bottom = max(w.top + w.height for w in line)
        for next_top, next_em, next_line in sized[i + 1 :]:  # a heading wrapped onto a second line
            if next_top - bottom > 0.8 * em or abs(next_em - em) > 0.2 * em:
                break
            heading.append(next_line)
            bottom = max(w.top + w.height for w in next_line)
        return " ".join(w.text for part in heading for w in part)
    # no body to compare with: one or two big lines alone, anywhere (a section divider, "Thank you")
    if len(sized) <= 2 and sized[0][1] >= LONE_HEADING_EM * height:
        return " ".join(w.text for _, em, line in sized if em >= 0.8 * sized[0][1] for w in line)
    return None


def _line_em(line: list[Word]) -> float:
    sizes = [em_size(w) for w in line if _ALNUM.search(w.text)]
    return statistics.median(sizes) if sizes else 0.0


def chapter_titles(texts: list[SlideText] | tuple[SlideText, ...]) -> list[str]:
    """One bookmark title per slide: its heading, else ``Slide N`` (1-based)."""
    return [t.heading or f"Slide {n}" for n, t in enumerate(texts, 1)]
