"""``archive --dry-run``: expand and resolve, and list what would be archived; download nothing.

Only the requests that reading pages and resolving need are made (pages, listings, the SlidesLive
embed page, player info and slide list); no slide, media or paper is fetched and nothing is written
to the archive folder.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TextIO

from ..core.errors import ConfarchiveError
from ..core.model import Talk, TalkRef
from ..sites.resolve import Resolver
from .selection import Selection


def dry_run(
    refs: Sequence[TalkRef], resolver: Resolver, selection: Selection, jobs: int, out: TextIO, log: logging.Logger
) -> int:
    """Print ``URL<TAB>title`` for each selected talk, in input order; returns the number of failures."""

    def expand(ref: TalkRef) -> tuple[list[TalkRef], list[TalkRef], str]:
        if selection.excluded_before_resolving(ref):
            return [], [], ""
        try:
            found = resolver.expand(ref)
        except ConfarchiveError as exc:
            return [], [], exc.one_line()
        return list(found.talks), list(found.listed), ""

    def resolve(ref: TalkRef) -> Talk | str:
        try:
            return resolver.resolve(ref)
        except ConfarchiveError as exc:
            return exc.one_line()

    failures = selected = 0
    queue = deque(refs)
    keys: set[object] = set()
    with ThreadPoolExecutor(max(1, jobs), thread_name_prefix="resolve") as pool:
        while queue and not selection.full(selected):  # a window at a time: --limit stops the requests too
            window = max(1, jobs if selection.limit is None else min(jobs, selection.limit - selected))
            batch = [queue.popleft() for _ in range(min(len(queue), window))]
            talks: list[TalkRef] = []
            for ref, (found, listed, error) in zip(batch, pool.map(expand, batch), strict=True):
                if error:
                    failures += 1
                    log.warning("would fail: %s: %s", ref.url, error)
                for talk in found:
                    if talk.key not in keys:
                        keys.add(talk.key)
                        talks.append(talk)
                queue.extendleft(reversed(listed))
            for ref, outcome in zip(talks, pool.map(resolve, talks), strict=True):
                if selection.full(selected):
                    break
                if isinstance(outcome, str):
                    failures += 1
                    log.warning("would fail: %s: %s", ref.url, outcome)
                elif selection.matches(ref.url, outcome.title):
                    selected += 1
                    out.write(f"{ref.url}\t{outcome.title}\n")
                    slides = f"{len(outcome.slides)} slides" if outcome.slides else "no slides"
                    log.info("would archive: %s (%s, %s)", outcome.title, slides, outcome.media.kind.value)
    log.info("dry run: %d talk(s) would be archived, %d would fail; nothing was downloaded", selected, failures)
    return failures
