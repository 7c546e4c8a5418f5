"""One Settings object, built once by the CLI and passed explicitly: no module-level configuration.

Every remote endpoint is a setting with the real default because SlidesLive moved its API every year
or two; where the real world has alternatives, they are tuples tried in order.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import UsageError


@dataclass(frozen=True)
class Rewrite:
    """Like git's ``url.<base>.insteadOf``: a logical URL prefix and what to send instead."""

    prefix: str
    replacement: str


@dataclass(frozen=True)
class SlidesLiveSettings:
    embed_urls: tuple[str, ...] = ("https://slideslive.com/embed/presentation/{id}",)
    public_urls: tuple[str, ...] = ("https://slideslive.com/{id}",)
    player_urls: tuple[str, ...] = (
        "https://slideslive.com/player/{id}",
        "https://ben.slideslive.com/player/{id}",
    )
    slides_json_urls: tuple[str, ...] = ("https://slides.slideslive.com/{id}/v5/slides.json",)
    slides_xml_urls: tuple[str, ...] = ("https://slides.slideslive.com/{id}/{id}.xml",)
    slide_image_urls: tuple[str, ...] = (
        "https://slides.slideslive.com/{id}/slides/original/{name}{ext}",
        "https://rs.slideslive.com/{id}/slides/{name}.png?h=1080&f=png",
        "https://cdn.slideslive.com/data/presentations/{id}/slides/{quality}/{name}.jpg",
        "https://d2ygwrecguqg66.cloudfront.net/data/presentations/{id}/slides/{quality}/{name}.jpg",
    )
    video_slide_servers_urls: tuple[str, ...] = ("https://slideslive.com/player/{id}/slides_video_service_data",)
    yoda_urls: tuple[str, ...] = ("https://{server}/{video_id}/master.m3u8",)
    vimeo_url: str = "https://player.vimeo.com/video/{video_id}"
    youtube_url: str = "https://www.youtube.com/watch?v={video_id}"


@dataclass(frozen=True)
class NetworkSettings:
    timeout_s: float = 30.0
    retries: int = 5
    backoff_s: float = 0.5
    per_host_connections: int = 12  # slides come from CDNs; pages and media use one or two
    min_interval_s: float = 0.0
    # A server that sends a byte just inside every read timeout never trips the timeout: a transfer
    # slower than min_bytes_per_s over slow_window_s is abandoned (and resumed by the next attempt).
    min_bytes_per_s: float = 1024.0
    slow_window_s: float = 30.0
    fast_hls: bool = True  # HLS by the parallel, crash-safe fast path; false: through yt-dlp, one at a time
    # segments of one talk in flight, the per-host limit still holding: one talk 50 ms away took 1.26x its
    # time without the latency with 8, 1.15x with 12 (medians of 5)
    segment_jobs: int = 12
    # an HLS segment up to this size is received in memory and packed into one file per track (fetch/pack.py):
    # one file a track instead of one a segment; larger ones, and all with 0, are files of their own
    packed_segment_bytes: int = 1024 * 1024
    down_after: int = 3  # a host not resolved / refusing connections this many times is down for the run
    max_page_bytes: int = 32 * 1024 * 1024  # pages, JSON, playlists
    max_file_bytes: int = 8 * 1024 * 1024 * 1024  # slides, papers, media
    user_agent: str = (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0 Safari/537.36 confarchive/0.1"
    )


@dataclass(frozen=True)
class OcrSettings:
    enabled: bool = False  # read every slide (archive --ocr): chapter titles, searchable PDF, slide search
    lang: str = "eng"  # tesseract's language model(s), e.g. "eng+deu"
    tessdata: str = ""  # where the models are; empty: TESSDATA_PREFIX, else the usual system folders


TRANSCRIBE_TALKS = ("missing", "all")


@dataclass(frozen=True)
class TranscribeSettings:
    """Speech to text (``archive --transcribe``, ``confarchive transcribe``; the transcribe extra).
    Measured on 2 cores with tiny.en: one thread per transcription was the most efficient (13x real time)."""

    enabled: bool = False  # transcribe in archive runs (as --transcribe)
    talks: str = "missing"  # missing: talks without subtitles of their own; all: those too (a second track)
    model: str = "tiny.en"  # a name faster-whisper knows (fetched on first use) or a model directory
    compute_type: str = "int8"  # CTranslate2's weights on the CPU: int8 is the quickest, float32 the most exact
    threads: int = 1  # CPU threads of one transcription
    jobs: int = 1  # talks transcribed at once, beside downloads and merges

    def __post_init__(self) -> None:
        if self.talks not in TRANSCRIBE_TALKS:
            raise UsageError(f"config: [transcribe] talks must be one of {', '.join(TRANSCRIBE_TALKS)}")
        if self.threads < 1 or self.jobs < 1:
            raise UsageError("config: [transcribe] threads and jobs must be at least 1")
        if not self.model.strip():
            raise UsageError("config: [transcribe] model must name a model or a model directory")


