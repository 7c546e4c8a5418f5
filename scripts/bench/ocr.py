"""OCR of slides for full-text search: slides per second on this machine's cores, word recall, headings.

Input: the fixture slides of tests/world/slidetext.py (1920x1080 PNG with known text: headings, bullets,
a dark theme, a formula, a chart, code, a textured picture, slides without a heading), ``--rounds``
times over, as files. Every configuration reads all of them from nothing: its pool, engines or
processes are started inside the timed region, and each result is parsed into a ``SlideText`` the same
way (tesseract's TSV), so recall and headings compare like with like.
  ours      ``confarchive.text.ocr.read_slides``: tesserocr (libtesseract in-process), one engine per worker
            thread reused for every slide, PSM 3, 1080p as is, 2 threads;
  baseline  the tesseract command line with its defaults, through pytesseract 0.3.13 (``image_to_data``:
            one tesseract process per slide), from 2 threads.
Each variation changes one thing of ours (or of the baseline): OMP_THREAD_LIMIT=1 for the command line
(Debian's tesseract uses OpenMP; the tesserocr wheel's libtesseract does not), a new engine per slide,
2 processes instead of 2 threads, 1 thread, input downscaled to 720p, PSM 6 (one block) and 11 (sparse
text). The engine mode is tesseract's default throughout: Debian's English model is LSTM-only.
Measurements are interleaved (every configuration once per run) and the median of ``--runs`` is
reported, with CPU time per slide (user+sys of this process and its children), which other load on the
machine disturbs less than wall time. Also: word recall on body text (words of the slides' text lines;
figure labels not counted), headings found and invented, and small print (10-13 px on a 1080p slide) read at 1080p
and at 720p.

Usage: .venv/bin/python scripts/bench/ocr.py [--rounds 3] [--runs 3]
"""

from __future__ import annotations

import argparse
import difflib
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from PIL import Image, ImageDraw

if not __package__:  # run as a file: make the repository's scripts and tests importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from confarchive.text.ocr import OcrEngine, read_slides, require_tesseract
from confarchive.text.slidetext import SlideText, parse_tsv
from scripts.bench.common import Row, runs_note, table
from tests.world.slidetext import FixtureSlide, font, slides, words, write_slides

Reader = Callable[[list[Path]], list[SlideText]]
SMALL_PRINT = "Source: proceedings of twelve workshops held between 2019 and 2023"
SMALL_SIZES = (10, 11, 12, 13)
SMALL_FACES = ("DejaVuSans", "DejaVuSerif", "DejaVuSansCondensed")


def _cli(path: Path) -> SlideText:
    import pytesseract

    with Image.open(path) as im:
        size = im.size
    return parse_tsv(pytesseract.image_to_data(str(path), lang="eng"), *size)


def cli_defaults(paths: list[Path]) -> list[SlideText]:
    saved = os.environ.pop("OMP_THREAD_LIMIT", None)  # tesseract's own default: OpenMP uses every core
    try:
        with ThreadPoolExecutor(2) as pool:
            return list(pool.map(_cli, paths))
    finally:
        if saved is not None:
            os.environ["OMP_THREAD_LIMIT"] = saved


def cli_one_omp_thread(paths: list[Path]) -> list[SlideText]:
    saved = os.environ.get("OMP_THREAD_LIMIT")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        with ThreadPoolExecutor(2) as pool:
            return list(pool.map(_cli, paths))
    finally:
        os.environ.pop("OMP_THREAD_LIMIT")
        if saved is not None:
            os.environ["OMP_THREAD_LIMIT"] = saved


def _new_engine_read(path: Path) -> SlideText:
    with OcrEngine() as engine:
        return engine.read(path)


def new_engine_per_slide(paths: list[Path]) -> list[SlideText]:
    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(_new_engine_read, paths))


_PROCESS_ENGINE: OcrEngine | None = None


def _start_process_engine() -> None:
    global _PROCESS_ENGINE
    _PROCESS_ENGINE = OcrEngine()  # ends with its process


