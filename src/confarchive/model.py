"""The value types a site plugin uses, at the path plugins import them from: ``confarchive.model``.

They live in ``core/model.py``; this module only hands them on, so that a plugin written before the package
was laid out by job keeps working (tests/unit/test_public_names.py holds it to that).
"""

from .core.model import (
    Collection,
    Embed,
    Expansion,
    Media,
    MediaFile,
    MediaKind,
    Merged,
    PageMeta,
    PaperLink,
    PlannedSlide,
    Slide,
    SlideFile,
    Subtitle,
    SubtitleFile,
    Talk,
    TalkKey,
    TalkRef,
)

__all__ = [
    "Collection",
    "Embed",
    "Expansion",
    "Media",
    "MediaFile",
    "MediaKind",
    "Merged",
    "PageMeta",
    "PaperLink",
    "PlannedSlide",
    "Slide",
    "SlideFile",
    "Subtitle",
    "SubtitleFile",
    "Talk",
    "TalkKey",
    "TalkRef",
]
