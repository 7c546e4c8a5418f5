"""GETs sent through the session's pools (core/pooled.py) carry what requests would have sent: the session's
headers and cookies, the cookies an answer sets (netrc credentials: test_net.py, whose GETs go the same
way); redirects are followed by requests from the first answer, and proxies still go through requests."""

from __future__ import annotations

from pathlib import Path

import pytest

from confarchive.core.net import Http
from confarchive.core.settings import NetworkSettings, Rewrite
from confarchive.fetch.resumable import download
from tests.world import Request, Response, World

HOST = "acl.fixture.invalid"


def _client(world: World) -> Http:
    return Http(NetworkSettings(backoff_s=0.01, retries=2), tuple(Rewrite(p, r) for p, r in world.rewrites()))


def _serving(seen: list[Request], answers: dict[str, Response]):
    def hook(req: Request) -> Response | None:
        if req.host == HOST and req.path in answers:
            seen.append(req)
            return answers[req.path]
        return None

    return hook


def test_headers_and_cookies_both_ways(world: World, hooks: list, tmp_path: Path) -> None:
    seen: list[Request] = []
    answers = {
        "/f/1.bin": Response(
            body=b"1" * 100, content_type="application/octet-stream", headers={"Set-Cookie": "cdn=signed; Path=/f"}
        ),
        "/f/2.bin": Response(body=b"2" * 100, content_type="application/octet-stream"),
        "/g/3.bin": Response(body=b"3" * 100, content_type="application/octet-stream"),
    }
    hooks.append(_serving(seen, answers))
    client = _client(world)
    client.session.cookies.set("session", "abc", domain=HOST, path="/")  # as a page's answer would have set it
    try:
        for name in answers:
            download(client, f"https://{HOST}{name}", tmp_path / name.replace("/", "_"), what="a file",
                     headers={"Referer": "https://talks.example.org/1"})  # fmt: skip
    finally:
        client.close()
    assert [(tmp_path / n.replace("/", "_")).read_bytes() for n in answers] == [a.body for a in answers.values()]
    cookies = [r.headers.get("cookie") for r in seen]
    assert cookies == ["session=abc", "cdn=signed; session=abc", "session=abc"]  # the path rule holds
    assert {r.headers.get("user-agent") for r in seen} == {NetworkSettings().user_agent}
    assert {r.headers.get("referer") for r in seen} == {"https://talks.example.org/1"}
    assert {r.headers.get("accept-encoding") for r in seen} == {"identity"}


def test_redirects_are_followed_from_the_first_answer_without_asking_twice(
    world: World, hooks: list, tmp_path: Path
) -> None:
    seen: list[Request] = []
    moved = {f"/old/{n}.bin": Response(302, headers={"Location": f"/new/{n}.bin", "Set-Cookie": f"hop={n}; Path=/"})
             for n in (1, 2)}  # fmt: skip
    binary = "application/octet-stream"
    files = {f"/new/{n}.bin": Response(body=bytes([n]) * 50, content_type=binary) for n in (1, 2)}
    hooks.append(_serving(seen, moved | files))
    client = _client(world)
    try:
        for n in (1, 2):
            download(client, f"https://{HOST}/old/{n}.bin", tmp_path / f"{n}.bin", what="a file")
    finally:
        client.close()
    assert [(tmp_path / f"{n}.bin").read_bytes() for n in (1, 2)] == [bytes([n]) * 50 for n in (1, 2)]
    assert [r.path for r in seen] == ["/old/1.bin", "/new/1.bin", "/old/2.bin", "/new/2.bin"]
    assert [r.headers.get("cookie") for r in seen] == [None, "hop=1", "hop=1", "hop=2"]  # a hop's cookie is sent on


def test_a_proxy_of_the_environment_or_a_url_that_is_not_ascii_goes_through_requests(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY"):  # the rewritten URL is http: the http proxy is what applies
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = _client(world)
    try:
        proxied = f"https://{HOST}/f/1.bin"
        assert client.pooled.get(proxied, client.rewriter(proxied), None) is None  # nothing sent
        monkeypatch.delenv("HTTP_PROXY")
        monkeypatch.delenv("HTTPS_PROXY")
        plain = _client(world)
        named = f"https://{HOST}/f/caf\u00e9.bin"
        assert plain.pooled.get(named, plain.rewriter(named), None) is None
        plain.close()
    finally:
        client.close()


def test_a_get_after_yt_dlp_replaced_requests_proxy_selection(world: World, hooks: list, tmp_path: Path) -> None:
    """yt-dlp's requests handler, imported when a talk needs yt-dlp, swaps ``requests.adapters.select_proxy``
    for its own for the rest of the process; every GET after it must still work."""
    import requests.adapters
    import yt_dlp.networking._requests  # noqa: F401  (what importing yt-dlp's requests handler does)

    assert requests.adapters.select_proxy.__module__.startswith("yt_dlp")
    hooks.append(_serving([], {"/f/after.bin": Response(body=b"ok", content_type="application/octet-stream")}))
    client = _client(world)
    try:
        download(client, f"https://{HOST}/f/after.bin", tmp_path / "after.bin", what="a file")
    finally:
        client.close()
    assert (tmp_path / "after.bin").read_bytes() == b"ok"


def test_the_adapter_is_asked_for_a_pool_once_per_origin_and_again_after_it_closed_it(
    world: World, hooks: list, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asking the adapter rebuilds the pool's key and TLS context for every GET; the pool is kept per
    origin instead, and one that has been closed since is asked for again."""
    from requests.adapters import HTTPAdapter

    asked: list[str] = []
    original = HTTPAdapter.get_connection_with_tls_context

    def counting(self: HTTPAdapter, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(request.url)
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(HTTPAdapter, "get_connection_with_tls_context", counting)
    files = {f"/f/{n}.bin": Response(body=bytes([n]) * 50, content_type="application/octet-stream") for n in range(4)}
    hooks.append(_serving([], files))
    client = _client(world)
    try:
        for name in list(files)[:3]:
            download(client, f"https://{HOST}{name}", tmp_path / name.replace("/", "_"), what="a file")
        assert len(asked) == 1
        manager = client.session.get_adapter(f"https://{HOST}/").poolmanager
        dropped = [manager.pools[key] for key in manager.pools.keys()]  # noqa: SIM118 (it refuses iter())
        manager.clear()
        for pool in dropped:
            pool.close()  # as urllib3 1.26's manager does to the pools it drops
        download(client, f"https://{HOST}/f/3.bin", tmp_path / "_f_3.bin", what="a file")
    finally:
        client.close()
    assert len(asked) == 2
    assert [(tmp_path / n.replace("/", "_")).read_bytes() for n in files] == [a.body for a in files.values()]
