"""The offline player page (``index.html``) in a real headless Chromium, opened from ``file://``.

The archive is made by the real CLI against the fixture world; the page is then written with
``render_player`` (not through index.py), so these tests check the page itself: the list (search,
sort), the talk view kept in step with the video, the keyboard, and that text from the web stays text.
The page is written with full-text search (``search-data.js`` from ``render_search_data``, after some
known words were put on slides and in a subtitle), as index.py writes it; ``plain.html`` beside it is
the page without search data. One Chromium serves the whole module.
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
import threading
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

from confarchive import search
from confarchive.entry import TalkEntry
from confarchive.player import SEARCH_DATA_NAME, SearchFile, render_player, render_search_data
from confarchive.serve import make_server
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
# Words put where full-text search must find them, each only there (the fixture talks hold none of them)
SLIDE_WORD = "Quixotic"  # on slide 3 of the iclr talk
HEADING_WORD = "Xylophonist"  # in the heading of slide 2 of the iclr talk
SAID_WORD = "zymurgy"  # in the second cue of a German subtitle file added to the video-slides talk
SAID_CUES = ((1.2, "Ein Wort über das Brauen."), (5.0, f"Das heißt {SAID_WORD}, sagt man."))
EVIL_SLIDE = '<img src=x onerror="window.pwned=7"> Pwnable'  # on slide 2 of the ben talk
EVIL_HEADING = "</script><script>window.pwned=8</script>"


def _vtt(cues: tuple[tuple[float, str], ...]) -> str:
    stamp = lambda s: f"00:00:{s:06.3f}"  # noqa: E731
    return "WEBVTT\n\n" + "".join(f"{stamp(at)} --> {stamp(at + 1)}\n{text}\n\n" for at, text in cues)


def _with_search_words(index: dict[str, Any], world: World, root: Path) -> dict[str, Any]:
    """The index with the known words on slides (text and heading, as OCR writes them) and a second
    subtitle language for the video-slides talk, whose file is written beside the first."""
    index = copy.deepcopy(index)
    iclr, ben, said = (_entry(index, world, name) for name in ("iclr", "ben", "video-slides"))
    iclr["slides"][1] |= {"title": f"Results of the {HEADING_WORD}", "text": "Accuracy rises with depth"}
    iclr["slides"][2] |= {"title": "Conclusion", "text": f"A {SLIDE_WORD} plan:\nsmooth structure wins"}
    ben["slides"][1] |= {"title": EVIL_HEADING, "text": EVIL_SLIDE}
    german = said["subtitles"][0]["path"].removesuffix(".en.vtt") + ".de.vtt"
    (root / german).write_text(_vtt(SAID_CUES), encoding="utf-8")
    said["subtitles"].append({"language": "de", "path": german})
    return index


def _search_data(index: dict[str, Any], root: Path) -> str:
    entries = [TalkEntry.from_json(talk) for talk in index["talks"]]
    return render_search_data(p for entry in entries for p in search.passages(entry, root))


@pytest.fixture(scope="module")
def archive(world: World, world_config: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("player") / "archive"
    urls = tmp_path_factory.mktemp("player-input") / "urls.txt"
    urls.write_text("\n".join(world.talks[name].url for name in TALKS) + "\n")
    result = run_cli("archive", "-i", urls, "-o", root, "--config", world_config, "-j", "2")
    assert result.returncode == 1, result.stderr  # the poster without a video fails on purpose
    index = json.loads((root / "index.json").read_text())
    searchable = _with_search_words(index, world, root)
    data = _search_data(searchable, root)
    (root / SEARCH_DATA_NAME).write_text(data, encoding="utf-8")
    page = render_player(searchable, search=SearchFile.of(data))
    (root / "index.html").write_text(page, encoding="utf-8")
    (root / "plain.html").write_text(render_player(index), encoding="utf-8")  # no search data
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
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})  # network events
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
    driver.get_log("performance")  # and no network events of earlier pages
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
    assert page.count("<script") == 4 and page.count("</script>") == 4 and "<!--" not in page  # ours only
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


# ---- full-text search: slides and subtitles ---------------------------------------------------------


def _hits(driver: WebDriver) -> list[dict[str, Any]]:
    return driver.execute_script(
        """return [...document.querySelectorAll('#hit-list a.hit')].map(a => ({
            title: a.querySelector('.hit-title').textContent, where: a.querySelector('.hit-where').textContent,
            snippet: a.querySelector('.hit-snippet').textContent, href: a.getAttribute('href'),
            marks: [...a.querySelectorAll('mark')].map(m => m.textContent)}))"""
    )


def _search_for(driver: WebDriver, query: str, expect: Callable[[list[dict[str, Any]]], bool]) -> list[dict]:
    """Type ``query`` and wait for the whole index to be built and the hits to be as expected."""
    _type(driver, query)
    shown = "const box = document.getElementById('hits'); return [box.dataset.state, box.dataset.query]"
    _wait(driver, lambda d: d.execute_script(shown) == ["ready", query], f"the hits for {query!r}", timeout=30)
    _wait(driver, lambda d: expect(_hits(d)), f"the expected hits for {query!r}")
    return _hits(driver)


def _requests(driver: WebDriver) -> list[str]:
    """The URLs requested since the last call, from DevTools' network events (Chromium makes no
    Resource Timing entries for file:// loads)."""
    messages = (json.loads(e["message"])["message"] for e in driver.get_log("performance"))
    return [m["params"]["request"]["url"] for m in messages if m["method"] == "Network.requestWillBeSent"]


