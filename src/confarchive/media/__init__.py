"""Media with ffmpeg: running ffmpeg and ffprobe (``ffrun``, ``probe``), the slide timing plan and track (``timing``,
``slidetrack``), the merge into one MP4 (``merge``), the slides PDF and its text layer (``slidespdf``, ``pdftext``),
a subtitle track added to a merged MP4 (``subtitles``).

May import ``core``, and ``text`` for the words that the text layer places.
"""
