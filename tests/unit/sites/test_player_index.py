"""The host index of yt-dlp's extractors gives the answers that asking every extractor gives.

The table is wide: the player plugin's own URLs, every URL of yt-dlp's own tests for its single-video
extractors, and variants of each that a host index could get wrong (another case, a port, a userinfo,
the host moved into the path, a host that only starts or ends like it).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from confarchive.sites.extractors import ExtractorTable, build, single_video_extractors
from confarchive.sites.hostindex import HostIndex, Unindexable, pattern_hosts, url_keys

from .test_sites import PLAYERS


@pytest.fixture(scope="module")
def extractors() -> tuple[Any, ...]:
    return single_video_extractors()


@pytest.fixture(scope="module")
def table(extractors: tuple[Any, ...]) -> ExtractorTable:
    return build(extractors)


def _variants(url: str) -> list[str]:
    scheme, _, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    return [
        url,  # then what a host index could get wrong:
        f"{scheme}://{host.upper()}{slash}{path}",
        f"{scheme}://{host}:8080{slash}{path}",
        f"{scheme}://user@{host}{slash}{path}",
        f"{scheme}://evil.example/{rest}",
        f"{scheme}://{host}.evil.example{slash}{path}",
        f"{scheme}://x.{host}{slash}{path}",
        f"{scheme}://x{host}{slash}{path}",
    ]


@pytest.fixture(scope="module")
def urls(extractors: tuple[Any, ...]) -> list[str]:
    found = [url for url, _ in PLAYERS]
    for ie in extractors:
        try:
            cases = list(ie.get_testcases(include_onlymatching=True))
        except Exception:  # an extractor's test table that does not load is not this test's subject
            continue
        found += [case["url"] for case in cases if isinstance(case.get("url"), str)]
    http = sorted({u for u in found if u.startswith(("http://", "https://"))})
    # each URL as it is and one of its variants, in turn (asking all ~1,100 extractors costs 2 ms a URL)
    return [v for n, u in enumerate(http) for v in (u, _variants(u)[1 + n % 7])]


def _ask_all(extractors: tuple[Any, ...], url: str) -> tuple[str, str | None] | None:
    for ie in extractors:
        if ie.suitable(url):
            return str(ie.ie_key()), ie.get_temp_id(url)
    return None


def test_the_index_answers_as_asking_every_extractor(
    extractors: tuple[Any, ...], table: ExtractorTable, urls: list[str]
) -> None:
    differ = [(u, a, b) for u in urls if (a := _ask_all(extractors, u)) != (b := table.claim(u))]
    assert not differ, differ[:20]
    originals = urls[::2]
    claimed = sum(1 for u in originals if table.claim(u) is not None)
    assert len(originals) > 3000 and claimed > len(originals) * 0.8  # the table is wide and mostly claimed


def test_most_extractors_are_filed_by_host(table: ExtractorTable) -> None:
    assert len(table.index.always) < len(table.names) * 0.05, sorted(table.names[p] for p in table.index.always)


def test_a_conference_page_needs_no_extractor(table: ExtractorTable) -> None:
    for url in ("https://iclr.cc/virtual_2020/poster_x.html", "http://www.openreview.net/pdf?id=x"):
        assert table.index.candidates(url) == []


@pytest.mark.parametrize(
    ("pattern", "keys"),
    [
        (r"https?://(?:www\.)?example\.com/(?P<id>\d+)", {"example.com", "www.example.com"}),
        (r"https?://(?:[^/]+\.)?example\.com/", {"example.com"}),
        (
            r"(?:https?://)?(?:www\.)?example\.(?:com|org)(?::\d+)?/",
            {f"{w}example.{t}" for w in ("", "www.") for t in ("com", "org")},
        ),
        (r"https?://.+?\.ign\.com/", {"ign.com"}),  # a free part may cross "/": every piece of a URL is looked up
        (r"(?i)HTTPS?://Example\.COM$", {"example.com"}),
        (r"https?://(?P<user>[^/]+)\.bandcamp\.com/", {"bandcamp.com"}),
        (r"https?://[a-z]*vimeo\.com/", {"com"}),  # "xvimeo.com": only "com" is a whole label for sure
        (r"anvato:(?P<id>\d+)", set()),  # no http(s) URL can match
        (r"(?:https?://example\.com/)?(?P<id>[0-9A-Za-z_-]{11})", {"example.com"}),  # a bare id never starts "http"
    ],
)
def test_pattern_hosts(pattern: str, keys: set[str]) -> None:
    assert pattern_hosts(pattern) == keys


@pytest.mark.parametrize(
    "pattern",
    [
        r"https?://(?:www\.)?example\.com",  # the host may go on: example.com.evil.org
        r"https?://(?:www\.)?bandlab.com/",  # "." is any character: no whole label is known
        r"https?://[^/]+/player/",  # any host
        r".*://example\.com/",  # "https://evil.org/x://example.com/" matches it
    ],
)
def test_patterns_that_cannot_be_filed(pattern: str) -> None:
    with pytest.raises(Unindexable):
        pattern_hosts(pattern)


def test_url_keys_cut_every_piece() -> None:
    keys = url_keys("https://WWW.Example.com:8080/a.b/c?d#e")
    assert keys is not None and {"www.example.com", "example.com", "com", "8080", "a.b", "b", "c", "d", "e"} <= set(
        keys
    )
    assert url_keys("ftp://example.com/") is None


def test_an_index_kept_on_disk_is_the_same_index(table: ExtractorTable) -> None:
    again = HostIndex.from_json(table.index.to_json())
    for url in ("https://vimeo.com/1", "https://youtu.be/dQw4w9WgXcQ", "https://example.org/x"):
        assert again.candidates(url) == table.index.candidates(url)


CHILD = """
import sys
from confarchive.sites.extractors import extractor_table
table = extractor_table()
print(table.claim(sys.argv[1]), "yt_dlp" in sys.modules)
"""


def test_a_kept_index_answers_a_conference_url_without_importing_yt_dlp(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}

    def run(url: str) -> str:
        return subprocess.run(
            [sys.executable, "-c", CHILD, url], env=env, capture_output=True, text=True, check=True
        ).stdout

    assert run("https://iclr.cc/virtual_2020/poster_1.html") == "None True\n"  # the first process builds it
    assert list((tmp_path / "confarchive").glob("ytdlp-hosts-*.json"))
    assert run("https://iclr.cc/virtual_2020/poster_1.html") == "None False\n"  # then it is read, yt-dlp untouched
    assert run("https://vimeo.com/900000020") == "('Vimeo', '900000020') True\n"
