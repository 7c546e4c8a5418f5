"""Full-text search in the player: the data file loaded on first use, a hit opening the talk at its
slide or cue, integrity when served, a thousand talks. Fixtures in conftest.py, helpers in kit.py."""

from __future__ import annotations

import hashlib
import json
import random
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from confarchive.archive.player import SEARCH_DATA_NAME, SearchFile, render_player, render_search_data
from confarchive.text import search
from tests.e2e.player.kit import (
    EVIL_HEADING,
    EVIL_SLIDE,
    HEADING_WORD,
    REPO,
    SAID_CUES,
    SAID_WORD,
    SLIDE_WORD,
    active_thumb,
    console_errors,
    data_requests,
    entry_of,
    open_page,
    open_talk,
    requests_made,
    search_data_of,
    search_for,
    shown_hits,
    type_into,
    video_prop,
    video_ready,
    visible_titles,
    wait,
    with_search_words,
)

pytestmark = pytest.mark.e2e


def test_search_data_is_small_safe_and_deterministic(archive: Path, index, world) -> None:
    searchable = with_search_words(index, world, archive)
    data = (archive / SEARCH_DATA_NAME).read_text(encoding="utf-8")
    assert search_data_of(searchable, archive) == data  # the same passages, the same bytes
    assert SearchFile.of(data).sha256 == hashlib.sha256(data.encode()).hexdigest()
    assert "<" not in data and ">" not in data and "\u2028" not in data  # no text can end a script
    head, rows = data.split('"documents":[\n', 1)
    payload = json.loads(head.split(" = ", 1)[1] + '"documents":[' + rows.removesuffix(";\n"))
    assert payload["fields"] == ["talk", "kind", "slide", "start_s", "text", "heading", "cues"]
    docs = [dict(zip(payload["fields"], row, strict=True)) for row in payload["documents"]]
    talks = payload["talks"]
    assert sorted(talks) == sorted(t["key"] for t in index["talks"])
    assert sum(d["kind"] == "talk" for d in docs) == len(talks)  # one document a talk
    iclr = entry_of(searchable, world, "iclr")
    third = next(d for d in docs if talks[d["talk"]] == iclr["key"] and d["slide"] == iclr["slides"][2]["index"])
    assert third == {
        "talk": talks.index(iclr["key"]), "kind": "slide", "slide": iclr["slides"][2]["index"],
        "start_s": iclr["slides"][2]["start_s"], "text": f"A {SLIDE_WORD} plan: smooth structure wins",
        "heading": "Conclusion", "cues": None,
    }  # fmt: skip
    said = entry_of(searchable, world, "video-slides")
    windows = [d for d in docs if talks[d["talk"]] == said["key"] and d["kind"] == "said"]
    english = list(search.cues(archive / said["subtitles"][0]["path"]))
    assert [w["start_s"] for w in windows] == [english[0][0], SAID_CUES[0][0]]  # a window a language here
    for window, cues in zip(windows, (english, SAID_CUES), strict=True):  # each cue's offset and start
        assert window["text"] == " ".join(text for _, text in cues)
        offsets = [window["text"].index(text) for _, text in cues]
        assert window["cues"] == [x for (start, _), offset in zip(cues, offsets, strict=True) for x in (offset, start)]


def test_search_data_loads_only_when_the_search_box_is_used(browser: WebDriver, archive: Path, index, world) -> None:
    open_page(browser, archive / "index.html")
    assert browser.execute_script("return typeof window.MiniSearch") == "function"
    assert browser.execute_script("return typeof window.confarchiveSearchData") == "undefined"
    open_talk(browser, entry_of(index, world, "iclr")["title"])  # a talk, the keyboard: still nothing
    ActionChains(browser).send_keys(Keys.ARROW_RIGHT).perform()
    browser.execute_script("history.back()")
    wait(browser, lambda d: d.find_element(By.ID, "list-view").is_displayed(), "the list")
    assert data_requests(requests_made(browser)) == 0
    assert browser.execute_script("return typeof window.confarchiveSearchData") == "undefined"
    assert not browser.find_element(By.ID, "hits").is_displayed()
    policies = "return [...document.querySelectorAll('meta[http-equiv=Content-Security-Policy]')].map(m => m.content)"
    before = browser.execute_script(policies)
    assert len(before) == 2 and "'strict-dynamic'" in before[0] and before[1].endswith("'self' file:")

    browser.execute_script("document.activeElement.blur()")
    ActionChains(browser).send_keys("/").perform()  # the search box has the focus: now it loads
    wait(browser, lambda d: d.execute_script("return typeof window.confarchiveSearchData") == "object", "the data")
    assert browser.execute_script(policies) == [*before, "script-src 'none'"]  # and no other script after it
    blocked = browser.execute_async_script(
        "const done = arguments[0], s = document.createElement('script'); s.src = 'plain.html';"
        "s.onload = () => done('loaded'); s.onerror = () => done('blocked'); document.head.append(s);"
    )
    assert blocked == "blocked"
    search_for(browser, SLIDE_WORD, bool)
    scripts = [url for url in requests_made(browser) if url.endswith(".js")]
    assert scripts == [(archive / SEARCH_DATA_NAME).as_uri()]  # once, and no other script
    browser.get_log("browser")  # the blocked probe above logged its refusal; nothing else may have


