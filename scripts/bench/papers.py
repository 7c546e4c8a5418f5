"""Reading lists at scale: ``--papers`` papers (default 2,000) matched against a generated listing of
``--entries`` entries (default 2,000) by ``confarchive.reading``: half of the papers link an entry's
OpenReview forum or arXiv id, the other half give only a title, most of them an entry's title slightly
perturbed (case, punctuation, a typo, TeX braces, an accent, a dropped article), some absent (a new
title, or a listed title with two words changed: must stay unmatched). Target: well under a second.

Reported: the wall and CPU time of reading the listing (ids, title index) and of matching, median of
``--runs`` (after one unmeasured warm-up), and what was matched right, wrong or not at all. The baseline does the
same on the same input in the same run with the standard library: ids by the same dictionary, titles by
``difflib.get_close_matches`` (``SequenceMatcher`` with its quick-ratio filters, cutoff 0.9) over the
lower-cased titles; it takes about 20 s, so it runs ``--baseline-runs`` times (default once, said so).

Usage: .venv/bin/python scripts/bench/papers.py [--papers 2000] [--entries 2000] [--runs 3] [--baseline-runs 1]
"""

from __future__ import annotations

import argparse
import difflib
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

if not __package__:  # run as a file: make the repository's scripts and tests importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from confarchive.reading.listing import Listing
from confarchive.reading.matching import match
from confarchive.reading.paper import Paper
from scripts.bench.common import Row, runs_note, table

T = TypeVar("T")

WORDS = (  # noqa: SIM905  (a paragraph of words reads better than 67 quoted ones)
    "learning neural networks deep graph attention transformer robust adversarial sparse gradient optimization "
    "bayesian inference generative models representation language vision reinforcement policy meta contrastive "
    "self supervised training efficient scalable kernel convex stochastic variational diffusion latent causal "
    "fairness privacy federated compression pruning quantization distillation memory reasoning symbolic program "
    "synthesis planning exploration reward uncertainty calibration ensembles invariance equivariant manifold "
    "geometry spectral recurrent convolutional sequence translation speech retrieval question answering dialogue"
).split()
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _title(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(5, 11))
    words[0] = words[0].capitalize()
    if rng.random() < 0.4:
        words[rng.randint(1, 3)] += ":"
    return " ".join(words)


def _perturb(title: str, rng: random.Random) -> str:
    """A title as a post might write it: still the same paper."""
    kind = rng.randrange(6)
    if kind == 0:
        return title.upper() if rng.random() < 0.5 else title.lower().replace(":", " -")
    if kind == 1:  # one typo
        i = rng.randrange(1, len(title) - 1)
        return title[:i] + rng.choice("aeiou") + title[i + 1 :]
    if kind == 2:
        return title.removeprefix("A ") if title.startswith("A ") else "A " + title
    if kind == 3:
        word = rng.choice(title.split())
        return title.replace(word, "{" + word[0] + "}" + word[1:], 1)
    if kind == 4:
        return title.replace("e", "é", 1)
    return title.replace(" ", "  ", 2) + "."


def _changed(title: str, rng: random.Random) -> str:
    """A different paper: two words of a listed title replaced."""
    words = title.split()
    for i in rng.sample(range(len(words)), 2):
        words[i] = rng.choice([w for w in WORDS if w not in words])
    return " ".join(words)


def world(
    papers: int, entries: int, seed: int = 5
) -> tuple[list[dict[str, Any]], list[Paper], list[str | None], Counter]:
    """The listing (ICLR's shape, half with an arXiv pdf_url), the papers, each one's expected entry key
    (None: absent) and how many papers are of each kind."""
    rng = random.Random(seed)
    titles: set[str] = set()
    while len(titles) < entries:
        titles.add(_title(rng))
    listing = []
    for n, title in enumerate(sorted(titles)):
        forum = "".join(rng.choices(ALPHABET, k=10))
        entry: dict[str, Any] = {"id": forum, "forum": forum, "content": {"title": title, "iclr_id": forum}}
        if n % 2:
            entry["content"]["pdf_url"] = f"https://arxiv.org/pdf/2101.{n:05d}v1"
        listing.append(entry)
    out: list[Paper] = []
    expected: list[str | None] = []
    kinds: Counter = Counter()
    for n in range(papers):
        entry = listing[rng.randrange(entries)]
        key, title = entry["id"], entry["content"]["title"]
        arxiv = f"https://arxiv.org/abs/2201.{n:05d}"  # a paper's own arXiv id, never in the listing
        if n % 2 == 0:
            url = entry["content"].get("pdf_url") or f"https://openreview.net/forum?id={key}"
            out.append(Paper.from_url(url.replace("/pdf/", "/abs/"), None))
            kinds["by id"] += 1
        elif n % 10 in (1, 3):  # absent: a new title, or a listed title with two words changed
            out.append(Paper.from_url(arxiv, _title(rng) if n % 10 == 1 else _changed(title, rng)))
            key = None
            kinds["absent"] += 1
        else:  # its arXiv id when the listing has none for it, else a page that names no paper
            page = arxiv if "pdf_url" not in entry["content"] else f"https://kites.example/reading/{n}"
            out.append(Paper.from_url(page, _perturb(title, rng)))
            kinds["by title"] += 1
        expected.append(key)
    return listing, out, expected, kinds


