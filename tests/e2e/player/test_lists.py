"""Reading lists in the player (issue 22): an archive made from a post by the real CLI, a second list
added from a local file, and the ``index.html`` the CLI wrote, opened from ``file://`` in Chromium: the
lists' links with their counts, a page per list (papers in the post's order, linked or greyed with why
not), from a paper to its talk and back, and text from the web (a list's title, a paper's) kept text.

Its own small archive (a few seconds), so that the package's archive and the tests on it stay as they are.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from confarchive.archive.player import render_player
from tests.conftest import run_cli
from tests.e2e.player.kit import EVIL_TITLE, console_errors, file_of, open_page, video_prop, video_ready, wait
from tests.world import World
from tests.world.catalog import MINICONF_HOST
from tests.world.papers import BLOG_HOST, pmlr_pdf

pytestmark = pytest.mark.e2e

MINICONF = f"https://{MINICONF_HOST}/papers.html"
POST = f"https://{BLOG_HOST}/icml-highlights.html"
POST_TITLE = "Highlights from a Fixture Conference"
PICKS_TITLE = 'Two picks <img src=x onerror="window.pwned=9">'  # a heading of a local file: markup is text
UNLISTED = "https://arxiv.org/abs/2101.00001"  # in no listing: no talk


@pytest.fixture(scope="module")
def listed(world: World, world_config: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ICML-style post archived (4 talks, 5 papers), then a second list of three papers: one already
    archived, a poster without a video (its talk fails), one that no listing holds."""
    root = tmp_path_factory.mktemp("lists") / "archive"
    first = run_cli("archive", POST, "--from", MINICONF, "-o", root, "--config", world_config, "-j", "3")
    assert first.returncode == 0, first.stderr
    cdn, novideo = world.talks["cdn"], world.talks["no-video"]
    picks = root.parent / "picks.txt"
    lines = [f"# {PICKS_TITLE}", "", f"- [{cdn.title}]({pmlr_pdf(cdn)})", f"- [{novideo.title}]({novideo.url})"]
    picks.write_text("\n".join([*lines, f"- [A paper no listing holds]({UNLISTED})"]) + "\n")
    second = run_cli("archive", picks, "--from", MINICONF, "-o", root, "--config", world_config)
    assert second.returncode == 1, second.stderr  # the poster without a video fails, on purpose
    return root


@pytest.fixture(scope="module")
def lists_index(listed: Path) -> dict[str, Any]:
    return json.loads((listed / "index.json").read_text())


def talk_of(index: dict[str, Any], url: str) -> dict[str, Any]:
    return next(t for t in index["talks"] if url in t["source_urls"])


def talk_href(key: str) -> str:
    return "#talk=" + quote(key, safe="")


def shown_papers(driver: WebDriver) -> list[dict[str, Any]]:
    """The papers of the list page on screen: title, talk link (or None), how, why, the paper's link."""
    return driver.execute_script(
        """const one = (li, css, f) => { const e = li.querySelector(css); return e ? f(e) : null; };
        return [...document.querySelectorAll('#collection-view ol.papers > li')].map(li => ({
            title: li.querySelector('.to-talk, .paper-title').textContent,
            talk: one(li, 'a.to-talk', a => a.getAttribute('href')),
            how: one(li, '.how', e => e.textContent), why: one(li, '.why', e => e.textContent),
            paper: one(li, 'a.paper-link', a => [a.getAttribute('href'), a.rel, a.target]),
            greyed: li.classList.contains('missing')}))"""
    )


def fragment(driver: WebDriver) -> str:
    return urlsplit(driver.current_url).fragment


def on_view(driver: WebDriver, view: str) -> None:
    wait(driver, lambda d: d.find_element(By.ID, view).is_displayed(), f"the {view}")


def focused_text(driver: WebDriver) -> str:
    return driver.switch_to.active_element.text


def press(driver: WebDriver, key: str) -> None:
    ActionChains(driver).send_keys(key).perform()


def test_the_list_of_talks_links_each_reading_list_with_its_counts(browser: WebDriver, listed: Path) -> None:
    open_page(browser, listed / "index.html")
    items = browser.find_elements(By.CSS_SELECTOR, "#reading-lists li")
    links = [li.find_element(By.TAG_NAME, "a") for li in items]
    counts = [li.find_element(By.CSS_SELECTOR, ".counts").text for li in items]
    shown = [(a.text, a.get_attribute("href").split("#")[1], n) for a, n in zip(links, counts, strict=True)]
    assert shown == [
        (POST_TITLE, "list=1", "5 papers, 4 with a talk"),
        (PICKS_TITLE, "list=2", "3 papers, 1 with a talk"),  # a failed talk is not one to watch
    ]
    browser.find_element(By.ID, "search").send_keys("highlights fixture")  # a list's title finds its talks
    titles = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#rows td.title a") if a.is_displayed()]
    assert len(titles) == 4 and "A Poster Without Any Video" not in titles
    assert console_errors(browser) == []  # a script the policy refused would be an error here


