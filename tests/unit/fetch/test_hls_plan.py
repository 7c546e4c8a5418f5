"""The fast HLS path's pure steps on playlist texts: which rendition, what to fetch, the local playlist."""

from __future__ import annotations

import m3u8
import pytest

from confarchive.fetch.hls import Piece, Rendition, Unsupported, choose, parse, plan_track

BASE = "https://cdn.example.org/talk/"

YODA = """#EXTM3U
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="English",DEFAULT=YES,AUTOSELECT=YES,URI="audio/index.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=180000,RESOLUTION=320x180,CODECS="avc1.64000d,mp4a.40.2",AUDIO="audio"
video/index.m3u8
"""

LADDER = """#EXTM3U
#EXT-X-STREAM-INF:BANDWIDTH=2000000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2"
720p.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=320x180,CODECS="avc1.64000d"
180p-silent.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=700000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2"
360p.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=5000000,RESOLUTION=1920x1080,CODECS="avc1.640028,mp4a.40.2"
https://other.example.org/1080p.m3u8?token=abc
"""

GROUPS = """#EXTM3U
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="lo",NAME="en",DEFAULT=YES,AUTOSELECT=YES,URI="lo/en.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="hi",NAME="de",DEFAULT=NO,AUTOSELECT=YES,URI="hi/de.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="hi",NAME="en",DEFAULT=YES,AUTOSELECT=YES,URI="hi/en.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=400000,CODECS="avc1.64000d,mp4a.40.2",AUDIO="lo"
lo.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=3000000,CODECS="avc1.640028,mp4a.40.2",AUDIO="hi"
hi.m3u8
"""

MUXED = """#EXTM3U
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="main",DEFAULT=YES,AUTOSELECT=YES
#EXT-X-STREAM-INF:BANDWIDTH=900000,CODECS="avc1.64001e,mp4a.40.2",AUDIO="aac"
muxed.m3u8
"""


def _choose(text: str, want_video: bool, url: str = BASE + "master.m3u8") -> Rendition:
    return choose(parse(text, url), url, want_video=want_video)


def test_audio_only_takes_the_default_audio_rendition() -> None:
    assert _choose(YODA, False) == Rendition(BASE + "audio/index.m3u8")


def test_video_takes_the_variant_and_its_separate_audio() -> None:
    assert _choose(YODA, True) == Rendition(BASE + "video/index.m3u8", BASE + "audio/index.m3u8")


def test_audio_only_without_audio_renditions_takes_the_lowest_bandwidth_variant_with_audio() -> None:
    assert _choose(LADDER, False) == Rendition(BASE + "360p.m3u8")  # 180p-silent has no audio codec


def test_video_takes_the_highest_bandwidth_variant_wherever_it_lives() -> None:
    assert _choose(LADDER, True) == Rendition("https://other.example.org/1080p.m3u8?token=abc")


def test_among_audio_groups_the_default_of_the_best_variants_group_wins() -> None:
    assert _choose(GROUPS, False) == Rendition(BASE + "hi/en.m3u8")
    assert _choose(GROUPS, True) == Rendition(BASE + "hi.m3u8", BASE + "hi/en.m3u8")


def test_an_audio_rendition_without_uri_is_muxed_in_the_variant() -> None:
    assert _choose(MUXED, True) == Rendition(BASE + "muxed.m3u8")
    assert _choose(MUXED, False) == Rendition(BASE + "muxed.m3u8")


def test_no_variant_with_audio_is_unsupported_for_audio_only() -> None:
    silent = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,CODECS="avc1.64000d"\nv.m3u8\n'
    with pytest.raises(Unsupported, match="no variant with audio"):
        _choose(silent, False)
    assert _choose(silent, True) == Rendition(BASE + "v.m3u8")


TS = """#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:4
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-KEY:METHOD=NONE
#EXTINF:4.0,
seg_000.ts?sig=1
#EXTINF:4.0,
seg_001.ts?sig=2
#EXT-X-DISCONTINUITY
#EXTINF:2.5,
/abs/other.ts
#EXT-X-ENDLIST
"""