@dataclass(frozen=True)
class ToolSettings:
    ffmpeg: str = "ffmpeg"
    ffprobe: str = "ffprobe"
    chromium: str = "/usr/bin/chromium"
    chromedriver: str = "/usr/bin/chromedriver"


@dataclass(frozen=True)
class Settings:
    archive_dir: Path = Path("archive")
    jobs: int = 4  # talks downloading at once; merges have their own budget (merge_jobs). Measured with
    # scripts/bench/latency.py: 100 latency-bound talks took 1.38x bytes/rate with 2, 1.14x with 4, 1.15x with 6
    merge_jobs: int = 0  # merges at once; 0: one per core
    slide_jobs: int = 12  # measured: 200 slides at +30 ms latency need 12 in flight to be 8x a sequential loop
    paper: bool = True
    layout: str = "slides"  # slides | side-by-side | pip
    rewrites: tuple[Rewrite, ...] = ()
    slideslive: SlidesLiveSettings = field(default_factory=SlidesLiveSettings)
    network: NetworkSettings = field(default_factory=NetworkSettings)
    tools: ToolSettings = field(default_factory=ToolSettings)
    ocr: OcrSettings = field(default_factory=OcrSettings)
    transcribe: TranscribeSettings = field(default_factory=TranscribeSettings)


def config_path(explicit: str | None, environ: dict[str, str] | os._Environ[str]) -> Path | None:
    """The configuration file to read: --config, then CONFARCHIVE_CONFIG, then the user's file."""
    if explicit:
        return Path(explicit)
    if environ.get("CONFARCHIVE_CONFIG"):
        return Path(environ["CONFARCHIVE_CONFIG"])
    home = environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    user = Path(home) / "confarchive" / "config.toml"
    return user if user.is_file() else None


def _section(cls: type, data: Any, where: str) -> Any:
    """Build a settings dataclass from a TOML table, refusing unknown keys (a typo must not pass)."""
    if not isinstance(data, dict):
        raise UsageError(f"config: [{where}] must be a table")
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise UsageError(f"config: unknown key(s) in [{where}]: {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for name, value in data.items():
        default = getattr(cls(), name)
        if isinstance(default, tuple):
            value = [value] if isinstance(value, str) else value
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise UsageError(f"config: [{where}] {name} must be a list of strings")
            value = tuple(value)
        elif isinstance(default, float):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise UsageError(f"config: [{where}] {name} must be a number")
            value = float(value)
        elif type(value) is not type(default):
            raise UsageError(f"config: [{where}] {name} must be {type(default).__name__}")
        values[name] = value
    return cls(**values)


def parse_config(data: dict[str, Any]) -> dict[str, Any]:
    """Turn a parsed TOML document into Settings keyword arguments."""
    allowed = {"rewrite", "slideslive", "network", "tools", "ocr", "transcribe"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise UsageError(f"config: unknown section(s): {', '.join(unknown)}")
    out: dict[str, Any] = {}
    rewrites = []
    for i, item in enumerate(data.get("rewrite", [])):
        if not isinstance(item, dict) or set(item) != {"prefix", "replacement"}:
            raise UsageError(f"config: [[rewrite]] #{i + 1} needs exactly 'prefix' and 'replacement'")
        if not all(isinstance(item[k], str) and item[k] for k in ("prefix", "replacement")):
            raise UsageError(f"config: [[rewrite]] #{i + 1}: 'prefix' and 'replacement' must be non-empty strings")
        rewrites.append(Rewrite(item["prefix"], item["replacement"]))
    out["rewrites"] = tuple(rewrites)
    if "slideslive" in data:
        out["slideslive"] = _section(SlidesLiveSettings, data["slideslive"], "slideslive")
    if "network" in data:
        out["network"] = _section(NetworkSettings, data["network"], "network")
    if "tools" in data:
        out["tools"] = _section(ToolSettings, data["tools"], "tools")
    if "ocr" in data:
        out["ocr"] = _section(OcrSettings, data["ocr"], "ocr")
    if "transcribe" in data:
        out["transcribe"] = _section(TranscribeSettings, data["transcribe"], "transcribe")
    return out


def load_settings(
    explicit_config: str | None = None,
    environ: dict[str, str] | os._Environ[str] | None = None,
    **overrides: Any,
) -> Settings:
    """Settings from built-in defaults, then the config file, then command-line overrides."""
    env = os.environ if environ is None else environ
    path = config_path(explicit_config, env)
    kwargs: dict[str, Any] = {}
    if path is not None:
        try:
            with path.open("rb") as fh:
                kwargs = parse_config(tomllib.load(fh))
        except FileNotFoundError as exc:
            raise UsageError(f"config file not found: {path}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise UsageError(f"config file {path} is not valid TOML: {exc}") from exc
    kwargs.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**kwargs)
