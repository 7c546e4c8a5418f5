"""``--match REGEX`` and ``--limit N``: try a few talks before archiving 600.

A talk is selected when the pattern matches its URL or its title. The title may be known before any
request (from a listing page) or only after resolving; a talk whose listed title and URL both fail
to match is skipped without a request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.errors import UsageError
from ..core.model import TalkRef


@dataclass(frozen=True)
class Selection:
    pattern: re.Pattern[str] | None = None
    limit: int | None = None

    @classmethod
    def parse(cls, match: str | None, limit: int | None) -> Selection:
        if limit is not None and limit < 1:
            raise UsageError("--limit must be at least 1")
        try:
            return cls(re.compile(match, re.IGNORECASE) if match else None, limit)
        except re.error as exc:
            raise UsageError(f"--match is not a valid regular expression: {exc}") from exc

    def matches(self, url: str, title: str | None) -> bool:
        if self.pattern is None:
            return True
        return bool(self.pattern.search(url) or (title and self.pattern.search(title)))

    def excluded_before_resolving(self, ref: TalkRef) -> bool:
        """Known not to match without any request: its URL does not, and neither does its listed title."""
        return self.pattern is not None and ref.title is not None and not self.matches(ref.url, ref.title)

    def full(self, selected: int) -> bool:
        return self.limit is not None and selected >= self.limit
