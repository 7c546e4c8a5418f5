"""``archive --dry-run``: resolve and list what would be archived, with titles; download nothing.

Only the requests resolving needs are made (the page, the SlidesLive embed page, player info and
slide list); no slide, media or paper is fetched and nothing is written to the archive folder.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TextIO

from .errors import ConfarchiveError
from .model import Talk, TalkRef
from .resolvers import Resolver
from .selection import Selection


def dry_run(
    refs: Sequence[TalkRef], resolver: Resolver, selection: Selection, jobs: int, out: TextIO, log: logging.Logger
) -> int:
    """Print ``URL<TAB>title`` for each selected talk, in input order; returns the number of failures."""

    def resolve(ref: TalkRef) -> Talk | str:
        if selection.excluded_before_resolving(ref):
            return ""
        try:
            return resolver.resolve(ref.url)
        except ConfarchiveError as exc:
            return exc.one_line()

    failures = selected = 0
    window = max(1, jobs)
    with ThreadPoolExecutor(window, thread_name_prefix="resolve") as pool:
        for start in range(0, len(refs), window):  # a window at a time: --limit stops the requests too
            if selection.full(selected):
                break
            batch = refs[start : start + window]
            for ref, outcome in zip(batch, pool.map(resolve, batch), strict=True):
                if selection.full(selected):
                    break
                failures, selected = _report(ref, outcome, selection, out, log, failures, selected)
    log.info("dry run: %d talk(s) would be archived, %d would fail; nothing was downloaded", selected, failures)
    return failures


def _report(
    ref: TalkRef, outcome: Talk | str, selection: Selection, out: TextIO, log: logging.Logger, failures: int,
    selected: int,
) -> tuple[int, int]:  # fmt: skip
    if isinstance(outcome, str):
        if outcome:
            log.warning("would fail: %s: %s", ref.url, outcome)
            return failures + 1, selected
        return failures, selected
    if not selection.matches(ref.url, outcome.title):
        return failures, selected
    slides = f"{len(outcome.slides)} slides" if outcome.slides else "no slides"
    out.write(f"{ref.url}\t{outcome.title}\n")
    log.info("would archive: %s (%s, %s)", outcome.title, slides, outcome.media.kind.value)
    return failures, selected + 1
