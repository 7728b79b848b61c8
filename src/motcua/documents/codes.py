"""Public verification codes: 12 characters of Crockford's base 32, shown as XXXX-XXXX-XXXX.

Sixty random bits: codes cannot be guessed, and people can read them aloud or type them from
paper (no I, L, O or U; when typed, O is read as 0, I and L as 1, and spaces or dashes are ignored).
"""

from __future__ import annotations

import secrets

from .constants import CODE_ALPHABET, CODE_GROUP, CODE_LENGTH

_TYPING_MISTAKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _grouped(raw: str) -> str:
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, len(raw), CODE_GROUP))


def new_code() -> str:
    return _grouped("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)))


def normalise_code(typed: str) -> str | None:
    """The canonical form of a typed code, or None if it cannot be one."""
    raw = "".join(character for character in typed.upper() if character not in " -–.\t").translate(_TYPING_MISTAKES)
    if len(raw) != CODE_LENGTH or any(character not in CODE_ALPHABET for character in raw):
        return None
    return _grouped(raw)
