"""The text of talks: OCR of the slides (``ocr``), what a slide says (``slidetext``), the full-text search index
and its queries (``search``).

May import ``core`` only.
"""
