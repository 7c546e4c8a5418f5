"""Reading the list of talk URLs: blank lines, comments and duplicates allowed, garbage reported.

A line that is not an http(s) URL is reported with its line number and skipped; the run goes on
(docs/cli.md). Other schemes (``file:``, ``javascript:``) are refused here, before any request. What
each URL holds is only known when it is expanded (``sites/resolve.py``): nothing is decided from it here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from .model import TalkRef


@dataclass(frozen=True)
class Rejected:
    where: str
    text: str

    def message(self) -> str:
        shown = self.text if len(self.text) <= 120 else self.text[:117] + "..."
        return f"{self.where}: not an http(s) URL: {shown}"


def is_http_url(text: str) -> bool:
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(c.isspace() for c in text)


def read_refs(lines: Iterable[str], arguments: Sequence[str] = ()) -> tuple[list[TalkRef], list[Rejected]]:
    """Talk references from command-line arguments then list lines, first occurrence kept."""
    refs: list[TalkRef] = []
    rejected: list[Rejected] = []
    seen: set[str] = set()
    numbered = [(f"argument {i}", a) for i, a in enumerate(arguments, 1)]
    numbered += [(f"line {i}", line) for i, line in enumerate(lines, 1)]
    for where, raw in numbered:
        text = raw.strip().lstrip("\ufeff")
        if not text or text.startswith("#"):
            continue
        if not is_http_url(text):
            rejected.append(Rejected(where, text))
            continue
        if text in seen:
            continue
        seen.add(text)
        refs.append(TalkRef(text))
    return refs, rejected