def test_a_list_is_a_page_of_its_papers_in_the_posts_order_each_leading_to_its_talk(
    browser: WebDriver, listed: Path, lists_index: dict[str, Any], world: World
) -> None:
    talks = world.talks
    names = ("miniconf", "cdn", "neurips-1", "neurips-2")
    keys = {name: talk_of(lists_index, talks[name].url)["key"] for name in names}
    open_page(browser, listed / "index.html")
    browser.find_element(By.LINK_TEXT, POST_TITLE).click()
    on_view(browser, "collection-view")
    assert fragment(browser) == "list=1" and not browser.find_element(By.ID, "list-view").is_displayed()
    assert browser.title == f"{POST_TITLE} – Conference archive"
    post = browser.find_element(By.CSS_SELECTOR, "#collection-view h2 a")  # the post, on the web
    assert (post.text, post.get_attribute("href"), post.get_attribute("rel")) == (POST_TITLE, POST, "noreferrer")
    papers = shown_papers(browser)
    reason = lists_index["collections"][0]["papers"][0]["reason"]
    assert reason.startswith("https://arxiv.org/abs/1703.06114: not found in " + MINICONF)
    web = lambda url: [url, "noreferrer", "_blank"]  # noqa: E731
    assert papers == [  # in the post's order: the paper cited in prose first, greyed with why
        {"title": "https://arxiv.org/abs/1703.06114", "talk": None, "how": None, "greyed": True,
         "why": reason.removeprefix("https://arxiv.org/abs/1703.06114: "), "paper": web("https://arxiv.org/abs/1703.06114")},
        {"title": talks["miniconf"].title, "talk": talk_href(keys["miniconf"]), "how": "matched by id", "why": None,
         "paper": web(pmlr_pdf(talks["miniconf"])), "greyed": False},
        {"title": talks["cdn"].title, "talk": talk_href(keys["cdn"]), "how": "matched by id", "why": None,
         "paper": web(pmlr_pdf(talks["cdn"])), "greyed": False},
        {"title": talks["neurips-1"].title, "talk": talk_href(keys["neurips-1"]), "how": "the post links the talk",
         "why": None, "paper": web(talks["neurips-1"].url), "greyed": False},
        {"title": talks["neurips-2"].title, "talk": talk_href(keys["neurips-2"]), "how": "the post links the talk",
         "why": None, "paper": web(talks["neurips-2"].url), "greyed": False},
    ]  # fmt: skip

    # a paper opens its talk: the video is that talk's file, and the view leads back to the list
    miniconf = talk_of(lists_index, talks["miniconf"].url)
    browser.find_element(By.LINK_TEXT, talks["miniconf"].title).click()
    wait(browser, lambda d: video_ready(d, 1), "the video's metadata")
    assert fragment(browser) == talk_href(keys["miniconf"])[1:]
    assert file_of(video_prop(browser, "src")) == listed / miniconf["video"]
    back = browser.find_element(By.CSS_SELECTOR, "#talk-view .back a")
    assert (back.text, back.get_attribute("href").split("#")[1]) == (f"← {POST_TITLE}", "list=1")
    within = browser.find_elements(By.CSS_SELECTOR, "#talk-view .in-lists a")
    assert [(a.text, a.get_attribute("href").split("#")[1]) for a in within] == [(POST_TITLE, "list=1")]

    press(browser, Keys.ESCAPE)  # back to the list it came from, at the paper it opened
    on_view(browser, "collection-view")
    assert fragment(browser) == "list=1" and focused_text(browser) == talks["miniconf"].title
    assert video_prop(browser, "src") is None  # the talk's video was let go
    browser.back()  # the browser's history holds every view
    wait(browser, lambda d: video_ready(d, 1), "the talk again")
    browser.find_element(By.CSS_SELECTOR, "#talk-view .in-lists a").click()
    on_view(browser, "collection-view")
    press(browser, Keys.ESCAPE)  # from a list to the talks, at that list's link
    on_view(browser, "list-view")
    assert fragment(browser) == "" and focused_text(browser) == POST_TITLE
    browser.back()
    on_view(browser, "collection-view")
    browser.find_element(By.CSS_SELECTOR, ".bar h1 a").click()  # the header leads to the talks too
    on_view(browser, "list-view")
    browser.back()
    on_view(browser, "collection-view")
    press(browser, "/")  # search, from a list as from a talk
    assert browser.switch_to.active_element.get_attribute("id") == "search" and fragment(browser) == ""
    assert console_errors(browser) == []