def test_a_word_on_a_slide_opens_the_talk_at_that_slide(browser: WebDriver, archive: Path, index, world) -> None:
    entry = entry_of(index, world, "iclr")
    slide = entry["slides"][2]
    open_page(browser, archive / "index.html")
    hits = search_for(browser, SLIDE_WORD.lower(), bool)
    where = f"slide {slide['index']} at 0:{int(slide['start_s']):02d}"
    assert [(h["title"], h["where"]) for h in hits] == [(entry["title"], where)]
    assert hits[0]["marks"] == [SLIDE_WORD] and f"A {SLIDE_WORD} plan: smooth structure wins" in hits[0]["snippet"]
    assert visible_titles(browser) == []  # the list still filters by title, author and conference only
    assert browser.find_element(By.ID, "hit-status").text == "1 passage in 1 talk"
    out = REPO / "test-output" / "player-search-hits.png"
    out.parent.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(out))
    for near in ("quixot", "Quixotik", "QUIXÓTIC"):  # a prefix, a near spelling, case and accents
        assert [h["where"] for h in search_for(browser, near, bool)] == [where], near
    heading = search_for(browser, HEADING_WORD, bool)
    assert [h["where"] for h in heading] == [f"slide {entry['slides'][1]['index']} at 0:04"]
    assert heading[0]["marks"] == [HEADING_WORD]  # the snippet comes from the heading that matched

    type_into(browser, SLIDE_WORD)
    wait(browser, lambda d: len(shown_hits(d)) == 1 and shown_hits(d)[0]["where"] == where, "the hit")
    browser.find_element(By.CSS_SELECTOR, "#hit-list a.hit").click()
    wait(browser, lambda d: video_ready(d, 1), "the video's metadata")
    assert browser.find_element(By.CSS_SELECTOR, "#talk-view h2").text == entry["title"]
    assert abs(video_prop(browser, "currentTime") - slide["start_s"]) < 0.1
    wait(browser, lambda d: active_thumb(d) == 2, "the strip to show slide 3")
    assert urlsplit(browser.current_url).fragment == f"talk={quote(entry['key'], safe='')}&t={slide['start_s']}"

    browser.find_element(By.LINK_TEXT, "\u2190 All talks").click()  # back to the list, at the hit
    wait(browser, lambda d: d.switch_to.active_element.get_attribute("class") == "hit", "the focus on the hit")
    # the keyboard alone: down from the search box into the hits, Enter opens the talk there
    browser.find_element(By.ID, "search").click()
    ActionChains(browser).send_keys(Keys.ARROW_DOWN).perform()
    assert browser.switch_to.active_element.get_attribute("href").endswith(f"&t={slide['start_s']}")
    ActionChains(browser).send_keys(Keys.ARROW_UP).perform()
    assert browser.switch_to.active_element.get_attribute("id") == "search"
    ActionChains(browser).send_keys(Keys.ARROW_DOWN, Keys.ENTER).perform()
    wait(browser, lambda d: video_ready(d, 1), "the video's metadata")
    assert abs(video_prop(browser, "currentTime") - slide["start_s"]) < 0.1 and active_thumb(browser) == 2
    assert console_errors(browser) == []


