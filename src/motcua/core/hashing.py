"""Canonical JSON and hashing, for hash-chained logs and signed payloads."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8, non-ASCII kept: the same data always gives the same bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def chain_hash(prev_hash: str, value: Any) -> str:
    """sha256(prev_hash ‖ canonical_json(value)) as hex."""
    return sha256_hex(prev_hash.encode() + canonical_json(value))
