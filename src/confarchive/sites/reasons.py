"""What a page's links say about its video when they are not simply talks: a live stream shared by a
whole session, a platform behind a login that nothing here can read, a page that asks to log in.

Used twice: while a page is read (a live stream is never the page's own talk) and when it holds no
talk (the one-line reason names the platform or the stream, so that the user knows what to do).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from ..core.model import Embed
from .page import Link, Page

# A session's live stream (and its chat or call) is linked from every page of the session: never a talk.
_LIVE = re.compile(r"\blive\b|live-?stream|\bstream(?:ing)?\b|\bzoom\b|\bjoin\b|\bwebinar\b", re.IGNORECASE)
_VIDEO_WORDS = re.compile(r"player|video|lecture|watch|stream|recording|screencast", re.IGNORECASE)
_LOGIN = re.compile(r"/(?:accounts/)?(?:log-?in|sign-?in)\b", re.IGNORECASE)


def is_live(link: Link) -> bool:
    """A link labelled as a live stream, call or session ("Join the live stream", "Live QA")."""
    return bool(link.text and _LIVE.search(link.text))


def _platforms(page: Page, claimed: Callable[[str], Embed | None]) -> list[str]:
    """Hosts of players or video links on the page that no site plugin nor yt-dlp claims."""
    hosts: list[str] = []
    for tag in page.tags("iframe", having="src"):
        url = page.absolute(str(tag["src"]))
        if url is None or claimed(url) is not None:
            continue
        if tag.has_attr("allowfullscreen") or _VIDEO_WORDS.search(url):
            hosts.append(urlsplit(url).netloc)
    for link in page.links():
        if link.furniture or is_live(link) or not (link.text and _VIDEO_WORDS.search(link.text)):
            continue
        if claimed(link.url) is None:
            hosts.append(urlsplit(link.url).netloc)
    return [h for h in dict.fromkeys(hosts) if h and h != page.host]


def _live_streams(page: Page, claimed: Callable[[str], Embed | None]) -> list[str]:
    return [link.url for link in page.links() if is_live(link) and claimed(link.url) is not None]


def _asks_to_log_in(page: Page) -> bool:
    return page.soup.find("input", attrs={"type": "password"}) is not None or any(
        _LOGIN.search(urlsplit(link.url).path) for link in page.links() if not link.furniture
    )


def why_no_video(page: Page, where: str, claimed: Callable[[str], Embed | None]) -> str:
    """The one-line reason a page gave no talk (``where``: what was tried, "static page and browser")."""
    platforms = _platforms(page, claimed)
    if platforms:
        return (
            f"the video of {page.url} is on {', '.join(platforms)}, a platform that needs an account and that "
            "no site plugin or yt-dlp can read; --cookies FILE passes your login only to the sites confarchive "
            "reads (docs/sites.md says how to add one)"
        )
    reason = f"no video found on {page.url} ({where})"
    if live := _live_streams(page, claimed):
        reason += f"; it links only a live stream ({live[0]}), not a talk of its own: give that URL to archive it"
    if _asks_to_log_in(page):
        reason += "; the page asks to log in: pass your browser's cookies with --cookies FILE"
    return reason
