"""Folder claims in the manifest: unique whatever the titles, stable across runs and claim orders."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from confarchive.archive.manifest import Manifest, TranscriptRow
from confarchive.archive.naming import safe_name
from confarchive.core.entry import TalkEntry
from confarchive.core.errors import ErrorKind
from confarchive.core.model import SubtitleFile, TalkKey
from confarchive.core.outcome import Failure


@settings(max_examples=60, deadline=None, database=None)
@given(
    st.lists(
        st.sampled_from(["Same", "same", "SAME ", "A/B", "A-B", "CON", "..", "x" * 200, "Ünï", "Uni"]), max_size=12
    )
)
def test_claimed_folders_are_unique_and_stable(tmp_path_factory, titles: list[str]) -> None:
    path = tmp_path_factory.mktemp("manifest") / "manifest.sqlite"
    with Manifest(path) as store:
        claimed = [store.claim(key(i), f"https://x/{i}", safe_name(t)) for i, t in enumerate(titles)]
        assert len({c.casefold() for c in claimed}) == len(claimed)  # unique, even on case-insensitive disks
        assert all((c and c == safe_name(c)) or c.endswith("]") for c in claimed)
        again = [store.claim(key(i), f"https://x/{i}", safe_name(t)) for i, t in enumerate(titles)]
        assert again == claimed  # a claim is kept for good
    with Manifest(path) as reopened:  # and across runs
        assert [reopened.get(key(i)).folder for i in range(len(titles))] == claimed


def key(i: int) -> TalkKey:
    return TalkKey("slideslive", str(i))


def test_a_failure_before_resolution_makes_way_for_the_real_key(tmp_path: Path) -> None:
    with Manifest(tmp_path / "m.sqlite") as store:
        store.fail(TalkKey.for_url("https://x/1"), "https://x/1", Failure(ErrorKind.TRANSIENT, "HTTP 503", 503), None)
        assert store.keys_for_source("https://x/1") == [TalkKey.for_url("https://x/1")]
        store.claim(key(1), "https://x/1", "Title")
        assert store.get(TalkKey.for_url("https://x/1")) is None
        assert store.keys_for_source("https://x/1") == [key(1)]


def test_every_url_that_led_to_a_talk_is_kept_and_a_done_talk_is_never_failed(tmp_path: Path) -> None:
    with Manifest(tmp_path / "m.sqlite") as store:
        store.claim(key(1), "https://conf/poster_1.html", "Title")
        store.add_source(key(1), "https://slideslive.com/1")
        store.add_source(key(1), "https://slideslive.com/1")
        store.add_source(key(2), "https://conf/poster_1.html")  # a page with two talks
        assert store.sources()[key(1)] == ("https://conf/poster_1.html", "https://slideslive.com/1")
        assert store.keys_for_source("https://conf/poster_1.html") == [key(1), key(2)]
        store.finish(key(1), "https://conf/poster_1.html", TalkEntry(key(1), "Title", "https://conf/poster_1.html"), 9)
        store.fail(key(1), "https://slideslive.com/1", Failure(ErrorKind.TRANSIENT, "HTTP 503", 503), None)
        assert store.get(key(1)).status == "done"  # a finished talk is never recorded as failed
        store.fail(key(2), "https://conf/poster_1.html", Failure(ErrorKind.PERMANENT, "HTTP 404", 404), None)
        row = store.get(key(2))
        assert (row.status, row.error_kind, row.http_status, row.last_error) == ("failed", "permanent", 404, "HTTP 404")


def test_a_transcript_is_recorded_with_the_entry_and_the_new_video_size(tmp_path: Path) -> None:
    path = tmp_path / "m.sqlite"
    talk = TalkEntry(key(1), "A talk", "https://x/1", status="done", video="A talk/A talk.mp4")
    with Manifest(path) as store:
        store.claim(key(1), "https://x/1", "A talk")
        store.finish(key(1), "https://x/1", talk, 1000)
        assert store.transcript(key(1)) is None  # not transcribed yet
        machine = SubtitleFile("en", "A talk/A talk.en.machine.vtt", "machine")
        row = TranscriptRow(key(1), "done", "tiny.en", "en", machine.path, 321, 4, 12.5)
        store.record_transcript(row, replace(talk, subtitles=(machine,)), 1400)
        store.record_transcript(TranscriptRow(key(2), "done", "tiny.en", "en", note="no speech detected"))
    with Manifest(path) as reopened:
        assert reopened.transcript(key(1)) == row and reopened.get(key(1)).video_size == 1400
        assert reopened.get(key(1)).entry.subtitles == (machine,)
        assert [t.note for t in reopened.transcripts()] == [None, "no speech detected"]
        reopened.update_entry(key(1), talk)  # an entry alone keeps the recorded size
        assert reopened.get(key(1)).video_size == 1400


def test_subtitles_say_their_kind_and_older_entries_read_as_the_source_s() -> None:
    machine = SubtitleFile("en", "t/t.en.machine.vtt", "machine")
    subtitles = (SubtitleFile("en", "t/t.en.vtt"), machine)
    entry = TalkEntry(key(1), "t", "https://x/1", ("https://x/1",), subtitles=subtitles)
    data = entry.to_json()
    assert [s["kind"] for s in data["subtitles"]] == ["source", "machine"]
    assert TalkEntry.from_json(data) == entry
    data["subtitles"] = [{"language": "en", "path": "t/t.en.vtt"}]  # written before kinds existed
    assert TalkEntry.from_json(data).subtitles == (SubtitleFile("en", "t/t.en.vtt", "source"),)
