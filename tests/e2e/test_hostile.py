"""Hostile networks and bad data, one fault at a time: the run finishes, the affected talk is either
archived correctly or failed with a one-line reason naming the cause, the other talk is unaffected,
nothing partial sits under a final name, and the exit code says whether anything failed."""

from __future__ import annotations

import io
import json
import re
import threading
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import run_cli
from tests.world import Request, Response, World

pytestmark = pytest.mark.e2e

PID = "99000105"  # the "unquoted" talk: JSON slides (2), a direct .m4a, an ACL page
SLIDE = "/{pid}/slides/original/F{pid}__16378634__{n:04d}__Adfi.png"
Hook = Callable[[Request], Response | None]


def _slide_path(n: int) -> str:
    return SLIDE.format(pid=PID, n=n)


def _once(match: Callable[[Request], bool], answers: list[Response]) -> Hook:
    """Answer the first requests that ``match`` with ``answers``, then let the world answer."""
    lock = threading.Lock()

    def hook(req: Request) -> Response | None:
        if match(req):
            with lock:
                if answers:
                    return answers.pop(0)
        return None

    return hook


def _always(match: Callable[[Request], bool], answer: Callable[[Request], Response]) -> Hook:
    return lambda req: answer(req) if match(req) else None


def _is(host: str, path: str) -> Callable[[Request], bool]:
    return lambda req: req.host == host and req.path == path


def _slides_json(entries: list[tuple[int, int]]) -> Response:
    slides = [{"type": "image", "time": t, "image": {"name": f"F{PID}__16378634__{n:04d}__Adfi"}} for t, n in entries]
    return Response(body=json.dumps({"slides": slides}).encode(), content_type="application/json")


def _png_bomb() -> bytes:
    """A valid small PNG whose header claims 100000 x 100000 pixels."""
    out = io.BytesIO()
    Image.new("L", (1, 1)).save(out, format="PNG")
    data = bytearray(out.getvalue())
    data[16:24] = (100_000).to_bytes(4, "big") + (100_000).to_bytes(4, "big")
    data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")  # a valid chunk: only the size lies
    return bytes(data)


def _video_only(world: World) -> bytes:
    return (world.clip_path(world.talks["video-slides"], 3).parent / "video" / "seg_000.ts").read_bytes()


SLIDES_HOST = "slides.slideslive.com"
MEDIA = ("media.fixture.invalid", f"/talks/{PID}.m4a")
PLAYER = ("slideslive.com", f"/player/{PID}")
JSON_PATH = (SLIDES_HOST, f"/{PID}/v5/slides.json")
XML_PATH = (SLIDES_HOST, f"/{PID}/{PID}.xml")
ANY_SLIDE_1 = lambda req: req.path.endswith("__0001__Adfi.png") and PID in req.path  # noqa: E731

