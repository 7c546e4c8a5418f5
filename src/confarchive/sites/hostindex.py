"""Which hosts a URL pattern can match: yt-dlp's extractors indexed by host, so that a URL is offered
only to the extractors that could claim it.

yt-dlp decides whether an extractor takes a URL by ``re.match(_VALID_URL, url)``. Asking each of its
~1,150 single-video extractors costs 0.8 s per process to compile their patterns, then ~3.5 ms per URL
(issue 23). Nearly every pattern names its hosts (``https?://(?:www\\.)?vimeo\\.com/...``), so the index
reads each pattern once (``re._parser``, the parser ``re.compile`` uses) and keeps, per extractor, the
hosts its pattern can match: exact hosts, or host suffixes when a part of the host is free
(``(?:[^/]+\\.)?vimeo\\.com`` can match any ``*.vimeo.com``). A URL is then asked of the extractors
filed under its host or one of its suffixes, plus every extractor whose pattern could not be read that
way, in yt-dlp's own order: the first that claims it wins, as before.

Sound by construction rather than by a list: whatever the analysis does not understand (a wildcard
that can cross a ``/``, a pattern that ends inside the host, a userinfo, a backreference) makes the
pattern unindexable, and such an extractor is asked about every URL, as before. Zero-width assertions
are ignored, which can only add candidates. A URL whose authority is not a plain host (a userinfo, a
non-numeric port, non-ASCII) is asked of every extractor.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from re import _constants as C
from re import _parser
from typing import Any

_SCHEMES = ("http://", "https://")
_HOST_ENDS = "/?#:"  # the host part of an authority ends at any of these
_MAX_STATES = 4096  # beyond this many alternatives a pattern is not worth indexing
_PIECES = re.compile(r"[/?#:]")


class Unindexable(Exception):
    """The pattern's hosts cannot be told (soundly) from its text: ask it about every URL."""


# A state of the walk: ("pre", i, pos) while matching the scheme ``_SCHEMES[i]`` (every URL asked about
# starts with one of them, so the scheme is simulated exactly); ("host", free, text) inside the host,
# ``free`` when an unknown run precedes ``text``; ("done", key) once the host has ended.
_State = tuple[object, ...]


def pattern_hosts(pattern: str) -> frozenset[str]:
    """The keys (lower case) one of which every http(s) URL matched by ``pattern`` yields in ``url_keys``,
    or Unindexable; empty when no http(s) URL can match (``anvato:...``)."""
    try:
        parsed = _parser.parse(pattern)
    except (re.error, RecursionError) as exc:
        raise Unindexable(f"cannot parse: {exc}") from exc
    states = _walk(list(parsed), {("pre", i, 0) for i in range(len(_SCHEMES))})
    keys: set[str] = set()
    for state in states:
        if state[0] != "done":
            raise Unindexable("the pattern can end before its host does")
        keys.add(str(state[1]))
    return frozenset(keys)


def url_keys(url: str) -> list[str] | None:
    """What the index is searched by: after the scheme, the URL is cut at every ``/ ? # :``, and each
    piece gives its dot-separated suffixes (``a.b.c``: ``a.b.c``, ``b.c``, ``c``). The first piece is the
    host; the others are there because a pattern's free part may run past a ``/`` before naming its
    host's last labels (``https?://.+?\\.ign\\.com/``). None when ``url`` is not http(s): ask them all."""
    lowered = url.lower()
    scheme = next((s for s in _SCHEMES if lowered.startswith(s)), None)
    if scheme is None:
        return None
    keys: set[str] = set()
    for piece in _PIECES.split(lowered[len(scheme) :]):
        labels = piece.split(".")
        keys.update(".".join(labels[i:]) for i in range(len(labels)))
    return sorted(keys)


# -- the walk -------------------------------------------------------------------------------------------
def _walk(items: Sequence[tuple[object, object]], states: set[_State]) -> set[_State]:
    for op, av in items:
        live = {s for s in states if s[0] != "done"}
        if not live:
            return states
        states = (states - live) | _step(op, av, live)
        if len(states) > _MAX_STATES:
            raise Unindexable("too many alternatives")
    return states


