"""Titles compared as people mean them: normalised, then scored with rapidfuzz against a listing's titles.

A post writes ``{B}ERT``, ``$\\alpha$-divergence``, ``Padé`` or “smart quotes”; the listing writes
``BERT``, ``α-divergence``, ``Pade`` and straight quotes. Normalising both sides (TeX, accents to
ASCII, Greek letters to their names, case, punctuation, whitespace) makes most true matches exact,
and an exact normalised title is trusted outright. The rest are scored with ``fuzz.ratio``, the
normalised Indel similarity of the whole strings: unlike the partial and token-set scorers it
penalises every character one title has and the other lacks, so a short listing title is not a
match for a long post line that merely contains its words, and two titles that share a long prefix
("... for Image Classification" / "... for Image Segmentation") stay apart.

``THRESHOLD`` was measured with ``fuzz.ratio`` on real listings (ICLR 2020: 687 titles, ACL 2020: 907,
EMNLP 2020: 2,071) and the ICLR 2020 highlights post. Wrong candidates: the best wrong title for each of
the post's 128 listed OpenReview papers scored 43-86 (median 57); a title's nearest *other* title in its
own listing, at most 86 (ICLR) and 87 (ACL), but 91-94 among EMNLP's WMT and WNUT system papers ("X's
Machine Translation Systems for WMT20"); ACL titles that EMNLP does not hold, against EMNLP, at most 88.
True fuzzy matches (arXiv titles against the ICLR listing, one paper listed twice in EMNLP with a typo)
scored 96.7-99.5; 127 of the 128 OpenReview titles were exact after normalising (the other one was
retitled: 44, found by its id). 95 sits between. ``token_sort_ratio`` separates about as well;
``token_set_ratio``, ``partial_ratio`` and ``WRatio`` score wrong candidates up to 89-100 and were not
used. A fuzzy hit must also beat the runner-up by ``MARGIN``, so that two near-identical titles in one
listing are never confused: a query between them is reported as ambiguous, not guessed.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

THRESHOLD = 95.0  # fuzz.ratio on normalised titles; see the module's docstring
MARGIN = 5.0  # over the runner-up (a different normalised title)
MIN_LENGTH = 8  # a normalised title shorter than this ("pdf", "xlm r") is not matched at all
NEAREST = 80.0  # an unmatched title's nearest candidate is named in its reason from this score up (a near miss)

_TEX_COMMAND_ARG = re.compile(r"\\[A-Za-z]+\*?\s*\{([^{}]*)\}")  # \emph{x}, \mathcal{X}, \textbf{x}
# \'e, \"{o}; letter accents only with braces (\v{c}), as \varepsilon is no accent
_TEX_ACCENT = re.compile(r"\\(?:[`'^\"~=.]\s*(?:\{\s*([A-Za-z])\s*\}|([A-Za-z]))|[uvHckrbd]\s*\{\s*([A-Za-z])\s*\})")
_TEX_ELL = re.compile(r"\\ell(?![A-Za-z])")
_TEX_COMMAND = re.compile(r"\\([A-Za-z]+)")  # \alpha -> alpha
_LIGATURES = {
    **{"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L"},
    **{"đ": "d", "Đ": "D", "ð": "d", "þ": "th", "Þ": "Th", "ı": "i"},
}
_TEX_GROUPING = str.maketrans("", "", "{}$")  # {B}ERT -> BERT, $k$-means -> k-means
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def _greek_names() -> dict[int, str]:
    """α -> ' alpha ': a listing that writes the letter and a post that writes ``$\\alpha$`` agree."""
    table = {}
    for code in range(0x370, 0x400):
        name = unicodedata.name(chr(code), "")
        if name.startswith(("GREEK SMALL LETTER ", "GREEK CAPITAL LETTER ")) and " WITH " not in name:
            table[code] = f" {name.rsplit(' ', 1)[-1].lower()} "
    return table


_TO_ASCII = str.maketrans({**_greek_names(), **{ord(k): v for k, v in _LIGATURES.items()}})


def normalise_title(text: str) -> str:
    """The comparable form of a title: lower-case ASCII words separated by single spaces.

    ``"{B}ERT: Pre-training of $\\alpha$-Nets — Padé’s “way”"`` -> ``"bert pre training of alpha nets pade s way"``.
    """
    if "\\" in text:
        for _ in range(3):  # nested: \emph{\textbf{x}}
            text = _TEX_COMMAND_ARG.sub(r"\1", text)
        text = _TEX_ACCENT.sub(lambda m: m.group(1) or m.group(2) or m.group(3), text)
        text = _TEX_ELL.sub("l", text)  # $\ell_1$ is written l1 or L^1 in posts
        text = _TEX_COMMAND.sub(r" \1 ", text)
    text = text.translate(_TEX_GROUPING)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_TO_ASCII))
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.split(text.casefold())).strip()


@dataclass(frozen=True)
class TitleHit:
    """The outcome of one title lookup.

    ``index`` is the listing position of the match (the first entry of that title), or None. ``status``:
    ``exact`` (same normalised title), ``fuzzy`` (score >= THRESHOLD and clear of the runner-up),
    ``ambiguous`` (two titles within MARGIN), ``below`` (best score under THRESHOLD), ``short`` (the
    query is too short to be a title). ``best`` and ``runner_up`` are the candidates' listing indices.
    """

    status: str
    index: int | None
    score: float
    best: int | None = None
    runner_up: int | None = None
    runner_up_score: float | None = None

    @property
    def matched(self) -> bool:
        return self.status in ("exact", "fuzzy")


class TitleIndex:
    """The titles of one listing, normalised once and sorted by length.

    ``lookup`` is one exact probe, then one rapidfuzz scan of the titles whose length can reach the
    cutoff at all (``fuzz.ratio`` >= c needs the shorter string to be at least c/(200-c) of the longer:
    a 60-character title is compared with titles of 49 to 73 characters, about a third of a listing).
    """

    def __init__(self, titles: Sequence[str | None], threshold: float = THRESHOLD, margin: float = MARGIN) -> None:
        self.threshold, self.margin = threshold, margin
        self._first: dict[str, int] = {}  # normalised title -> first listing index holding it
        for index, title in enumerate(titles):
            key = normalise_title(title) if title else ""
            if len(key) >= MIN_LENGTH:  # not "TBA"
                self._first.setdefault(key, index)
        self._keys = sorted(self._first, key=len)
        self._lengths = [len(key) for key in self._keys]

    def __len__(self) -> int:
        return len(self._keys)

    def _window(self, query: str, cutoff: float) -> list[str]:
        low = math.ceil(len(query) * cutoff / (200 - cutoff))
        high = math.floor(len(query) * (200 - cutoff) / cutoff)
        return self._keys[bisect.bisect_left(self._lengths, low) : bisect.bisect_right(self._lengths, high)]

    def lookup(self, title: str | None) -> TitleHit:
        query = normalise_title(title) if title else ""
        if len(query) < MIN_LENGTH:
            return TitleHit("short", None, 0.0)
        exact = self._first.get(query)
        if exact is not None:
            return TitleHit("exact", exact, 100.0, exact)
        cutoff = self.threshold - self.margin  # a runner-up below this cannot make a hit ambiguous
        top = process.extract(query, self._window(query, cutoff), scorer=fuzz.ratio, limit=2, score_cutoff=cutoff)
        if not top:
            nearest = process.extractOne(query, self._window(query, NEAREST), scorer=fuzz.ratio, score_cutoff=NEAREST)
            return (
                TitleHit("below", None, nearest[1], self._first[nearest[0]])
                if nearest
                else TitleHit("below", None, 0.0)
            )
        (key, score, _), second = top[0], (top[1] if len(top) > 1 else None)
        index = self._first[key]
        runner = (self._first[second[0]], second[1]) if second else (None, None)
        if score < self.threshold:
            return TitleHit("below", None, score, index, *runner)
        if second is not None and score - second[1] < self.margin:
            return TitleHit("ambiguous", None, score, index, *runner)
        return TitleHit("fuzzy", index, score, index, *runner)