def _process_read(path: Path) -> SlideText:
    assert _PROCESS_ENGINE is not None
    return _PROCESS_ENGINE.read(path)


def two_processes(paths: list[Path]) -> list[SlideText]:
    with ProcessPoolExecutor(2, initializer=_start_process_engine) as pool:
        return list(pool.map(_process_read, paths))


CONFIGS: dict[str, Reader] = {
    "ours": lambda paths: read_slides(paths, workers=2),
    "cli": cli_defaults,
    "cli-omp1": cli_one_omp_thread,
    "new-engine": new_engine_per_slide,
    "processes": two_processes,
    "1-thread": lambda paths: read_slides(paths, workers=1),
    "720p": lambda paths: read_slides(paths, workers=2, max_height=720),
    "psm6": lambda paths: read_slides(paths, workers=2, psm=6),
    "psm11": lambda paths: read_slides(paths, workers=2, psm=11),
}


def recall(fixtures: Sequence[FixtureSlide], texts: Sequence[SlideText]) -> tuple[int, int]:
    """(body words found, body words expected), counting repeats."""
    found = expected = 0
    for fixture, text in zip(fixtures, texts, strict=True):
        got = Counter(w for word in text.words for w in words(word.text))
        want = Counter(fixture.body_words)
        found += sum(min(n, got[w]) for w, n in want.items())
        expected += sum(want.values())
    return found, expected


def headings(fixtures: Sequence[FixtureSlide], texts: Sequence[SlideText]) -> tuple[int, int, int]:
    """(headings found, slides with a heading, headings invented on slides without one)."""
    found = invented = 0
    for fixture, text in zip(fixtures, texts, strict=True):
        if fixture.heading is None:
            invented += text.heading is not None
        elif (
            text.heading and difflib.SequenceMatcher(None, text.heading.lower(), fixture.heading.lower()).ratio() >= 0.9
        ):
            found += 1
    return found, sum(f.heading is not None for f in fixtures), invented


def small_print(max_height: int) -> tuple[int, int]:
    """Words of a line set at 10 to 13 px on a 1080p slide, in three faces, that are read at ``max_height``."""
    found = expected = 0
    with OcrEngine(max_height=max_height) as engine:
        for face in SMALL_FACES:
            image = Image.new("RGB", (1920, 1080), "white")
            draw = ImageDraw.Draw(image)
            for i, size in enumerate(SMALL_SIZES):
                draw.text((100, 100 + i * 150), SMALL_PRINT, font=font(face, size), fill=(60, 60, 60))
            got = Counter(w for word in engine.read(image).words for w in words(word.text))
            want = Counter(words(SMALL_PRINT) * len(SMALL_SIZES))
            found += sum(min(n, got[w]) for w, n in want.items())
            expected += sum(want.values())
    return found, expected


