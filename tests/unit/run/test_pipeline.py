"""The coordinator and the executors with fake stages: admission, one talk per key, --limit, skipping
finished talks without a request, halting, and failures typed where they happen."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import Counter
from concurrent.futures import Future
from pathlib import Path

import pytest

from confarchive.archive.manifest import Manifest
from confarchive.core.entry import TalkEntry
from confarchive.core.errors import ErrorKind, FetchError
from confarchive.core.layout import Layout
from confarchive.core.model import Embed, Expansion, Media, MediaKind, PageMeta, Talk, TalkKey, TalkRef
from confarchive.core.outcome import DISK_FULL, Failure, TalkResult
from confarchive.run.executors import QueuedEvents, expand_ref, resolve_ref
from confarchive.run.pipeline import Pipeline
from confarchive.run.progress import Reporter
from confarchive.run.selection import Selection

LOG = logging.getLogger("test-pipeline")


def key(n: int) -> TalkKey:
    return TalkKey("slideslive", str(n))


def talk_ref(url: str, n: int, part: int = 1) -> TalkRef:
    return TalkRef(url, key(n), None, Embed(key(n), f"https://slideslive.com/{n}", "slideslive"), PageMeta(url), part)


def done(value: object) -> Future[object]:
    future: Future[object] = Future()
    future.set_result(value)
    return future


class FakeStages:
    """Stages that answer at once from tables, counting every call; fetch goes straight to a result."""

    def __init__(self, layout: Layout, pages: dict[str, Expansion], results: dict[TalkKey, Failure | None]) -> None:
        self.layout = layout
        self.pages = pages
        self.results = results
        self.calls: Counter[str] = Counter()
        self.cancelled = False

    fetch_slots = 2
    merge_slots = 1

    def expand(self, ref: TalkRef) -> Future[object]:
        self.calls[f"expand {ref.url}"] += 1
        return done(self.pages.get(ref.url) or Expansion((talk_ref(ref.url, int(ref.url.rsplit("/", 1)[1])),)))

    def resolve(self, ref: TalkRef) -> Future[object]:
        self.calls[f"resolve {ref.key}"] += 1
        assert ref.key is not None
        title = f"Talk {ref.key.id}"
        return done(Talk(ref.key, ref.url, title, Media(MediaKind.FILE, f"https://m/{ref.key.id}.m4a")))

    def fetch(self, talk: Talk, folder: str) -> Future[object]:
        self.calls[f"fetch {talk.key}"] += 1
        failure = self.results.get(talk.key)
        if failure is not None:
            return done(TalkResult(talk.key, talk.source_url, None, failure))
        video = self.layout.talk_dir(folder) / "v.mp4"
        video.parent.mkdir(parents=True, exist_ok=True)
        video.write_bytes(b"mp4")
        entry = TalkEntry(talk.key, talk.title, talk.source_url, status="done", video=f"{folder}/v.mp4")
        return done(TalkResult(talk.key, talk.source_url, entry))

    def merge(self, job: object) -> Future[object]:
        raise AssertionError("fetch answers with results directly")

    def cancel(self) -> None:
        self.cancelled = True

    def close(self) -> None:
        self.calls["close"] += 1


def run(tmp_path: Path, refs: list[str], pages: dict[str, Expansion] | None = None,
        results: dict[TalkKey, Failure | None] | None = None, selection: Selection | None = None,
        strict: bool = False) -> tuple[FakeStages, object]:  # fmt: skip
    layout = Layout(tmp_path / "archive")
    stages = FakeStages(layout, pages or {}, results or {})
    reporter = Reporter(total=len(refs), log=LOG, live=False)
    pipeline = Pipeline(layout, stages, QueuedEvents(), reporter, LOG, selection, jobs=2, strict=strict)
    summary = pipeline.run([TalkRef(url) for url in refs])
    return stages, summary


def test_one_key_is_taken_once_and_every_url_is_recorded(tmp_path: Path) -> None:
    page, again = "https://conf/poster_1.html", "https://conf/poster_1.html?utm=1"
    pages = {page: Expansion((talk_ref(page, 1),)), again: Expansion((talk_ref(again, 1),))}
    stages, summary = run(tmp_path, [page, "https://slideslive.com/1", again], pages)
    assert (stages.calls["resolve slideslive:1"], stages.calls["fetch slideslive:1"]) == (1, 1)
    assert summary.done == 1 and stages.calls["close"] == 1
    with Manifest(Layout(tmp_path / "archive").manifest) as store:
        assert set(store.sources()[key(1)]) == {page, "https://slideslive.com/1", again}
        assert store.get(key(1)).source_url == page  # the first line that led to it


def test_a_page_with_two_talks_and_a_listing_feeding_the_queue(tmp_path: Path) -> None:
    page, listing = "https://conf/speaker_1.html", "https://conf/meeting.html"
    pages = {
        page: Expansion((talk_ref(page, 1), talk_ref(page, 2, part=2))),
        listing: Expansion(listed=(TalkRef("https://slideslive.com/3"), TalkRef("https://slideslive.com/2"))),
    }
    stages, summary = run(tmp_path, [page, listing], pages)
    assert summary.done == 3
    assert [stages.calls[f"fetch slideslive:{n}"] for n in (1, 2, 3)] == [1, 1, 1]


def test_limit_stops_the_requests_too(tmp_path: Path) -> None:
    stages, summary = run(tmp_path, [f"https://slideslive.com/{n}" for n in range(1, 8)], selection=Selection(limit=2))
    assert summary.done == 2
    assert sum(1 for c in stages.calls if c.startswith("fetch")) == 2
    assert sum(1 for c in stages.calls if c.startswith("expand")) <= 4  # a window, not the whole list


def test_finished_talks_are_skipped_before_any_request(tmp_path: Path) -> None:
    urls = [f"https://slideslive.com/{n}" for n in (1, 2)]
    run(tmp_path, urls)
    stages, summary = run(tmp_path, urls)
    assert (summary.skipped, summary.done) == (2, 0)
    assert [c for c in stages.calls if c != "close"] == []


def test_a_failure_is_recorded_with_its_kind_and_strict_stops_the_rest(tmp_path: Path) -> None:
    gone = Failure(ErrorKind.PERMANENT, "HTTP 404 for https://m/1.m4a", 404)
    stages, summary = run(tmp_path, [f"https://slideslive.com/{n}" for n in (1, 2, 3, 4)], results={key(1): gone},
                          strict=True)  # fmt: skip
    assert summary.failed[0] == ("https://slideslive.com/1", gone.message, ErrorKind.PERMANENT)
    assert summary.halted is not None and stages.cancelled
    assert stages.calls["fetch slideslive:4"] == 0
    with Manifest(Layout(tmp_path / "archive").manifest) as store:
        row = store.get(key(1))
        assert (row.status, row.error_kind, row.http_status) == ("failed", "permanent", 404)


def test_a_full_disk_halts_and_records_nothing_as_failed(tmp_path: Path) -> None:
    full = Failure(ErrorKind.HALTED, DISK_FULL)
    stages, summary = run(tmp_path, [f"https://slideslive.com/{n}" for n in (1, 2, 3, 4)], results={key(1): full})
    assert summary.halted == DISK_FULL and summary.failed == []
    assert stages.calls["fetch slideslive:4"] == 0
    with Manifest(Layout(tmp_path / "archive").manifest) as store:
        assert store.get(key(1)).status == "pending"


def test_a_full_disk_as_the_last_stages_are_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker's last stage event is drained after the workers stop; the manifest refusing to record it
    (disk full) must end the run as a full disk, not with a traceback."""
    events = QueuedEvents()

    class LateEvent(FakeStages):
        def close(self) -> None:
            super().close()
            events.stage(key(9), "media")  # a worker's event, queued as the pool shut down

    def full(*_: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    layout = Layout(tmp_path / "archive")
    stages = LateEvent(layout, {}, {})
    monkeypatch.setattr(Manifest, "set_stage", full)
    pipeline = Pipeline(layout, stages, events, Reporter(total=1, log=LOG, live=False), LOG, jobs=2)
    summary = pipeline.run([TalkRef("https://slideslive.com/1")])
    assert summary.halted == DISK_FULL and summary.failed == []


class FailingResolver:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc
        self.web = type("W", (), {"log": LOG})()

    def expand(self, ref: TalkRef) -> Expansion:
        raise self.exc

    def resolve(self, ref: TalkRef) -> Talk:
        raise self.exc


@pytest.mark.parametrize(
    ("exc", "cancelled", "kind", "status"),
    [
        (FetchError("HTTP 404 for x", url="x", status=404), False, ErrorKind.PERMANENT, 404),
        (FetchError("HTTP 503 for x", url="x", status=503), False, ErrorKind.TRANSIENT, 503),
        (FetchError("HTTP 200 for x", url="x", status=200), False, ErrorKind.PERMANENT, 200),
        (FetchError("reset", url="x"), False, ErrorKind.TRANSIENT, None),
        (RuntimeError("a bug"), False, ErrorKind.INTERNAL, None),
        (FetchError("reset", url="x"), True, ErrorKind.CANCELLED, None),
    ],
)
def test_stage_failures_are_typed_where_they_happen(exc: Exception, cancelled: bool, kind: ErrorKind,
                                                    status: int | None) -> None:  # fmt: skip
    cancel = threading.Event()
    if cancelled:
        cancel.set()
    ref = TalkRef("https://conf/poster_1.html")
    for stage in (expand_ref, resolve_ref):
        result = stage(FailingResolver(exc), ref, cancel)  # type: ignore[arg-type]
        assert isinstance(result, TalkResult)
        assert (result.failure.kind, result.failure.status, result.key) == (kind, status, TalkKey.for_url(ref.url))