def _data_requests(urls: list[str]) -> int:
    return sum(urlsplit(url).path.endswith("/" + SEARCH_DATA_NAME) for url in urls)


def test_search_data_is_small_safe_and_deterministic(archive: Path, index, world) -> None:
    searchable = _with_search_words(index, world, archive)
    data = (archive / SEARCH_DATA_NAME).read_text(encoding="utf-8")
    assert _search_data(searchable, archive) == data  # the same passages, the same bytes
    assert SearchFile.of(data).sha256 == hashlib.sha256(data.encode()).hexdigest()
    assert "<" not in data and ">" not in data and "\u2028" not in data  # no text can end a script
    head, rows = data.split('"documents":[\n', 1)
    payload = json.loads(head.split(" = ", 1)[1] + '"documents":[' + rows.removesuffix(";\n"))
    assert payload["fields"] == ["talk", "kind", "slide", "start_s", "text", "heading", "cues"]
    docs = [dict(zip(payload["fields"], row, strict=True)) for row in payload["documents"]]
    talks = payload["talks"]
    assert sorted(talks) == sorted(t["key"] for t in index["talks"])
    assert sum(d["kind"] == "talk" for d in docs) == len(talks)  # one document a talk
    iclr = _entry(searchable, world, "iclr")
    third = next(d for d in docs if talks[d["talk"]] == iclr["key"] and d["slide"] == iclr["slides"][2]["index"])
    assert third == {
        "talk": talks.index(iclr["key"]), "kind": "slide", "slide": iclr["slides"][2]["index"],
        "start_s": iclr["slides"][2]["start_s"], "text": f"A {SLIDE_WORD} plan: smooth structure wins",
        "heading": "Conclusion", "cues": None,
    }  # fmt: skip
    said = _entry(searchable, world, "video-slides")
    windows = [d for d in docs if talks[d["talk"]] == said["key"] and d["kind"] == "said"]
    english = list(search.cues(archive / said["subtitles"][0]["path"]))
    assert [w["start_s"] for w in windows] == [english[0][0], SAID_CUES[0][0]]  # a window a language here
    for window, cues in zip(windows, (english, SAID_CUES), strict=True):  # each cue's offset and start
        assert window["text"] == " ".join(text for _, text in cues)
        offsets = [window["text"].index(text) for _, text in cues]
        assert window["cues"] == [x for (start, _), offset in zip(cues, offsets, strict=True) for x in (offset, start)]