# id, hooks (given the world), extra config, expected status of the talk, regex its error must match
CASES: list[tuple[str, Callable[[World], list[Hook]], str, str, str | None]] = [
    ("5xx-then-success", lambda w: [_once(_is(SLIDES_HOST, _slide_path(1)), [Response(503), Response(502), Response(500)])], "", "done", None),
    ("429-retry-after", lambda w: [_once(_is(*PLAYER), [Response(429, headers={"Retry-After": "1"})])], "", "done", None),
    ("reset-mid-body", lambda w: [_once(_is(SLIDES_HOST, _slide_path(2)), [Response(body=w.slide_bytes(w.talks["unquoted"], 2), content_type="image/png", stall_after=3000, release=_set(), abort_after_stall=True)])], "", "done", None),
    ("media-shorter-than-announced", lambda w: [_once(_is(*MEDIA), [Response(file=w.media_path(w.talks["unquoted"]), content_type="audio/mp4", stall_after=20_000, release=_set(), abort_after_stall=True)])], "", "done", None),
    ("trickle", lambda w: [_always(ANY_SLIDE_1, lambda r: Response(body=b"\x89PNG" * 200, content_type="image/png", trickle_s=0.2))], "[network]\nmin_bytes_per_s = 1000.0\nslow_window_s = 1.0\ntimeout_s = 3.0", "failed", r"slide 1: no image from any host .*too slow"),
    ("html-200-instead-of-an-image", lambda w: [_always(_is(SLIDES_HOST, _slide_path(1)), lambda r: Response(body=b"<html>login</html>", content_type="text/html"))], "", "done", None),
    ("html-200-instead-of-a-playlist", lambda w: [_always(lambda r: r.path.endswith("/master.m3u8") and "99000101" in r.path, lambda r: Response(body=b"<html>maintenance</html>", content_type="text/html"))], "", "failed-iclr", r"got an HTML page instead of an HLS playlist from https://yoda-1\.fixture\.invalid/Y99000101_fx/master\.m3u8"),
    ("token-expired", lambda w: [_once(_is(*PLAYER), [Response(401, b'{"error":"token expired"}', "application/json")])], "", "done", None),
    ("player-without-slides-urls", lambda w: [_strip_slides_urls(w)], "", "done", None),
    ("empty-slides", lambda w: [_always(_is(*JSON_PATH), lambda r: _slides_json([]))], "", "done-no-slides", None),
    ("no-slides-at-all", lambda w: [_always(lambda r: (r.host, r.path) in (JSON_PATH, XML_PATH), lambda r: Response(404))], "", "done-no-slides", None),
    ("times-negative-duplicated-unsorted-beyond-the-end", lambda w: [_always(_is(*JSON_PATH), lambda r: _slides_json([(4500, 2), (-300, 1), (4500, 2), (60_000, 1)]))], "", "done", None),
    ("not-an-image", lambda w: [_always(ANY_SLIDE_1, lambda r: Response(body=b"GIF89a-not-really", content_type="image/png"))], "", "failed", r"slide 1: no image from any host .*not a decodable image"),
    ("truncated-image", lambda w: [_always(ANY_SLIDE_1, lambda r: Response(body=w.slide_bytes(w.talks["unquoted"], 1)[:2000], content_type="image/png"))], "", "failed", r"slide 1: no image from any host .*not a decodable image"),
    ("decompression-bomb", lambda w: [_always(ANY_SLIDE_1, lambda r: Response(body=_png_bomb(), content_type="image/png"))], "", "failed", r"decompression bomb, refused"),
    ("media-without-audio", lambda w: [_always(_is(*MEDIA), lambda r: Response(body=_video_only(w), content_type="audio/mp4"))], "", "failed", r"has no audio stream"),
    ("zero-length-media", lambda w: [_always(_is(*MEDIA), lambda r: Response(body=b"", content_type="audio/mp4"))], "", "failed", r"media"),
    ("oversized-page", lambda w: [_always(_is("emnlp.fixture.invalid", "/livestream.html"), lambda r: Response(body=b"<html>" + b" " * 200_000, content_type="text/html"))], "[network]\nmax_page_bytes = 100000", "failed", r"larger than 100000 bytes"),
]  # fmt: skip


def _set() -> threading.Event:
    event = threading.Event()
    event.set()
    return event


def _strip_slides_urls(world: World) -> Hook:
    """The player answer without its SLIDES-JSON/XML lines: the default URL templates must be used."""

    def hook(req: Request) -> Response | None:
        if (req.host, req.path) != PLAYER:
            return None
        original = world._slideslive._player(req, world.talks["unquoted"])
        text = "\n".join(line for line in original.body.decode().splitlines() if "SLIDES-" not in line)
        return Response(body=text.encode(), content_type=original.content_type)

    return hook


