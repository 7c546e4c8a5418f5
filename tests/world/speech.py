"""Spoken media for the fixture world: espeak-ng sentences at known times in real silence, as AAC.

Why this shape: a merged talk holds AAC audio, so the fixtures are AAC and the transcriber reads them
through the same decoder as a real talk. The sentences use words no fixture slide shows, so a search
hit for one can only come from a transcript. Each sentence is pasted sample-exactly into a silent
buffer (no mixing filter to rescale levels), and the time it is "said at" is measured from the
samples (espeak pads its output with silence), not assumed from the offset. The same sentences give
the same bytes (ffmpeg's bitexact flags, no metadata): a fixture is a pure function of its script.

Words tiny.en does not spell back on this voice are avoided ("quokkas" comes back "quackas",
"seventeen" as "17"; after "...telescope," the sentence-initial "Penguin" was heard "and with").
"""

from __future__ import annotations

import array
import os
import random
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

RATE = 22050  # espeak-ng's own rate: pasting at it needs no resampling
AUDIBLE = 500  # a 16-bit amplitude above this is speech (espeak's padding is exact zeros)
VOICE = "en-us"
WPM = 160  # a lecturer's pace

# Scripts: (text, offset in seconds), each sentence's first word distinctive so that its start can be
# found by text. "sentences" is the talk without subtitles; "others" the talk that has them too.
SCRIPTS: dict[str, tuple[tuple[str, float], ...]] = {
    "sentences": (
        ("Marmalade lanterns calibrate the copper telescope.", 2.0),
        ("Giraffe librarians whistle in the canyon.", 12.0),
        ("Thunderstorms juggle the pineapple riddles.", 25.0),
        ("Elephant keepers polish the lighthouse.", 32.0),
    ),
    "others": (
        ("Volcano gardeners measure the purple glacier.", 6.0),
        ("Harbor painters admire the crystal waterfall.", 20.0),
    ),
    "silent": (),
}
FILLER = frozenset({"the", "in", "to", "a", "and", "of"})  # short words a transcript may merge or drop

# Plain sentences for the benchmark's long talks (our own text, cycled in a seeded order).
TALK_LINES: tuple[str, ...] = (
    "In this talk we look at how a model learns from very little data.",
    "The first experiment measures the error on a held out set of images.",
    "We compare three methods and report the mean over five random seeds.",
    "Our approach is simple, and it scales to millions of examples.",
    "On the left you can see the training loss, on the right the validation loss.",
    "The gap between the two curves tells us how much the model overfits.",
    "We found that a smaller learning rate helps in the second half of training.",
    "This table lists the accuracy of each method on four benchmarks.",
    "The baseline is strong, but our method is better on three of them.",
    "Let me now explain why the fourth benchmark behaves differently.",
    "Its labels are noisy, so every method reaches a ceiling early.",
    "To test this idea we cleaned a sample of two thousand labels by hand.",
    "After cleaning, the ranking of the methods changed completely.",
    "So the lesson is to look at the data before trusting a leaderboard.",
    "Next, I want to talk about the cost of running these experiments.",
    "Each run takes about six hours on a single graphics card.",
    "We used a shared cluster, which made the timing measurements noisy.",
    "In future work we plan to study larger models and longer training.",
    "Thank you to my coauthors, who did most of the hard work.",
    "I am happy to take questions now, or later by email.",
)


def available() -> bool:
    return shutil.which("espeak-ng") is not None


def normalise(word: str) -> str:
    """A word as compared between script and transcript: lower case, no surrounding punctuation."""
    return word.strip().strip(".,;:!?\"'()-").lower()


@dataclass(frozen=True)
class Spoken:
    """One sentence as placed: ``start_s``/``end_s`` are its first and last audible sample."""

    text: str
    start_s: float
    end_s: float

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(normalise(w) for w in self.text.split())

    @property
    def key_words(self) -> tuple[str, ...]:
        return tuple(w for w in self.words if w not in FILLER)


