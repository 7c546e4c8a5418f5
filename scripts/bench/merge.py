"""The merge step (slides + audio -> MP4), measured against the old recipe and the physical floor.

Input, generated once and cached under the bench cache dir: N distinct 1920x1080 PNG slides drawn with
Pillow (title, text lines, a bar chart, a noisy "photo"), slide starts with millisecond parts, and an
AAC audio track made by ffmpeg. Cases: ``5min`` (20 slides) and ``60min`` (60 slides).

Three contenders on the same input, interleaved in each round (median of ``--runs``, default 3):
  ours   confarchive's merge exactly as the pipeline runs it: ``timing.plan_slides`` + ``merge.merge``
         (normalise, concat list with ms durations, ffmpeg with chapters and tags, ffprobe validation,
         rename) all inside the timed region;
  old    the recipe people used: a plain concat list with whole-second ``duration`` lines and
         ``ffmpeg -f concat -i list.txt -i audio.m4a out.mp4`` (default encoder settings, no other flags);
  floor  what cannot be avoided: the N distinct frames encoded once (libx264, same settings as ours) into
         an N-frame stream, plus the audio stream-copied to a file, as two separate ffmpeg runs.
Reported: times, old/ours (target >= 20x), ours/floor (target <= 1.5x), the video stream sizes of ours
and old (sum of ffprobe packet sizes; target: ours no larger) and whether every slide change of ours is
at its planned millisecond (ffprobe frame pts).

The old recipe encodes 25 frames per second of talk: minutes for 5 min, much longer for 60 min.
``--quick`` runs only the 5 min case and the old recipe once; such figures say "ONE run only".

Usage: .venv/bin/python scripts/bench/merge.py [--quick] [--cases 5min,60min] [--runs 3] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageOps

import confarchive.media.merge as merge_mod
from confarchive.core.model import MediaFile, Merged, SlideFile
from confarchive.media.probe import probe
from confarchive.media.timing import plan_slides

if not __package__:  # run as a file: make the repository's scripts and tests importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.bench.common import CACHE, Row, runs_note, table

CASES = {"5min": (300, 20), "60min": (3600, 60)}
SIZE = (1920, 1080)
QUIET = ("-hide_banner", "-nostdin", "-loglevel", "error", "-y")


@dataclass(frozen=True)
class MergeInput:
    folder: Path
    slides: dict[int, SlideFile]
    starts: list[tuple[int, int]]  # (index, start_ms) as the slides JSON gives them
    audio: MediaFile


def _slide_png(n: int, total: int, dest: Path) -> None:
    """A distinct slide: a coloured title bar, text lines, a bar chart and a picture, all seeded by n."""
    rng = random.Random(n)
    width = SIZE[0]
    image = Image.new("RGB", SIZE, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    colour = tuple(rng.randrange(40, 200) for _ in range(3))
    draw.rectangle((0, 0, width, 160), fill=colour)
    draw.text((60, 40), f"Slide {n} of {total}: benchmark", fill=(255, 255, 255), font=ImageFont.load_default(72))
    body = ImageFont.load_default(40)
    for line in range(rng.randrange(4, 9)):
        words = " ".join(rng.choice(("model", "loss", "data", "token", "layer", "proof")) for _ in range(6))
        draw.text((80, 220 + line * 70), f"- {words}", fill=(20, 20, 20), font=body)
    for bar in range(8):
        h = rng.randrange(40, 360)
        draw.rectangle((1150 + bar * 80, 980 - h, 1200 + bar * 80, 980), fill=colour)
    noise = Image.effect_noise((120, 75), rng.uniform(60, 120)).resize((480, 300), Image.Resampling.BICUBIC)
    photo = ImageChops.blend(noise, Image.radial_gradient("L").resize((480, 300)), 0.5)  # a textured picture
    image.paste(ImageOps.colorize(photo, (10, 10, 60), colour), (1200, 200 + rng.randrange(0, 100)))
    image.save(dest, format="PNG")


def make_input(case: str) -> MergeInput:
    """The case's slides and audio, generated into the cache on first use."""
    seconds, count = CASES[case]
    folder = CACHE / "merge" / f"{case}-{count}x{SIZE[0]}x{SIZE[1]}"
    slides_dir = folder / "slides"
    audio = folder / "audio.m4a"
    if not (folder / "ready").exists():
        shutil.rmtree(folder, ignore_errors=True)
        slides_dir.mkdir(parents=True)
        for n in range(1, count + 1):
            _slide_png(n, count, slides_dir / f"{n:04d}.png")
        tone = f"sine=frequency=440:sample_rate=44100:duration={seconds}"
        _ffmpeg("-f", "lavfi", "-i", tone, "-c:a", "aac", "-b:a", "64k", str(audio))
        (folder / "ready").touch()
    step = seconds * 1000 // count
    starts = [(n, (n - 1) * step + (137 * n % 1000 if n > 1 else 0)) for n in range(1, count + 1)]
    files = {}
    for n in range(1, count + 1):
        path = slides_dir / f"{n:04d}.png"
        with Image.open(path) as im:
            files[n] = SlideFile(n, str(path), im.width, im.height, "PNG", path.stat().st_size)
    probed = probe("ffprobe", audio)
    media = MediaFile(str(audio), probed.duration_ms, probed.audio_codec or "aac", audio.stat().st_size)
    return MergeInput(folder, files, starts, media)


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", *QUIET, *args], check=True, capture_output=True)