@pytest.mark.parametrize(("case", "hooks", "config", "expected", "error"), CASES, ids=[c[0] for c in CASES])
def test_one_fault_at_a_time(
    world: World, world_config: Path, tmp_path: Path, case: str, hooks, config: str, expected: str, error: str | None
) -> None:
    affected = world.talks["iclr" if expected == "failed-iclr" else "unquoted"]
    control = world.talks["embed"]
    conf = tmp_path / "config.toml"
    conf.write_text(world_config.read_text() + "\n" + config + "\n")
    installed = hooks(world)
    world.state.hooks.extend(installed)
    try:
        root = tmp_path / "archive"
        result = run_cli("archive", affected.url, control.url, "-o", root, "--config", conf, "--no-browser")
    finally:
        for hook in installed:
            world.state.hooks.remove(hook)
    assert (root / "index.json").is_file(), result.stderr
    index = {t["source_url"]: t for t in json.loads((root / "index.json").read_text())["talks"]}
    assert index[control.url]["status"] == "done", index[control.url]["error"]
    entry = index[affected.url]
    if expected.startswith("done"):
        assert result.returncode == 0, result.stderr
        assert entry["status"] == "done", entry["error"]
        assert (root / entry["video"]).is_file()
        if expected == "done-no-slides":
            assert entry["slides"] == []
        elif case.startswith("times"):
            assert [s["start_s"] for s in entry["slides"]] == [0.0, 4.5]
        else:
            assert [s["start_s"] for s in entry["slides"]] == [0.0, 4.5]
            for slide in entry["slides"]:
                assert (root / slide["image"]).read_bytes() == world.slide_bytes(affected, slide["index"])
    else:
        assert result.returncode == 1
        assert entry["status"] == "failed" and entry["video"] is None
        assert error is not None and re.search(error, entry["error"]), entry["error"]
        assert "\n" not in entry["error"]
        assert not list(root.glob(f"{entry['title']}/*.mp4"))
    finals = [p for p in root.rglob("*") if ".confarchive" not in p.parts and p.is_file()]
    assert not [p for p in finals if p.name.endswith((".tmp", ".tmp.mp4"))]
    if case == "token-expired":
        assert len([r for r in world.state.log if r.path == f"/embed/presentation/{PID}"]) >= 2


def test_a_host_that_refuses_connections(world: World, world_config: Path, tmp_path: Path) -> None:
    conf = tmp_path / "config.toml"
    conf.write_text(
        world_config.read_text()
        + '\n[[rewrite]]\nprefix = "https://media.fixture.invalid/talks/"\nreplacement = "http://127.0.0.1:9/talks/"\n'
        + "\n[network]\nbackoff_s = 0.01\n"
    )
    talk = world.talks["unquoted"]
    result = run_cli("archive", talk.url, "-o", tmp_path / "a", "--config", conf, "--no-browser")
    assert result.returncode == 1
    entry = json.loads((tmp_path / "a" / "index.json").read_text())["talks"][0]
    media = f"https://media.fixture.invalid/talks/{talk.pid}.m4a"
    assert entry["status"] == "failed" and f"cannot reach {media}" in entry["error"]
    assert "refused" in entry["error"].lower()
    assert entry["error_kind"] == "transient"
    assert "127.0.0.1:9 is down (connection refused, 3 times)" in result.stderr


def test_other_schemes_in_a_page_are_refused(world: World, world_config: Path, tmp_path: Path) -> None:
    talk = world.talks["video-tag"]

    def hostile(req: Request) -> Response | None:
        if req.path == talk.page_path:
            html = (
                '<html><head><meta name="citation_title" content="Local files">'
                '<meta name="citation_pdf_url" content="file:///etc/passwd"></head><body>'
                '<video src="file:///etc/shadow"></video><a href="javascript:alert(1)">Paper</a></body></html>'
            )
            return Response(body=html.encode(), content_type="text/html")
        return None

    world.state.hooks.append(hostile)
    try:
        result = run_cli("resolve", talk.url, "--config", world_config, "--no-browser")
    finally:
        world.state.hooks.remove(hostile)
    assert result.returncode == 1
    assert "no video found" in result.stderr


def test_strict_stops_at_the_first_failure(world: World, world_config: Path, tmp_path: Path) -> None:
    bad, after = world.talks["no-video"], world.talks["embed"]
    result = run_cli(
        "archive", bad.url, after.url, "-o", tmp_path / "a", "--config", world_config, "--strict", "-j", "1",
        "--no-browser",
    )  # fmt: skip
    assert result.returncode == 1
    assert "stopped at the first failure (--strict)" in result.stderr
    talks = json.loads((tmp_path / "a" / "index.json").read_text())["talks"]
    assert [t["source_url"] for t in talks if t["status"] == "done"] == []
