"""The ``setpts`` expression that gives frame i of the slides' image sequence its start in ms.

Evaluated here by translating ffmpeg's ``if(c,a,b)`` / ``lt(a,b)`` into Python, for any track: it must
give every frame's start exactly, stay shallow (log2 of the runs) and grow with the number of
slides, not with the number of clip frames.
"""

from __future__ import annotations

import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from confarchive.media.slidetrack import Entry, frame_starts, pts_expression, runs


def evaluate(expression: str, pts: int) -> int:
    python = re.sub(r"\bif\(", "IF(", expression).replace("lt(", "LT(")
    return eval(python, {"IF": lambda c, a, b: a if c else b, "LT": lambda a, b: a < b, "PTS": pts})


def track_of(starts: list[int], end: int) -> list[Entry]:
    bounds = [*starts[1:], end]
    return [Entry(f"/s/{n}.png", s, e) for n, (s, e) in enumerate(zip(starts, bounds, strict=True))]


@st.composite
def tracks(draw: st.DrawFn) -> list[Entry]:
    """Stills at random gaps, with clips (frames 100 ms apart) here and there."""
    starts, t = [], 0
    for _ in range(draw(st.integers(1, 60))):
        if draw(st.booleans()) and draw(st.booleans()):
            count = draw(st.integers(2, 40))
            starts += [t + 100 * k for k in range(count)]
            t += 100 * count + draw(st.integers(0, 5000))
        else:
            starts.append(t)
            t += draw(st.integers(1, 120_000))
    return track_of(starts, t + draw(st.integers(1, 10_000)))


@settings(deadline=None)  # evaluating a 1,000-frame expression takes a while on a loaded machine
@given(tracks())
def test_every_frame_gets_its_start(track: list[Entry]) -> None:
    expression = pts_expression(track)
    assert [evaluate(expression, i) for i in range(len(track) + 1)] == frame_starts(track)


@settings(deadline=None)
@given(tracks())
def test_runs_cover_the_frames_once_in_order(track: list[Entry]) -> None:
    found = runs(frame_starts(track))
    assert found[0].first == 0
    assert all(a.first + a.count == b.first for a, b in itertools.pairwise(found))
    assert found[-1].first + found[-1].count == len(track) + 1


def test_a_clip_is_one_run() -> None:
    starts = [0, 5_000, *range(9_000, 9_000 + 100 * 600, 100), 80_000]
    found = runs(frame_starts(track_of(starts, 90_000)))
    assert [(r.first, r.count) for r in found] == [(0, 2), (2, 600), (602, 2)]


def test_expression_is_shallow_and_short() -> None:
    track = track_of([i * 7_001 for i in range(1_000)], 1_000 * 7_001 + 5)
    expression = pts_expression(track)
    depth = nesting = 0
    for char in expression:
        nesting += {"(": 1, ")": -1}.get(char, 0)
        depth = max(depth, nesting)
    assert depth <= 11 + 2  # ifs about log2(1001 frames / 2 per run) deep, then lt( or a leaf's (PTS-n)
    assert len(expression) < 40 * 1_000