def ours(inp: MergeInput, work: Path) -> Merged:
    """What ``run.stages.merge_talk`` does around ffmpeg: plan, then ``merge.merge``."""
    shutil.rmtree(work, ignore_errors=True)
    plan = plan_slides(inp.starts, inp.audio.duration_ms)
    tags = merge_mod.TalkTags("Benchmark talk", "A. Author", "Bench 2024", "https://slideslive.com/99")
    final = work / "out" / "Benchmark talk.mp4"
    job = merge_mod.MergeJob(plan, inp.slides, inp.audio, tags, final, work / "merge")
    return merge_mod.merge(job, "ffmpeg", "ffprobe")


def old_recipe(inp: MergeInput, work: Path) -> Path:
    """Whole-second durations (as the XML's ``timeSec``), the last file repeated, default everything."""
    work.mkdir(parents=True, exist_ok=True)
    seconds = [start // 1000 for _, start in sorted(inp.starts, key=lambda s: s[1])]
    ends = [*seconds[1:], inp.audio.duration_ms // 1000]
    lines = [
        f"file '{n:04d}.png'\nduration {end - start}"
        for n, start, end in zip(range(1, 1 + len(seconds)), seconds, ends, strict=True)
    ]
    lines.append(f"file '{len(seconds):04d}.png'")
    listing = inp.folder / "slides" / "old-list.txt"  # next to the slides: relative names are "safe"
    listing.write_text("\n".join(lines) + "\n")
    out = work / "old.mp4"
    _ffmpeg("-f", "concat", "-i", str(listing), "-i", inp.audio.path, str(out))
    return out


def floor(inp: MergeInput, work: Path) -> None:
    """The N frames encoded once with our encoder settings, and the audio copied: two ffmpeg runs."""
    work.mkdir(parents=True, exist_ok=True)
    x264 = ("-c:v", "libx264", "-preset", "veryfast", "-tune", "stillimage", "-bf", "0", "-pix_fmt", "yuv420p")
    _ffmpeg("-framerate", "1", "-i", str(inp.folder / "slides" / "%04d.png"), *x264, str(work / "frames.mp4"))
    _ffmpeg("-i", inp.audio.path, "-vn", "-c:a", "copy", str(work / "audio.m4a"))


def video_stream_bytes(path: Path) -> int:
    out = _probe_csv(path, "packet=size")
    return sum(int(x) for x in out)


def frame_starts_ms(path: Path) -> list[int]:
    return [round(float(x) * 1000) for x in _probe_csv(path, "frame=pts_time")]


def _probe_csv(path: Path, entries: str) -> list[str]:
    cmd = ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", entries, "-of", "csv=p=0", str(path)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [line.strip().strip(",") for line in out.splitlines() if line.strip()]


def run_case(case: str, runs: int, old_runs: int) -> tuple[list[Row], dict[str, object]]:
    """Rows for the table and the raw figures of one case."""
    inp = make_input(case)
    work = Path(tempfile.mkdtemp(prefix=f"bench-merge-{case}-"))
    times: dict[str, list[float]] = {"ours": [], "old": [], "floor": []}
    cpu: dict[str, list[float]] = {"ours": [], "old": [], "floor": []}  # user+sys of the ffmpeg/ffprobe runs
    merged: Merged | None = None
    old_out: Path | None = None
    try:
        for round_ in range(runs):
            for name in ("ours", "floor", "old"):
                if name == "old" and round_ >= old_runs:
                    continue
                cpu0, start = _children_cpu(), time.perf_counter()
                if name == "ours":
                    merged = ours(inp, work / "ours")
                elif name == "floor":
                    floor(inp, work / "floor")
                else:
                    old_out = old_recipe(inp, work / "old")
                times[name].append(time.perf_counter() - start)
                cpu[name].append(_children_cpu() - cpu0)
        assert merged is not None and old_out is not None
        plan = plan_slides(inp.starts, inp.audio.duration_ms)
        got = frame_starts_ms(Path(merged.path))
        exact = sum(1 for p, t in zip(plan, got, strict=False) if p.start_ms == t)
        ours_size, old_size = video_stream_bytes(Path(merged.path)), video_stream_bytes(old_out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    t_ours, t_old, t_floor = (statistics.median(times[k]) for k in ("ours", "old", "floor"))
    seconds, count = CASES[case]
    label = f"merge {seconds // 60} min, {count} slides 1080p"
    old_note = runs_note(times["old"], runs)
    figures = {
        "case": case, "ours_s": t_ours, "old_s": t_old, "floor_s": t_floor, "times": times, "cpu": cpu,
        "ours_bytes": ours_size, "old_bytes": old_size, "exact": exact, "slides": len(plan), "frames": len(got),
    }  # fmt: skip
    rows: list[Row] = [
        (f"{label}: vs old recipe ({old_note})", f"{t_ours:.2f} s", f"{t_old:.1f} s", f"{t_old / t_ours:.0f}x faster"),
        (f"{label}: vs floor", f"{t_ours:.2f} s", f"{t_floor:.2f} s", f"{t_ours / t_floor:.2f}x floor"),
        (f"{label}: video stream size", _mb(ours_size), _mb(old_size), f"{ours_size / old_size:.2f}x old size"),
        (f"{label}: slide changes at planned ms", f"{exact}/{len(plan)} exact, {len(got)} frames", "-", "-"),
    ]
    for kind in ("times", "cpu"):
        every = {k: " ".join(f"{t:.2f}" for t in v) for k, v in (times if kind == "times" else cpu).items()}
        print(f"{case}: {'wall' if kind == 'times' else 'cpu (children user+sys)'} per run, s: {every}", flush=True)
    return rows, figures


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def profile_ours(case: str) -> str:
    """One run of ours under cProfile (wall time per call; ffmpeg/ffprobe show up as subprocess waits)."""
    inp = make_input(case)
    work = Path(tempfile.mkdtemp(prefix="bench-merge-profile-"))
    profiler = cProfile.Profile(time.perf_counter)
    try:
        profiler.runcall(ours, inp, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(18)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="5 min case only, old recipe run once")
    parser.add_argument("--cases", default=None, help="comma-separated, from: " + ", ".join(CASES))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--old-runs", type=int, default=None, help="runs of the old recipe (default: --runs)")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of one merge of ours")
    args = parser.parse_args()
    cases = args.cases.split(",") if args.cases else (["5min"] if args.quick else list(CASES))
    old_runs = args.old_runs or (1 if args.quick else args.runs)
    rows: list[Row] = []
    for case in cases:
        rows += run_case(case, args.runs, old_runs)[0]
        if args.profile:
            print(profile_ours(case))
    print(table(rows))


if __name__ == "__main__":
    main()
