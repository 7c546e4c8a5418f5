"""Speech to text for a finished talk (``archive --transcribe``, ``confarchive transcribe``).

A talk is transcribed after it is done, in its own pool (``[transcribe] jobs`` threads here, or a Dask
worker), so the model's CPU never delays a download or a merge and a failed transcription never
fails a talk. The job reads the MP4's audio, writes ``<Title>.<lang>.machine.vtt`` beside it (whole,
or not at all), adds it to the MP4 as a subtitle track by a stream-copy remux, and returns the entry
with the new subtitles; the coordinator records it in the manifest's ``transcripts`` table, in the
same transaction as the entry and the MP4's new size. So a re-run transcribes nothing twice, and a
talk cut short anywhere before that record is transcribed again, whole.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..archive.index import dumps
from ..archive.manifest import Manifest, TranscriptRow
from ..core.entry import TalkEntry
from ..core.errors import ErrorKind
from ..core.layout import Layout, write_if_changed
from ..core.model import SubtitleFile, TalkKey
from ..core.outcome import Status, failure_of
from ..core.settings import Settings, TranscribeSettings
from ..media.subtitles import add_machine_subtitles
from ..text.captions import cues, write_vtt
from ..text.search import SearchIndex
from ..text.transcribe import transcribe
from ..text.whisper import ModelSpec, ModelUnavailable, Transcriber, locate

if TYPE_CHECKING:
    from .stages import WorkContext

MACHINE = "machine"
NO_SPEECH = "no speech detected"


def model_spec(settings: TranscribeSettings) -> ModelSpec:
    return ModelSpec(settings.model, settings.threads, settings.compute_type, settings.jobs)


@dataclass(frozen=True)
class TranscribeJob:
    """A done talk to transcribe. ``reuse``: its transcript is finished and on disk, and only has to
    join an MP4 that was made again (the model does not run)."""

    entry: TalkEntry
    reuse: TranscriptRow | None = None


@dataclass(frozen=True)
class Transcribed:
    """What a transcription job returns to the coordinator, which alone writes the manifest."""

    key: TalkKey
    row: TranscriptRow | None  # None: not finished (interrupted, or no model): nothing to record
    entry: TalkEntry | None = None  # the entry with its machine subtitles, when the MP4 got them
    video_size: int | None = None
    unavailable: str | None = None  # the model cannot be had: no more transcriptions this run


def wanted(entry: TalkEntry, row: TranscriptRow | None, talks: str, layout: Layout) -> TranscribeJob | None:
    """The job a done talk needs, if any. ``talks``: ``missing`` (only talks without subtitles of their
    own) or ``all``. A finished transcript is never made twice: its file only joins a new MP4."""
    if entry.status != Status.DONE.value or entry.video is None:
        return None
    if talks == "missing" and any(s.kind != MACHINE for s in entry.subtitles):
        return None
    if row is None and any(s.kind == MACHINE and (layout.root / s.path).is_file() for s in entry.subtitles):
        return None  # transcribed before the manifest was lost and rebuilt from talk.json
    if row is None or row.state != "done":
        return TranscribeJob(entry)
    if row.vtt is None:
        return None  # nothing was said
    try:
        whole = (layout.root / row.vtt).stat().st_size == row.vtt_size
    except OSError:
        whole = False
    if not whole:
        return TranscribeJob(entry)  # the file is gone or changed: transcribed again
    if any(s.kind == MACHINE and s.path == row.vtt for s in entry.subtitles):
        return None
    return TranscribeJob(entry, reuse=row)


def _machine_vtt(video: Path, language: str) -> Path:
    return video.with_name(f"{video.stem}.{language}.{MACHINE}.vtt")


def transcribe_talk(
    job: TranscribeJob, layout: Layout, settings: Settings, transcriber: Transcriber, log: logging.Logger,
    cancel: threading.Event,
) -> Transcribed:  # fmt: skip
    """Transcribe a done talk: its WebVTT file, its MP4's subtitle track, its ``talk.json``. Never
    raises: a failure is this talk's transcription error, the talk itself stays done."""
    entry = job.entry
    assert entry.video is not None
    video = layout.root / entry.video
    tools = settings.tools
    try:
        if job.reuse is not None and job.reuse.vtt is not None:
            row, language, vtt = job.reuse, job.reuse.language or "und", layout.root / job.reuse.vtt
        else:
            model = transcriber.model()
            heard = transcribe(model, video, ffmpeg=tools.ffmpeg, cancel=cancel)
            cue_list = cues(heard.words)
            log.debug("transcribe: heard %s: %d words, %d cues in %.1f s", entry.title, len(heard.words),
                      len(cue_list), heard.wall_s)  # fmt: skip
            language = heard.language
            if not cue_list:
                row = TranscriptRow(entry.key, "done", model.name, language, speech_s=heard.speech_s, note=NO_SPEECH)
                return Transcribed(entry.key, row)
            vtt = write_vtt(cue_list, _machine_vtt(video, language), language, model.name, layout.tmp)
            row = TranscriptRow(
                entry.key, "done", model.name, language, layout.relative(vtt), vtt.stat().st_size, len(cue_list),
                heard.speech_s,
            )  # fmt: skip
        add_machine_subtitles(video, vtt, language, layout.tmp, tools.ffmpeg, tools.ffprobe)
        own = tuple(s for s in entry.subtitles if s.kind != MACHINE)
        updated = replace(entry, subtitles=(*own, SubtitleFile(language, layout.relative(vtt), MACHINE)))
        write_if_changed(layout, video.parent / "talk.json", dumps(updated.to_json()))
        return Transcribed(entry.key, row, updated, video.stat().st_size)
    except ModelUnavailable as exc:
        return Transcribed(entry.key, None, unavailable=exc.one_line())
    except Exception as exc:
        failure = failure_of(exc, cancelled=cancel.is_set())
        if failure.kind in (ErrorKind.CANCELLED, ErrorKind.HALTED):
            return Transcribed(entry.key, None)  # done again, whole, next time
        if failure.kind == ErrorKind.INTERNAL:
            log.exception("internal error while transcribing %s", entry.source_url)
        return Transcribed(entry.key, TranscriptRow(entry.key, "failed", error=failure.message))