@dataclass(frozen=True)
class SpeechTrack:
    """A built track: its length and where each sentence really is."""

    duration_s: float
    sentences: tuple[Spoken, ...]

    def silences(self, margin_s: float = 0.0) -> list[tuple[float, float]]:
        """The stretches without speech, each shrunk by ``margin_s`` where it touches speech."""
        out: list[tuple[float, float]] = []
        edge = 0.0
        for n, sentence in enumerate(sorted(self.sentences, key=lambda s: s.start_s)):
            start = edge if n == 0 else edge + margin_s
            if sentence.start_s - margin_s > start:
                out.append((start, sentence.start_s - margin_s))
            edge = sentence.end_s
        tail = edge + margin_s if self.sentences else 0.0
        if self.duration_s > tail:
            out.append((tail, self.duration_s))
        return out


@lru_cache(maxsize=64)
def speak(text: str) -> bytes:
    """espeak-ng's 16-bit mono samples at ``RATE`` for ``text``."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "s.wav"
        subprocess.run(["espeak-ng", "-v", VOICE, "-s", str(WPM), "-w", str(wav), text], check=True)
        with wave.open(str(wav)) as w:
            if (w.getnchannels(), w.getsampwidth(), w.getframerate()) != (1, 2, RATE):
                raise RuntimeError(f"espeak-ng wrote {w.getparams()}, expected mono 16-bit {RATE} Hz")
            return w.readframes(w.getnframes())


def _audible(samples: array.array) -> tuple[int, int]:
    loud = [i for i, v in enumerate(samples) if abs(v) > AUDIBLE]
    if not loud:
        raise ValueError("espeak-ng said nothing audible")
    return loud[0], loud[-1]


def place(script: Sequence[tuple[str, float]], duration_s: float) -> tuple[array.array, SpeechTrack]:
    """The samples of ``script`` in a silent track of ``duration_s``, and where each sentence is."""
    pcm = array.array("h", bytes(2 * round(duration_s * RATE)))
    placed: list[Spoken] = []
    for text, offset in script:
        samples = array.array("h", speak(text))
        at = round(offset * RATE)
        if at + len(samples) > len(pcm) or any(pcm[at : at + len(samples)]):
            raise ValueError(f"{text!r} at {offset} s does not fit in {duration_s} s without overlapping")
        pcm[at : at + len(samples)] = samples
        first, last = _audible(samples)
        placed.append(Spoken(text, (at + first) / RATE, (at + last) / RATE))
    return pcm, SpeechTrack(len(pcm) / RATE, tuple(placed))


def encode(pcm: array.array, dest: Path, ffmpeg: str = "ffmpeg") -> Path:
    """The samples as AAC (48 kHz stereo, like a conference recording) in ``dest`` (.m4a), atomically."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "track.wav"
        with wave.open(str(wav), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(pcm.tobytes())
        out = dest.with_name(f".{dest.stem}.{os.getpid()}.tmp{dest.suffix}")
        subprocess.run(
            [ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-fflags", "+bitexact", "-i", str(wav),
             "-c:a", "aac", "-b:a", "96k", "-ar", "48000", "-ac", "2", "-flags:a", "+bitexact",
             "-t", f"{len(pcm) / RATE:.6f}", "-map_metadata", "-1", "-movflags", "+faststart", str(out)],
            check=True,
        )  # fmt: skip
        os.replace(out, dest)
    return dest


def track(name: str, duration_s: float) -> SpeechTrack:
    """Where the sentences of script ``name`` are in a track of ``duration_s`` (what tests compare to)."""
    return place(SCRIPTS[name], duration_s)[1]


def build(name: str, duration_s: float, dest: Path) -> SpeechTrack:
    pcm, placed = place(SCRIPTS[name], duration_s)
    encode(pcm, dest)
    return placed


def talk_script(seconds: float, seed: int = 25, lead_s: float = 1.0) -> tuple[tuple[tuple[str, float], ...], float]:
    """Sentences one after another for about ``seconds`` with a speaker's pauses (0.3-1.5 s, now and
    then 4 s while a slide changes): the placements and the track's length. Seeded: deterministic."""
    rng = random.Random(seed)
    out: list[tuple[str, float]] = []
    t = lead_s
    while True:
        order = list(TALK_LINES)
        rng.shuffle(order)
        for text in order:
            length = len(speak(text)) / 2 / RATE
            if t + length > seconds:
                return tuple(out), t + 1.0
            out.append((text, t))
            t += length + (4.0 if rng.random() < 0.1 else rng.uniform(0.3, 1.5))
