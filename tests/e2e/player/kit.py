"""What the offline-player tests share: the words put where search must find them, the Chromium flags,
and small Selenium helpers (open a page, type, wait, read the hits and the network log)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from confarchive.archive.player import SEARCH_DATA_NAME, render_search_data
from confarchive.core.entry import TalkEntry
from confarchive.text import search
from tests.world import World

REPO = Path(__file__).resolve().parents[3]
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


def vtt(cues: tuple[tuple[float, str], ...]) -> str:
    stamp = lambda s: f"00:00:{s:06.3f}"  # noqa: E731
    return "WEBVTT\n\n" + "".join(f"{stamp(at)} --> {stamp(at + 1)}\n{text}\n\n" for at, text in cues)


def with_search_words(index: dict[str, Any], world: World, root: Path) -> dict[str, Any]:
    """The index with the known words on slides (text and heading, as OCR writes them) and a second
    subtitle language for the video-slides talk, whose file is written beside the first."""
    index = copy.deepcopy(index)
    iclr, ben, said = (entry_of(index, world, name) for name in ("iclr", "ben", "video-slides"))
    iclr["slides"][1] |= {"title": f"Results of the {HEADING_WORD}", "text": "Accuracy rises with depth"}
    iclr["slides"][2] |= {"title": "Conclusion", "text": f"A {SLIDE_WORD} plan:\nsmooth structure wins"}
    ben["slides"][1] |= {"title": EVIL_HEADING, "text": EVIL_SLIDE}
    german = said["subtitles"][0]["path"].removesuffix(".en.vtt") + ".de.vtt"
    (root / german).write_text(vtt(SAID_CUES), encoding="utf-8")
    said["subtitles"].append({"language": "de", "path": german})
    return index


def search_data_of(index: dict[str, Any], root: Path) -> str:
    entries = [TalkEntry.from_json(talk) for talk in index["talks"]]
    return render_search_data(p for entry in entries for p in search.passages(entry, root))


def entry_of(index: dict[str, Any], world: World, name: str) -> dict[str, Any]:
    return next(t for t in index["talks"] if t["source_url"] == world.talks[name].url)


def wait(driver: WebDriver, condition: Callable[[WebDriver], Any], what: str, timeout: float = 10) -> Any:
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(condition, what)


def open_page(driver: WebDriver, page: Path, fragment: str = "") -> None:
    driver.get("about:blank")  # a fresh document, not a fragment change of the page already open
    driver.get_log("browser")  # start each page with an empty console
    driver.get_log("performance")  # and no network events of earlier pages
    driver.get(page.as_uri() + fragment)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#rows tr"), "the list to be built")


def console_errors(driver: WebDriver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def visible_titles(driver: WebDriver) -> list[str]:
    return [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#rows td.title a") if a.is_displayed()]


def type_into(driver: WebDriver, text: str) -> None:
    field = driver.find_element(By.ID, "search")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACKSPACE)
    if text:
        field.send_keys(text)


def video_prop(driver: WebDriver, prop: str) -> Any:
    """A property of the talk view's video; None while the view (drawn after a click) has no video yet."""
    return driver.execute_script(f"const v = document.querySelector('video'); return v ? v.{prop} : null")


def video_ready(driver: WebDriver, state: int) -> bool:
    return (video_prop(driver, "readyState") or 0) >= state


def active_thumb(driver: WebDriver) -> int:
    return driver.execute_script(
        "return [...document.querySelectorAll('.thumb')].findIndex(b => b.classList.contains('active'))"
    )


def open_talk(driver: WebDriver, title: str) -> None:
    driver.find_element(By.LINK_TEXT, title).click()
    wait(driver, lambda d: video_ready(d, 1), "the video's metadata")


def file_of(href: str) -> Path:
    return Path(url2pathname(urlsplit(href).path))


def shown_hits(driver: WebDriver) -> list[dict[str, Any]]:
    return driver.execute_script(
        """return [...document.querySelectorAll('#hit-list a.hit')].map(a => ({
            title: a.querySelector('.hit-title').textContent, where: a.querySelector('.hit-where').textContent,
            snippet: a.querySelector('.hit-snippet').textContent, href: a.getAttribute('href'),
            marks: [...a.querySelectorAll('mark')].map(m => m.textContent)}))"""
    )


def search_for(driver: WebDriver, query: str, expect: Callable[[list[dict[str, Any]]], bool]) -> list[dict]:
    """Type ``query`` and wait for the whole index to be built and the hits to be as expected."""
    type_into(driver, query)
    shown = "const box = document.getElementById('hits'); return [box.dataset.state, box.dataset.query]"
    wait(driver, lambda d: d.execute_script(shown) == ["ready", query], f"the hits for {query!r}", timeout=30)
    wait(driver, lambda d: expect(shown_hits(d)), f"the expected hits for {query!r}")
    return shown_hits(driver)


def requests_made(driver: WebDriver) -> list[str]:
    """The URLs requested since the last call, from DevTools' network events (Chromium makes no
    Resource Timing entries for file:// loads)."""
    messages = (json.loads(e["message"])["message"] for e in driver.get_log("performance"))
    return [m["params"]["request"]["url"] for m in messages if m["method"] == "Network.requestWillBeSent"]


def data_requests(urls: list[str]) -> int:
    return sum(urlsplit(url).path.endswith("/" + SEARCH_DATA_NAME) for url in urls)