def test_search_data_loads_only_when_the_search_box_is_used(browser: WebDriver, archive: Path, index, world) -> None:
    _open(browser, archive / "index.html")
    assert browser.execute_script("return typeof window.MiniSearch") == "function"
    assert browser.execute_script("return typeof window.confarchiveSearchData") == "undefined"
    _open_talk(browser, _entry(index, world, "iclr")["title"])  # a talk, the keyboard: still nothing
    ActionChains(browser).send_keys(Keys.ARROW_RIGHT).perform()
    browser.execute_script("history.back()")
    _wait(browser, lambda d: d.find_element(By.ID, "list-view").is_displayed(), "the list")
    assert _data_requests(_requests(browser)) == 0
    assert browser.execute_script("return typeof window.confarchiveSearchData") == "undefined"
    assert not browser.find_element(By.ID, "hits").is_displayed()
    policies = "return [...document.querySelectorAll('meta[http-equiv=Content-Security-Policy]')].map(m => m.content)"
    before = browser.execute_script(policies)
    assert len(before) == 2 and "'strict-dynamic'" in before[0] and before[1].endswith("'self' file:")

    browser.execute_script("document.activeElement.blur()")
    ActionChains(browser).send_keys("/").perform()  # the search box has the focus: now it loads
    _wait(browser, lambda d: d.execute_script("return typeof window.confarchiveSearchData") == "object", "the data")
    assert browser.execute_script(policies) == [*before, "script-src 'none'"]  # and no other script after it
    blocked = browser.execute_async_script(
        "const done = arguments[0], s = document.createElement('script'); s.src = 'plain.html';"
        "s.onload = () => done('loaded'); s.onerror = () => done('blocked'); document.head.append(s);"
    )
    assert blocked == "blocked"
    _search_for(browser, SLIDE_WORD, bool)
    scripts = [url for url in _requests(browser) if url.endswith(".js")]
    assert scripts == [(archive / SEARCH_DATA_NAME).as_uri()]  # once, and no other script
    browser.get_log("browser")  # the blocked probe above logged its refusal; nothing else may have


def test_a_word_on_a_slide_opens_the_talk_at_that_slide(browser: WebDriver, archive: Path, index, world) -> None:
    entry = _entry(index, world, "iclr")
    slide = entry["slides"][2]
    _open(browser, archive / "index.html")
    hits = _search_for(browser, SLIDE_WORD.lower(), bool)
    where = f"slide {slide['index']} at 0:{int(slide['start_s']):02d}"
    assert [(h["title"], h["where"]) for h in hits] == [(entry["title"], where)]
    assert hits[0]["marks"] == [SLIDE_WORD] and f"A {SLIDE_WORD} plan: smooth structure wins" in hits[0]["snippet"]
    assert _visible_titles(browser) == []  # the list still filters by title, author and conference only
    assert browser.find_element(By.ID, "hit-status").text == "1 passage in 1 talk"
    out = REPO / "test-output" / "player-search-hits.png"
    out.parent.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(out))
    for near in ("quixot", "Quixotik", "QUIXÓTIC"):  # a prefix, a near spelling, case and accents
        assert [h["where"] for h in _search_for(browser, near, bool)] == [where], near
    heading = _search_for(browser, HEADING_WORD, bool)
    assert [h["where"] for h in heading] == [f"slide {entry['slides'][1]['index']} at 0:04"]
    assert heading[0]["marks"] == [HEADING_WORD]  # the snippet comes from the heading that matched

    _type(browser, SLIDE_WORD)
    _wait(browser, lambda d: len(_hits(d)) == 1 and _hits(d)[0]["where"] == where, "the hit")
    browser.find_element(By.CSS_SELECTOR, "#hit-list a.hit").click()
    _wait(browser, lambda d: _ready(d, 1), "the video's metadata")
    assert browser.find_element(By.CSS_SELECTOR, "#talk-view h2").text == entry["title"]
    assert abs(_video(browser, "currentTime") - slide["start_s"]) < 0.1
    _wait(browser, lambda d: _active_thumb(d) == 2, "the strip to show slide 3")
    assert urlsplit(browser.current_url).fragment == f"talk={quote(entry['key'], safe='')}&t={slide['start_s']}"

    browser.find_element(By.LINK_TEXT, "\u2190 All talks").click()  # back to the list, at the hit
    _wait(browser, lambda d: d.switch_to.active_element.get_attribute("class") == "hit", "the focus on the hit")
    # the keyboard alone: down from the search box into the hits, Enter opens the talk there
    browser.find_element(By.ID, "search").click()
    ActionChains(browser).send_keys(Keys.ARROW_DOWN).perform()
    assert browser.switch_to.active_element.get_attribute("href").endswith(f"&t={slide['start_s']}")
    ActionChains(browser).send_keys(Keys.ARROW_UP).perform()
    assert browser.switch_to.active_element.get_attribute("id") == "search"
    ActionChains(browser).send_keys(Keys.ARROW_DOWN, Keys.ENTER).perform()
    _wait(browser, lambda d: _ready(d, 1), "the video's metadata")
    assert abs(_video(browser, "currentTime") - slide["start_s"]) < 0.1 and _active_thumb(browser) == 2
    assert _console_errors(browser) == []


