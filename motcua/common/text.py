"""Vietnamese text helpers shared by search, parsing and sorting."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics ("Đăng ký" → "dang ky").

    "đ"/"Đ" is not a combining mark in Unicode, so it is mapped by hand; without it
    "đăng ký" would never match "dang ky".
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.lower()).strip()
