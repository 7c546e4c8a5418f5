"""The network boundary against real HTTP: retries, Retry-After, rewrites on every redirect hop,
refusal of HTML where a binary is expected, the per-host connection limit."""

from __future__ import annotations

import base64
import gzip
import threading
import time
import zlib

import pytest

from confarchive.core.errors import FetchError
from confarchive.core.net import Http
from confarchive.core.settings import NetworkSettings, Rewrite
from tests.world import Request, Response, World

HOST = "acl.fixture.invalid"


def _flaky(path: str, failures: list[Response]) -> callable:
    def hook(req: Request) -> Response | None:
        if req.host == HOST and req.path == path:
            return failures.pop(0) if failures else Response(body=b"finally")
        return None

    return hook


def test_5xx_then_success_is_retried(world: World, http: Http, hooks: list) -> None:
    hooks.append(_flaky("/flaky", [Response(503, b"busy"), Response(502, b"bad gateway")]))
    assert http.get(f"https://{HOST}/flaky").content == b"finally"
    assert world.state.requests[f"/{HOST}/flaky"] == 3


def test_retry_after_is_honoured(world: World, http: Http, hooks: list) -> None:
    hooks.append(_flaky("/slow-down", [Response(429, b"", headers={"Retry-After": "1"})]))
    started = time.monotonic()
    assert http.get(f"https://{HOST}/slow-down").content == b"finally"
    assert time.monotonic() - started >= 0.9
    assert world.state.requests[f"/{HOST}/slow-down"] == 2


def test_persistent_failure_names_status_and_url(world: World, http: Http, hooks: list) -> None:
    hooks.append(_flaky("/down", [Response(503, b"")] * 10))
    with pytest.raises(FetchError, match=rf"HTTP 503 for https://{HOST}/down"):
        http.get(f"https://{HOST}/down")
    assert world.state.requests[f"/{HOST}/down"] == 4  # the first try and 3 retries


def test_redirects_are_rewritten_on_every_hop_and_reported_logically(world: World, http: Http, hooks: list) -> None:
    target = world.talks["miniconf"]

    def redirects(req: Request) -> Response | None:
        if req.host == HOST and req.path == "/hop1":  # absolute Location on another logical host
            return Response(302, b"", headers={"Location": f"https://{target.page_host}/hop2"})
        if req.host == target.page_host and req.path == "/hop2":  # relative Location
            return Response(301, b"", headers={"Location": target.page_path})
        return None

    hooks.append(redirects)
    response = http.get(f"https://{HOST}/hop1")
    assert response.url == target.url
    assert target.title.split('"')[0] in response.text
    assert world.state.requests[f"/{target.page_host}{target.page_path}"] == 1


def test_html_is_refused_where_an_image_is_expected(world: World, http: Http, hooks: list) -> None:
    hooks.append(_flaky("/slide.png", [Response(200, b"<html>login</html>", "text/html")]))
    with (
        pytest.raises(FetchError, match="got an HTML page instead of a slide image"),
        http.stream(f"https://{HOST}/slide.png", refuse_html=True, what="a slide image"),
    ):
        pass


def test_oversized_response_is_refused(world: World, http: Http, hooks: list) -> None:
    hooks.append(_flaky("/big", [Response(200, b"x" * 5000)]))
    with pytest.raises(FetchError, match="larger than 1000 bytes"):
        http.get(f"https://{HOST}/big", max_bytes=1000)


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_compressed_page_is_read_as_its_text(world: World, http: Http, hooks: list, encoding: str) -> None:
    """Servers compress pages when the request offers it (requests offers gzip and deflate at least), and
    the body is read from the raw stream: it must come back decoded, within the size cap of its text."""
    html = "<html><head><title>Caf\u00e9 talks</title></head><body>" + "<p>slides</p>" * 400 + "</body></html>"
    packed = gzip.compress(html.encode()) if encoding == "gzip" else zlib.compress(html.encode())
    page = Response(200, packed, content_type="text/html; charset=utf-8", headers={"Content-Encoding": encoding})
    hooks.append(_flaky("/compressed", [page, page]))
    got = http.get(f"https://{HOST}/compressed")
    assert got.text == html and len(packed) < len(html) // 10
    with pytest.raises(FetchError, match="larger than 1000 bytes"):  # the cap counts the text, not the wire
        http.get(f"https://{HOST}/compressed", max_bytes=1000)


def test_per_host_connection_limit_holds_across_threads(world: World, hooks: list) -> None:
    lock = threading.Lock()
    active = peak = 0

    def slow(req: Request) -> Response | None:
        nonlocal active, peak
        if req.host != HOST or not req.path.startswith("/limited"):
            return None
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.1)
        with lock:
            active -= 1
        return Response(body=b"ok")

    hooks.append(slow)
    client = Http(NetworkSettings(per_host_connections=2), tuple(Rewrite(p, r) for p, r in world.rewrites()))
    threads = [threading.Thread(target=client.get, args=(f"https://{HOST}/limited/{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    client.close()
    assert peak == 2


def test_netrc_credentials_are_sent_to_their_host_and_the_file_is_read_once_per_host(
    world: World, hooks: list, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine {HOST} login reader password s3cret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    seen: list[tuple[str, str | None]] = []

    def record(req: Request) -> Response | None:
        if req.path.startswith("/private"):
            seen.append((req.host, req.headers.get("authorization")))
            return Response(body=b"ok")
        return None

    hooks.append(record)
    client = Http(NetworkSettings(), tuple(Rewrite(p, r) for p, r in world.rewrites()))
    try:
        client.get(f"https://{HOST}/private/1")
        netrc.write_text(f"machine {HOST} login other password changed\n")  # a run reads it once per host
        client.get(f"https://{HOST}/private/2")
        client.get("https://iclr.fixture.invalid/private/3")  # a host it names nothing for
    finally:
        client.close()
    basic = "Basic " + base64.b64encode(b"reader:s3cret").decode()
    assert seen == [(HOST, basic), (HOST, basic), ("iclr.fixture.invalid", None)]
