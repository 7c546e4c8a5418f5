"""The offline player page (``index.html``) in a real headless Chromium, opened from ``file://``.

The archive is made by the real CLI against the fixture world; the page is then written with
``render_player`` (not through index.py), so these tests check the page itself: the list (search,
sort), the talk view kept in step with the video, the keyboard, and that text from the web stays text.
One Chromium serves the whole module.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from urllib.request import url2pathname

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from confarchive.player import render_player
from tests.conftest import run_cli
from tests.world import World

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
TALKS = ("iclr", "miniconf", "ben", "video-slides", "no-video")  # enough to search and sort; one fails
CHROMIUM_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
    "--mute-audio", "--autoplay-policy=no-user-gesture-required", "--window-size=1280,900",
)  # fmt: skip
EVIL_TITLE = '<img src=x onerror="window.pwned=1">'
EVIL_AUTHOR = "</script><script>window.pwned=2</script>"
ODD_FOLDER = 'A #1? 100% "quoted" élan'  # what titles hold: spaces, #, ?, %, quotes, non-ASCII


@pytest.fixture(scope="module")
def archive(world: World, world_config: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("player") / "archive"
    urls = tmp_path_factory.mktemp("player-input") / "urls.txt"
    urls.write_text("\n".join(world.talks[name].url for name in TALKS) + "\n")
    result = run_cli("archive", "-i", urls, "-o", root, "--config", world_config, "-j", "2")
    assert result.returncode == 1, result.stderr  # the poster without a video fails on purpose
    (root / "index.html").write_text(render_player(json.loads((root / "index.json").read_text())), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def index(archive: Path) -> dict[str, Any]:
    return json.loads((archive / "index.json").read_text())


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def _entry(index: dict[str, Any], world: World, name: str) -> dict[str, Any]:
    return next(t for t in index["talks"] if t["source_url"] == world.talks[name].url)


def _wait(driver: WebDriver, condition: Callable[[WebDriver], Any], what: str, timeout: float = 10) -> Any:
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(condition, what)


def _open(driver: WebDriver, page: Path, fragment: str = "") -> None:
    driver.get("about:blank")  # a fresh document, not a fragment change of the page already open
    driver.get_log("browser")  # start each page with an empty console
    driver.get(page.as_uri() + fragment)
    _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#rows tr"), "the list to be built")


def _console_errors(driver: WebDriver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def _visible_titles(driver: WebDriver) -> list[str]:
    return [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#rows td.title a") if a.is_displayed()]


def _type(driver: WebDriver, text: str) -> None:
    field = driver.find_element(By.ID, "search")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACKSPACE)
    if text:
        field.send_keys(text)


def _video(driver: WebDriver, prop: str) -> Any:
    """A property of the talk view's video; None while the view (drawn after a click) has no video yet."""
    return driver.execute_script(f"const v = document.querySelector('video'); return v ? v.{prop} : null")


def _ready(driver: WebDriver, state: int) -> bool:
    return (_video(driver, "readyState") or 0) >= state


def _active_thumb(driver: WebDriver) -> int:
    return driver.execute_script(
        "return [...document.querySelectorAll('.thumb')].findIndex(b => b.classList.contains('active'))"
    )


def _open_talk(driver: WebDriver, title: str) -> None:
    driver.find_element(By.LINK_TEXT, title).click()
    _wait(driver, lambda d: _ready(d, 1), "the video's metadata")


def _file_of(href: str) -> Path:
    return Path(url2pathname(urlsplit(href).path))


def test_list_shows_every_talk_narrows_as_you_type_and_sorts(browser: WebDriver, archive: Path, index, world) -> None:
    _open(browser, archive / "index.html")
    titles = [t["title"] for t in index["talks"]]
    assert _visible_titles(browser) == titles and len(titles) == len(TALKS)
    failed = browser.find_element(By.CSS_SELECTOR, "#rows tr:has(.status-failed)")
    assert "no video found" in failed.text
    assert browser.find_element(By.ID, "count").text == f"{len(TALKS)} talks"

    def expected(needle: str) -> list[str]:
        fields = lambda t: " ".join([t["title"], *t["authors"], t["conference"] or ""]).casefold()  # noqa: E731
        return [t["title"] for t in index["talks"] if needle.casefold() in fields(t)]

    _type(browser, "attention")
    assert _visible_titles(browser) == [world.talks["miniconf"].title]
    for needle in ("hopper", "ICLR 2020", "fei-fei"):  # an author, a conference
        _type(browser, needle)
        assert _visible_titles(browser) == expected(needle) != [], needle
    assert browser.find_element(By.ID, "count").text == f"{len(expected('fei-fei'))} of {len(TALKS)} talks"
    _type(browser, "no such talk")
    assert _visible_titles(browser) == [] and browser.find_element(By.ID, "no-match").is_displayed()
    _type(browser, "")
    assert _visible_titles(browser) == titles

    header = browser.find_element(By.CSS_SELECTOR, "button[data-sort='title']")
    header.click()
    assert _visible_titles(browser) == sorted(titles, key=str.casefold) != titles
    assert header.find_element(By.XPATH, "..").get_attribute("aria-sort") == "ascending"
    header.click()
    assert _visible_titles(browser) == sorted(titles, key=str.casefold, reverse=True)
    browser.find_element(By.CSS_SELECTOR, "button[data-sort='duration']").click()
    by_duration = sorted((t for t in index["talks"] if t["duration_s"]), key=lambda t: t["duration_s"])
    assert _visible_titles(browser)[: len(by_duration)] == [t["title"] for t in by_duration]
    assert _visible_titles(browser)[-1] == _entry(index, world, "no-video")["title"]  # no duration: last
    assert _console_errors(browser) == []


