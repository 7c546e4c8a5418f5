"""What was said in a talk, word by word: faster-whisper with its own VAD filter and word timestamps.

Why these choices (measured in issue 25's prototype):

- The VAD filter (Silero, shipped with faster-whisper) is always on. Without it the model writes text
  into silence ("You" twice into 40 s of nothing) and stretches a sentence's last word over the
  pause after it; with it a silent file costs 0.2 s and gives no words at all.
- Times come from words, never from segments: with the VAD on, faster-whisper joins the speech on
  either side of a long pause into one segment, whose start can be seconds before the sentence a
  search hit would send the viewer to. Word starts were within 0.4 s of the fixture's (p90 0.33 s).
- The audio is decoded by the ffmpeg command (the run's ``tools.ffmpeg``), not in-process: a file that
  crashes a decoder kills a child, not the run. It goes to the model in windows of at most 5 min cut
  in pauses: faster-whisper holds a whole input's spectrogram at once (a 20-min talk peaked at 1.4 GB
  in one piece, 0.67 GB in windows, with the same words and times).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median
from typing import Any

from ..core.errors import Interrupted
from .whisper import Model, TranscribeError

SAMPLE_RATE = 16000  # what Whisper listens at
WINDOW_S = 300.0  # the longest stretch given to the model at once (its memory grows ~1 MB per second)
SEARCH_S = 30.0  # a window's end is the quietest quarter second of this much before its limit


@dataclass(frozen=True)
class Word:
    """One spoken word and the times it was aligned to (seconds from the start of the file)."""

    start: float
    end: float
    text: str
    probability: float


@dataclass(frozen=True)
class Transcript:
    """What was said in one file; no words when nothing was (not an error: the caller notes it)."""

    language: str
    duration_s: float
    speech_s: float  # what the VAD kept
    words: tuple[Word, ...]
    model_name: str
    wall_s: float

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def decode(path: str | os.PathLike[str], ffmpeg: str = "ffmpeg") -> Any:
    """The first audio stream as 16-kHz mono float32 samples (a numpy array), by the ffmpeg command."""
    import numpy as np

    cmd = [ffmpeg, "-nostdin", "-hide_banner", "-v", "error", "-i", os.fspath(path), "-map", "0:a:0",
           "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "f32le", "-"]  # fmt: skip
    try:
        done = subprocess.run(cmd, capture_output=True, check=False)
    except OSError as exc:
        raise TranscribeError(f"cannot run {ffmpeg} to read the audio of {os.fspath(path)}: {exc}") from exc
    if done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        raise TranscribeError(f"cannot read the audio of {os.fspath(path)}: {lines[-1] if lines else done.returncode}")
    return np.frombuffer(done.stdout, dtype=np.float32)


def windows(audio: Any, window_s: float = WINDOW_S, search_s: float = SEARCH_S) -> list[tuple[int, int]]:
    """(first, end) sample of each window of at most ``window_s``, each cut at the quietest quarter
    second of the last ``search_s`` before its limit: in a pause, not in a word."""
    import numpy as np

    limit, frame = int(window_s * SAMPLE_RATE), SAMPLE_RATE // 4
    search = min(int(search_s * SAMPLE_RATE), limit // 2)
    out: list[tuple[int, int]] = []
    start = 0
    while len(audio) - start > limit:
        low = start + limit - search
        stretch = audio[low : start + limit]
        frames = len(stretch) // frame
        energy = np.square(stretch[: frames * frame].reshape(frames, frame), dtype=np.float64).mean(axis=1)
        cut = low + int(energy.argmin()) * frame + frame // 2
        out.append((start, cut))
        start = cut
    out.append((start, len(audio)))
    return out


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Interrupted("interrupted")


def transcribe(
    model: Model,
    path: str | os.PathLike[str],
    *,
    ffmpeg: str = "ffmpeg",
    cancel: threading.Event | None = None,
    window_s: float = WINDOW_S,
    beam_size: int = 5,
    vad_filter: bool = True,
) -> Transcript:
    """The words said in ``path`` (any file ffmpeg reads: the talk's MP4 will do).

    A multilingual model detects the language in the first window with speech and keeps it. ``cancel``
    is checked between segments (they are computed as they are read): Ctrl-C stops a transcription
    within a segment. ``vad_filter`` is a parameter only so the benchmark can show what it prevents.
    """
    started = time.monotonic()
    _check(cancel)
    audio = decode(path, ffmpeg)
    language, speech_s = model.language, 0.0
    raw: list[Word] = []
    try:
        for first, end in windows(audio, window_s):
            offset = first / SAMPLE_RATE
            segments, info = model.whisper.transcribe(
                audio[first:end], language=language, vad_filter=vad_filter, word_timestamps=True, beam_size=beam_size
            )
            speech_s += info.duration_after_vad
            for segment in segments:
                _check(cancel)
                raw.extend(
                    Word(float(w.start) + offset, float(w.end) + offset, w.word.strip(), float(w.probability))
                    for w in segment.words or ()
                )
            if language is None and info.duration_after_vad > 0:
                language = info.language
    except (RuntimeError, ValueError) as exc:  # CTranslate2's failures
        raise TranscribeError(f"cannot transcribe {os.fspath(path)}: {' '.join(str(exc).split())}") from exc
    return Transcript(
        language=language or "und", duration_s=len(audio) / SAMPLE_RATE, speech_s=round(speech_s, 3),
        words=tidy(raw), model_name=model.name, wall_s=time.monotonic() - started,
    )  # fmt: skip


def tidy(words: Sequence[Word]) -> tuple[Word, ...]:
    """Words in order, none without a letter or digit (hiss can come back as "." words), none
    overlapping the next, none longer than twice the median word (at least 0.5 s): Whisper stretches
    the last word before a pause into the pause, which would put a caption over silence."""
    kept = [w for w in words if any(c.isalnum() for c in w.text)]
    if not kept:
        return ()
    cap = max(0.5, 2 * median(w.end - w.start for w in kept))
    out: list[Word] = []
    for n, word in enumerate(kept):
        start = max(word.start, out[-1].end if out else 0.0)
        end = min(word.end, start + cap)
        if n + 1 < len(kept):
            end = min(end, max(start, kept[n + 1].start))
        out.append(Word(round(start, 3), round(max(start, end), 3), word.text, word.probability))
    return tuple(out)
