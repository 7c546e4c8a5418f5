"""Folder and file names from talk titles: safe on Linux, macOS and Windows, never outside the archive.

pathvalidate knows the platform rules (reserved names such as ``CON``, forbidden characters, trailing
dots); this module adds what it does not decide: readable replacements for separators, a byte budget
cut at a character boundary, no leading dot (``..`` or a hidden folder), NFC so a title gives the
same bytes on macOS and Linux.
"""

from __future__ import annotations

import unicodedata

from pathvalidate import sanitize_filename

MAX_NAME_BYTES = 150
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {f"{d}{n}" for d in ("COM", "LPT") for n in "123456789"}
_READABLE = str.maketrans({"/": "-", "\\": "-", "|": "-", ":": " -", "\t": " ", "\n": " ", "\r": " "})


def _truncate_utf8(text: str, max_bytes: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", "ignore")


def safe_name(title: str, max_bytes: int = MAX_NAME_BYTES, fallback: str = "Untitled") -> str:
    """A file-system-safe name for ``title``, at most ``max_bytes`` of UTF-8, never empty."""
    text = unicodedata.normalize("NFC", title).translate(_READABLE)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch == "\u200d")
    for _ in range(2):  # truncation can expose a reserved name or a trailing dot: sanitise again
        text = sanitize_filename(text, platform="universal", max_len=4 * max_bytes)
        text = " ".join(text.split()).lstrip(". ")
        text = _truncate_utf8(text, max_bytes).rstrip(". ")
    stem = text.split(".", 1)[0].rstrip(" ")
    if stem.upper() in _RESERVED:  # "CON .txt" is still the console on older Windows
        text = f"{stem}_{text[len(stem) :]}".replace(" .", ".", 1) if "." in text else f"{text}_"
    return text or fallback


def key_suffix(key: str) -> str:
    """``slideslive:38940002`` -> ``[slideslive-38940002]``, for titles that collide."""
    return f"[{safe_name(key.replace(':', '-'), 60)}]"


def with_suffix(base: str, key: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """``base`` shortened so that ``base [key]`` still fits in ``max_bytes``."""
    suffix = key_suffix(key)
    room = max_bytes - len(suffix.encode("utf-8")) - 1
    return f"{safe_name(base, room)} {suffix}"
