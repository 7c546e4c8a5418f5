"""The slide-timing plan: tables of known cases, then properties that hold for any input."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from confarchive.core.errors import ConfarchiveError
from confarchive.core.model import PlannedSlide
from confarchive.media.timing import plan_slides

FAST = settings(max_examples=200, deadline=None, database=None)


def P(index: int, start: int, end: int) -> PlannedSlide:
    return PlannedSlide(index, start, end)


@pytest.mark.parametrize(
    ("starts", "audio_ms", "expected"),
    [
        pytest.param([(1, 0)], 5000, [P(1, 0, 5000)], id="one slide lasts the whole audio"),
        pytest.param(
            [(1, 0), (2, 4217), (3, 9050)],
            12345,
            [P(1, 0, 4217), P(2, 4217, 9050), P(3, 9050, 12345)],
            id="millisecond starts are kept exactly",
        ),
        pytest.param([(1, 1500), (2, 4000)], 6000, [P(1, 0, 4000), P(2, 4000, 6000)], id="first slide shown from 0"),
        pytest.param(
            [(3, 9000), (1, 0), (2, 4000)],
            10000,
            [P(1, 0, 4000), P(2, 4000, 9000), P(3, 9000, 10000)],
            id="any input order",
        ),
        pytest.param(
            [(1, 0), (2, 4000), (3, 10000), (4, 12000)],
            10000,
            [P(1, 0, 4000), P(2, 4000, 10000)],
            id="slides at or after the end are dropped",
        ),
        pytest.param([(1, 0), (2, 9999)], 10000, [P(1, 0, 9999), P(2, 9999, 10000)], id="a slide 1 ms before the end"),
        pytest.param(
            [(1, 0), (2, 3000), (3, 3000), (4, 6000)],
            8000,
            [P(1, 0, 3000), P(3, 3000, 6000), P(4, 6000, 8000)],
            id="equal starts keep the last in source order",
        ),
        pytest.param(
            [(1, 0), (3, 3000), (2, 3000)],
            8000,
            [P(1, 0, 3000), P(2, 3000, 8000)],
            id="last in source order, not highest index",
        ),
        pytest.param(
            [(1, -500), (2, -1), (3, 2000)],
            5000,
            [P(2, 0, 2000), P(3, 2000, 5000)],
            id="negative times count as 0",
        ),
        pytest.param([(1, 0), (2, 0)], 1000, [P(2, 0, 1000)], id="two slides at 0"),
        pytest.param(
            [(1, 5000), (2, 5000), (3, 8000)],
            10000,
            [P(2, 0, 8000), P(3, 8000, 10000)],
            id="equal late first starts keep the last in source order",
        ),
        pytest.param([(7, 0)], 1, [P(7, 0, 1)], id="one millisecond of audio"),
    ],
)
def test_plan_table(starts: list[tuple[int, int]], audio_ms: int, expected: list[PlannedSlide]) -> None:
    assert plan_slides(starts, audio_ms) == tuple(expected)


def test_equal_starts_are_treated_the_same_wherever_they_fall() -> None:
    """Shifting the whole talk must not change which of two same-time slides survives."""
    at_zero = plan_slides([(1, 0), (2, 0), (3, 3000)], 10000)
    later = plan_slides([(1, 1000), (2, 1000), (3, 3000)], 10000)
    assert [p.index for p in at_zero] == [2, 3]
    assert [p.index for p in later] == [p.index for p in at_zero]


def test_empty_input_gives_empty_plan() -> None:
    assert plan_slides([], 5000) == ()


@pytest.mark.parametrize("audio_ms", [0, -1, -10000])
def test_no_audio_duration_is_an_error(audio_ms: int) -> None:
    with pytest.raises(ConfarchiveError):
        plan_slides([(1, 0)], audio_ms)


def test_no_audio_duration_is_an_error_even_without_slides() -> None:
    with pytest.raises(ConfarchiveError):
        plan_slides([], 0)


def test_accepts_any_sequence() -> None:
    assert plan_slides(((1, 0), (2, 10)), 20) == (P(1, 0, 10), P(2, 10, 20))


# -- properties -------------------------------------------------------------------------------------------

_starts = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=500),
        # a narrow range makes equal starts and slides past the end common
        st.integers(min_value=-20, max_value=60) | st.integers(min_value=-5000, max_value=200_000),
    ),
    max_size=40,
)
_audio = st.integers(min_value=1, max_value=50) | st.integers(min_value=1, max_value=200_000)


def _expected(starts: list[tuple[int, int]], audio_ms: int) -> list[PlannedSlide]:
    """An independent model of the documented rules, written as plainly as possible."""
    if not starts:
        return []
    effective = [max(0, t) for _, t in starts]
    first = min(effective)
    # The earliest start is moved to 0 (shown from the beginning); then equal starts collapse to
    # the last one in source order.
    moved = [0 if e == first else e for e in effective]
    winner: dict[int, int] = {}
    for (index, _), start in zip(starts, moved, strict=True):
        winner[start] = index  # later in source order overwrites
    kept = sorted((s, i) for s, i in winner.items() if s < audio_ms)
    ends = [s for s, _ in kept[1:]] + [audio_ms]
    return [P(i, s, e) for (s, i), e in zip(kept, ends, strict=True)]


@FAST
@given(_starts, _audio)
def test_plan_matches_the_rules(starts: list[tuple[int, int]], audio_ms: int) -> None:
    assert list(plan_slides(starts, audio_ms)) == _expected(starts, audio_ms)


@FAST
@given(_starts.filter(bool), _audio)
def test_plan_covers_the_audio_without_gaps(starts: list[tuple[int, int]], audio_ms: int) -> None:
    plan = plan_slides(starts, audio_ms)
    assert plan, "a non-empty input always shows at least one slide"
    assert plan[0].start_ms == 0
    assert plan[-1].end_ms == audio_ms
    for a, b in itertools.pairwise(plan):
        assert a.end_ms == b.start_ms
        assert a.start_ms < b.start_ms
    assert all(p.duration_ms > 0 for p in plan)
    assert sum(p.duration_ms for p in plan) == audio_ms


@FAST
@given(_starts.filter(bool), _audio)
def test_plan_uses_only_input_slides_at_their_own_times(starts: list[tuple[int, int]], audio_ms: int) -> None:
    plan = plan_slides(starts, audio_ms)
    pairs = {(i, max(0, t)) for i, t in starts}
    indices = {i for i, _ in starts}
    for n, slide in enumerate(plan):
        assert slide.index in indices
        if n > 0:  # every later slide starts exactly when the source says
            assert (slide.index, slide.start_ms) in pairs
            assert slide.start_ms < audio_ms


@FAST
@given(_starts.filter(bool), _audio)
def test_plan_drops_slides_starting_at_or_after_the_end(starts: list[tuple[int, int]], audio_ms: int) -> None:
    plan = plan_slides(starts, audio_ms)
    first = min(max(0, t) for _, t in starts)
    later_inside = {max(0, t) for _, t in starts if first < max(0, t) < audio_ms}
    assert {p.start_ms for p in plan[1:]} == later_inside


@FAST
@given(_starts.filter(bool), _audio)
def test_plan_keeps_the_last_of_equal_starts(starts: list[tuple[int, int]], audio_ms: int) -> None:
    plan = plan_slides(starts, audio_ms)
    first = min(max(0, t) for _, t in starts)
    last_at: dict[int, int] = {}
    for index, t in starts:
        last_at[max(0, t)] = index
    assert plan[0].index == last_at[first]
    for slide in plan[1:]:
        assert slide.index == last_at[slide.start_ms]


@FAST
@given(_starts.filter(bool), _audio)
def test_negative_times_are_the_same_as_zero(starts: list[tuple[int, int]], audio_ms: int) -> None:
    clamped = [(i, max(0, t)) for i, t in starts]
    assert plan_slides(starts, audio_ms) == plan_slides(clamped, audio_ms)


@FAST
@given(_starts, st.integers(max_value=0))
def test_non_positive_audio_always_raises(starts: list[tuple[int, int]], audio_ms: int) -> None:
    with pytest.raises(ConfarchiveError):
        plan_slides(starts, audio_ms)
