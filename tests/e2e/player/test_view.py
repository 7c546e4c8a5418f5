"""The player's list and talk view: search-as-you-type over titles, sort, seek, keyboard, subtitles,
hostile text. Fixtures in conftest.py, helpers in kit.py."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from confarchive.archive.player import render_player
from tests.e2e.player.kit import (
    EVIL_AUTHOR,
    EVIL_TITLE,
    ODD_FOLDER,
    REPO,
    TALKS,
    active_thumb,
    console_errors,
    entry_of,
    file_of,
    open_page,
    open_talk,
    type_into,
    video_prop,
    video_ready,
    visible_titles,
    wait,
)

pytestmark = pytest.mark.e2e


def test_list_shows_every_talk_narrows_as_you_type_and_sorts(browser: WebDriver, archive: Path, index, world) -> None:
    open_page(browser, archive / "index.html")
    titles = [t["title"] for t in index["talks"]]
    assert visible_titles(browser) == titles and len(titles) == len(TALKS)
    failed = browser.find_element(By.CSS_SELECTOR, "#rows tr:has(.status-failed)")
    assert "no video found" in failed.text
    assert browser.find_element(By.ID, "count").text == f"{len(TALKS)} talks"

    def expected(needle: str) -> list[str]:
        fields = lambda t: " ".join([t["title"], *t["authors"], t["conference"] or ""]).casefold()  # noqa: E731
        return [t["title"] for t in index["talks"] if needle.casefold() in fields(t)]

    type_into(browser, "attention")
    assert visible_titles(browser) == [world.talks["miniconf"].title]
    for needle in ("hopper", "ICLR 2020", "fei-fei"):  # an author, a conference
        type_into(browser, needle)
        assert visible_titles(browser) == expected(needle) != [], needle
    assert browser.find_element(By.ID, "count").text == f"{len(expected('fei-fei'))} of {len(TALKS)} talks"
    type_into(browser, "no such talk")
    assert visible_titles(browser) == [] and browser.find_element(By.ID, "no-match").is_displayed()
    type_into(browser, "")
    assert visible_titles(browser) == titles

    header = browser.find_element(By.CSS_SELECTOR, "button[data-sort='title']")
    header.click()
    assert visible_titles(browser) == sorted(titles, key=str.casefold) != titles
    assert header.find_element(By.XPATH, "..").get_attribute("aria-sort") == "ascending"
    header.click()
    assert visible_titles(browser) == sorted(titles, key=str.casefold, reverse=True)
    browser.find_element(By.CSS_SELECTOR, "button[data-sort='duration']").click()
    by_duration = sorted((t for t in index["talks"] if t["duration_s"]), key=lambda t: t["duration_s"])
    assert visible_titles(browser)[: len(by_duration)] == [t["title"] for t in by_duration]
    assert visible_titles(browser)[-1] == entry_of(index, world, "no-video")["title"]  # no duration: last
    assert console_errors(browser) == []


def test_talk_view_seeks_highlights_and_answers_the_keyboard(browser: WebDriver, archive: Path, index, world) -> None:
    entry = entry_of(index, world, "iclr")
    starts = [s["start_s"] for s in entry["slides"]]
    assert len(starts) >= 3
    open_page(browser, archive / "index.html")
    open_talk(browser, entry["title"])
    assert urlsplit(browser.current_url).fragment == "talk=" + quote(entry["key"], safe="")
    assert browser.find_element(By.CSS_SELECTOR, "#talk-view h2").text == entry["title"]
    thumbs = browser.find_elements(By.CSS_SELECTOR, ".thumb")
    assert len(thumbs) == len(starts)
    wait(browser, lambda d: d.execute_script(
        "return [...document.querySelectorAll('.thumb img')].every(i => i.complete && i.naturalWidth > 0)"
    ), "every thumbnail to load")  # fmt: skip

    thumbs[2].click()
    assert abs(video_prop(browser, "currentTime") - starts[2]) < 0.1
    assert active_thumb(browser) == 2
    browser.execute_script("document.querySelector('video').currentTime = arguments[0]", (starts[1] + starts[2]) / 2)
    wait(browser, lambda d: active_thumb(d) == 1, "the highlight to follow a seek into slide 2")

    # playing across a slide change moves the highlight by itself (timeupdate)
    browser.execute_script("document.querySelector('video').currentTime = arguments[0]", starts[1] - 0.3)
    wait(browser, lambda d: active_thumb(d) == 0, "the highlight to go back to slide 1")
    browser.execute_script("const v = document.querySelector('video'); v.muted = true; v.play()")
    wait(browser, lambda d: active_thumb(d) == 1, "the highlight to follow playback into slide 2")
    browser.execute_script("document.querySelector('video').pause()")
    assert video_prop(browser, "currentTime") >= starts[1]

    browser.execute_script("document.activeElement.blur()")
    keys = ActionChains(browser)
    keys.send_keys(Keys.ARROW_RIGHT).perform()
    assert abs(video_prop(browser, "currentTime") - starts[2]) < 0.1 and active_thumb(browser) == 2
    keys.send_keys(Keys.ARROW_LEFT).perform()
    assert abs(video_prop(browser, "currentTime") - starts[1]) < 0.1 and active_thumb(browser) == 1
    keys.send_keys(" ").perform()
    wait(browser, lambda d: not video_prop(d, "paused"), "Space to start playback")
    keys.send_keys(" ").perform()
    assert video_prop(browser, "paused")

    Select(browser.find_element(By.ID, "speed")).select_by_value("1.5")
    assert video_prop(browser, "playbackRate") == 1.5
    links = {a.text: a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, ".files a")}
    assert set(links) == {"Video (MP4)", "Slides (PDF)", "Paper (PDF)", "Source page"}
    assert file_of(links["Video (MP4)"]) == archive / entry["video"]
    assert file_of(links["Slides (PDF)"]) == archive / entry["slides_pdf"]
    assert file_of(links["Paper (PDF)"]).is_file() and links["Source page"] == entry["source_url"]
    assert console_errors(browser) == []

    browser.execute_script("document.activeElement.blur()")  # the speed menu keeps typed keys for itself
    keys.send_keys("/").perform()  # back to the list, in the search field
    assert browser.switch_to.active_element.get_attribute("id") == "search"
    assert browser.find_element(By.ID, "list-view").is_displayed()


def test_subtitles_become_tracks_and_paths_are_encoded(browser: WebDriver, archive: Path, index, world) -> None:
    entry = entry_of(index, world, "video-slides")
    open_page(browser, archive / "index.html")
    open_talk(browser, entry["title"])
    track = browser.find_element(By.CSS_SELECTOR, "video track")
    assert track.get_attribute("srclang") == "en" and track.get_attribute("kind") == "subtitles"
    assert file_of(track.get_attribute("src")) == archive / entry["subtitles"][0]["path"]
    assert len(browser.find_elements(By.CSS_SELECTOR, ".thumb")) == len(entry["slides"])
    miniconf = entry_of(index, world, "miniconf")  # 'Why "Attention" Works: Half of the Time?'
    browser.get(browser.current_url.split("#")[0] + "#talk=" + quote(miniconf["key"], safe=""))
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#talk-view h2").text == miniconf["title"], "routing")
    wait(browser, lambda d: video_ready(d, 1), "the video's metadata")
    assert file_of(video_prop(browser, "src")) == archive / miniconf["video"]

    # from file:// Chromium refuses track files ("unique security origins"); inlined text is accepted
    path = entry["subtitles"][0]["path"]
    inline = archive / "player-inline.html"
    inline.write_text(render_player(index, subtitles={path: (archive / path).read_text()}), encoding="utf-8")
    open_page(browser, inline, "#talk=" + quote(entry["key"], safe=""))
    wait(browser, lambda d: video_ready(d, 1), "the video's metadata")
    assert browser.find_element(By.CSS_SELECTOR, "video track").get_attribute("src").startswith("data:text/vtt")
    browser.execute_script("document.querySelector('video').textTracks[0].mode = 'showing'")
    cues = "return document.querySelector('video').textTracks[0].cues?.length ?? 0"
    wait(browser, lambda d: d.execute_script(cues) > 0, "the inlined subtitles to load")
    assert console_errors(browser) == []


def test_text_from_the_web_stays_text(browser: WebDriver, tmp_path: Path) -> None:
    folder = f"{ODD_FOLDER}/{ODD_FOLDER}"
    evil = {
        "key": 'evil:"><svg onload=window.pwned=3>', "title": EVIL_TITLE, "authors": [EVIL_AUTHOR, "Zoë\u2028Ng"],
        "conference": "<!-- {{ script }}", "source_url": "javascript:window.pwned=4", "status": "done",
        "error": None, "video": f"{folder}.mp4", "duration_s": 12.5, "paper_pdf": "../outside.pdf",
        "slides": [{"index": 1, "start_s": 0.0, "image": f"{ODD_FOLDER}/slides/0001.png", "type": "image"}],
        "abstract": "<script>window.pwned=5</script>",
        "subtitles": [{"language": "en", "path": f"{folder}.en.vtt"}, {"language": "de", "path": f"{folder}.de.vtt"}],
    }  # fmt: skip
    failed = {
        "key": "url:https://x.invalid/&", "title": "Failed & <b>bold</b>", "authors": [], "conference": None,
        "source_url": "https://x.invalid/?a=1&b=<2>", "status": "failed", "error": "HTTP 500 <i>x</i>\u2029",
        "video": None, "duration_s": None, "slides": [], "paper_pdf": None, "abstract": None, "subtitles": [],
    }  # fmt: skip
    index = {"version": 1, "talks": [evil, failed]}
    vtt = {f"{folder}.en.vtt": "WEBVTT\n\n00:00.000 --> 00:01.000\n</script><script>window.pwned=6</script>"}
    page = render_player(index, subtitles=vtt)
    assert page == render_player(json.loads(json.dumps(index)), subtitles=dict(vtt))  # deterministic
    assert page.count("<script") == 4 and page.count("</script>") == 4 and "<!--" not in page  # ours only
    assert "\u2028" not in page and "\u2029" not in page
    (tmp_path / "index.html").write_text(page, encoding="utf-8")

    open_page(browser, tmp_path / "index.html")
    assert browser.execute_script("return JSON.parse(document.getElementById('talks').textContent)") == index["talks"]
    cells = browser.find_elements(By.CSS_SELECTOR, "#rows tr:first-child td")
    assert cells[0].text == EVIL_TITLE and cells[1].text.startswith(EVIL_AUTHOR)
    assert cells[2].text == "<!-- {{ script }}"
    assert "HTTP 500 <i>x</i>" in browser.find_element(By.CSS_SELECTOR, "#rows .error").text
    assert not browser.find_elements(By.CSS_SELECTOR, "#rows img, #rows b, #rows i, svg")

    browser.find_element(By.LINK_TEXT, EVIL_TITLE).click()
    wait(browser, lambda d: d.find_element(By.ID, "talk-view").is_displayed(), "the talk view")
    assert browser.find_element(By.CSS_SELECTOR, "#talk-view h2").text == EVIL_TITLE
    assert browser.find_element(By.CSS_SELECTOR, ".abstract").text == evil["abstract"]
    expected = "/".join(quote(part, safe="!'()*") for part in f"{folder}.mp4".split("/"))  # encodeURIComponent
    assert browser.execute_script("return document.querySelector('video').getAttribute('src')") == expected
    assert unquote(video_prop(browser, "src")).endswith(f"{folder}.mp4")
    inlined, linked = (t.get_attribute("src") for t in browser.find_elements(By.CSS_SELECTOR, "video track"))
    assert unquote(inlined) == "data:text/vtt;charset=utf-8," + vtt[f"{folder}.en.vtt"]
    assert unquote(linked).endswith(f"{folder}.de.vtt") and "#" not in linked and "?" not in linked
    links = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".files a")]
    assert links == ["Video (MP4)"]  # neither a path out of the archive nor a javascript: URL is linked
    time.sleep(0.3)  # room for any injected handler (onerror of a missing image) to have run
    assert browser.execute_script("return typeof window.pwned") == "undefined"


def test_screenshot_of_the_talk_view(browser: WebDriver, archive: Path, index, world) -> None:
    entry = entry_of(index, world, "iclr")
    open_page(browser, archive / "index.html")
    open_talk(browser, entry["title"])
    browser.execute_script(
        "const v = document.querySelector('video'); v.currentTime = arguments[0];"
        "v.addEventListener('seeked', () => { v.dataset.seeked = '1'; }, {once: true});",
        entry["slides"][1]["start_s"] + 0.5,
    )
    wait(browser, lambda d: video_prop(d, "dataset.seeked") == "1" and active_thumb(d) == 1, "the seek")
    wait(browser, lambda d: d.execute_script(
        "return [...document.querySelectorAll('.thumb img')].every(i => i.complete && i.naturalWidth > 0)"
    ), "every thumbnail to load")  # fmt: skip
    wait(browser, lambda d: video_ready(d, 2), "the frame at the new position")
    time.sleep(1)  # let the compositor paint it and the controls drop their loading spinner
    out = REPO / "test-output" / "player-talk-view.png"
    out.parent.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(out))
    assert out.stat().st_size > 10_000


# ---- full-text search: slides and subtitles ---------------------------------------------------------
