"""yt-dlp's single-video extractors, filed by the hosts their patterns can match (``hostindex``).

Built once per process, and kept on disk between processes: building it means importing yt-dlp
(0.3 s) and reading ~1,150 patterns (0.35 s), where reading the kept copy takes a few milliseconds.
The copy is named after everything it was derived from (yt-dlp's version and extractor table, this
analysis's own source, the Python version), so an upgraded yt-dlp is indexed afresh; a copy that
cannot be read or written only costs the build. With it, a URL that no extractor can claim (the pages
and links of a conference's own site, nearly all of them) is answered without importing yt-dlp at all.

An extractor decides with ``suitable``. yt-dlp's default matches the URL against ``_VALID_URL``; about
twenty extractors add a test of their own, which all only refuse more (``False if OtherIE.suitable(url)
else super().suitable(url)``): ``_narrows`` checks that in their source, and such an extractor is filed
by its pattern too. One that decides otherwise is asked about every URL, as is one whose pattern the
analysis cannot bound.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import importlib.util
import inspect
import json
import os
import sys
import textwrap
import threading
from functools import cache
from pathlib import Path
from typing import Any

from .hostindex import HostIndex

_BUILDING = threading.Lock()  # two threads asking first: the second reads what the first kept on disk
_BASES = ("InfoExtractor", "LazyLoadExtractor")  # where yt-dlp's default ``suitable`` lives


class ExtractorTable:
    """The extractors' keys in yt-dlp's order and their host index; the classes are loaded (yt-dlp
    imported) only when a URL has a candidate."""

    def __init__(self, names: tuple[str, ...], index: HostIndex) -> None:
        self.names = names
        self.index = index

    def claim(self, url: str) -> tuple[str, str | None] | None:
        """The key of the first extractor that claims ``url`` (in yt-dlp's order) and the id it reads from
        it, or None."""
        positions = self.index.candidates(url)
        if not positions:
            return None
        extractors = _classes(self.names)
        for position in positions:
            ie = extractors[position]
            if ie.suitable(url):
                return str(ie.ie_key()), ie.get_temp_id(url)
        return None


@cache
def extractor_table() -> ExtractorTable:
    """This process's table: from the copy on disk when there is one, else built (and kept). Cached
    for the process: it describes the installed yt-dlp, which does not change while we run."""
    with _BUILDING:
        return _load() or _build_and_keep()


def single_video_extractors() -> tuple[Any, ...]:
    """yt-dlp's extractors that return one video, in its order, its generic extractor aside."""
    from yt_dlp.extractor import gen_extractor_classes

    return tuple(
        ie for ie in gen_extractor_classes() if ie.ie_key() != "Generic" and getattr(ie, "_RETURN_TYPE", "") == "video"
    )


def build(extractors: tuple[Any, ...]) -> ExtractorTable:
    return ExtractorTable(
        tuple(str(ie.ie_key()) for ie in extractors), HostIndex.build([_patterns(ie) for ie in extractors])
    )


@cache
def _classes(names: tuple[str, ...]) -> tuple[Any, ...]:
    """yt-dlp's extractor classes, imported on the first URL that has a candidate (once a process)."""
    classes = single_video_extractors()
    if tuple(str(ie.ie_key()) for ie in classes) != names:  # a kept table not of this yt-dlp
        raise RuntimeError("the kept extractor index does not match yt-dlp's extractors")
    return classes


def _patterns(ie: Any) -> tuple[str, ...] | None:
    """The patterns one of which ``ie`` needs to claim a URL (they decide, or its own ``suitable`` only
    narrows them), or None when only its own ``suitable`` can tell."""
    from yt_dlp.utils import variadic

    for cls in ie.__mro__:
        if cls.__name__ in _BASES:
            break
        if "_match_valid_url" in cls.__dict__:
            return None
        if "suitable" in cls.__dict__ and not _narrows(cls.__dict__["suitable"]):
            return None
    valid = ie._VALID_URL
    if valid is False:
        return ()  # yt-dlp's default: never suitable
    return tuple(variadic(valid)) if valid else None


def _narrows(method: Any) -> bool:
    """Whether a ``suitable`` of an extractor's own can only say yes when its pattern matches: every
    ``return`` gives a false constant, ``super().suitable(url)`` / ``cls._match_valid_url(url)``, or a
    conditional or ``and`` that cannot be true without one of those."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(getattr(method, "__func__", method))))
    except (OSError, TypeError, SyntaxError):
        return False
    returns = [node for node in ast.walk(tree) if isinstance(node, ast.Return)]
    return bool(returns) and all(node.value is not None and _implies_match(node.value) for node in returns)


def _implies_match(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return not node.value
    if isinstance(node, ast.IfExp):
        return _implies_match(node.body) and _implies_match(node.orelse)
    if isinstance(node, ast.BoolOp):
        parts = [_implies_match(v) for v in node.values]
        return any(parts) if isinstance(node.op, ast.And) else all(parts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        target = node.func.value
        is_super = isinstance(target, ast.Call) and isinstance(target.func, ast.Name) and target.func.id == "super"
        is_cls = isinstance(target, ast.Name) and target.id == "cls"
        return (is_super and node.func.attr == "suitable") or (
            (is_super or is_cls) and node.func.attr == "_match_valid_url"
        )
    return False


# -- the copy on disk -----------------------------------------------------------------------------------
def _cache_path() -> Path | None:
    """Where this yt-dlp's index is kept; None when yt-dlp is not installed."""
    spec = importlib.util.find_spec("yt_dlp")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    package = Path(next(iter(spec.submodule_search_locations)))
    parts = [sys.version.split()[0], importlib.metadata.version("yt-dlp")]
    for table in ("lazy_extractors.py", "_extractors.py"):
        try:
            info = (package / "extractor" / table).stat()
            parts.append(f"{table}:{info.st_size}:{info.st_mtime_ns}")
        except OSError:
            parts.append(f"{table}:-")
    here = Path(__file__).parent
    for own in ("extractors.py", "hostindex.py"):
        parts.append(hashlib.sha1((here / own).read_bytes()).hexdigest())
    digest = hashlib.sha1("\n".join(parts).encode()).hexdigest()[:16]
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(home) / "confarchive" / f"ytdlp-hosts-{digest}.json"


def _load() -> ExtractorTable | None:
    try:
        path = _cache_path()
        if path is None:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return ExtractorTable(tuple(data["names"]), HostIndex.from_json(data["index"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, importlib.metadata.PackageNotFoundError):
        return None


def _build_and_keep() -> ExtractorTable:
    table = build(single_video_extractors())
    try:
        path = _cache_path()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_text(json.dumps({"names": table.names, "index": table.index.to_json()}), encoding="utf-8")
            os.replace(tmp, path)
            for old in path.parent.glob("ytdlp-hosts-*.json"):
                if old != path:
                    old.unlink(missing_ok=True)
    except (OSError, importlib.metadata.PackageNotFoundError):
        pass  # not kept: the next process builds it again
    return table