def test_segments_resolve_against_the_playlists_own_url_and_become_local_files() -> None:
    track = plan_track(TS, BASE + "audio/index.m3u8?token=xyz")
    assert [p.url for p in track.pieces] == [
        BASE + "audio/seg_000.ts?sig=1",
        BASE + "audio/seg_001.ts?sig=2",
        "https://cdn.example.org/abs/other.ts",
    ]
    assert [p.name for p in track.pieces] == ["seg-00001.ts", "seg-00002.ts", "seg-00003.ts"]
    assert track.duration_s == pytest.approx(10.5)
    local = m3u8.loads(track.local_playlist)
    assert [s.uri for s in local.segments] == ["seg-00001.ts", "seg-00002.ts", "seg-00003.ts"]
    assert [s.discontinuity for s in local.segments] == [False, False, True]
    assert local.is_endlist and "#EXT-X-KEY" not in track.local_playlist


SINGLE = """#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:2
#EXT-X-MAP:URI="media.mp4",BYTERANGE="765@0"
#EXTINF:2.0,
#EXT-X-BYTERANGE:1000@765
media.mp4
#EXTINF:2.0,
#EXT-X-BYTERANGE:500
media.mp4
#EXTINF:1.0,
#EXT-X-BYTERANGE:10@9000
media.mp4
#EXT-X-ENDLIST
"""


def test_byte_ranges_become_one_file_each_with_implicit_offsets_followed() -> None:
    track = plan_track(SINGLE, BASE + "index.m3u8")
    url = BASE + "media.mp4"
    assert track.pieces == (
        Piece(url, (0, 764), "init-1.mp4"),
        Piece(url, (765, 1764), "seg-00001.mp4"),
        Piece(url, (1765, 2264), "seg-00002.mp4"),
        Piece(url, (9000, 9009), "seg-00003.mp4"),
    )
    assert "BYTERANGE" not in track.local_playlist
    local = m3u8.loads(track.local_playlist)
    assert local.segments[0].init_section.uri == "init-1.mp4"
    assert track.local_playlist.count("#EXT-X-MAP") == 1


def test_fmp4_with_two_init_sections_keeps_both() -> None:
    text = (
        '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MAP:URI="a/init.mp4"\n#EXTINF:2,\na/1.m4s\n#EXT-X-DISCONTINUITY\n'
        '#EXT-X-MAP:URI="b/init.mp4"\n#EXTINF:2,\nb/1.m4s\n#EXT-X-ENDLIST\n'
    )
    track = plan_track(text, BASE + "index.m3u8")
    assert [p.name for p in track.pieces] == ["init-1.mp4", "seg-00001.m4s", "init-2.mp4", "seg-00002.m4s"]
    local = m3u8.loads(track.local_playlist)
    assert [s.init_section.uri for s in local.segments] == ["init-1.mp4", "init-2.mp4"]


def test_a_range_without_offset_and_no_previous_range_is_unsupported() -> None:
    text = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n#EXT-X-BYTERANGE:100\nx.ts\n#EXT-X-ENDLIST\n"
    with pytest.raises(Unsupported, match="without an offset"):
        plan_track(text, BASE + "index.m3u8")


@pytest.mark.parametrize(
    ("text", "url", "reason"),
    [
        (TS.replace("METHOD=NONE", 'METHOD=AES-128,URI="k"'), BASE + "i.m3u8", "encrypted .*AES-128"),
        (TS.replace("METHOD=NONE", 'METHOD=SAMPLE-AES,URI="k"'), BASE + "i.m3u8", "encrypted .*SAMPLE-AES"),
        (TS.replace("#EXT-X-ENDLIST\n", ""), BASE + "i.m3u8", "live or event"),
        (TS.replace("VOD", "EVENT").replace("#EXT-X-ENDLIST\n", ""), BASE + "i.m3u8", "live or event"),
        ('<?xml version="1.0"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011"></MPD>', BASE + "x", "DASH"),
        ("#EXTM3U\n", BASE + "manifest.mpd", "DASH"),
        ("<html><body>login</body></html>", BASE + "i.m3u8", "not an HLS playlist"),
        ("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-ENDLIST\n", BASE + "i.m3u8", "empty"),
        (YODA, BASE + "i.m3u8", "master playlist where a media playlist"),
    ],
)
def test_what_the_fast_path_refuses_names_the_reason(text: str, url: str, reason: str) -> None:
    with pytest.raises(Unsupported, match=reason):
        plan_track(text, url)


def test_a_finished_event_playlist_is_fine() -> None:
    assert len(plan_track(TS.replace("VOD", "EVENT"), BASE + "i.m3u8").pieces) == 3