def test_talk_view_seeks_highlights_and_answers_the_keyboard(browser: WebDriver, archive: Path, index, world) -> None:
    entry = _entry(index, world, "iclr")
    starts = [s["start_s"] for s in entry["slides"]]
    assert len(starts) >= 3
    _open(browser, archive / "index.html")
    _open_talk(browser, entry["title"])
    assert urlsplit(browser.current_url).fragment == "talk=" + quote(entry["key"], safe="")
    assert browser.find_element(By.CSS_SELECTOR, "#talk-view h2").text == entry["title"]
    thumbs = browser.find_elements(By.CSS_SELECTOR, ".thumb")
    assert len(thumbs) == len(starts)
    _wait(browser, lambda d: d.execute_script(
        "return [...document.querySelectorAll('.thumb img')].every(i => i.complete && i.naturalWidth > 0)"
    ), "every thumbnail to load")  # fmt: skip

    thumbs[2].click()
    assert abs(_video(browser, "currentTime") - starts[2]) < 0.1
    assert _active_thumb(browser) == 2
    browser.execute_script("document.querySelector('video').currentTime = arguments[0]", (starts[1] + starts[2]) / 2)
    _wait(browser, lambda d: _active_thumb(d) == 1, "the highlight to follow a seek into slide 2")

    # playing across a slide change moves the highlight by itself (timeupdate)
    browser.execute_script("document.querySelector('video').currentTime = arguments[0]", starts[1] - 0.3)
    _wait(browser, lambda d: _active_thumb(d) == 0, "the highlight to go back to slide 1")
    browser.execute_script("const v = document.querySelector('video'); v.muted = true; v.play()")
    _wait(browser, lambda d: _active_thumb(d) == 1, "the highlight to follow playback into slide 2")
    browser.execute_script("document.querySelector('video').pause()")
    assert _video(browser, "currentTime") >= starts[1]

    browser.execute_script("document.activeElement.blur()")
    keys = ActionChains(browser)
    keys.send_keys(Keys.ARROW_RIGHT).perform()
    assert abs(_video(browser, "currentTime") - starts[2]) < 0.1 and _active_thumb(browser) == 2
    keys.send_keys(Keys.ARROW_LEFT).perform()
    assert abs(_video(browser, "currentTime") - starts[1]) < 0.1 and _active_thumb(browser) == 1
    keys.send_keys(" ").perform()
    _wait(browser, lambda d: not _video(d, "paused"), "Space to start playback")
    keys.send_keys(" ").perform()
    assert _video(browser, "paused")

    Select(browser.find_element(By.ID, "speed")).select_by_value("1.5")
    assert _video(browser, "playbackRate") == 1.5
    links = {a.text: a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, ".files a")}
    assert set(links) == {"Video (MP4)", "Slides (PDF)", "Paper (PDF)", "Source page"}
    assert _file_of(links["Video (MP4)"]) == archive / entry["video"]
    assert _file_of(links["Slides (PDF)"]) == archive / entry["slides_pdf"]
    assert _file_of(links["Paper (PDF)"]).is_file() and links["Source page"] == entry["source_url"]
    assert _console_errors(browser) == []

    browser.execute_script("document.activeElement.blur()")  # the speed menu keeps typed keys for itself
    keys.send_keys("/").perform()  # back to the list, in the search field
    assert browser.switch_to.active_element.get_attribute("id") == "search"
    assert browser.find_element(By.ID, "list-view").is_displayed()


