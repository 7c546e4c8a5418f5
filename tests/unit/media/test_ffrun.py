"""How the talk's media is handed to ffmpeg: the command line that ffmpeg-python builds."""

from __future__ import annotations

import ffmpeg
import pytest

from confarchive.media.ffrun import PACKETS_AHEAD, media_input


@pytest.mark.parametrize("path", ["/w/talk/media.m4a", "/w/talk/hls/index.m3u8", "/w/talk/video.mp4"])
def test_the_media_is_read_packets_ahead_of_the_muxer(path: str) -> None:
    """Read in a thread of its own beside the slides, the media must not wait for each packet the muxer
    takes (ffmpeg's default queue is 8 packets): its input asks for a queue of PACKETS_AHEAD."""
    args = ffmpeg.output(ffmpeg.input("/w/sequence/%06d.png")["v:0"], media_input(path)["a:0"], "/w/o.mp4").get_args()
    media_at = args.index(path)
    options = args[args.index("/w/sequence/%06d.png") + 1 : media_at - 1]  # this input's options only
    assert options[options.index("-thread_queue_size") + 1] == str(PACKETS_AHEAD)


def test_a_local_playlist_stays_confined_to_local_files() -> None:
    args = ffmpeg.output(media_input("/w/talk/hls/index.m3u8")["a:0"], "/w/o.mp4").get_args()
    before = args[: args.index("-i")]
    options = dict(zip(before[::2], before[1::2], strict=True))
    assert options == {
        "-f": "hls", "-allowed_extensions": "ALL", "-protocol_whitelist": "file",
        "-thread_queue_size": str(PACKETS_AHEAD),
    }  # fmt: skip
