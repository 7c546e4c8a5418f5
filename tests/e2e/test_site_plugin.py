"""A site plugin installed from outside (an entry point of another distribution): a made-up lecture
site is archived end to end by the real CLI, without a line of confarchive changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import cli_command, cli_env
from tests.world import Request, Response, World
from tests.world.assets import slide_image

HOST = "lectures.fixture.invalid"
PLUGIN = '''
"""A made-up lecture site: https://lectures.fixture.invalid/watch/<id>, described by /api/<id>.json."""
import re

from confarchive.model import Media, MediaKind, Slide, TalkKey
from confarchive.sites import SiteBase, SiteTalk

WATCH = re.compile(r"^https://lectures\\.fixture\\.invalid/watch/(\\d+)$")


class LecturesSite(SiteBase):
    name = "lectures"
    priority = 60

    def __init__(self, settings):
        self.settings = settings

    def talk_key(self, url):
        match = WATCH.match(url)
        return TalkKey("lectures", match.group(1)) if match else None

    def resolve(self, ref, web):
        data = web.http.get(f"https://lectures.fixture.invalid/api/{ref.key.id}.json", what="lecture data").json()
        slides = tuple(Slide(n, s["at_ms"], (s["image"],)) for n, s in enumerate(data["slides"], 1))
        return SiteTalk(Media(MediaKind.FILE, data["audio"]), data["name"], slides)
'''


def install_plugin(folder: Path) -> None:
    (folder / "lectures_site.py").write_text(textwrap.dedent(PLUGIN))
    dist = folder / "lectures_site-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: lectures-site\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[confarchive.sites]\nlectures = lectures_site:LecturesSite\n")


def test_a_plugin_site_is_archived_end_to_end(world: World, world_config: Path, tmp_path: Path) -> None:
    audio_talk = world.talks["miniconf"]  # its direct .m4a serves as the lecture's audio
    starts = (0, 1250, 4321)

    def lectures(req: Request) -> Response | None:
        if req.host != HOST:
            return None
        if req.path == "/api/42.json":
            slides = [{"at_ms": t, "image": f"https://{HOST}/img/{n}.png"} for n, t in enumerate(starts, 1)]
            audio = f"https://media.fixture.invalid/talks/{audio_talk.pid}.m4a"
            return Response(body=json.dumps({"name": "A Lecture", "slides": slides, "audio": audio}).encode())
        if req.path.startswith("/img/"):
            return Response(body=slide_image("77000001", int(req.path[5:-4])), content_type="image/png")
        return None

    world.state.hooks.append(lectures)
    try:
        config = tmp_path / "config.toml"
        config.write_text(
            world_config.read_text() + f'\n[[rewrite]]\nprefix = "https://{HOST}/"\n'
            f'replacement = "{world.base}/{HOST}/"\n'
        )
        plugin = tmp_path / "plugin"
        plugin.mkdir()
        install_plugin(plugin)
        env = cli_env() | {"PYTHONPATH": os.pathsep.join([str(plugin), *sys.path])}
        cmd = cli_command("archive", f"https://{HOST}/watch/42", "-o", tmp_path / "a", "--config", config)
        result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300, check=False)
    finally:
        world.state.hooks.remove(lectures)
    assert result.returncode == 0, result.stderr
    (talk,) = json.loads((tmp_path / "a" / "index.json").read_text())["talks"]
    assert (talk["key"], talk["title"], talk["status"]) == ("lectures:42", "A Lecture", "done")
    assert [s["start_s"] for s in talk["slides"]] == [t / 1000 for t in starts]
    assert abs(talk["duration_s"] - audio_talk.duration_ms / 1000) < 0.1
    assert (tmp_path / "a" / talk["video"]).stat().st_size > 0
