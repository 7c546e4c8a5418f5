"""The offline player: one self-contained ``index.html`` for the archive root.

The page must work when opened straight from disk (``file://``: no server, no network, no CDN), so the
stylesheet, the script and the talks are inlined into one file; the assets live as package data in
``confarchive/web/``. The talks are embedded as JSON in a ``<script type="application/json">`` element
and only ever shown through ``textContent`` by the script, because every text in them came from the web.
The output depends on the index alone (no timestamps, stable key order), so rewriting the archive
produces the same bytes and ``write_if_changed`` leaves the file alone.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import quote

__all__ = ["json_for_script", "render_player"]

_SLOT = re.compile(r"\{\{ (\w+) \}\}")
# Characters that could end the script element (</script>), open an HTML comment that changes how the
# parser looks for that end (<!--), or break older JavaScript parsers (U+2028/2029 in string literals).
# Inside JSON they occur only within strings, where the \u escape means the same character.
_UNSAFE_IN_SCRIPT = re.compile("[<>&\u2028\u2029]")


@cache
def _asset(name: str) -> str:
    """A file of ``confarchive/web/``, read once; refused if it could end the element it is inlined in."""
    data = resources.files("confarchive").joinpath("web", name).read_text(encoding="utf-8")
    if name != "player.html" and re.search(r"</(script|style)|<!--", data, re.IGNORECASE):
        raise RuntimeError(f"web/{name} must not contain '</script', '</style' or '<!--': it is inlined")
    return data


def json_for_script(value: object) -> str:
    """JSON that can sit inside ``<script type="application/json">`` whatever its strings hold.

    ``<``, ``>`` and ``&`` become ``\\u003c`` etc., so no text can close the element or open a comment;
    ``JSON.parse`` reads the same strings back. NaN and infinities are refused: ``JSON.parse`` would fail
    on them and leave a blank page.
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return _UNSAFE_IN_SCRIPT.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def _csp(style: str, script: str) -> str:
    """Only our own inline script and style run; media and images only from the archive itself.

    Defence in depth: even if some text were ever parsed as HTML, an injected script or event handler
    would not run, and the page can reach no network (``file:`` when opened from disk, ``'self'`` when
    served by ``confarchive serve``).
    """
    return (
        f"default-src 'none'; script-src {_csp_hash(script)}; style-src {_csp_hash(style)}; "
        "img-src 'self' file:; media-src 'self' file: data:; base-uri 'none'; form-action 'none'"
    )


def _file_href(path: object) -> str | None:
    """A path relative to the archive as an href, each segment percent-encoded (titles hold # ? % ...)."""
    if not isinstance(path, str) or not path:
        return None
    parts = path.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return None
    return "/".join(quote(p, safe="") for p in parts)


def _fallback(talks: Sequence[Mapping[str, Any]]) -> str:
    """A plain list for browsers without JavaScript (text browsers, scripts turned off)."""
    items = []
    for talk in talks:
        title = html.escape(str(talk.get("title") or talk.get("source_url") or ""))
        href = _file_href(talk.get("video"))
        if href:
            items.append(f'<li><a href="{html.escape(href)}">{title}</a></li>')
        else:
            items.append(f"<li>{title} ({html.escape(str(talk.get('status') or 'pending'))})</li>")
    return "<p>The player needs JavaScript; the videos:</p><ul>" + "".join(items) + "</ul>"


def render_player(index: Mapping[str, object], *, subtitles: Mapping[str, str] | None = None) -> str:
    """The complete ``index.html`` for an ``index.json`` (version 1) mapping; deterministic.

    ``subtitles`` optionally maps subtitle paths (``subtitles[].path``) to their WebVTT text, to be
    inlined: browsers refuse ``<track src>`` files from ``file://`` pages (Chromium treats every file as
    its own origin), but accept the same text as a ``data:`` URL. Without it the tracks point at the
    files, which works when the archive is served over HTTP.
    """
    talks = index.get("talks")
    if not isinstance(talks, Sequence) or isinstance(talks, str):
        raise TypeError("index['talks'] must be a list of talk entries")
    wanted = {
        str(sub.get("path"))
        for talk in talks
        for sub in talk.get("subtitles") or ()
        if isinstance(sub, Mapping)
    }  # fmt: skip
    inline = {path: text for path, text in sorted((subtitles or {}).items()) if path in wanted}
    style, script = _asset("player.css"), _asset("player.js")
    values = {
        "csp": _csp(style, script),
        "style": style,
        "script": script,
        "talks": json_for_script(list(talks)),
        "subtitles": json_for_script(inline),
        "fallback": _fallback(talks),
    }
    # One pass over the template only: a title holding "{{ script }}" is data, never a slot.
    return _SLOT.sub(lambda m: values[m.group(1)], _asset("player.html"))
