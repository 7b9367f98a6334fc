"""Masking an applicant's personal data for pages anyone can open.

The status lookup (``/tra-cuu/``) is reachable by whoever holds a dossier code — a
receipt left on a counter, a photo of its QR code. What it shows without a second
factor must not identify the applicant — agencies keep applicants' information
confidential (Decree 118/2025 Art. 27(3); Personal Data Protection Law 2025) — so
names, identifiers, phone numbers and addresses go through these functions first.

Every function is pure, never returns its whole input when the input has anything
to hide, and keeps a shape that does not depend on the hidden part's length: a mask
tells the reader "this is a three-word name", not how long each word is.
"""

from __future__ import annotations

import re
import unicodedata

from motcua.common.text import fold

STARS = "***"
# Address parts from which the rest of an address is the commune and province: the
# administrative-unit words Vietnamese addresses use (folded, without diacritics).
_UNIT_WORDS = (
    "xa ",
    "phuong ",
    "thi tran ",
    "dac khu ",
    "quan ",
    "huyen ",
    "thi xa ",
    "thanh pho ",
    "tp ",
    "tp.",
    "tinh ",
)
_SPACES = re.compile(r"\s+")


def _first_grapheme(word: str) -> str:
    """The word's first letter with its combining marks (a decomposed "Ễ" is an "E"
    followed by two marks: keeping only the "E" would change the letter)."""
    end = 1
    while end < len(word) and unicodedata.category(word[end]).startswith("M"):
        end += 1
    return word[:end]


def mask_name(name: str) -> str:
    """ "Nguyễn Văn An" → "N*** V*** A***": each word's first letter, then three stars
    whatever the word's length. Empty for an empty name."""
    words = unicodedata.normalize("NFC", name).split()
    return " ".join(_first_grapheme(word) + STARS for word in words)


def _tail_masked(value: str, keep: int) -> str:
    if len(value) <= keep + 3:
        # Too short to show a tail without showing most of it.
        return STARS
    return STARS + value[-keep:]


def mask_identifier(identifier: str) -> str:
    """A personal identifier or tax code: "001090001234" → "***234" (the last three
    characters, so the applicant recognises their own). Short values are fully hidden."""
    compact = re.sub(r"[\s.\-]", "", identifier)
    return _tail_masked(compact, 3) if compact else ""


def mask_phone(phone: str) -> str:
    """A phone number: "0912 345 678" → "***678". Short values are fully hidden."""
    digits = re.sub(r"\D", "", phone)
    return _tail_masked(digits, 3) if digits else ""


def mask_address(address: str) -> str:
    """Only the administrative-unit part: "Số 12 ngõ 5, Phường Kinh Bắc, Tỉnh Bắc Ninh"
    → "Phường Kinh Bắc, Tỉnh Bắc Ninh" — the trailing comma-separated parts that each
    name a unit (xã, phường, tỉnh…). House number, street and hamlet are dropped; an
    address without such a tail, or made of a single part (which may hold the house
    number too), is hidden entirely (an empty string)."""
    parts = [_SPACES.sub(" ", part).strip() for part in address.split(",")]
    parts = [part for part in parts if part]
    start = len(parts)
    while start > 0 and fold(parts[start - 1]).startswith(_UNIT_WORDS):
        start -= 1
    if len(parts) < 2 or start == len(parts):
        return ""
    return ", ".join(parts[start:])