def confarchive_match(listing: list[dict[str, Any]], papers: list[Paper]) -> list[str | None]:
    index = Listing.from_json("bench", listing)
    return [m.entry.key if m.entry else None for m in match(papers, index)]


def difflib_match(listing: list[dict[str, Any]], papers: list[Paper]) -> list[str | None]:
    """What one writes with the standard library: the same ids, then ``get_close_matches`` on titles."""
    by_id = {}
    by_title: dict[str, str] = {}
    for entry in listing:
        by_id[f"openreview:{entry['forum']}"] = entry["id"]
        pdf = entry["content"].get("pdf_url")
        if pdf:
            by_id["arxiv:" + pdf.rsplit("/", 1)[1].split("v")[0]] = entry["id"]
        by_title.setdefault(entry["content"]["title"].lower(), entry["id"])
    choices = list(by_title)
    out: list[str | None] = []
    for paper in papers:
        key = by_id.get(str(paper.id))
        if key is None and paper.title:
            close = difflib.get_close_matches(paper.title.lower(), choices, n=1, cutoff=0.9)
            key = by_title[close[0]] if close else None
        out.append(key)
    return out


def _score(found: list[str | None], expected: list[str | None]) -> str:
    right = sum(f == e for f, e in zip(found, expected, strict=True))
    wrong = sum(f is not None and f != e for f, e in zip(found, expected, strict=True))
    missed = sum(f is None and e is not None for f, e in zip(found, expected, strict=True))
    return f"{right} right, {wrong} wrong, {missed} missed"


def _timed(fn: Callable[[], T], runs: int, warm: bool = True) -> tuple[list[float], list[float], T]:
    """Wall and CPU times of ``runs`` calls (after one unmeasured call when ``warm``), and the last result.
    The CPU time is this process's: on a shared machine the wall time also counts other people's work."""
    walls: list[float] = []
    cpus: list[float] = []
    found = fn() if warm else None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        found = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus, found  # type: ignore[return-value]  # runs >= 1


def _ms(walls: list[float], cpus: list[float]) -> str:
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    return f"{wall * 1000:.0f} ms ({cpu * 1000:.0f} ms CPU, {runs_note(walls, 3)})"


def run(papers: int = 2000, entries: int = 2000, runs: int = 3, baseline_runs: int = 1) -> list[Row]:
    listing, items, expected, kinds = world(papers, entries)
    read_wall, read_cpu, _ = _timed(lambda: Listing.from_json("bench", listing), runs)
    ours, ours_cpu, found = _timed(lambda: confarchive_match(listing, items), runs)
    theirs, theirs_cpu, naive = _timed(lambda: difflib_match(listing, items), baseline_runs, warm=False)
    mine, other = statistics.median(ours_cpu), statistics.median(theirs_cpu)
    what = f"match {papers} papers ({', '.join(f'{n} {kind}' for kind, n in kinds.items())})"
    return [
        (f"read a listing of {entries} entries (ids, title index)", _ms(read_wall, read_cpu), "-", "-"),
        (f"{what} against {entries}, listing read included", _ms(ours, ours_cpu),
         f"{statistics.median(theirs):.1f} s ({other:.1f} s CPU, {runs_note(theirs, 3)}; difflib)",
         f"{other / mine:.0f}x less CPU"),
        ("  outcome", _score(found, expected), _score(naive, expected), "-"),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-runs", type=int, default=1, help="difflib takes ~20 s a run on 2,000 papers")
    args = parser.parse_args()
    print(table(run(args.papers, args.entries, max(1, args.runs), max(1, args.baseline_runs))))


if __name__ == "__main__":
    main()
