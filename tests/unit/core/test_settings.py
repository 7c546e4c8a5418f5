"""Settings: defaults, the TOML file, its errors, and which file wins."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from confarchive.core.errors import UsageError
from confarchive.core.settings import (
    NetworkSettings,
    Rewrite,
    Settings,
    SlidesLiveSettings,
    ToolSettings,
    TranscribeSettings,
    config_path,
    load_settings,
    parse_config,
)


def parse(text: str) -> dict[str, object]:
    return parse_config(tomllib.loads(text))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- defaults -----------------------------------------------------------------------------------------


def test_defaults() -> None:
    s = Settings()
    assert s.archive_dir == Path("archive")
    assert s.rewrites == ()
    assert s.jobs == 4
    assert s.network.timeout_s == 30.0
    assert s.network.per_host_connections == 12
    assert s.network.min_interval_s == 0.0
    assert s.tools.ffmpeg == "ffmpeg"


def test_slideslive_defaults_are_the_real_endpoints() -> None:
    sl = SlidesLiveSettings()
    assert sl.player_urls == ("https://slideslive.com/player/{id}", "https://ben.slideslive.com/player/{id}")
    assert sl.embed_urls == ("https://slideslive.com/embed/presentation/{id}",)
    assert sl.slides_json_urls == ("https://slides.slideslive.com/{id}/v5/slides.json",)
    assert sl.slides_xml_urls == ("https://slides.slideslive.com/{id}/{id}.xml",)
    assert sl.slide_image_urls[0] == "https://slides.slideslive.com/{id}/slides/original/{name}{ext}"
    assert sl.slide_image_urls[1].startswith("https://rs.slideslive.com/{id}/slides/{name}.png")
    assert sl.slide_image_urls[2] == "https://cdn.slideslive.com/data/presentations/{id}/slides/{quality}/{name}.jpg"
    assert sl.yoda_urls == ("https://{server}/{video_id}/master.m3u8",)
    assert sl.vimeo_url == "https://player.vimeo.com/video/{video_id}"


def test_empty_document_gives_defaults() -> None:
    assert parse("") == {"rewrites": ()}
    assert Settings(**parse("")) == Settings()


# -- parsing ----------------------------------------------------------------------------------------------


def test_rewrites_in_file_order() -> None:
    out = parse(
        """
[[rewrite]]
prefix = "https://slideslive.com/"
replacement = "http://127.0.0.1:8123/slideslive.com/"

[[rewrite]]
prefix = "https://iclr.cc/"
replacement = "http://127.0.0.1:8123/iclr.cc/"
"""
    )
    assert out["rewrites"] == (
        Rewrite("https://slideslive.com/", "http://127.0.0.1:8123/slideslive.com/"),
        Rewrite("https://iclr.cc/", "http://127.0.0.1:8123/iclr.cc/"),
    )


def test_slideslive_list_and_single_string() -> None:
    out = parse(
        """