def _step(op: object, av: object, states: set[_State]) -> set[_State]:
    pred = _single(op, av)
    scheme = {s for s in states if s[0] == "pre"}
    host = states - scheme
    out = {t for s in scheme if (t := _scheme_char(s, pred)) is not None} if pred is not None else set()
    if scheme and pred is None and op not in _STRUCTURE:
        raise Unindexable(f"{op} in the scheme")
    if op is C.LITERAL:
        return out | {t for s in host if (t := _char(s, chr(av))) is not None}  # type: ignore[arg-type]
    if op is C.IN:
        chars = _finite(av)  # type: ignore[arg-type]
        if chars is not None:
            return out | {t for s in host for c in chars if (t := _char(s, c)) is not None}
        return out | {_wild(s) for s in host}
    if op in (C.NOT_LITERAL, C.ANY, C.GROUPREF):
        return out | {_wild(s) for s in host}
    if op is C.SUBPATTERN:
        return _walk(list(av[-1]), states)  # type: ignore[index]
    if op is C.ATOMIC_GROUP:
        return _walk(list(av), states)  # type: ignore[arg-type]
    if op is C.BRANCH:
        return {t for branch in av[1] for t in _walk(list(branch), set(states))}  # type: ignore[index]
    if op is C.GROUPREF_EXISTS:
        _, yes, no = av  # type: ignore[misc]
        return _walk(list(yes), set(states)) | (_walk(list(no), set(states)) if no is not None else set(states))
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        return _repeat(av, states)  # type: ignore[arg-type]
    if op is C.AT:
        if av not in (C.AT_END, C.AT_END_STRING):
            return states
        return {("done", _key(bool(s[1]), str(s[2]))) for s in host}  # a URL never ends inside its scheme
    if op in (C.ASSERT, C.ASSERT_NOT):
        return states  # zero width: ignoring it can only let more URLs through, never fewer
    raise Unindexable(f"unexpected {op}")


_STRUCTURE = (C.SUBPATTERN, C.ATOMIC_GROUP, C.BRANCH, C.GROUPREF_EXISTS, C.MAX_REPEAT, C.MIN_REPEAT,
              C.POSSESSIVE_REPEAT, C.AT, C.ASSERT, C.ASSERT_NOT)  # fmt: skip


def _repeat(av: tuple[int, int, object], states: set[_State]) -> set[_State]:
    low, high, item = av
    body = list(item)  # type: ignore[call-overload]
    scheme = {s for s in states if s[0] == "pre"}
    if high is not C.MAXREPEAT and high <= 2:
        out = set(states) if low == 0 else set()
        current = states
        for n in range(1, high + 1):
            current = _walk(body, set(current))
            if n >= low:
                out |= current
        return out
    out = set()
    if scheme:
        pred = _single(*body[0]) if len(body) == 1 else None
        if pred is None:
            raise Unindexable("a repeated group in the scheme")
        out = {t for s in scheme for t in _scheme_run(s, pred, low, high)}
    host = states - scheme
    if not host:
        return out
    once = _walk(body, set(host))
    if all(s[0] == "done" for s in once):  # the body ends the host (``(?:/[^/]+)*``): one turn says all
        return out | once | (host if low == 0 else set())
    return out | {_wild(s) for s in host}


def _scheme_char(state: _State, pred: Callable[[str], bool]) -> _State | None:
    """``state`` after one character matched by ``pred`` in the scheme; None when the scheme has another."""
    _, i, pos = state
    scheme = _SCHEMES[int(i)]  # type: ignore[call-overload]
    if not pred(scheme[int(pos)]):  # type: ignore[call-overload]
        return None
    return ("host", False, "") if int(pos) + 1 == len(scheme) else ("pre", i, int(pos) + 1)  # type: ignore[call-overload]


def _scheme_run(state: _State, pred: Callable[[str], bool], low: int, high: int) -> set[_State]:
    """``state`` after ``low`` to ``high`` characters matched by ``pred``; a run that reaches the end of
    the scheme may go on into the host."""
    _, i, pos = state
    scheme = _SCHEMES[int(i)]  # type: ignore[call-overload]
    run = 0
    while int(pos) + run < len(scheme) and pred(scheme[int(pos) + run]):  # type: ignore[call-overload]
        run += 1
    out: set[_State] = set()
    for k in range(low, min(high, run) + 1):
        at = int(pos) + k  # type: ignore[call-overload]
        out.add(("host", False, "") if at == len(scheme) else ("pre", i, at))
    if int(pos) + run == len(scheme) and high > run:  # type: ignore[call-overload]
        out.add(("host", True, ""))
    return out


def _single(op: object, av: object) -> Callable[[str], bool] | None:
    """What one character an item matches, case aside (so it may say yes too often, never too rarely);
    None for anything that is not one character."""
    if op is C.LITERAL:
        return lambda ch: ch.lower() == chr(av).lower()  # type: ignore[arg-type]
    if op is C.IN:
        return lambda ch: _in_matches(av, ch) or _in_matches(av, ch.upper())  # type: ignore[arg-type]
    if op is C.NOT_LITERAL:
        return lambda ch: ch != chr(av)  # type: ignore[arg-type]
    if op is C.ANY:
        return lambda ch: ch != "\n"
    return None


def _char(state: _State, c: str) -> _State | None:
    """A host ``state`` after the literal ``c``."""
    c = c.lower()
    _, free, text = state
    if c in _HOST_ENDS:
        return ("done", _key(bool(free), str(text)))
    return ("host", free, f"{text}{c}")


def _wild(state: _State) -> _State:
    """A host ``state`` after a run of unknown characters. The run may hold anything, a ``/`` too:
    ``url_keys`` cuts every piece of a URL, not only its host."""
    return ("host", True, "")