def test_two_lists_are_two_pages_and_a_greyed_paper_says_why(
    browser: WebDriver, listed: Path, lists_index: dict[str, Any], world: World
) -> None:
    talks = world.talks
    cdn, failed = (talk_of(lists_index, talks[n].url) for n in ("cdn", "no-video"))
    assert failed["status"] == "failed" and failed["error"]
    open_page(browser, listed / "index.html", "#list=2")
    on_view(browser, "collection-view")
    heading = browser.find_element(By.CSS_SELECTOR, "#collection-view h2")
    assert heading.text == PICKS_TITLE and not heading.find_elements(By.TAG_NAME, "a")  # a file: post is not linked
    assert "file://" in browser.find_element(By.CSS_SELECTOR, "#collection-view .meta").text
    papers = shown_papers(browser)
    assert [(p["title"], p["talk"], p["greyed"]) for p in papers] == [
        (talks["cdn"].title, talk_href(cdn["key"]), False),
        (talks["no-video"].title, None, True),
        ("A paper no listing holds", None, True),
    ]
    assert papers[1]["why"] == failed["error"]  # the talk's own failure
    assert papers[2]["why"].startswith("not found in " + MINICONF)
    assert not browser.find_elements(By.CSS_SELECTOR, "#collection-view img, #reading-lists img")

    open_page(browser, listed / "index.html", talk_href(cdn["key"]))  # a talk in both lists, opened by itself
    wait(browser, lambda d: video_ready(d, 1), "the video's metadata")
    within = browser.find_elements(By.CSS_SELECTOR, "#talk-view .in-lists a")
    assert [(a.text, a.get_attribute("href").split("#")[1]) for a in within] == [
        (POST_TITLE, "list=1"),
        (PICKS_TITLE, "list=2"),
    ]
    assert browser.find_element(By.CSS_SELECTOR, "#talk-view .back a").text == "← All talks"  # not from a list
    within[1].click()
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#collection-view h2").text == PICKS_TITLE, "list 2")
    for wrong in ("#list=3", "#list=0", "#list=01", "#list=x"):  # no such list: the talks
        browser.get(browser.current_url.split("#")[0] + wrong)
        on_view(browser, "list-view")
    time.sleep(0.3)  # room for any injected handler to have run
    assert browser.execute_script("return typeof window.pwned") == "undefined"
    assert console_errors(browser) == []


def test_text_and_links_of_a_hostile_list_stay_inert(browser: WebDriver, tmp_path: Path) -> None:
    """Written by hand: markup in every text, script URLs, a paper whose talk failed before it had a key
    (found by its talk page among the talks' source URLs) and one whose talk was never archived."""
    failed = {
        "key": "url:https://x.invalid/poster", "title": "Failed", "source_url": "https://x.invalid/first",
        "source_urls": ["https://x.invalid/first", "https://x.invalid/poster"], "status": "failed",
        "error": "HTTP 500 <i>x</i>", "video": None, "slides": [], "subtitles": [], "collections": [EVIL_TITLE],
    }  # fmt: skip
    papers = [
        {"url": "javascript:window.pwned=1", "title": EVIL_TITLE, "talk_url": "https://x.invalid/poster",
         "talk": None, "method": "title", "score": 96.25, "reason": None, "note": "<b>ids differ</b>"},
        {"url": "https://p.invalid/?a=<2>&b", "title": None, "talk_url": "https://x.invalid/never", "talk": None,
         "method": "id", "score": None, "reason": None, "note": None},
    ]  # fmt: skip
    lists = [{"url": "javascript:window.pwned=2", "title": EVIL_TITLE, "papers": papers}]
    page = render_player({"version": 1, "talks": [failed], "collections": lists})
    assert "<img" not in page.split("<noscript>")[0] and page.count("<script") == 6  # ours only
    (tmp_path / "index.html").write_text(page, encoding="utf-8")

    open_page(browser, tmp_path / "index.html", "#list=1")
    on_view(browser, "collection-view")
    assert browser.find_element(By.CSS_SELECTOR, "#collection-view h2").text == EVIL_TITLE
    shown = shown_papers(browser)
    assert shown == [
        {"title": EVIL_TITLE, "talk": None, "how": "matched by title, 96.2; <b>ids differ</b>",
         "why": "HTTP 500 <i>x</i>", "paper": None, "greyed": True},
        {"title": "https://p.invalid/?a=<2>&b", "talk": None, "how": "matched by id", "why": "not archived yet",
         "paper": ["https://p.invalid/?a=<2>&b", "noreferrer", "_blank"], "greyed": True},
    ]  # fmt: skip
    assert "javascript:window.pwned=1" in browser.find_element(By.CSS_SELECTOR, ".paper-url").text  # as text
    assert not browser.find_elements(By.CSS_SELECTOR, "main img, main b, main i, main a[href^=javascript]")
    browser.get(browser.current_url.split("#")[0] + talk_href(failed["key"]))
    on_view(browser, "talk-view")
    assert browser.find_element(By.CSS_SELECTOR, "#talk-view .in-lists").text == f"In: {EVIL_TITLE}"
    time.sleep(0.3)  # room for any injected handler to have run
    assert browser.execute_script("return typeof window.pwned") == "undefined"
    assert console_errors(browser) == []
