"""Search at the scale of a big conference: ``--talks`` talks (default 1,000), each with 40 slides of
text and 30 minutes of subtitles (one cue every 4 s), indexed in SQLite FTS5 by ``SearchIndex``. The
words follow Zipf's law over a vocabulary of 3,000, the subject's words among the 50 most frequent
(as "model" is in machine-learning talks), so "a common word" is in most passages.

Reported: the time to index them all, and the latency of queries of every kind (a rare word, a common
word, a phrase, a prefix, a boolean), median and worst of ``--runs`` rounds; target: under 100 ms a
query. The baseline is what ``search`` would do without an index: a scan of every talk's text for the
word: the same passages in a plain SQLite table read with ``LIKE '%word%'``, measured in the same run.

Usage: .venv/bin/python scripts/bench/search.py [--talks 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import itertools
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

if not __package__:  # run as a file: make the repository's scripts and tests importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from confarchive.core.entry import SlideEntry, TalkEntry
from confarchive.core.layout import Layout
from confarchive.core.model import SubtitleFile, TalkKey
from confarchive.text.search import SearchIndex, passages
from scripts.bench.common import Row, table

VOCABULARY = [
    *[
        "model",
        "data",
        "training",
        "loss",
        "attention",
        "transformer",
        "graph",
        "network",
        "learning",
        "representation",
        "gradient",
    ],
    *[
        "convergence",
        "bound",
        "theorem",
        "proof",
        "sample",
        "dataset",
        "benchmark",
        "accuracy",
        "robust",
        "adversarial",
        "policy",
        "reward",
    ],
    *[
        "agent",
        "language",
        "vision",
        "speech",
        "retrieval",
        "embedding",
        "contrastive",
        "diffusion",
        "kernel",
        "sparse",
        "optimisation",
    ],
]
QUERIES = {
    "a rare word": "quokka",
    "a common word": "model",
    "a phrase": '"contrastive loss"',
    "a prefix": "optim*",
    "a boolean": "attention NOT graph",
}


class _Words:
    """Zipf-distributed words: the subject's vocabulary at ranks 10-44 of 3,000."""

    def __init__(self, rng: random.Random) -> None:
        fillers = [f"lexeme{n}" for n in range(3000 - len(VOCABULARY))]
        self.words = [*fillers[:10], *VOCABULARY, *fillers[10:]]
        self.cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(self.words))))
        self.rng = rng

    def text(self, n: int) -> str:
        return " ".join(self.rng.choices(self.words, cum_weights=self.cumulative, k=n))


def _archive(root: Path, talks: int) -> list[TalkEntry]:
    rng = _Words(random.Random(7))
    entries = []
    for n in range(talks):
        folder = root / f"talk-{n}"
        folder.mkdir(parents=True)
        cues = ["WEBVTT", ""]
        for c in range(450):  # 30 minutes, a cue every 4 s
            words = rng.text(9)
            start = c * 4
            end = start + 3
            cues += [f"00:{start // 60:02d}:{start % 60:02d}.000 --> 00:{end // 60:02d}:{end % 60:02d}.500", words, ""]
        (folder / "talk.en.vtt").write_text("\n".join(cues))
        slides = tuple(
            SlideEntry(s, s * 45.0, f"talk-{n}/slides/{s:04d}.png", title=f"Part {s}",
                       text=rng.text(40) + (" quokka" if n == 500 else ""))
            for s in range(1, 41)
        )  # fmt: skip
        entries.append(
            TalkEntry(
                TalkKey("slideslive", str(90_000_000 + n)),
                f"Talk {n} on {rng.text(1)}",
                f"https://conf/poster_{n}.html",
                authors=(f"Author {n}",),
                status="done",
                video=f"talk-{n}/talk.mp4",
                duration_s=1800.0,
                slides=slides,
                abstract=rng.text(120),
                subtitles=(SubtitleFile("en", f"talk-{n}/talk.en.vtt"),),
            )
        )
    return entries


def run(talks: int = 1000, runs: int = 5) -> list[Row]:
    root = Path(tempfile.mkdtemp(prefix="bench-search-"))
    try:
        entries = _archive(root, talks)
        layout = Layout(root)
        started = time.perf_counter()
        with SearchIndex(layout) as index:
            index.rebuild(entries)
        build = time.perf_counter() - started
        texts = [p.text for e in entries for p in passages(e, root)]
        plain = sqlite3.connect(":memory:")
        plain.execute("CREATE TABLE passages (text TEXT)")
        plain.executemany("INSERT INTO passages VALUES (?)", ((t,) for t in texts))
        rows: list[Row] = [(f"search: index {talks} talks (40 slides, 30 min of subtitles each)",
                            f"{build:.1f} s", "-", f"{len(texts)} passages")]  # fmt: skip
        with SearchIndex(layout) as index:
            for what, query in QUERIES.items():
                times, hits = [], 0
                for _ in range(runs):
                    t = time.perf_counter()
                    hits = len(index.search(query, 20))
                    times.append(time.perf_counter() - t)
                scan = []
                like = "%" + query.strip('"*').split(" NOT ")[0] + "%"
                for _ in range(min(runs, 3)):
                    t = time.perf_counter()
                    plain.execute("SELECT rowid FROM passages WHERE text LIKE ?", (like,)).fetchall()
                    scan.append(time.perf_counter() - t)
                ours, theirs = statistics.median(times), statistics.median(scan)
                rows.append((f"search {talks} talks: {what} ({query}), {hits} hits shown",
                             f"{ours * 1000:.1f} ms (worst {max(times) * 1000:.1f})",
                             f"{theirs * 1000:.0f} ms (LIKE scan)", f"{theirs / ours:.1f}x faster"))  # fmt: skip
        return rows
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--talks", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(table(run(args.talks, args.runs)))


if __name__ == "__main__":
    main()
