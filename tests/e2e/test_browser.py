"""The browser boundary with a real headless Chromium against the fixture world: URL rewrites inside
Chromium (scripts, XHR, cross-origin iframes, redirects), cookies by logical domain, crash recovery,
timeouts and cleanup."""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
from collections.abc import Iterator
from http.cookiejar import Cookie, CookieJar

import psutil
import pytest

from confarchive.browser.chromium import Browser
from confarchive.core.errors import ConfarchiveError, MissingToolError
from confarchive.core.net import Rewriter
from confarchive.core.settings import Rewrite, ToolSettings
from tests.conftest import require_or_skip
from tests.world import Request, Response, World
from tests.world.server import Route

pytestmark = pytest.mark.e2e
TOOLS = ToolSettings()
HOST = "acl.fixture.invalid"
HTML = "text/html; charset=utf-8"
LOG = logging.getLogger("test_browser")


@pytest.fixture(autouse=True)
def _chromium_installed() -> None:
    present = os.access(TOOLS.chromium, os.X_OK) and os.access(TOOLS.chromedriver, os.X_OK)
    require_or_skip(present, "chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")


def _browser(world: World, cookies: CookieJar | None = None, timeout_s: float = 30) -> Browser:
    rewriter = Rewriter(tuple(Rewrite(p, r) for p, r in world.rewrites()))
    return Browser(TOOLS.chromium, TOOLS.chromedriver, rewriter, cookies, LOG, page_load_timeout_s=timeout_s)


@pytest.fixture(scope="module")
def jar() -> CookieJar:
    return CookieJar()


@pytest.fixture(scope="module")
def browser(world: World, jar: CookieJar) -> Iterator[Browser]:
    with _browser(world, jar) as b:
        yield b


@pytest.fixture
def routes(world: World) -> Iterator[dict[str, Route | Response]]:
    """Routes of this test, keyed by logical path (``/host/path``); removed afterwards."""
    table: dict[str, Route | Response] = {}

    def hook(req: Request) -> Response | None:
        answer = table.get(req.key)
        return answer(req) if callable(answer) else answer

    world.state.reset()
    world.state.hooks.append(hook)
    yield table
    world.state.hooks.remove(hook)


def _page(body: str) -> Response:
    return Response(
        body=f"<!DOCTYPE html><html><head><title>t</title></head><body>{body}</body></html>".encode(), content_type=HTML
    )


def _children(pid: int) -> set[int]:
    return {p.pid for p in psutil.Process(pid).children()}


def _running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_script_inserted_cross_origin_iframe_is_rewritten(world: World, browser: Browser, routes: dict) -> None:
    pid = world.talks["iclr"].pid
    routes[f"/{HOST}/data.json"] = Response(body=json.dumps({"pid": pid}).encode(), content_type="application/json")
    routes[f"/{HOST}/js-poster.html"] = _page(
        "<div id='player'></div><script>"
        f"fetch('https://{HOST}/data.json').then(r => r.json()).then(d => {{"
        " const f = document.createElement('iframe');"
        " f.src = 'https://slideslive.com/embed/presentation/' + d.pid;"
        " document.getElementById('player').appendChild(f); });"
        "</script>"
    )
    page = browser.render(f"https://{HOST}/js-poster.html")

    embed = f"https://slideslive.com/embed/presentation/{pid}"
    assert page.url == f"https://{HOST}/js-poster.html"
    assert page.iframe_srcs == (embed,)
    assert f'data-presentation-id="{pid}"' in page.frames_html[0]  # the fixture embed page, read inside the frame
    assert f'src="{embed}"' in page.html
    for path in (f"/{HOST}/js-poster.html", f"/{HOST}/data.json", f"/slideslive.com/embed/presentation/{pid}"):
        assert world.state.requests[path] >= 1, path
    assert world.state.requests["/slideslive.com/assets/player.js"] >= 1  # loaded by the cross-origin frame
    assert {f"https://{HOST}/data.json", embed, "https://slideslive.com/assets/player.js"} <= set(page.network_urls)
    assert not [u for u in page.network_urls if u.startswith(world.base)]  # logical URLs only


def test_external_script_from_another_host_inserts_the_player(world: World, browser: Browser, routes: dict) -> None:
    talk = world.talks["iclr"]  # the fixture's real ICLR poster page, with SlidesLive's embed script
    routes["/slideslive.com/embed_presentation.js"] = Response(
        body=b"function SlidesLiveEmbed(id, o) { const f = document.createElement('iframe');"
        b" f.src = 'https://slideslive.com/embed/presentation/' + o.presentationId;"
        b" document.getElementById(id).appendChild(f); }",
        content_type="text/javascript",
    )
    page = browser.render(talk.url)
    player = f"https://slideslive.com/embed/presentation/{talk.pid}"
    assert page.iframe_srcs == (player, f"https://chat.fixture.invalid/channel/{talk.forum}?layout=embedded")
    assert world.state.requests["/slideslive.com/embed_presentation.js"] == 1
    assert world.state.requests[f"/slideslive.com/embed/presentation/{talk.pid}"] >= 1
    assert f'data-presentation-id="{talk.pid}"' in page.frames_html[0]


