"""Place operators: `in_province` and `in_commune` over addresses and administrative codes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _code(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) else None


def op_in_province(args, node, compiler):
    a, b = args
    lookup = compiler.commune_province

    def province_of(value):
        if isinstance(value, Mapping):
            province = _code(value.get("province_code"))
            if province:
                return province
            value = value.get("commune_code")
        code = _code(value)
        if code is None:
            return None
        if len(code) == 2:
            return code
        if len(code) == 5 and lookup is not None:
            try:
                return _code(lookup(code))
            except Exception:
                return None
        return None

    def op_in_province(ctx):
        province, wanted = province_of(a(ctx)), _code(b(ctx))
        if province is None or not wanted:
            return None
        return province == wanted
    return op_in_province


def op_in_commune(args, node, compiler):
    a, b = args

    def op_in_commune(ctx):
        value, wanted = a(ctx), _code(b(ctx))
        if isinstance(value, Mapping):
            value = value.get("commune_code")
        code = _code(value)
        if not code or len(code) != 5 or not wanted:
            return None
        return code == wanted
    return op_in_commune


BUILDERS = {"in_province": op_in_province, "in_commune": op_in_commune}