def transcribe_in(job: TranscribeJob, ctx: WorkContext) -> Transcribed:
    """The job with a worker's context (a thread of this process, or a Dask worker)."""
    if ctx.transcriber is None:
        return Transcribed(job.entry.key, None, unavailable="this worker was started without speech to text")
    return transcribe_talk(job, ctx.layout, ctx.settings, ctx.transcriber, ctx.log, ctx.cancel)


@dataclass
class Tally:
    """What the transcriptions of a run came to, reported apart from the talks themselves."""

    transcribed: int = 0
    silent: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (talk URL, why)
    unavailable: str | None = None  # why no talk could be transcribed (the model)

    @property
    def ok(self) -> bool:
        return not self.failed and self.unavailable is None


class Transcriptions:
    """The coordinator's side: the model checked once before the run, which done talks to send to the
    transcription pool, and what comes back recorded (only the coordinator writes the manifest)."""

    def __init__(
        self, settings: TranscribeSettings, submit: Callable[[TranscribeJob], Future[Transcribed]], log: logging.Logger
    ) -> None:
        self.settings = settings
        self._submit = submit  # Stages.transcribe
        self.log = log
        self.running: dict[Future[Transcribed], TalkEntry] = {}
        self.tally = Tally()
        self.changed = False  # some entry got a transcript: the index and search data are written again

    def check_model(self) -> bool:
        """Locate the model before any talk needs it (downloaded by name if it can be, never a hang);
        without one, say so once: the run archives as usual and the talks wait for a transcript."""
        try:
            locate(model_spec(self.settings))
        except ModelUnavailable as exc:
            self._off(exc.one_line())
        return self.tally.unavailable is None

    def _off(self, why: str) -> None:
        if self.tally.unavailable is None:
            self.tally.unavailable = why
            self.log.error("no transcripts this run (the talks are archived; they wait for one): %s", why)

    def job(self, entry: TalkEntry, store: Manifest, layout: Layout) -> TranscribeJob | None:
        """What a done talk needs, if anything (nothing once the model is known to be missing)."""
        if self.tally.unavailable is not None:
            return None
        return wanted(entry, store.transcript(entry.key), self.settings.talks, layout)

    def offer(self, entry: TalkEntry, store: Manifest, layout: Layout) -> bool:
        """Send a done talk to the pool if it needs a transcript; whether it was sent."""
        job = self.job(entry, store, layout)
        if job is not None:
            self.running[self._submit(job)] = entry
        return job is not None

    def completed(self, future: Future[Transcribed], store: Manifest, search: SearchIndex) -> None:
        entry = self.running.pop(future)
        outcome = future.result()
        if outcome.unavailable is not None:
            self._off(outcome.unavailable)
            return
        row = outcome.row
        if row is None:
            return  # interrupted: transcribed again next time
        store.record_transcript(row, outcome.entry, outcome.video_size)
        if row.state != "done":
            self.tally.failed.append((entry.source_url, row.error or "unknown error"))
            self.log.warning("%s: no transcript: %s", entry.title, row.error)
            return
        if outcome.entry is not None:
            self.changed = True
            search.update(outcome.entry.with_sources(store.sources_of(entry.key)))
        self.tally.transcribed += 1
        self.tally.silent += row.vtt is None
        self.log.info("transcribed: %s (%s)", entry.title, row.note or f"{row.cues} cues, language {row.language}")