def test_subtitles_become_tracks_and_paths_are_encoded(browser: WebDriver, archive: Path, index, world) -> None:
    entry = _entry(index, world, "video-slides")
    _open(browser, archive / "index.html")
    _open_talk(browser, entry["title"])
    track = browser.find_element(By.CSS_SELECTOR, "video track")
    assert track.get_attribute("srclang") == "en" and track.get_attribute("kind") == "subtitles"
    assert _file_of(track.get_attribute("src")) == archive / entry["subtitles"][0]["path"]
    assert len(browser.find_elements(By.CSS_SELECTOR, ".thumb")) == len(entry["slides"])
    miniconf = _entry(index, world, "miniconf")  # 'Why "Attention" Works: Half of the Time?'
    browser.get(browser.current_url.split("#")[0] + "#talk=" + quote(miniconf["key"], safe=""))
    _wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#talk-view h2").text == miniconf["title"], "routing")
    _wait(browser, lambda d: _ready(d, 1), "the video's metadata")
    assert _file_of(_video(browser, "src")) == archive / miniconf["video"]

    # from file:// Chromium refuses track files ("unique security origins"); inlined text is accepted
    path = entry["subtitles"][0]["path"]
    inline = archive / "player-inline.html"
    inline.write_text(render_player(index, subtitles={path: (archive / path).read_text()}), encoding="utf-8")
    _open(browser, inline, "#talk=" + quote(entry["key"], safe=""))
    _wait(browser, lambda d: _ready(d, 1), "the video's metadata")
    assert browser.find_element(By.CSS_SELECTOR, "video track").get_attribute("src").startswith("data:text/vtt")
    browser.execute_script("document.querySelector('video').textTracks[0].mode = 'showing'")
    cues = "return document.querySelector('video').textTracks[0].cues?.length ?? 0"
    _wait(browser, lambda d: d.execute_script(cues) > 0, "the inlined subtitles to load")
    assert _console_errors(browser) == []


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
    assert page.count("<script") == 3 and page.count("</script>") == 3 and "<!--" not in page  # ours only
    assert "\u2028" not in page and "\u2029" not in page
    (tmp_path / "index.html").write_text(page, encoding="utf-8")

    _open(browser, tmp_path / "index.html")
    assert browser.execute_script("return JSON.parse(document.getElementById('talks').textContent)") == index["talks"]
    cells = browser.find_elements(By.CSS_SELECTOR, "#rows tr:first-child td")
    assert cells[0].text == EVIL_TITLE and cells[1].text.startswith(EVIL_AUTHOR)
    assert cells[2].text == "<!-- {{ script }}"
    assert "HTTP 500 <i>x</i>" in browser.find_element(By.CSS_SELECTOR, "#rows .error").text
    assert not browser.find_elements(By.CSS_SELECTOR, "#rows img, #rows b, #rows i, svg")

    browser.find_element(By.LINK_TEXT, EVIL_TITLE).click()
    _wait(browser, lambda d: d.find_element(By.ID, "talk-view").is_displayed(), "the talk view")
    assert browser.find_element(By.CSS_SELECTOR, "#talk-view h2").text == EVIL_TITLE
    assert browser.find_element(By.CSS_SELECTOR, ".abstract").text == evil["abstract"]
    expected = "/".join(quote(part, safe="!'()*") for part in f"{folder}.mp4".split("/"))  # encodeURIComponent
    assert browser.execute_script("return document.querySelector('video').getAttribute('src')") == expected
    assert unquote(_video(browser, "src")).endswith(f"{folder}.mp4")
    inlined, linked = (t.get_attribute("src") for t in browser.find_elements(By.CSS_SELECTOR, "video track"))
    assert unquote(inlined) == "data:text/vtt;charset=utf-8," + vtt[f"{folder}.en.vtt"]
    assert unquote(linked).endswith(f"{folder}.de.vtt") and "#" not in linked and "?" not in linked
    links = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".files a")]
    assert links == ["Video (MP4)"]  # neither a path out of the archive nor a javascript: URL is linked
    time.sleep(0.3)  # room for any injected handler (onerror of a missing image) to have run
    assert browser.execute_script("return typeof window.pwned") == "undefined"


def test_screenshot_of_the_talk_view(browser: WebDriver, archive: Path, index, world) -> None:
    entry = _entry(index, world, "iclr")
    _open(browser, archive / "index.html")
    _open_talk(browser, entry["title"])
    browser.execute_script(
        "const v = document.querySelector('video'); v.currentTime = arguments[0];"
        "v.addEventListener('seeked', () => { v.dataset.seeked = '1'; }, {once: true});",
        entry["slides"][1]["start_s"] + 0.5,
    )
    _wait(browser, lambda d: _video(d, "dataset.seeked") == "1" and _active_thumb(d) == 1, "the seek")
    _wait(browser, lambda d: d.execute_script(
        "return [...document.querySelectorAll('.thumb img')].every(i => i.complete && i.naturalWidth > 0)"
    ), "every thumbnail to load")  # fmt: skip
    _wait(browser, lambda d: _ready(d, 2), "the frame at the new position")
    time.sleep(1)  # let the compositor paint it and the controls drop their loading spinner
    out = REPO / "test-output" / "player-talk-view.png"
    out.parent.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(out))
    assert out.stat().st_size > 10_000