def _key(free: bool, text: str) -> str:
    """The exact host, or, after a free part, the whole labels of what follows it."""
    if not free:
        if not text:
            raise Unindexable("an empty host")
        return text
    suffix = text[1:] if text.startswith(".") else text.partition(".")[2]
    if not suffix:
        raise Unindexable("no whole label after a free part of the host")
    return suffix


# -- character sets -------------------------------------------------------------------------------------
_FINITE_LIMIT = 12


def _finite(items: Sequence[tuple[object, object]]) -> list[str] | None:
    """The characters of a small positive set (``[sS]``, ``[a-c]``), else None."""
    chars: list[str] = []
    for op, av in items:
        if op is C.LITERAL:
            chars.append(chr(av))  # type: ignore[arg-type]
        elif op is C.RANGE and av[1] - av[0] < _FINITE_LIMIT:  # type: ignore[index, operator]
            chars += [chr(n) for n in range(av[0], av[1] + 1)]  # type: ignore[index]
        else:
            return None
    return chars if len(chars) <= _FINITE_LIMIT else None


_CATEGORIES = {
    C.CATEGORY_DIGIT: str.isdigit,
    C.CATEGORY_NOT_DIGIT: lambda c: not c.isdigit(),
    C.CATEGORY_SPACE: str.isspace,
    C.CATEGORY_NOT_SPACE: lambda c: not c.isspace(),
    C.CATEGORY_WORD: lambda c: c.isalnum() or c == "_",
    C.CATEGORY_NOT_WORD: lambda c: not (c.isalnum() or c == "_"),
}


def _in_matches(items: Sequence[tuple[object, object]], c: str) -> bool:
    """Whether the set ``[...]`` can match ``c`` (case aside: only punctuation is asked)."""
    negate = False
    hit = False
    for op, av in items:
        if op is C.NEGATE:
            negate = True
        elif op is C.LITERAL:
            hit |= chr(av) == c  # type: ignore[arg-type]
        elif op is C.RANGE:
            hit |= av[0] <= ord(c) <= av[1]  # type: ignore[index, operator]
        elif op is C.CATEGORY:
            test = _CATEGORIES.get(av)  # type: ignore[call-overload]
            hit |= test(c) if test is not None else True
        else:
            return True  # something else: assume the worst
    return hit != negate


# -- the index ------------------------------------------------------------------------------------------
class HostIndex:
    """Positions (an extractor each, in order) filed by host key. ``always``: positions considered for every
    URL, each with its patterns when it has some: one of them must match (``re.match``, the test yt-dlp's
    ``suitable`` makes, or narrows) before the extractor itself is asked; None: always asked. Plain data:
    it can be kept on disk."""

    def __init__(
        self, size: int, by_key: dict[str, tuple[int, ...]], always: dict[int, tuple[str, ...] | None]
    ) -> None:
        self.size = size
        self._by_key = by_key
        self.always = always

    @classmethod
    def build(cls, patterns: Sequence[Sequence[str] | None]) -> HostIndex:
        """``patterns[i]``: what extractor ``i`` needs to claim a URL (one of them must match), or None when
        only its own ``suitable`` can tell."""
        by_key: dict[str, list[int]] = {}
        always: dict[int, tuple[str, ...] | None] = {}
        for position, item in enumerate(patterns):
            try:
                if item is None:
                    raise Unindexable("no pattern of its own")
                keys = {k for pattern in item for k in pattern_hosts(pattern)}
                if any("." not in k for k in keys):  # filed under "com", it would be asked about half the web
                    raise Unindexable("a key of one label")
            except Unindexable:
                always[position] = tuple(item) if item is not None else None
                continue
            for key in keys:
                by_key.setdefault(key, []).append(position)
        return cls(len(patterns), {k: tuple(v) for k, v in by_key.items()}, always)

    def to_json(self) -> dict[str, object]:
        always = {str(p): list(v) if v is not None else None for p, v in self.always.items()}
        return {"size": self.size, "by_key": {k: list(v) for k, v in self._by_key.items()}, "always": always}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HostIndex:
        always = {int(p): tuple(v) if v is not None else None for p, v in data["always"].items()}
        return cls(int(data["size"]), {str(k): tuple(v) for k, v in data["by_key"].items()}, always)

    def candidates(self, url: str) -> list[int]:
        """The positions to ask about ``url``, in order: those filed under one of its keys (``url_keys``)
        and those always asked, less the ones whose patterns already say no; every position when ``url``
        is not http(s)."""
        keys = url_keys(url)
        if keys is None:
            return list(range(self.size))
        found = {p for key in keys for p in self._by_key.get(key, ())}
        for position, patterns in self.always.items():
            if patterns is None or any(re.match(pattern, url) for pattern in patterns):
                found.add(position)
        return sorted(found)
