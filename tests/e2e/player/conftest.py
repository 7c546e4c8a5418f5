"""The offline player page (``index.html``) in a real headless Chromium, opened from ``file://``.

The archive is made by the real CLI against the fixture world; the page is then written with
``render_player`` (not through index.py), so these tests check the page itself: the list (search,
sort), the talk view kept in step with the video, the keyboard, and that text from the web stays text.
The page is written with full-text search (``search-data.js`` from ``render_search_data``, after some
known words were put on slides and in a subtitle), as index.py writes it; ``plain.html`` beside it is
the page without search data. One archive and one Chromium serve the whole package.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver

from confarchive.archive.player import SEARCH_DATA_NAME, SearchFile, render_player
from confarchive.archive.serve import make_server
from tests.conftest import run_cli
from tests.e2e.player.kit import (
    CHROMIUM_FLAGS,
    TALKS,
    search_data_of,
    with_search_words,
)
from tests.world import World


@pytest.fixture(scope="package")
def archive(world: World, world_config: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("player") / "archive"
    urls = tmp_path_factory.mktemp("player-input") / "urls.txt"
    urls.write_text("\n".join(world.talks[name].url for name in TALKS) + "\n")
    result = run_cli("archive", "-i", urls, "-o", root, "--config", world_config, "-j", "2")
    assert result.returncode == 1, result.stderr  # the poster without a video fails on purpose
    index = json.loads((root / "index.json").read_text())
    searchable = with_search_words(index, world, root)
    data = search_data_of(searchable, root)
    (root / SEARCH_DATA_NAME).write_text(data, encoding="utf-8")
    page = render_player(searchable, search=SearchFile.of(data))
    (root / "index.html").write_text(page, encoding="utf-8")
    (root / "plain.html").write_text(render_player(index), encoding="utf-8")  # no search data
    return root


@pytest.fixture(scope="package")
def index(archive: Path) -> dict[str, Any]:
    return json.loads((archive / "index.json").read_text())


@pytest.fixture(scope="package")
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


@pytest.fixture
def served(archive: Path) -> Iterator[str]:
    server = make_server(archive)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
