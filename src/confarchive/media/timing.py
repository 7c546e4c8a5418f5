"""The slide-timing plan: which slide is on screen when, in whole milliseconds.

Every other tool rounded slide times to seconds and guessed the last slide's length; here the plan
comes from the millisecond ``time`` of the source and the probed length of the audio. A pure
function, so it can be checked for any input (see the property tests).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core.errors import ConfarchiveError
from ..core.model import PlannedSlide


def plan_slides(starts_ms: Sequence[tuple[int, int]], audio_ms: int) -> tuple[PlannedSlide, ...]:
    """Plan ``(index, start_ms)`` pairs (any order) against an audio of ``audio_ms``.

    Rules: the first slide is shown from 0 even when it starts later; each slide lasts until the
    next one starts; the last lasts until the audio ends. Negative times count as 0. Of slides
    sharing a start, the last in source order wins (the others would be on screen for 0 ms). Slides
    starting at or after the end of the audio are never seen and are left out.
    """
    if audio_ms <= 0:
        raise ConfarchiveError("cannot place slides on media without duration")
    if not starts_ms:
        return ()
    ordered = sorted(((max(0, t), i, pos) for pos, (i, t) in enumerate(starts_ms)), key=lambda x: (x[0], x[2]))
    kept: list[tuple[int, int]] = []  # (source start, index)
    for start, index, _ in ordered:
        if kept and start == kept[-1][0]:
            kept[-1] = (start, index)  # same start: the later one is what the viewer sees
        elif not kept or start < audio_ms:
            kept.append((start, index))
        else:
            break
    kept[0] = (0, kept[0][1])  # the first slide is shown from the beginning
    ends = [start for start, _ in kept[1:]] + [audio_ms]
    return tuple(PlannedSlide(index, start, end) for (start, index), end in zip(kept, ends, strict=True))
