"""Downloads that resume and verify: files and slides, papers and subtitles, HLS segments in parallel, yt-dlp for
the sites it knows, video-slide clips.

May import ``core``, and ``media`` (ffmpeg, ffprobe, the slide track's frame rate).
"""