[slideslive]
player_urls = ["https://mirror.example/player/{id}", "https://slideslive.com/player/{id}"]
slides_json_urls = "https://mirror.example/{id}/slides.json"
vimeo_url = "https://vimeo.mirror/{video_id}"
"""
    )
    sl = out["slideslive"]
    assert isinstance(sl, SlidesLiveSettings)
    assert sl.player_urls == ("https://mirror.example/player/{id}", "https://slideslive.com/player/{id}")
    assert sl.slides_json_urls == ("https://mirror.example/{id}/slides.json",)
    assert sl.vimeo_url == "https://vimeo.mirror/{video_id}"
    # untouched keys keep their defaults
    assert sl.slides_xml_urls == SlidesLiveSettings().slides_xml_urls


def test_network_int_accepted_for_float() -> None:
    net = parse("[network]\ntimeout_s = 10\nmin_interval_s = 0.25\nper_host_connections = 2\nretries = 0\n")["network"]
    assert net == NetworkSettings(timeout_s=10.0, min_interval_s=0.25, per_host_connections=2, retries=0)
    assert isinstance(net.timeout_s, float)


def test_transcribe_section_and_its_measured_defaults() -> None:
    assert TranscribeSettings() == TranscribeSettings(False, "missing", "tiny.en", "int8", 1, 1)
    stt = parse("[transcribe]\nenabled = true\ntalks = 'all'\nmodel = '/models/small.en'\njobs = 2\n")["transcribe"]
    assert stt == TranscribeSettings(enabled=True, talks="all", model="/models/small.en", jobs=2)


def test_tools_section() -> None:
    tools = parse('[tools]\nffmpeg = "/opt/ff/ffmpeg"\n')["tools"]
    assert tools == ToolSettings(ffmpeg="/opt/ff/ffmpeg")


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[netwrk]\ntimeout_s = 3\n", "netwrk"),
        ("jobs = 3\n", "jobs"),
        ("[slideslive]\nplayer_url = 'x'\n", "player_url"),
        ("[network]\ntimeout = 3\n", "timeout"),
        ("[tools]\nffmpg = 'x'\n", "ffmpg"),
        ("[transcribe]\nthread = 2\n", "thread"),
    ],
)
def test_unknown_section_or_key_is_a_usage_error_naming_it(text: str, named: str) -> None:
    with pytest.raises(UsageError) as exc_info:
        parse(text)
    assert named in str(exc_info.value)


@pytest.mark.parametrize(
    "text",
    [
        "[network]\ntimeout_s = '30'\n",
        "[network]\ntimeout_s = true\n",
        "[network]\nretries = 2.5\n",
        "[network]\nretries = true\n",
        "[network]\nper_host_connections = '4'\n",
        "[network]\nuser_agent = 5\n",
        "[slideslive]\nplayer_urls = ['a', 1]\n",
        "[slideslive]\nplayer_urls = 5\n",
        "[slideslive]\nplayer_urls = [['nested']]\n",
        "[slideslive]\nvimeo_url = ['a', 'b']\n",
        "[tools]\nffmpeg = 1\n",
        "[transcribe]\nenabled = 'yes'\n",
        "[transcribe]\ntalks = 'some'\n",
        "[transcribe]\nthreads = 0\n",
        "[transcribe]\njobs = 0\n",
        "[transcribe]\nmodel = ' '\n",
        "slideslive = 5\n",
        "network = 'fast'\n",
        "[rewrite]\nprefix = 'a'\nreplacement = 'b'\n",  # a table, not an array of tables
        "rewrite = ['https://a/']\n",
        "[[rewrite]]\nprefix = 'https://a/'\n",
        "[[rewrite]]\nreplacement = 'http://b/'\n",
        "[[rewrite]]\nprefix = 'https://a/'\nreplacement = 'http://b/'\nextra = 1\n",
        "[[rewrite]]\nprefix = 1\nreplacement = 'http://b/'\n",
        "[[rewrite]]\nprefix = 'https://a/'\nreplacement = ['http://b/']\n",
    ],
)
def test_wrong_types_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError):
        parse(text)


# -- files and precedence -----------------------------------------------------------------------------------


def _config(tag: str) -> str:
    """A config whose origin can be told from the result."""
    return f'[[rewrite]]\nprefix = "https://{tag}/"\nreplacement = "http://127.0.0.1/{tag}/"\n'


def _origin(settings: Settings) -> str | None:
    return settings.rewrites[0].prefix if settings.rewrites else None


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    xdg = tmp_path / "xdg"
    return {
        "xdg": xdg,
        "user": write(xdg / "confarchive" / "config.toml", _config("user")),
        "env": write(tmp_path / "env.toml", _config("env")),
        "explicit": write(tmp_path / "explicit.toml", _config("explicit")),
    }


def test_explicit_config_beats_everything(files: dict[str, Path]) -> None:
    env = {"XDG_CONFIG_HOME": str(files["xdg"]), "CONFARCHIVE_CONFIG": str(files["env"])}
    assert _origin(load_settings(str(files["explicit"]), env)) == "https://explicit/"


def test_env_config_beats_user_file(files: dict[str, Path]) -> None:
    env = {"XDG_CONFIG_HOME": str(files["xdg"]), "CONFARCHIVE_CONFIG": str(files["env"])}
    assert _origin(load_settings(None, env)) == "https://env/"


def test_user_file_under_xdg_config_home(files: dict[str, Path]) -> None:
    env = {"XDG_CONFIG_HOME": str(files["xdg"])}
    assert config_path(None, env) == files["user"]
    assert _origin(load_settings(None, env)) == "https://user/"


def test_defaults_when_no_file(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "empty")}
    assert config_path(None, env) is None
    assert load_settings(None, env) == Settings()


def test_empty_env_variable_is_ignored(files: dict[str, Path]) -> None:
    env = {"XDG_CONFIG_HOME": str(files["xdg"]), "CONFARCHIVE_CONFIG": ""}
    assert _origin(load_settings(None, env)) == "https://user/"


def test_config_path_precedence() -> None:
    env = {"XDG_CONFIG_HOME": "/nonexistent", "CONFARCHIVE_CONFIG": "/from/env.toml"}
    assert config_path("/from/flag.toml", env) == Path("/from/flag.toml")
    assert config_path(None, env) == Path("/from/env.toml")


@pytest.mark.parametrize("source", ["explicit", "env"])
def test_missing_named_file_is_a_usage_error(tmp_path: Path, source: str) -> None:
    missing = tmp_path / "nope.toml"
    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    if source == "env":
        env["CONFARCHIVE_CONFIG"] = str(missing)
    with pytest.raises(UsageError) as exc_info:
        load_settings(str(missing) if source == "explicit" else None, env)
    assert "nope.toml" in str(exc_info.value)


def test_invalid_toml_is_a_usage_error_naming_the_file(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.toml", "[network\ntimeout_s = 3\n")
    with pytest.raises(UsageError) as exc_info:
        load_settings(str(bad), {"XDG_CONFIG_HOME": str(tmp_path)})
    assert "bad.toml" in str(exc_info.value)


def test_bad_user_file_is_a_usage_error(tmp_path: Path) -> None:
    write(tmp_path / "confarchive" / "config.toml", "[network]\ntimeout_s = 'slow'\n")
    with pytest.raises(UsageError):
        load_settings(None, {"XDG_CONFIG_HOME": str(tmp_path)})


def test_full_file_round_trip(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.toml",
        """
