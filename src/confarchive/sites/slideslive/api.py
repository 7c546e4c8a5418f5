"""The SlidesLive API client: embed page -> player token -> player info -> slides and media.

Every endpoint comes from ``SlidesLiveSettings`` and alternatives are tried in order, because the
API moved every year or two (``ben.slideslive.com`` until 2025, JSON slides after XML, ...). When
every alternative failed, the failure is transient if any of them was (a 503 today may answer
tomorrow), else permanent; see docs/slideslive.md for the flow.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

from bs4 import BeautifulSoup, SoupStrainer

from ...core.errors import ConfarchiveError, ErrorKind, FetchError
from ...core.model import Media, MediaKind, Slide
from ...core.net import Http
from ...core.settings import SlidesLiveSettings
from ..base import SiteTalk
from ..media import media_kind
from ..page import clean_text
from .data import (
    PlayerInfo,
    RawSlide,
    SlideList,
    parse_player_info,
    parse_slides_json,
    parse_slides_xml,
)

_METAS = SoupStrainer("meta")
_TOKEN = re.compile(r"""data-player-token\s*=\s*["']([^"']+)["']""")


class TokenRejected(ConfarchiveError):
    """The player refused the token (401/403)."""


def combined(message: str, errors: list[ConfarchiveError]) -> ConfarchiveError:
    """One error for several alternatives that all failed: transient if any of them was."""
    transient = any(e.kind == ErrorKind.TRANSIENT for e in errors)
    text = "; ".join(e.one_line() for e in errors)
    return ConfarchiveError(f"{message}: {text}", kind=ErrorKind.TRANSIENT if transient else ErrorKind.PERMANENT)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class SlidesLive:
    """Resolves one presentation id; ``page_url`` is the conference page that embeds it."""

    def __init__(self, http: Http, settings: SlidesLiveSettings) -> None:
        self.http = http
        self.settings = settings

    def resolve(self, presentation_id: str, page_url: str | None) -> SiteTalk:
        parent = page_url or f"https://slideslive.com/{presentation_id}"
        token, embed_title = self._token(presentation_id, parent)
        try:
            info = self._player_info(presentation_id, token)
        except TokenRejected:  # the token expired (about 2 h) or was revoked: a new one, once
            token, embed_title = self._token(presentation_id, parent)
            info = self._player_info(presentation_id, token)
        slides = self._slides(presentation_id, info, token)
        return SiteTalk(
            media=self._media(info, parent, presentation_id),
            title=embed_title or clean_text(info.title),
            slides=slides,
            subtitles=info.subtitles,
            site_fields=(("presentation_id", presentation_id),),
        )

    # -- token -------------------------------------------------------------------------------------
    def _embed_page(self, url: str, parent: str) -> tuple[str, str]:
        query = urlencode({"embed_parent_url": parent, "embed_container_origin": _origin(parent)})
        headers = {"Referer": parent, "Origin": _origin(parent)}
        response = self.http.get(f"{url}?{query}", headers=headers, what="the SlidesLive embed page")
        return response.text, response.url

    def _token(self, pid: str, parent: str) -> tuple[str, str | None]:
        """The player token from the embed page (or the public page), retrying a domain lock once."""
        errors: list[ConfarchiveError] = []
        pages = [t.format(id=pid) for t in self.settings.embed_urls + self.settings.public_urls]
        for url in pages:
            try:
                html, final_url = self._embed_page(url, parent)
                if "domain_not_allowed" in final_url:
                    allowed = parse_qs(urlsplit(final_url).query).get("allowed_domains[]", [])
                    if not allowed:
                        raise ConfarchiveError(f"presentation {pid} is domain-locked and names no domain")
                    html, final_url = self._embed_page(url, f"https://{allowed[0]}/")
                    if "domain_not_allowed" in final_url:
                        raise ConfarchiveError(f"presentation {pid} stays domain-locked for {allowed[0]}")
            except ConfarchiveError as exc:
                errors.append(exc)
                continue
            match = _TOKEN.search(html)
            if match:
                # only its metas become a tree: the player's markup is never read (a third of the cost)
                soup = BeautifulSoup(html, "html.parser", parse_only=_METAS)
                meta = soup.find("meta", attrs={"name": "title"})
                return match.group(1), clean_text(meta.get("content")) if meta else None
            errors.append(ConfarchiveError(f"no data-player-token in {url}"))
        raise combined(f"no SlidesLive player token for presentation {pid}", errors)

    # -- player info -------------------------------------------------------------------------------
    def _player_info(self, pid: str, token: str) -> PlayerInfo:
        errors: list[ConfarchiveError] = []
        for template in self.settings.player_urls:
            url = template.format(id=pid)
            try:
                response = self.http.get(f"{url}?{urlencode({'player_token': token})}", what="SlidesLive player info")
            except FetchError as exc:
                errors.append(exc)
                continue
            return parse_player_info(response.text, url)
        error = combined(f"SlidesLive player info unavailable for {pid}", errors)
        if any(isinstance(e, FetchError) and e.status in (401, 403) for e in errors):
            raise TokenRejected(str(error), kind=error.kind)
        raise error

    # -- slides ------------------------------------------------------------------------------------
    def _slide_list(self, pid: str, info: PlayerInfo) -> SlideList | None:
        json_urls = [info.slides_json_url] if info.slides_json_url else []
        json_urls += [t.format(id=pid) for t in self.settings.slides_json_urls]
        xml_urls = [info.slides_xml_url] if info.slides_xml_url else []
        xml_urls += [t.format(id=pid) for t in self.settings.slides_xml_urls]
        errors: list[ConfarchiveError] = []
        for url, parse in [(u, parse_slides_json) for u in dict.fromkeys(json_urls)] + [
            (u, parse_slides_xml) for u in dict.fromkeys(xml_urls)
        ]:
            try:
                body = self.http.get(url, what="SlidesLive slides").content
                return parse(body, url)
            except ConfarchiveError as exc:
                errors.append(exc)
        if errors and all(isinstance(e, FetchError) and e.status == 404 for e in errors):
            return None  # the talk has no slides: archive the media alone
        raise combined(f"no usable slides for presentation {pid}", errors)

    def _slides(self, pid: str, info: PlayerInfo, token: str) -> tuple[Slide, ...]:
        listing = self._slide_list(pid, info)
        if listing is None:
            return ()
        quality = "big" if not listing.qualities or "big" in listing.qualities else listing.qualities[0]
        ordered = sorted(listing.slides, key=lambda s: (s.time_ms, s.order))
        clips = [raw.video_id for raw in ordered if raw.kind == "video" and raw.video_id]
        servers = self._video_slide_servers(pid, token, clips) if clips else {}
        slides = []
        for i, raw in enumerate(ordered, start=1):
            video_url = None
            if raw.kind == "video" and raw.video_id in servers:
                video_url = self.settings.yoda_urls[0].format(server=servers[raw.video_id], video_id=raw.video_id)
            kind = "video" if raw.kind == "video" else "image"
            urls = self._image_urls(pid, raw, quality) if kind == "image" else ()
            slides.append(Slide(i, raw.time_ms, urls, raw.name or raw.video_id or "", kind, video_url))
        return tuple(slides)

    def _video_slide_servers(self, pid: str, token: str, clip_ids: list[str]) -> dict[str, str]:
        """Clip id -> its server, from ``slides_video_service_data``; {} when unavailable.

        A missing server is not an error: the clip's slide then holds the previous slide.
        """
        query = urlencode({"player_token": token, "videos": ",".join(clip_ids)})
        for template in self.settings.video_slide_servers_urls:
            url = f"{template.format(id=pid)}?{query}"
            try:
                data = self.http.get(url, what="SlidesLive video slide servers").json()
            except (FetchError, ValueError):
                continue
            if isinstance(data, dict):
                servers = {}
                for vid, entry in data.items():
                    hosts = entry.get("video_servers") if isinstance(entry, dict) else None
                    if isinstance(hosts, list) and hosts and isinstance(hosts[0], str):
                        servers[str(vid)] = hosts[0]
                return servers
        return {}

    def _image_urls(self, pid: str, raw: RawSlide, quality: str) -> tuple[str, ...]:
        if raw.name is None:
            return ()
        ext = raw.extname or ".png"
        ext = ext if ext.startswith(".") else f".{ext}"
        return tuple(t.format(id=pid, name=raw.name, ext=ext, quality=quality) for t in self.settings.slide_image_urls)

    # -- media -------------------------------------------------------------------------------------
    def _media(self, info: PlayerInfo, referer: str, pid: str) -> Media:
        service, vid = info.service_name, info.video_id
        if not service or not vid:
            raise ConfarchiveError(f"SlidesLive player info for {pid} names no video service")
        if service == "yoda":
            if not info.video_servers:
                raise ConfarchiveError(f"SlidesLive player info for {pid}: yoda video without servers")
            url = self.settings.yoda_urls[0].format(server=info.video_servers[0], video_id=vid)
            kind = MediaKind.DASH if url.endswith(".mpd") else MediaKind.HLS
            return Media(kind, url, referer)
        if service == "youtube":
            return Media(MediaKind.SITE, self.settings.youtube_url.format(video_id=vid), referer)
        if service == "vimeo":
            return Media(MediaKind.SITE, self.settings.vimeo_url.format(video_id=vid), referer)
        if service == "url":
            if not vid.startswith(("http://", "https://")):
                raise ConfarchiveError(f"SlidesLive 'url' video for {pid} is not an http(s) URL: {vid}")
            return Media(media_kind(vid) or MediaKind.FILE, vid, referer)
        raise ConfarchiveError(f"SlidesLive video service {service!r} for {pid} is not supported")