def test_a_word_said_opens_the_talk_at_its_cue(browser: WebDriver, archive: Path, index, world) -> None:
    entry = entry_of(index, world, "video-slides")
    start = SAID_CUES[1][0]  # the word is in the second cue of its window: there, not at the window's start
    open_page(browser, archive / "index.html")
    hits = search_for(browser, SAID_WORD, bool)
    assert [(h["title"], h["where"], h["marks"]) for h in hits] == [(entry["title"], "said at 0:05", [SAID_WORD])]
    assert hits[0]["snippet"] == " ".join(text for _, text in SAID_CUES)
    browser.find_element(By.CSS_SELECTOR, "#hit-list a.hit").click()
    wait(browser, lambda d: video_ready(d, 1), "the video's metadata")
    assert abs(video_prop(browser, "currentTime") - start) < 0.1
    slide = max(i for i, s in enumerate(entry["slides"]) if s["start_s"] <= start)
    wait(browser, lambda d: active_thumb(d) == slide, "the strip to show the slide on screen then")

    # the same talk at another moment: a new hash seeks without drawing the talk again
    video = browser.find_element(By.TAG_NAME, "video")
    browser.execute_script("location.hash = arguments[0]", f"#talk={quote(entry['key'], safe='')}&t=9.5")
    wait(browser, lambda d: abs(video_prop(d, "currentTime") - 9.5) < 0.1, "the seek")
    assert browser.find_element(By.TAG_NAME, "video") == video
    assert console_errors(browser) == []


def test_hostile_slide_text_stays_text_in_the_hits(browser: WebDriver, archive: Path, index, world) -> None:
    open_page(browser, archive / "index.html")
    hits = search_for(browser, "pwnable", bool)
    assert [h["title"] for h in hits] == [entry_of(index, world, "ben")["title"]]
    assert hits[0]["snippet"] == EVIL_SLIDE and hits[0]["marks"] == ["Pwnable"]
    assert search_for(browser, "pwned", lambda h: len(h) == 1)[0]["snippet"] in (EVIL_SLIDE, EVIL_HEADING)
    assert not browser.find_elements(By.CSS_SELECTOR, "#hits img, #hits script, #hits b")
    browser.find_element(By.CSS_SELECTOR, "#hit-list a.hit").click()
    wait(browser, lambda d: video_ready(d, 1), "the video's metadata")
    time.sleep(0.3)  # room for any injected handler to have run
    assert browser.execute_script("return typeof window.pwned") == "undefined"
    assert console_errors(browser) == []


def test_the_page_without_search_data_works_as_before(browser: WebDriver, archive: Path, index, world) -> None:
    page = (archive / "plain.html").read_text(encoding="utf-8")
    assert page.count('http-equiv="Content-Security-Policy"') == 1 and "strict-dynamic" not in page
    assert "Luca Ongaro" not in page and '<script type="application/json" id="search-file">null</script>' in page
    open_page(browser, archive / "plain.html")
    assert browser.execute_script("return typeof window.MiniSearch") == "undefined"
    type_into(browser, "hopper")
    assert visible_titles(browser) == [entry_of(index, world, "ben")["title"]]
    type_into(browser, SLIDE_WORD)
    assert visible_titles(browser) == [] and browser.find_element(By.ID, "no-match").is_displayed()
    assert not browser.find_element(By.ID, "hits").is_displayed() and data_requests(requests_made(browser)) == 0
    type_into(browser, "")
    open_talk(browser, entry_of(index, world, "iclr")["title"])
    assert len(browser.find_elements(By.CSS_SELECTOR, ".thumb")) == 3
    assert console_errors(browser) == []


def test_served_over_http_the_data_file_must_match_the_page(browser: WebDriver, archive: Path, served: str) -> None:
    browser.get(served + "/")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#rows tr"), "the list to be built")
    assert [h["marks"] for h in search_for(browser, SAID_WORD, bool)] == [[SAID_WORD]]
    integrity = "return document.querySelector('script[src]').integrity"
    assert browser.execute_script(integrity) == SearchFile.of((archive / SEARCH_DATA_NAME).read_text()).integrity

    index = json.loads((archive / "index.json").read_text())
    (archive / "stale.html").write_text(render_player(index, search=SearchFile(SEARCH_DATA_NAME, "0" * 64)))
    browser.get(served + "/stale.html")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#rows tr"), "the list to be built")
    type_into(browser, SAID_WORD)
    state = "return document.getElementById('hits').dataset.state"
    wait(browser, lambda d: d.execute_script(state) == "failed", "the data file to be refused")
    status = browser.find_element(By.ID, "hit-status")
    wait(browser, lambda d: "search-data.js did not load" in status.text, "the reason, shown")
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
    open_page(browser, tmp_path / "index.html")
    drawn = time.perf_counter() - started
    assert (
        len(browser.find_elements(By.CSS_SELECTOR, "#rows tr")) == 1000 and data_requests(requests_made(browser)) == 0
    )
    started = time.perf_counter()
    hits = search_for(browser, "needlework", bool)
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
    assert console_errors(browser) == []