def test_a_word_said_opens_the_talk_at_its_cue(browser: WebDriver, archive: Path, index, world) -> None:
    entry = _entry(index, world, "video-slides")
    start = SAID_CUES[1][0]  # the word is in the second cue of its window: there, not at the window's start
    _open(browser, archive / "index.html")
    hits = _search_for(browser, SAID_WORD, bool)
    assert [(h["title"], h["where"], h["marks"]) for h in hits] == [(entry["title"], "said at 0:05", [SAID_WORD])]
    assert hits[0]["snippet"] == " ".join(text for _, text in SAID_CUES)
    browser.find_element(By.CSS_SELECTOR, "#hit-list a.hit").click()
    _wait(browser, lambda d: _ready(d, 1), "the video's metadata")
    assert abs(_video(browser, "currentTime") - start) < 0.1
    slide = max(i for i, s in enumerate(entry["slides"]) if s["start_s"] <= start)
    _wait(browser, lambda d: _active_thumb(d) == slide, "the strip to show the slide on screen then")

    # the same talk at another moment: a new hash seeks without drawing the talk again
    video = browser.find_element(By.TAG_NAME, "video")
    browser.execute_script("location.hash = arguments[0]", f"#talk={quote(entry['key'], safe='')}&t=9.5")
    _wait(browser, lambda d: abs(_video(d, "currentTime") - 9.5) < 0.1, "the seek")
    assert browser.find_element(By.TAG_NAME, "video") == video
    assert _console_errors(browser) == []


def test_hostile_slide_text_stays_text_in_the_hits(browser: WebDriver, archive: Path, index, world) -> None:
    _open(browser, archive / "index.html")
    hits = _search_for(browser, "pwnable", bool)
    assert [h["title"] for h in hits] == [_entry(index, world, "ben")["title"]]
    assert hits[0]["snippet"] == EVIL_SLIDE and hits[0]["marks"] == ["Pwnable"]
    assert _search_for(browser, "pwned", lambda h: len(h) == 1)[0]["snippet"] in (EVIL_SLIDE, EVIL_HEADING)
    assert not browser.find_elements(By.CSS_SELECTOR, "#hits img, #hits script, #hits b")
    browser.find_element(By.CSS_SELECTOR, "#hit-list a.hit").click()
    _wait(browser, lambda d: _ready(d, 1), "the video's metadata")
    time.sleep(0.3)  # room for any injected handler to have run
    assert browser.execute_script("return typeof window.pwned") == "undefined"
    assert _console_errors(browser) == []


def test_the_page_without_search_data_works_as_before(browser: WebDriver, archive: Path, index, world) -> None:
    page = (archive / "plain.html").read_text(encoding="utf-8")
    assert page.count('http-equiv="Content-Security-Policy"') == 1 and "strict-dynamic" not in page
    assert "Luca Ongaro" not in page and '<script type="application/json" id="search-file">null</script>' in page
    _open(browser, archive / "plain.html")
    assert browser.execute_script("return typeof window.MiniSearch") == "undefined"
    _type(browser, "hopper")
    assert _visible_titles(browser) == [_entry(index, world, "ben")["title"]]
    _type(browser, SLIDE_WORD)
    assert _visible_titles(browser) == [] and browser.find_element(By.ID, "no-match").is_displayed()
    assert not browser.find_element(By.ID, "hits").is_displayed() and _data_requests(_requests(browser)) == 0
    _type(browser, "")
    _open_talk(browser, _entry(index, world, "iclr")["title"])
    assert len(browser.find_elements(By.CSS_SELECTOR, ".thumb")) == 3
    assert _console_errors(browser) == []


