"""Reading the list of talk URLs: blank lines, comments and duplicates allowed, garbage reported.

A line that is not an http(s) URL is reported with its line number and skipped; the run goes on
(docs/cli.md). Other schemes (``file:``, ``javascript:``) are refused here, before any request. What
each URL holds is only known when it is expanded (``sites/resolve.py``): nothing is decided from it here.
The one exception: a command-line argument naming a local file (a reading list saved as text, markdown
or HTML) becomes its ``file:`` URL; no list line and no page can name a local file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
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


def argument_url(text: str) -> str:
    """A command-line argument as an input: a URL as given, a local file as its ``file:`` URL."""
    path = Path(text).expanduser()
    if not is_http_url(text) and path.is_file():
        return path.resolve().as_uri()
    return text


def read_refs(lines: Iterable[str], arguments: Sequence[str] = ()) -> tuple[list[TalkRef], list[Rejected]]:
    """Talk references from command-line arguments then list lines, first occurrence kept."""
    refs: list[TalkRef] = []
    rejected: list[Rejected] = []
    seen: set[str] = set()
    numbered = [(f"argument {i}", argument_url(a.strip()), True) for i, a in enumerate(arguments, 1)]
    numbered += [(f"line {i}", line, False) for i, line in enumerate(lines, 1)]
    for where, raw, argument in numbered:
        text = raw.strip().lstrip("\ufeff")
        if not text or text.startswith("#"):
            continue
        if not is_http_url(text) and not (argument and text.startswith("file:")):
            rejected.append(Rejected(where, text))
            continue
        if text in seen:
            continue
        seen.add(text)
        refs.append(TalkRef(text))
    return refs, rejected