def run(rounds: int = 3, runs: int = 3) -> list[Row]:
    """Rows for the table: rates of every configuration (median of ``runs``), recall and headings."""
    require_tesseract()
    fixtures = list(slides()) * rounds
    folder = Path(tempfile.mkdtemp(prefix="bench-ocr-"))
    paths = write_slides(folder, fixtures)
    times: dict[str, list[float]] = {name: [] for name in CONFIGS}
    cpu: dict[str, list[float]] = {name: [] for name in CONFIGS}  # user+sys of this process and its children
    results: dict[str, list[SlideText]] = {}
    try:
        for reader in CONFIGS.values():  # warm-up, untimed: files and models in the page cache
            reader(paths[:4])
        for _ in range(runs):
            for name, reader in CONFIGS.items():
                cpu0, start = _cpu(), time.perf_counter()
                results[name] = reader(paths)
                times[name].append(time.perf_counter() - start)
                cpu[name].append(_cpu() - cpu0)
            print("slides/s: " + ", ".join(f"{n} {len(paths) / t[-1]:.2f}" for n, t in times.items()), flush=True)
            print("CPU ms/slide: " + ", ".join(f"{n} {1000 * c[-1] / len(paths):.0f}" for n, c in cpu.items()))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    rate = {name: len(paths) / statistics.median(t) for name, t in times.items()}
    note = runs_note(times["ours"], runs)
    cores = os.cpu_count() or 1
    label = f"OCR {len(paths)} slides 1080p, {cores} cores"

    def vs(title: str, other: str, ours: str = "ours") -> Row:
        r_ours, r_other = rate[ours], rate[other]
        return (f"{label}: {title} ({note})", f"{r_ours:.2f} slides/s", f"{r_other:.2f} slides/s",
                f"{r_ours / r_other:.2f}x")  # fmt: skip

    def pct(found: int, total: int) -> str:
        return f"{100 * found / total:.1f} % of {total}"

    base = fixtures[: len(slides())]
    n = len(base)
    cpu_ms = {name: 1000 * statistics.median(c) / len(paths) for name, c in cpu.items()}
    rows: list[Row] = [
        vs("tesserocr vs tesseract CLI defaults (pytesseract), target >= 4/s", "cli"),
        (f"{label}: CPU per slide, tesserocr vs CLI defaults", f"{cpu_ms['ours']:.0f} ms", f"{cpu_ms['cli']:.0f} ms",
         f"{cpu_ms['ours'] / cpu_ms['cli']:.2f}x the CPU"),
        (f"{label}: CPU per slide, tesserocr vs CLI OMP_THREAD_LIMIT=1", f"{cpu_ms['ours']:.0f} ms",
         f"{cpu_ms['cli-omp1']:.0f} ms", f"{cpu_ms['ours'] / cpu_ms['cli-omp1']:.2f}x the CPU"),
        (f"{label}: ceiling on idle cores (cores / CPU per slide), tesserocr vs CLI OMP_THREAD_LIMIT=1",
         f"{cores * 1000 / cpu_ms['ours']:.1f} slides/s", f"{cores * 1000 / cpu_ms['cli-omp1']:.1f} slides/s", "-"),
        vs("tesserocr vs CLI with OMP_THREAD_LIMIT=1", "cli-omp1"),
        vs("CLI: OMP_THREAD_LIMIT=1 vs its default", "cli", ours="cli-omp1"),
        vs("engine per thread reused vs new engine per slide", "new-engine"),
        vs("2 threads vs 2 processes", "processes"),
        vs("2 threads vs 1 thread", "1-thread"),
        vs("1080p as is vs downscaled to 720p", "720p"),
        vs("PSM 3 vs PSM 6", "psm6"),
        vs("PSM 3 vs PSM 11", "psm11"),
        ("OCR body word recall: tesserocr vs CLI", pct(*recall(base, results["ours"][:n])),
         pct(*recall(base, results["cli"][:n])), "-"),
    ]  # fmt: skip
    for name in ("720p", "psm6", "psm11"):
        rows.append((f"{label}: CPU per slide, ours vs {name}", f"{cpu_ms['ours']:.0f} ms", f"{cpu_ms[name]:.0f} ms",
                     f"{cpu_ms['ours'] / cpu_ms[name]:.2f}x the CPU"))  # fmt: skip
    for name in ("720p", "psm6", "psm11", "new-engine", "processes"):
        rows.append((f"OCR body word recall: ours vs {name}", pct(*recall(base, results["ours"][:n])),
                     pct(*recall(base, results[name][:n])), "-"))  # fmt: skip
    heads = {}
    for name in ("ours", "cli"):
        found, total, invented = headings(base, results[name][:n])
        heads[name] = f"{found}/{total} found, {invented}/{n - total} invented"
    rows.append(("OCR headings: tesserocr vs CLI", heads["ours"], heads["cli"], "-"))
    small = {h: small_print(h) for h in (1080, 720)}
    rows.append(("OCR small print 10-13 px words: 1080p vs 720p", f"{small[1080][0]}/{small[1080][1]}",
                 f"{small[720][0]}/{small[720][1]}", "-"))  # fmt: skip
    return rows


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="times over the fixture slides (default 3)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = run(args.rounds, args.runs)
    print(table(rows))
    return rows


if __name__ == "__main__":
    main()