def test_cookie_is_chosen_by_logical_domain(world: World, browser: Browser, jar: CookieJar, routes: dict) -> None:
    def members(req: Request) -> Response:
        if "sessionid=abc" in req.headers.get("cookie", ""):
            return _page("<h1>Members only talk</h1>")
        return _page("<form id='login'>Please log in</form>")

    routes[f"/{HOST}/members.html"] = members
    assert "Please log in" in browser.render(f"https://{HOST}/members.html").html
    jar.set_cookie(
        Cookie(0, "sessionid", "abc", None, False, HOST, False, False, "/", True, False, None, True, None, None, {})
    )
    try:
        assert "Members only talk" in browser.render(f"https://{HOST}/members.html").html
    finally:
        jar.clear()


def test_missing_chromium_says_how_to_install_and_nothing_starts(world: World) -> None:
    before = _children(os.getpid())
    lazy = _browser(world)
    assert lazy.pids() == () and lazy.profile_dir is None
    lazy.close()  # closing a browser that never started is fine
    browser = Browser("/nonexistent/chromium", TOOLS.chromedriver, Rewriter(()), None, LOG)
    with pytest.raises(MissingToolError, match=r"sudo apt-get install -y chromium chromium-driver"):
        browser.render(f"https://{HOST}/anything.html")
    browser = Browser(TOOLS.chromium, "/nonexistent/chromedriver", Rewriter(()), None, LOG)
    with pytest.raises(MissingToolError, match="chromedriver"):
        browser.render(f"https://{HOST}/anything.html")
    assert _children(os.getpid()) == before  # nothing was started, not even chromedriver


def test_crashed_browser_is_restarted_and_the_page_retried(world: World, browser: Browser, routes: dict) -> None:
    browser.render(f"https://{HOST}/warm-up")  # make sure this test kills a running browser
    old_profile = browser.profile_dir
    killed: list[int] = []

    def crash_first_time(req: Request) -> Response:
        if not killed:
            killed.extend(browser.pids()[1:])  # Chromium and its helpers, not chromedriver
            for pid in killed:
                os.kill(pid, signal.SIGKILL)
        return _page("<video src='https://media.fixture.invalid/talks/1.mp4'></video>")

    routes[f"/{HOST}/crash.html"] = crash_first_time
    page = browser.render(f"https://{HOST}/crash.html")
    assert killed
    assert world.state.requests[f"/{HOST}/crash.html"] >= 2
    assert "<video" in page.html and page.url == f"https://{HOST}/crash.html"
    assert not set(killed) & set(browser.pids())
    assert old_profile is not None and not old_profile.exists() and browser.profile_dir != old_profile


def test_a_browser_belongs_to_one_thread(browser: Browser) -> None:
    browser.render("about:blank", wait_s=1)
    errors: list[BaseException] = []

    def other() -> None:
        try:
            browser.render("about:blank", wait_s=1)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert len(errors) == 1 and isinstance(errors[0], RuntimeError) and "per worker thread" in str(errors[0])


def test_close_removes_profile_and_processes(world: World, routes: dict) -> None:
    routes[f"/{HOST}/plain.html"] = _page("<p>plain</p>")
    with _browser(world) as browser:
        assert browser.profile_dir is None  # lazy
        assert "plain" in browser.render(f"https://{HOST}/plain.html").html
        profile, pids = browser.profile_dir, browser.pids()
        assert profile is not None and profile.is_dir() and len(pids) >= 2
    assert not profile.exists()
    assert not [p for p in pids if _running(p)]
    browser.close()  # twice is fine


def test_page_load_timeout_names_the_url(world: World, routes: dict) -> None:
    release = threading.Event()

    def never(req: Request) -> Response:
        release.wait(10)
        return _page("too late")

    routes[f"/{HOST}/never.html"] = never
    try:
        with _browser(world, timeout_s=1.5) as browser, pytest.raises(ConfarchiveError) as err:
            browser.render(f"https://{HOST}/never.html")
    finally:
        release.set()
    assert f"https://{HOST}/never.html" in str(err.value) and "timed out" in str(err.value)


def test_redirects_and_referer_stay_logical(world: World, browser: Browser, routes: dict) -> None:
    locked = world.talks["locked"]  # its embed answers only pages of its allowed domain (by Referer)
    allowed = locked.domain_lock
    routes[f"/{allowed}/old"] = Response(302, headers={"Location": "/talk?id=1"})
    routes[f"/{allowed}/talk"] = _page(
        f"<iframe src='https://slideslive.com/embed/presentation/{locked.pid}'></iframe>"
    )
    page = browser.render(f"https://{allowed}/old")
    assert page.url == f"https://{allowed}/talk?id=1"
    assert world.state.requests[f"/{allowed}/talk"] == 1
    assert (
        "cannot be embedded" not in page.frames_html[0]
        and f'data-presentation-id="{locked.pid}"' in page.frames_html[0]
    )
