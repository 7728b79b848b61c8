"""Vietnamese-aware text normalisation, for search without diacritics."""

from __future__ import annotations

import unicodedata

# đ/Đ are letters of their own, not a d with a combining mark: NFD leaves them alone.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "D"})


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_SPECIAL))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def search_key(text: str) -> str:
    """Lower-case, diacritic-free, single-spaced form used for matching."""
    return " ".join(strip_diacritics(text).casefold().split())