@pytest.fixture
def served(archive: Path) -> Iterator[str]:
    server = make_server(archive)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_served_over_http_the_data_file_must_match_the_page(browser: WebDriver, archive: Path, served: str) -> None:
    browser.get(served + "/")
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#rows tr"), "the list to be built")
    assert [h["marks"] for h in _search_for(browser, SAID_WORD, bool)] == [[SAID_WORD]]
    integrity = "return document.querySelector('script[src]').integrity"
    assert browser.execute_script(integrity) == SearchFile.of((archive / SEARCH_DATA_NAME).read_text()).integrity

    index = json.loads((archive / "index.json").read_text())
    (archive / "stale.html").write_text(render_player(index, search=SearchFile(SEARCH_DATA_NAME, "0" * 64)))
    browser.get(served + "/stale.html")
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#rows tr"), "the list to be built")
    _type(browser, SAID_WORD)
    state = "return document.getElementById('hits').dataset.state"
    _wait(browser, lambda d: d.execute_script(state) == "failed", "the data file to be refused")
    status = browser.find_element(By.ID, "hit-status")
    _wait(browser, lambda d: "search-data.js did not load" in status.text, "the reason, shown")
    assert browser.execute_script("return typeof window.confarchiveSearchData") == "undefined"
    browser.get_log("browser")  # the refusal is logged, as it should be


def test_a_thousand_talks_open_at_once_and_search_later(browser: WebDriver, tmp_path: Path) -> None:
    """Synthetic talks (40 slides, 30 minutes of cues each): the list is drawn without the search data,
    which loads and is indexed only when searched. Prints the times; bounds are loose (shared CI)."""
    rng = random.Random(3)
    vocabulary = [f"{a}{b}{c}" for a in ("ka", "tor", "min", "sel") for b in ("va", "ri", "lo", "nex") for c in "xyz"]
    words = lambda n: " ".join(rng.choices(vocabulary, k=n))  # noqa: E731
    talks, passages = [], []
    for n in range(1000):
        key = f"slideslive:{38_000_000 + n}"
        slides = [{"index": i + 1, "start_s": i * 45.0, "image": None, "type": "image"} for i in range(40)]
        talks.append({"key": key, "title": f"Talk {n} {words(4)}", "authors": [words(2)], "conference": "SYN 2024",
                      "source_url": f"https://x.invalid/{n}", "status": "done", "video": f"t{n}/t.mp4",
                      "duration_s": 1800.0, "slides": slides, "subtitles": []})  # fmt: skip
        passages.append(search.Passage(key, "talk", talks[-1]["title"] + " " + words(100), heading=talks[-1]["title"]))
        passages += [search.Passage(key, "slide", words(40), s["start_s"], s["index"], words(3)) for s in slides]
        passages += [search.Passage(key, "said", words(9), t * 3.0) for t in range(600)]
    passages[-1] = search.Passage(key, "said", f"{words(4)} needlework {words(4)}", 1797.0)
    data = render_search_data(passages)
    (tmp_path / SEARCH_DATA_NAME).write_text(data, encoding="utf-8")
    (tmp_path / "index.html").write_text(render_player({"version": 1, "talks": talks}, search=SearchFile.of(data)))

    started = time.perf_counter()
    _open(browser, tmp_path / "index.html")
    drawn = time.perf_counter() - started
    assert len(browser.find_elements(By.CSS_SELECTOR, "#rows tr")) == 1000 and _data_requests(_requests(browser)) == 0
    started = time.perf_counter()
    hits = _search_for(browser, "needlework", bool)
    searched = time.perf_counter() - started
    assert [h["where"] for h in hits] == ["said at 29:57"]  # the cue, in the window from 29:30
    marks = browser.execute_script(
        "return Object.fromEntries(performance.getEntriesByType('mark').map(m => [m.name, m.startTime]))"
    )
    load = marks["confarchive:search-data-loaded"] - marks["confarchive:search-data-requested"]
    build = marks["confarchive:search-index-ready"] - marks["confarchive:search-data-loaded"]
    print(
        f"\n1000 talks: search-data.js {len(data.encode()) / 1e6:.1f} MB; list drawn in {drawn:.2f} s; first search "
        f"{searched:.2f} s (data {load / 1000:.2f} s, index {build / 1000:.2f} s)"
    )
    assert drawn < 10 and searched < 90
    assert _console_errors(browser) == []
