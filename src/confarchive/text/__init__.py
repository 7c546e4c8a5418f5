"""The text of talks: OCR of the slides (``ocr``), what a slide says (``slidetext``), the full-text search index
and its queries (``search``), speech to text (``whisper``: the model; ``transcribe``: words and times;
``captions``: cues and the WebVTT file).

May import ``core`` only.
"""
