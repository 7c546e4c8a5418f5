"""The offline player: one self-contained ``index.html`` for the archive root.

The page must work when opened straight from disk (``file://``: no server, no network, no CDN), so the
stylesheet, the script and the talks are inlined into one file; the assets live as package data in
``web/`` beside this module. The talks are embedded as JSON in a ``<script type="application/json">`` element
and only ever shown through ``textContent`` by the script, because every text in them came from the web.
The output depends on the index alone (no timestamps, stable key order), so rewriting the archive
produces the same bytes and ``write_if_changed`` leaves the file alone.

Full-text search (the text of slides and what was said) runs in the page (``web/fulltext.js``) with the
vendored MiniSearch (``web/minisearch.js``, MIT), both inlined only when the archive has search data, over
``search-data.js``: a data file beside ``index.html`` written from the archive's search passages
(``render_search_data``) and loaded by the page only when the search box is first used, so that the list
opens at once however large the archive. It is a script, not JSON, because from ``file://`` Chromium
refuses ``fetch()`` and XHR of local files.

Reading lists (``index.json`` ``collections``) are pages of the same document (``web/collections.js``,
data from ``player_lists.py``), inlined only when the archive has some.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .player_lists import fallback_lists, page_lists

if TYPE_CHECKING:
    from ..text.search import Passage

__all__ = ["SEARCH_DATA_NAME", "SearchFile", "json_for_script", "render_player", "render_search_data"]

SEARCH_DATA_NAME = "search-data.js"  # beside index.html
SEARCH_DATA_VERSION = 1
SAID_WINDOW_S = 30.0  # consecutive subtitle cues of a talk are one search document per about this long
# The columns of a document in search-data.js; the document's id is its position in the list.
SEARCH_FIELDS = ("talk", "kind", "slide", "start_s", "text", "heading", "cues")
_SEARCH_KINDS = frozenset({"talk", "slide", "said"})
_SAFE_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\.js")
# What only search needs from a slide: search-data.js carries it, the page would only grow with it.
_SEARCH_ONLY_SLIDE_FIELDS = frozenset({"text", "title"})

_SLOT = re.compile(r"\{\{ (\w+) \}\}")
# Characters that could end the script element (</script>), open an HTML comment that changes how the
# parser looks for that end (<!--), or break older JavaScript parsers (U+2028/2029 in string literals).
# Inside JSON they occur only within strings, where the \u escape means the same character.
_UNSAFE_IN_SCRIPT = re.compile("[<>&\u2028\u2029]")


@cache
def _asset(name: str) -> str:
    """A file of ``archive/web/``, read once; refused if it could end the element it is inlined in."""
    data = resources.files("confarchive.archive").joinpath("web", name).read_text(encoding="utf-8")
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


def _sha256_b64(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _csp_hash(source: str) -> str:
    return f"'sha256-{_sha256_b64(source)}'"


@dataclass(frozen=True)
class SearchFile:
    """The search data file that sits beside ``index.html``: its name and the sha256 (hex) of its bytes.

    Made with ``SearchFile.of(render_search_data(...))`` and passed to ``render_player(search=...)``.
    """

    name: str
    sha256: str

    def __post_init__(self) -> None:
        if not _SAFE_FILE_NAME.fullmatch(self.name):
            raise ValueError(f"not a plain .js file name beside index.html: {self.name!r}")
        if not re.fullmatch(r"[0-9a-f]{64}", self.sha256):
            raise ValueError(f"not a sha256 hex digest: {self.sha256!r}")

    @classmethod
    def of(cls, text: str, name: str = SEARCH_DATA_NAME) -> SearchFile:
        """The file holding ``text`` (as written: UTF-8)."""
        return cls(name, hashlib.sha256(text.encode("utf-8")).hexdigest())

    @property
    def integrity(self) -> str:
        """The Subresource Integrity value of the file (``sha256-<base64>``)."""
        return "sha256-" + base64.b64encode(bytes.fromhex(self.sha256)).decode("ascii")


def _csp(style: str, scripts: Sequence[str], search: SearchFile | None) -> list[str]:
    """The page's policies: only our own inline scripts and style run; media and images only from the
    archive itself. Without search data this is one policy, the same as before search existed.

    Defence in depth: even if some text were ever parsed as HTML, an injected script or event handler
    would not run, and the page can reach no network (``file:`` when opened from disk, ``'self'`` when
    served by ``confarchive serve``).

    With search data the page must also run ``search-data.js``, added as a ``<script>`` element on first
    use. No source expression can name just that file from ``file://``: a hash-source only admits an
    external script through its ``integrity`` attribute (SRI), and Chromium blocks every ``file://``
    script that has one ("requires the request to be CORS enabled", measured with Chromium 156), and a
    host-source needs a host, which ``file:`` URLs lack (``file:///dir/search-data.js`` is dropped as
    invalid). So two policies, both enforced, admit it (a script runs only if each one allows it):

    - the first adds ``'strict-dynamic'``: a script element created by one of our hash-listed scripts
      may load; every script in the markup itself stays refused, as do inline code and handlers;
    - the second allows scripts only from the archive's own origin (``'self'`` when served, ``file:``
      from disk), so even our own code could load nothing from the network or a ``data:`` URL.

    Our code creates exactly one script element, for this file, and at that moment appends a third
    policy, ``script-src 'none'``, so that no further script can load at all (fulltext.js, ``loadSearch``).
    When the page is served over HTTP it also sets ``integrity`` from ``search.sha256``: same-origin SRI
    works there, so a data file that does not match this page is refused.
    """
    hashes = " ".join(_csp_hash(script) for script in scripts)
    dynamic = " 'strict-dynamic'" if search else ""
    page = (
        f"default-src 'none'; script-src {hashes}{dynamic}; "
        f"style-src {_csp_hash(style)}; img-src 'self' file:; media-src 'self' file: data:; "
        "base-uri 'none'; form-action 'none'"
    )
    return [page, f"script-src {hashes} 'self' file:"] if search else [page]


def _file_href(path: object) -> str | None:
    """A path relative to the archive as an href, each segment percent-encoded (titles hold # ? % ...)."""
    if not isinstance(path, str) or not path:
        return None
    parts = path.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return None
    return "/".join(quote(p, safe="") for p in parts)


def _fallback(talks: Sequence[Mapping[str, Any]], lists: Mapping[str, Any] | None) -> str:
    """A plain list for browsers without JavaScript (text browsers, scripts turned off), then the
    reading lists, if any."""
    items = []
    videos: dict[str, str] = {}
    for talk in talks:
        title = html.escape(str(talk.get("title") or talk.get("source_url") or ""))
        href = _file_href(talk.get("video"))
        if href:
            videos.setdefault(str(talk.get("key")), href)
            items.append(f'<li><a href="{html.escape(href)}">{title}</a></li>')
        else:
            items.append(f"<li>{title} ({html.escape(str(talk.get('status') or 'pending'))})</li>")
    videos_list = "<p>The player needs JavaScript; the videos:</p><ul>" + "".join(items) + "</ul>"
    return videos_list + fallback_lists(lists, videos)


def _seconds(value: object) -> float | int:
    """A start time for the data file: finite, not negative, to the millisecond, ``12`` rather than ``12.0``."""
    seconds = float(value) if isinstance(value, int | float) else 0.0
    seconds = round(seconds, 3) if math.isfinite(seconds) and seconds > 0 else 0.0
    return int(seconds) if seconds.is_integer() else seconds


def _words(value: object) -> str:
    return " ".join(str(value).split()) if value else ""


def _utf16_len(text: str) -> int:
    """The length of ``text`` as JavaScript counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _spoken(passage: Passage) -> list[tuple[float, str]]:
    """(start, text) of each cue of a "said" passage: a window of cues (``Passage.cues``, each cue's
    offset in the text and start), or a single cue (no ``cues``)."""
    text = str(passage.text or "")
    marks = sorted(
        (offset, start) for offset, start in passage.cues if isinstance(offset, int) and 0 <= offset <= len(text)
    )
    if not marks:
        return [(passage.start_s, text)]
    bounds = [0, *(offset for offset, _ in marks[1:]), len(text)]
    return [(start, text[bounds[i] : bounds[i + 1]]) for i, (_, start) in enumerate(marks)]


class _Said:
    """A "said" document being built: its cues' texts joined by spaces, each cue's offset in that text
    (in UTF-16 code units, as the page's JavaScript counts) and start kept, flat: [offset, start, ...]."""

    def __init__(self, talk: int, start: float | int) -> None:
        self.talk, self.start, self.last = talk, start, start
        self.texts: list[str] = []
        self.cues: list[float | int] = []
        self.length = 0

    def add(self, start: float | int, text: str) -> None:
        if self.texts and self.texts[-1] == text:  # rolling captions repeat a line
            return
        self.cues += [self.length, start]
        self.texts.append(text)
        self.length += _utf16_len(text) + 1
        self.last = start

    def row(self) -> list[Any]:
        return [self.talk, "said", None, self.start, " ".join(self.texts), None, self.cues]


def render_search_data(passages: Iterable[Passage]) -> str:
    """The text of ``search-data.js``: the search documents of the given passages; deterministic.

    It defines ``window.confarchiveSearchData = {"version": 1, "fields": [...], "talks": [key, ...],
    "documents": [[talk, kind, slide, start_s, text, heading, cues], ...]}``, one document a line:
    ``talk`` is an index into ``talks``, the document's id its position in ``documents``. A talk's
    "talk" passage and each slide are one document each. What was said is one document a window of
    about ``SAID_WINDOW_S`` seconds of consecutive cues, its ``start_s`` its first cue's start and its
    ``cues`` the offset (UTF-16 code units) and start of each cue in its text, so that the page can
    seek to the cue that matched: a "said" passage that is already a window (``Passage.cues``, as
    ``search.passages`` makes them) stays one document; single cues (no ``cues``) are grouped here (a
    cue that starts earlier than the one before, such as a second language's first, starts a new
    window). Runs of white space become one space; a cue repeating the one before is left out.
    The order is the order of ``passages``; every string goes through ``json_for_script``, so no text
    can end a script or be anything but a string.
    """
    talks: dict[str, int] = {}
    documents: list[list[Any] | _Said] = []
    window: _Said | None = None  # the open window of single cues

    for passage in passages:
        kind = passage.kind
        if kind not in _SEARCH_KINDS:
            continue
        if kind == "said":
            cues = [(_seconds(at), words) for at, said in _spoken(passage) if (words := _words(said))]
            if not cues:
                continue
            talk = talks.setdefault(str(passage.key), len(talks))
            grouped = bool(passage.cues)
            start = cues[0][0]
            if (
                grouped
                or window is None
                or window.talk != talk
                or not window.last <= start < window.start + SAID_WINDOW_S
            ):
                window = _Said(talk, start)
                documents.append(window)
            for at, text in cues:
                window.add(at, text)
            if grouped:
                window = None  # a window already: nothing joins it
            continue
        window = None
        text, heading = _words(passage.text), _words(passage.heading) or None
        if not (text or heading):
            continue
        talk = talks.setdefault(str(passage.key), len(talks))
        slide = passage.slide if kind == "slide" and isinstance(passage.slide, int) else None
        start = _seconds(passage.start_s) if kind == "slide" else 0
        documents.append([talk, kind, slide, start, text, heading, None])
    head = {"version": SEARCH_DATA_VERSION, "fields": list(SEARCH_FIELDS), "talks": list(talks)}
    rows = (d.row() if isinstance(d, _Said) else d for d in documents)
    lines = [
        "// Full-text search data of the offline player (index.html), written by confarchive: do not edit.",
        "window.confarchiveSearchData = " + json_for_script(head)[:-1] + ',"documents":[',
        ",\n".join(json_for_script(row) for row in rows),
        "]};",
    ]
    return "\n".join(lines) + "\n"


def _page_talk(talk: Mapping[str, Any]) -> Mapping[str, Any]:
    """A talk as the page embeds it: without the slides' text and headings, which only search uses."""
    slides = talk.get("slides")
    if not isinstance(slides, list) or not any(
        isinstance(s, Mapping) and not _SEARCH_ONLY_SLIDE_FIELDS.isdisjoint(s) for s in slides
    ):
        return talk
    lean = [
        {k: v for k, v in s.items() if k not in _SEARCH_ONLY_SLIDE_FIELDS} if isinstance(s, Mapping) else s
        for s in slides
    ]
    return {**talk, "slides": lean}


def _lists_element(lists: Mapping[str, Any] | None) -> str:
    """The reading lists' data element (``player_lists.page_lists``); nothing without lists, so that the
    page of an archive without them is the same as before they existed."""
    if not lists:
        return ""
    return f'<script type="application/json" id="collections">{json_for_script(lists)}</script>\n'


def render_player(
    index: Mapping[str, object], *, subtitles: Mapping[str, str] | None = None, search: SearchFile | None = None
) -> str:
    """The complete ``index.html`` for an ``index.json`` (version 1) mapping; deterministic.

    ``subtitles`` optionally maps subtitle paths (``subtitles[].path``) to their WebVTT text, to be
    inlined: browsers refuse ``<track src>`` files from ``file://`` pages (Chromium treats every file as
    its own origin), but accept the same text as a ``data:`` URL. Without it the tracks point at the
    files, which works when the archive is served over HTTP.

    ``search`` says that the search data file (``render_search_data``) has been written beside the page:
    the page then inlines MiniSearch and loads that file on first use of the search box. Without it the
    page searches titles, authors and conferences only. The slides' ``text`` and ``title`` are left out
    of the embedded talks either way: the page shows neither, and the data file has them.

    The index's reading lists (``collections``), if any, become pages of their own (``#list=N``): their
    data (``player_lists.page_lists``) and ``web/collections.js`` are inlined only then.
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
    lists = page_lists(index)
    # With search data: MiniSearch, then the page's search (fulltext.js); with reading lists, their pages
    # (collections.js); each its own hash-listed script.
    library = [_asset("minisearch.js"), _asset("fulltext.js")] if search else []
    library += [_asset("collections.js")] if lists else []
    policies = _csp(style, [script, *library], search)
    where = {"src": search.name, "integrity": search.integrity} if search else None
    metas = (f'<meta http-equiv="Content-Security-Policy" content="{html.escape(p)}">' for p in policies)
    values = {
        "policies": "\n".join(metas),
        "style": style,
        "library": "".join(f"<script>{code}</script>\n" for code in library),
        "script": script,
        "talks": json_for_script([_page_talk(t) for t in talks]),
        "subtitles": json_for_script(inline),
        "search_file": json_for_script(where),
        "collections": _lists_element(lists),
        "fallback": _fallback(talks, lists),
    }
    # One pass over the template only: a title holding "{{ script }}" is data, never a slot.
    return _SLOT.sub(lambda m: values[m.group(1)], _asset("player.html"))
