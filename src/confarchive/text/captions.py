"""A machine transcript as captions: cues of a few seconds cut at word boundaries, and the WebVTT file.

Cues are timed by their first and last word, never by Whisper's segments (whose starts can be seconds
early), so "said at 12:04" in a search hit is when the first word of the cue was said. A cue ends at
a sentence's end, before a pause (so no caption hangs over silence) or before it grows too long to
read. The file starts with a ``NOTE`` saying it is machine-made, by which model, in which language:
a reader of the file alone must not take it for the speaker's own subtitles.
"""

from __future__ import annotations

import html
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .transcribe import Word
from .whisper import TranscribeError

SENTENCE_END = (".", "?", "!", "…")
MAX_CUE_S = 5.0
MAX_CUE_CHARS = 80  # two short lines on a phone
MAX_GAP_S = 1.0  # a longer pause between two words ends the cue


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def cues(
    words: Sequence[Word], max_seconds: float = MAX_CUE_S, max_chars: int = MAX_CUE_CHARS, max_gap_s: float = MAX_GAP_S
) -> tuple[Cue, ...]:
    """The words as cues: each ends at a sentence's end, before a pause longer than ``max_gap_s``, or
    before it would pass ``max_seconds`` or ``max_chars`` (a single longer word gets a cue of its own)."""
    out: list[Cue] = []
    current: list[Word] = []

    def flush() -> None:
        if current:
            out.append(Cue(current[0].start, current[-1].end, " ".join(w.text for w in current)))
            current.clear()

    for word in words:
        if current:
            last = current[-1]
            length = sum(len(w.text) + 1 for w in current) + len(word.text)
            if (
                last.text.endswith(SENTENCE_END)
                or word.start - last.end > max_gap_s
                or word.end - current[0].start > max_seconds
                or length > max_chars
            ):
                flush()
        current.append(word)
    flush()
    return tuple(out)


def note(model_name: str, language: str) -> str:
    """The NOTE line that marks a transcript as machine-made (WebVTT forbids ``-->`` in it)."""
    text = f"NOTE machine transcript (speech to text, not checked by a person): model {model_name}, language {language}"
    return " ".join(text.replace("-->", "->").split())


def _stamp(seconds: float) -> str:
    ms = max(0, round(seconds * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def vtt_text(cue_list: Sequence[Cue], language: str, model_name: str) -> str:
    """The WebVTT document: the NOTE, then the cues, their text escaped (``&``, ``<``, ``>``)."""
    blocks = ["WEBVTT", note(model_name, language)]
    for n, cue in enumerate(cue_list, 1):
        end = max(cue.end, cue.start + 0.001)
        text = html.escape(" ".join(cue.text.split()), quote=False)  # one line: a blank line would end the cue
        blocks.append(f"{n}\n{_stamp(cue.start)} --> {_stamp(end)}\n{text}")
    return "\n\n".join(blocks) + "\n"


def write_vtt(cue_list: Sequence[Cue], final: Path, language: str, model_name: str, tmp_dir: Path) -> Path:
    """Write the WebVTT file: under a temporary name in ``tmp_dir`` (on the archive's file system),
    checked with webvtt-py as search reads it, synced, then renamed over ``final``, so ``final`` is
    absent, the old file or the whole new one. A transcript without cues has no file."""
    import webvtt

    if not cue_list:
        raise ValueError("no cues: a talk without speech gets no subtitle file")
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=tmp_dir, prefix=final.name + ".", suffix=".vtt")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(vtt_text(cue_list, language, model_name))
            fh.flush()
            os.fsync(fh.fileno())
        try:
            parsed = len(webvtt.read(str(tmp)).captions)
        except (webvtt.errors.MalformedFileError, webvtt.errors.MalformedCaptionError) as exc:
            raise TranscribeError(f"{final.name} as written is not valid WebVTT: {exc}") from exc
        if parsed != len(cue_list):
            raise TranscribeError(f"{final.name}: webvtt-py reads {parsed} cues of {len(cue_list)}")
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    return final
