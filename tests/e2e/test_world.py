"""The fixture world itself, where benchmarks depend on how it answers.

The benchmarks run the world in their own process, on the cores they measure: a request whose cost grows
with the number of talks made the 700-talk conference pay the world's bookkeeping 700 times a segment.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.world import TALKS, FixtureTalk, Request, World
from tests.world.catalog import YODA_HOST
from tests.world.slideslive import video_id

pytestmark = pytest.mark.e2e


class _Counting(World):
    """The world, noting every talk whose media or clip folder a request had to look at."""

    def __init__(self, cache_dir: Path) -> None:
        super().__init__(cache_dir, TALKS)
        self.looked_at: list[str] = []

    def media_path(self, talk: FixtureTalk) -> Path:
        self.looked_at.append(talk.pid)
        return super().media_path(talk)

    def clip_path(self, talk: FixtureTalk, n: int) -> Path:
        self.looked_at.append(f"{talk.pid}/{n}")
        return super().clip_path(talk, n)


def _get(world: World, path: str) -> int:
    answer = world.state.route(Request("GET", YODA_HOST, path, {}, {}))
    return answer.status if answer is not None else 404


def test_a_media_request_looks_at_the_talk_it_names_only(world: World) -> None:
    counting = _Counting(world.cache)  # the session world's cache: its media are made already
    hls = [t for t in TALKS if t.slideslive and t.media == "yoda" and t.has_video]
    clipped = next(t for t in TALKS if t.slideslive and t.video_slides)
    assert len(hls) > 3

    assert _get(counting, f"/{video_id(hls[0])}/master.m3u8") == 200
    assert _get(counting, f"/{video_id(hls[1])}/audio/seg_000.ts") == 200
    clip = clipped.video_slides[0][0]
    assert _get(counting, f"/{clipped.clip_id(clip)}/master.m3u8") == 200
    assert counting.looked_at == [hls[0].pid, hls[1].pid, f"{clipped.pid}/{clip}"]


def test_a_media_request_for_no_talk_is_a_404(world: World) -> None:
    counting = _Counting(world.cache)
    assert _get(counting, "/Y000000_fx/master.m3u8") == 404
    assert _get(counting, f"/{video_id(next(t for t in TALKS if t.media == 'yoda'))}/../../x.ts") == 404
    assert counting.looked_at == []