[[rewrite]]
prefix = "https://slideslive.com/"
replacement = "http://127.0.0.1:8123/slideslive.com/"

[slideslive]
player_urls = "http://127.0.0.1:8123/player/{id}"

[network]
timeout_s = 5
per_host_connections = 8
""",
    )
    s = load_settings(str(path), {"XDG_CONFIG_HOME": str(tmp_path / "none")})
    assert s.rewrites == (Rewrite("https://slideslive.com/", "http://127.0.0.1:8123/slideslive.com/"),)
    assert s.slideslive.player_urls == ("http://127.0.0.1:8123/player/{id}",)
    assert s.slideslive.embed_urls == SlidesLiveSettings().embed_urls
    assert s.network.timeout_s == 5.0
    assert s.network.per_host_connections == 8
    assert s.network.retries == NetworkSettings().retries
    assert s.tools == ToolSettings()


def test_overrides_beat_the_file_and_none_is_ignored(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    write(tmp_path / "confarchive" / "config.toml", _config("user"))
    s = load_settings(None, env, jobs=7, archive_dir=Path("/srv/talks"), slide_jobs=None)
    assert s.jobs == 7
    assert s.archive_dir == Path("/srv/talks")
    assert s.slide_jobs == Settings().slide_jobs
    assert _origin(s) == "https://user/"
